"""A corpus and its corpus.yaml: display name, documents folder and per-document metadata."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    metadata, and its documents are on a cluster's file system). The data of a large file is
    remembered between runs, and checked on each (see source/config_cache.py)."""
    text = read_named_text(path, "corpus.yaml")
    data = config_cache.recall(path, text)
    if data is None:
        data = parse_yaml(text, path)
        config_cache.keep(path, text, data)
    data = {} if data is None else data  # an empty file; `[]` or `""` is no mapping
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping with name, path and documents")
    unknown = sorted(str(key) for key in data if key not in TOP_KEYS)
    if unknown:
        raise CorpusError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(TOP_KEYS)})")
    root = path.parent / (_text(f"{path}: path", data.get("path")) or ".")
    if need_folder and not root.is_dir():
        raise CorpusError(f"{path}: path: folder not found: {root}")
    documents = {} if data.get("documents") is None else data["documents"]
    if not isinstance(documents, dict):
        raise CorpusError(f"{path}: documents: expected a mapping of document id to fields")
    metadata = {_document_id(path, doc_id): _metadata(path, doc_id, fields) for doc_id, fields in documents.items()}
    families = parse_families(data["terms"], f"{path}: terms") if data.get("terms") is not None else {}
    name = _text(f"{path}: name", data.get("name")) or root.resolve().name
    given_mb = data.get("max_document_mb")
    max_mb = DEFAULT_MAX_DOCUMENT_MB if given_mb is None else _megabytes(f"{path}: max_document_mb", given_mb)
    return Corpus(root=root, name=name, config=path, metadata=metadata, families=families, max_document_mb=max_mb)


TOP_KEYS = ("name", "path", "documents", "terms", "max_document_mb")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")  # ASCII digits: not ١٠ nor ５


def _megabytes(where: str, value: Any) -> float:
    """A size in MB: a finite number above 0, written in decimal (or a number from an explicit tag)."""
    if isinstance(value, str):
        if not _DECIMAL.fullmatch(value):
            raise CorpusError(f"{where}: expected a number of megabytes written in decimal (10, 0.5), not {value!r}")
        megabytes = float(value)
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CorpusError(f"{where}: expected a number of megabytes, not {_kind(value)}")
    else:
        try:
            megabytes = float(value)
        except OverflowError:  # an integer past any float
            megabytes = math.inf
    if math.isinf(megabytes):
        raise CorpusError(f"{where}: expected a number of megabytes above 0, not a number that large")
    if math.isnan(megabytes) or megabytes <= 0:
        raise CorpusError(f"{where}: expected a number of megabytes above 0, not {value}")
    return megabytes


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
    """A text value: a string, or a number from an explicit tag (`!!int 1984`); None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer past Python's 4,300 digits for text
            raise CorpusError(f"{where}: expected text, not a number too long to write") from None
    raise CorpusError(f"{where}: expected text, not {_kind(value)}")


def _metadata(config: Path, doc_id: str, fields: Any) -> Metadata:
    """A document's entry, checked (a large corpus.yaml is checked on every run, so a message is
    made only when it is given)."""
    where = f"{config}: documents: {doc_id}"
    if not isinstance(fields, dict):
        raise CorpusError(f"{where}: expected a mapping of {', '.join(METADATA_KEYS)}")
    if not _KNOWN_FIELDS.issuperset(fields):
        unknown = sorted(str(key) for key in fields if key not in METADATA_KEYS)
        raise CorpusError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(METADATA_KEYS)})")
    date = fields.get("date")  # text as written, quoted or not (see source/yaml_file.py)
    if date is not None and not isinstance(date, str):  # from an explicit tag (!!timestamp)
        raise CorpusError(f"{where}: date: expected a date written YYYY-MM-DD, not {_kind(date)} from a tag")
    if date is not None and not valid_iso_date(date):
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
        title=_field(where, fields, "title"),
        date=date,
        source=_field(where, fields, "source"),
        url=_field(where, fields, "url"),
        tags=tuple(tag if type(tag) is str else _text(f"{where}: tags", tag) or "" for tag in tags),
        byline=_field(where, fields, "byline"),
        credit=_field(where, fields, "credit"),
    )


_KNOWN_FIELDS = frozenset(METADATA_KEYS)


def _field(where: str, fields: dict[Any, Any], key: str) -> str | None:
    """The text of a document's field (see `_text`)."""
    value = fields.get(key)
    return value if value is None or type(value) is str else _text(f"{where}: {key}", value)
