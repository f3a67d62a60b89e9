"""Which corpus a command works on: ``--corpus``, then ``$CORPUS_PATH``, then a ``corpus.yaml`` in the
working folder or a parent, then the seeds that ship with the tool.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from corpus_cli.errors import CorpusError
from corpus_cli.source.config import CONFIG_NAME, Corpus, load_config

ENV_VAR = "CORPUS_PATH"


def bundled_seeds() -> Path:
    """The seed corpus shipped with the tool (inside the package once installed)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "seeds"
    return installed if installed.is_dir() else package.parent / "seeds"


def locate(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Corpus:
    """The corpus to work on, by the contract's order of precedence."""
    if explicit is not None:
        if not explicit.strip():
            raise CorpusError("--corpus: empty path; name a corpus folder (or leave out --corpus)")
        return corpus_at(Path(explicit), "--corpus")
    if environ.get(ENV_VAR):
        return corpus_at(Path(environ[ENV_VAR]), f"${ENV_VAR}")
    config = find_config(cwd)
    if config is not None:
        return load_config(config)
    return Corpus(root=bundled_seeds(), name="seeds")


def corpus_at(path: Path, origin: str) -> Corpus:
    """A corpus named on the command line or in the environment: a folder, or its corpus.yaml."""
    if path.is_file() and path.name == CONFIG_NAME:
        return load_config(path)
    if not path.exists():
        raise CorpusError(f"corpus folder not found: {path} (from {origin})")
    if not path.is_dir():
        raise CorpusError(f"corpus is not a folder: {path} (from {origin})")
    config = path / CONFIG_NAME
    if config.is_file():
        return load_config(config)
    return Corpus(root=path, name=path.resolve().name)


def find_config(start: Path) -> Path | None:
    """The nearest corpus.yaml in `start` or a parent folder."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
