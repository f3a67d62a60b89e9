"""A corpus and its corpus.yaml: display name, documents folder and per-document metadata."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from corpus_cli.analysis.families import Family, parse_families
from corpus_cli.errors import CorpusError
from corpus_cli.source import config_cache
from corpus_cli.source.limits import DEFAULT_MAX_DOCUMENT_MB, read_named_text
from corpus_cli.source.yaml_file import parse_yaml
from corpus_cli.text.document import Metadata
from corpus_cli.text.parser import valid_iso_date

CONFIG_NAME = "corpus.yaml"
METADATA_KEYS = ("title", "date", "source", "url", "tags", "byline", "credit")


@dataclass(frozen=True)
class Corpus:
    """A corpus folder with its display name and per-document metadata."""

    root: Path
    name: str
    config: Path | None = None
    metadata: Mapping[str, Metadata] = field(default_factory=dict)
    families: Mapping[str, Family] = field(default_factory=dict)  # terms:, named term families
    max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB  # a larger file is skipped with a warning


def load_config(path: Path, *, need_folder: bool = True) -> Corpus:
    """Read a corpus.yaml safely; a malformed one, or a value of the wrong type, is a
    `CorpusError` naming the file and the key.

    The documents' folder must exist unless not `need_folder` (the Spark job reads only the
    metadata, and its documents are on a cluster's file system). A large file's settings are
    remembered between runs (see source/config_cache.py)."""
    text = read_named_text(path, "corpus.yaml")
    settings = _settings_of(config_cache.recall(path, text))
    if settings is None:
        settings = _settings(path, parse_yaml(text, path) or {}, need_folder)
        config_cache.keep(path, text, _payload(settings))
    root = _folder(path, settings.folder, need_folder)
    name = settings.name or root.resolve().name
    max_mb = DEFAULT_MAX_DOCUMENT_MB if settings.max_document_mb is None else settings.max_document_mb
    return Corpus(root=root, name=name, config=path, metadata=settings.metadata, families=settings.families, max_document_mb=max_mb)


class Settings(NamedTuple):
    """What a corpus.yaml says, checked: its ``name`` and ``path`` as written (None when not
    given), each document's metadata, the term families, and ``max_document_mb``."""

    name: str | None
    folder: str | None
    metadata: dict[str, Metadata]
    families: dict[str, Family]
    max_document_mb: float | None


def _settings(path: Path, data: Any, need_folder: bool) -> Settings:
    """The settings in a corpus.yaml's data, each value checked in the order the keys are documented."""
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping with name, path and documents")
    unknown = sorted(str(key) for key in data if key not in TOP_KEYS)
    if unknown:
        raise CorpusError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(TOP_KEYS)})")
    folder = _text(f"{path}: path", data.get("path"))
    _folder(path, folder, need_folder)
    documents = data.get("documents") or {}
    if not isinstance(documents, dict):
        raise CorpusError(f"{path}: documents: expected a mapping of document id to fields")
    metadata = {_document_id(path, doc_id): _metadata(path, doc_id, fields) for doc_id, fields in documents.items()}
    families = parse_families(data["terms"], f"{path}: terms") if data.get("terms") is not None else {}
    name = _text(f"{path}: name", data.get("name"))
    given_mb = data.get("max_document_mb")
    max_mb = None if given_mb is None else _megabytes(f"{path}: max_document_mb", given_mb)
    return Settings(name, folder, metadata, families, max_mb)


def _folder(path: Path, folder: str | None, need_folder: bool) -> Path:
    """The documents' folder a corpus.yaml names (its own folder by default)."""
    root = path.parent / (folder or ".")
    if need_folder and not root.is_dir():
        raise CorpusError(f"{path}: path: folder not found: {root}")
    return root


def _payload(settings: Settings) -> dict[str, Any]:
    """`settings` as JSON data, for the cache: each document's metadata a row, each family its members' words."""
    return {
        "name": settings.name,
        "path": settings.folder,
        "max_document_mb": settings.max_document_mb,
        "documents": [
            [doc_id, fields.title, fields.date, fields.source, fields.url, list(fields.tags), fields.byline, fields.credit]
            for doc_id, fields in settings.metadata.items()
        ],
        "terms": [[name, [list(member) for member in family.members]] for name, family in settings.families.items()],
    }


