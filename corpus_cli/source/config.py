"""A corpus and its corpus.yaml: display name, documents folder and per-document metadata."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus_cli.analysis.families import Family, parse_families
from corpus_cli.errors import CorpusError
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


def load_config(path: Path, *, need_folder: bool = True) -> Corpus:
    """Read a corpus.yaml safely; a malformed one is a `CorpusError` naming the file.

    The documents' folder must exist unless not `need_folder` (the Spark job reads only the
    metadata, and its documents are on a cluster's file system)."""
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
    if need_folder and not root.is_dir():
        raise CorpusError(f"{path}: path: folder not found: {root}")
    documents = data.get("documents") or {}
    if not isinstance(documents, dict):
        raise CorpusError(f"{path}: documents: expected a mapping of document id to fields")
    metadata = {str(doc_id): _metadata(path, str(doc_id), fields) for doc_id, fields in documents.items()}
    families = parse_families(data["terms"], f"{path}: terms") if data.get("terms") is not None else {}
    name = str(data.get("name") or root.resolve().name)
    return Corpus(root=root, name=name, config=path, metadata=metadata, families=families)


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

    return Metadata(
        title=text("title"),
        date=date,
        source=text("source"),
        url=text("url"),
        tags=tuple(map(str, tags)),
        byline=text("byline"),
        credit=text("credit"),
    )
