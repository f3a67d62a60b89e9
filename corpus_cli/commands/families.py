"""--terms FILE: the term families a command counts, from a YAML file or the corpus.yaml's terms:."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click

from corpus_cli.analysis.families import Family, parse_families
from corpus_cli.errors import CorpusError
from corpus_cli.run.session import Session
from corpus_cli.source.limits import read_named_text

families_option: Callable[[Callable[..., Any]], Callable[..., Any]] = click.option(
    "--terms",
    "terms_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Term families from FILE, YAML: 'NAME: [word, a phrase, ...]' a line (default: terms: in corpus.yaml).",
)


def read_families(path: Path) -> dict[str, Family]:
    """The families of a YAML file; anything wrong with it is one `CorpusError` naming the file."""
    import yaml  # imported here: most runs never read YAML

    text = read_named_text(path, "term families file")
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or error).splitlines()[0]
        raise CorpusError(f"{path}: invalid YAML: {problem}") from None
    except RecursionError:
        raise CorpusError(f"{path}: invalid YAML: nested too deeply") from None
    return parse_families(data, str(path))


def known_families(session: Session, terms_file: Path | None) -> Mapping[str, Family]:
    """The families of --terms FILE if given, else those of the corpus.yaml."""
    return read_families(terms_file) if terms_file is not None else session.corpus.families