def _settings_of(payload: Any) -> Settings | None:
    """The settings `_payload` made `payload` of; None when it is anything else (the cache file was
    changed by another hand, or is of another shape), which reads the YAML again."""
    if not isinstance(payload, dict):
        return None
    try:
        name, folder, max_mb = payload["name"], payload["path"], payload["max_document_mb"]
        metadata = dict(map(_document_of, payload["documents"]))
        families = {family.name: family for family in map(_family_of, payload["terms"])}
    except (KeyError, TypeError, ValueError):  # a missing key, a row of another length or type
        return None
    if not (_text_or_none(name) and _text_or_none(folder) and (max_mb is None or type(max_mb) is float)):
        return None
    return Settings(name, folder, metadata, families, max_mb)


def _document_of(row: list[Any]) -> tuple[str, Metadata]:
    """A document's id and metadata from its row in the cache; TypeError when a value is of another type."""
    doc_id, title, date, source, url, tags, byline, credit = row
    if type(doc_id) is not str or not all(map(_text_or_none, (title, date, source, url, byline, credit))):
        raise TypeError(row)
    if type(tags) is not list or not all(type(tag) is str for tag in tags):
        raise TypeError(row)
    return doc_id, Metadata(title=title, date=date, source=source, url=url, tags=tuple(tags), byline=byline, credit=credit)


def _family_of(row: list[Any]) -> Family:
    """A family from its row in the cache; TypeError when it is not a name and its members' words."""
    name, members = row
    words = tuple(map(tuple, members))
    if type(name) is not str or not words or not all(member and all(type(word) is str for word in member) for member in words):
        raise TypeError(row)
    return Family(name, words)


def _text_or_none(value: Any) -> bool:
    return value is None or type(value) is str


TOP_KEYS = ("name", "path", "documents", "terms", "max_document_mb")


def _megabytes(where: str, value: Any) -> float:
    """A size in MB: a finite number above 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CorpusError(f"{where}: expected a number of megabytes, not {_kind(value)}")
    if not math.isfinite(value) or value <= 0:
        raise CorpusError(f"{where}: expected a number of megabytes above 0, not {value}")
    return float(value)


def _document_id(config: Path, doc_id: Any) -> str:
    if not isinstance(doc_id, str):  # a key written as a list or a mapping (a scalar key is read as written)
        raise CorpusError(f"{config}: documents: {doc_id!r}: a document id is text")
    return doc_id


def _kind(value: Any) -> str:
    """What a YAML value is, in the words of an error message."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _text(where: str, value: Any) -> str | None:
    """A text value: a string, or a plain number (YAML reads `title: 1984` as one); None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise CorpusError(f"{where}: expected text, not {_kind(value)}")


def _metadata(config: Path, doc_id: str, fields: Any) -> Metadata:
    where = f"{config}: documents: {doc_id}"
    if not isinstance(fields, dict):
        raise CorpusError(f"{where}: expected a mapping of {', '.join(METADATA_KEYS)}")
    unknown = sorted(str(key) for key in fields if key not in METADATA_KEYS)
    if unknown:
        raise CorpusError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(METADATA_KEYS)})")
    date = fields.get("date")  # text as written, quoted or not (see source/yaml_file.py)
    if date is not None and (not isinstance(date, str) or not valid_iso_date(date)):
        raise CorpusError(f"{where}: date: {date!r} is not a real date written YYYY-MM-DD")
    tags = fields.get("tags") or ()
    if isinstance(tags, str):
        tags = (tags,)
    if not isinstance(tags, (list, tuple)):
        raise CorpusError(f"{where}: tags: expected a list of text, not {_kind(tags)}")
    for tag in tags:
        if isinstance(tag, (list, tuple, dict, bool)) or tag is None:
            raise CorpusError(f"{where}: tags: expected a list of text, not a list holding {_kind(tag)}")
    return Metadata(
        title=_text(f"{where}: title", fields.get("title")),
        date=date,
        source=_text(f"{where}: source", fields.get("source")),
        url=_text(f"{where}: url", fields.get("url")),
        tags=tuple(_text(f"{where}: tags", tag) or "" for tag in tags),
        byline=_text(f"{where}: byline", fields.get("byline")),
        credit=_text(f"{where}: credit", fields.get("credit")),
    )
