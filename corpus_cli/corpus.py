"""Find the corpus, read its corpus.yaml, discover its files and read them into documents.

A corpus is a folder of ``.txt`` files (sub-folders included). Which folder: ``--corpus``, then
``$CORPUS_PATH``, then a ``corpus.yaml`` in the working folder or a parent, then the seeds that
ship with the tool.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus_cli.decode import BinaryFile, decode
from corpus_cli.document import Document, Metadata
from corpus_cli.errors import CorpusError
from corpus_cli.parser import parse, valid_iso_date

CONFIG_NAME = "corpus.yaml"
ENV_VAR = "CORPUS_PATH"
METADATA_KEYS = ("title", "date", "source", "url", "tags")

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)  # slots: a corpus of 100,000 files holds 100,000 of these
class SourceFile:
    """A document's file: its id, its path relative to the root, and where it is on disk."""

    id: str
    path: str
    location: str  # a plain string: building a Path per file doubled discovery's time

    def read_bytes(self) -> bytes:
        return read_bytes(self.location)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes, with fewer calls than `open().read()` makes (it shows on 20,000 small files)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        data = os.read(descriptor, size + 1)
        if len(data) <= size:
            return data
        pieces = [data]  # the file grew, or its size was not known (a special file)
        while piece := os.read(descriptor, 1 << 20):
            pieces.append(piece)
        return b"".join(pieces)
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class Corpus:
    """A corpus folder with its display name and per-document metadata."""

    root: Path
    name: str
    config: Path | None = None
    metadata: Mapping[str, Metadata] = field(default_factory=dict)


def bundled_seeds() -> Path:
    """The seed corpus shipped with the tool (inside the package once installed)."""
    package = Path(__file__).resolve().parent
    installed = package / "seeds"
    return installed if installed.is_dir() else package.parent / "seeds"


def locate(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Corpus:
    """The corpus to work on, by the contract's order of precedence."""
    if explicit:
        return _corpus_at(Path(explicit), "--corpus")
    if environ.get(ENV_VAR):
        return _corpus_at(Path(environ[ENV_VAR]), f"${ENV_VAR}")
    config = find_config(cwd)
    if config is not None:
        return load_config(config)
    return Corpus(root=bundled_seeds(), name="seeds")


def _corpus_at(path: Path, origin: str) -> Corpus:
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


def load_config(path: Path) -> Corpus:
    """Read a corpus.yaml safely; a malformed one is a `CorpusError` naming the file."""
    import yaml  # imported here: most runs never read a corpus.yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path}: cannot read: {error}") from error
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or error).splitlines()[0]
        raise CorpusError(f"{path}: invalid YAML: {problem}") from error
    except ValueError as error:  # an unquoted impossible date, such as 2024-02-30
        raise CorpusError(f"{path}: invalid value: {error} (dates are real dates written YYYY-MM-DD)") from error
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping with name, path and documents")
    root = path.parent / str(data.get("path") or ".")
    if not root.is_dir():
        raise CorpusError(f"{path}: path: folder not found: {root}")
    documents = data.get("documents") or {}
    if not isinstance(documents, dict):
        raise CorpusError(f"{path}: documents: expected a mapping of document id to fields")
    metadata = {str(doc_id): _metadata(path, str(doc_id), fields) for doc_id, fields in documents.items()}
    return Corpus(root=root, name=str(data.get("name") or root.resolve().name), config=path, metadata=metadata)


def _metadata(config: Path, doc_id: str, fields: Any) -> Metadata:
    where = f"{config}: documents: {doc_id}"
    if not isinstance(fields, dict):
        raise CorpusError(f"{where}: expected a mapping of {', '.join(METADATA_KEYS)}")
    unknown = sorted(set(map(str, fields)) - set(METADATA_KEYS))
    if unknown:
        raise CorpusError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(METADATA_KEYS)})")
    date = fields.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    if date is not None:
        date = date.isoformat() if isinstance(date, dt.date) else str(date)
        if not valid_iso_date(date):
            raise CorpusError(f"{where}: date: {date!r} is not a real date written YYYY-MM-DD")
    tags = fields.get("tags") or ()
    if isinstance(tags, str):
        tags = (tags,)
    if not isinstance(tags, (list, tuple)):
        raise CorpusError(f"{where}: tags: expected a list")

    def text(key: str) -> str | None:
        value = fields.get(key)
        return None if value is None else str(value)

    return Metadata(title=text("title"), date=date, source=text("source"), url=text("url"), tags=tuple(map(str, tags)))


def discover(corpus: Corpus, warn: Warn) -> list[SourceFile]:
    """Every document file below the root, sorted by id.

    Hidden files and folders are skipped, as ripgrep does. A symbolic link is followed only to a
    file inside the corpus; a broken one, or one that leads outside, is reported and skipped.
    Two files with the same stem are both addressed by their relative path instead.
    """
    root = corpus.root
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    found = [(relative, _stem(relative), location) for relative, location in _documents_below(os.fspath(root), "", root.resolve(), warn)]
    stems = Counter(stem for _, stem, _ in found)
    files = [
        SourceFile(id=stem if stems[stem] == 1 else _path_id(relative), path=relative, location=location)
        for relative, stem, location in found
    ]
    shared = [source.id for source in files if stems[_stem(source.path)] > 1]
    if shared:
        names = sum(1 for count in stems.values() if count > 1)
        addressed = f"those {len(shared)} files are addressed by their paths (e.g. {shared[0]})"
        warn(f"{names} file name(s) are used by more than one file; {addressed}")
    return sorted(files, key=lambda source: source.id)


def _documents_below(folder: str, prefix: str, real_root: Path, warn: Warn) -> Iterator[tuple[str, str]]:
    """(relative path, location) of the document files in `folder`, then in its sub-folders, by name.

    `os.scandir` tells file from folder and link without a system call per file, and each
    location shares its folder's path parts: at 100,000 files this halves discovery's time and
    memory against `os.walk` with a `Path` built per name.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=lambda entry: entry.name)
    except OSError as error:
        warn(f"{error.filename}: cannot read folder: {error.strerror}")
        return
    subfolders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            subfolders.append(entry.name)
        elif entry.is_symlink() and _is_dir(entry):
            warn(f"{prefix}{entry.name}: symbolic link to a folder, not followed")
        elif entry.name.lower().endswith(".txt"):
            relative = prefix + entry.name
            if not relative.isascii() and (relative := _utf8_name(relative, warn)) is None:
                continue
            location = entry.path
            if entry.is_symlink() and not _safe_link(Path(location), real_root, relative, warn):
                continue
            if entry.is_file():
                yield relative, location
            else:  # a FIFO or a device named *.txt would block or never end when read
                warn(f"{relative}: not a regular file, skipped")
    for name in subfolders:
        yield from _documents_below(os.path.join(folder, name), f"{prefix}{name}/", real_root, warn)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _path_id(relative: str) -> str:
    """The id of a file whose name another file shares: its path, without a ".txt" written so
    (b.txt and b.TXT in one folder stay apart)."""
    return relative[: -len(".txt")] if relative.endswith(".txt") else relative


def _stem(relative: str) -> str:
    return relative.rpartition("/")[2][: -len(".txt")]


def _utf8_name(relative: str, warn: Warn) -> str | None:
    """The name as UTF-8 text whatever the locale; None (with a warning) when it is not UTF-8.

    Names come from the file system decoded with the locale's encoding (ASCII under ``LC_ALL=C``);
    a name that is not UTF-8 would give an id that no JSON record or command line can name again.
    """
    raw = os.fsencode(relative)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warn(f"{raw.decode('utf-8', errors='backslashreplace')}: file name is not valid UTF-8, skipped (rename the file)")
        return None


def _safe_link(location: Path, real_root: Path, relative: str, warn: Warn) -> bool:
    try:
        target = location.resolve(strict=True)
    except (OSError, RuntimeError):
        warn(f"{relative}: broken symbolic link, skipped")
        return False
    if not target.is_relative_to(real_root):
        warn(f"{relative}: symbolic link leads outside the corpus, not followed")
        return False
    return True


def read_document(corpus: Corpus, source: SourceFile, warn: Warn) -> Document | None:
    """Read, decode and parse one file; None (with a warning) when it cannot be read or is binary."""
    try:
        document = document_from_bytes(corpus, source, source.read_bytes())
    except OSError as error:
        warn(f"{source.path}: cannot read: {error.strerror or error}")
        return None
    except BinaryFile as error:
        warn(f"{source.path}: {error}; skipped")
        return None
    for message in document.warnings:
        warn(f"{source.path}: {message}")
    return document


def document_from_bytes(corpus: Corpus, source: SourceFile, data: bytes) -> Document:
    """The document a file's bytes hold, its warnings inside it; `BinaryFile` for binary data."""
    decoded = decode(data)
    return Document(
        id=source.id,
        path=source.path,
        encoding=decoded.encoding,
        article=parse(decoded.text),
        metadata=corpus.metadata.get(source.id, Metadata()),
        decode_warning=decoded.warning,
    )
