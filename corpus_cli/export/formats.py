"""Exporters: documents as records in a byte stream, a folder of markdown files, or an SQLite
database with a full-text index. No click here; files are written through `atomic`.

Every exporter takes full records (`Document.full()`), which worker processes can make and send
back cheaply, rather than `Document` objects.

- jsonl, json, yaml: the full record of each document (`Document.full()`: text, paragraphs,
  furniture, and where date and title came from), through `output.RecordWriter`.
- csv, tsv: a flat row per document (`FLAT_FIELDS`), tags joined by ";". A cell that a
  spreadsheet would run as a formula (starting = + - @, tab or CR) gets a leading "'".
- markdown: a folder with one ``ID.md`` a document: YAML front matter, the headline as a
  ``#`` heading, the paragraphs separated by blank lines.
- sqlite: tables `documents` (one row a document, tags/furniture/warnings as JSON arrays) and
  `paragraphs` (document_id, position from 1, text), and the FTS5 indexes `documents_fts`
  (title, body) and `paragraphs_fts` (text) over them as external content, in the layout
  sqlite-utils and Datasette recognise. Rows go in in batches, so memory stays flat.
- parquet: a folder of typed, zstd-compressed shards (`export.parquet`, needs pyarrow).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from corpus_cli.errors import CorpusError
from corpus_cli.export.atomic import atomic_file, atomic_folder, atomic_path, guarded, is_stream_target
from corpus_cli.output.writers import RecordWriter, yaml_dump
from corpus_cli.text.document import FULL_FIELDS, SUMMARY_FIELDS

STREAM_FORMATS = ("jsonl", "json", "csv", "tsv", "yaml")  # written to one file or stdout
EXPORT_FORMATS = (*STREAM_FORMATS, "markdown", "sqlite", "parquet")
FLAT_FIELDS = (*SUMMARY_FIELDS, "date_source", "title_source", "encoding", "header", "body", "text")
FRONT_MATTER_FIELDS = (*SUMMARY_FIELDS, "date_source", "title_source", "encoding", "header", "furniture", "warnings")
BATCH_SIZE = 500

SCHEMA = """
CREATE TABLE documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    date TEXT,
    title TEXT,
    credit TEXT,
    byline TEXT,
    source TEXT,
    url TEXT,
    tags TEXT NOT NULL,
    words INTEGER NOT NULL,
    chars INTEGER NOT NULL,
    lede TEXT,
    date_source TEXT,
    title_source TEXT,
    encoding TEXT NOT NULL,
    header TEXT,
    body TEXT NOT NULL,
    furniture TEXT NOT NULL,
    text TEXT NOT NULL,
    warnings TEXT NOT NULL
);
CREATE TABLE paragraphs (
    rowid INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX paragraphs_document ON paragraphs(document_id, position);
CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, content=[documents], content_rowid=rowid);
CREATE VIRTUAL TABLE paragraphs_fts USING fts5(text, content=[paragraphs], content_rowid=rowid);
"""
DOCUMENT_COLUMNS = tuple(name for name in FULL_FIELDS if name != "paragraphs")
JSON_COLUMNS = ("tags", "furniture", "warnings")


Record = dict[str, Any]


def export(
    records: Iterable[Record],
    format: str,
    target: Path,
    *,
    force: bool = False,
    shard_rows: int | None = None,
    corpus_root: Path | None = None,
) -> None:
    """Write `records` to `target` in `format`, atomically; never over an existing target
    unless `force`, and never over the corpus (`corpus_root`). `shard_rows` bounds the rows of
    each Parquet file. A character device or a FIFO is written into as a stream (the shell's
    ``>``), never replaced."""
    if format in STREAM_FORMATS and is_stream_target(target):
        with guarded(target), open(target, "wb") as stream:
            write_records(records, format, stream)
    elif format == "parquet":
        from corpus_cli.export import parquet  # pyarrow is an optional extra, loaded only here

        batches = parquet.arrow_batches(records)
        parquet.export_parquet(batches, target, force=force, shard_rows=shard_rows or parquet.SHARD_ROWS, protected=corpus_root)
    elif format == "markdown":
        with atomic_folder(target, force=force, protected=corpus_root) as folder:
            write_markdown(records, folder)
    elif format == "sqlite":
        with atomic_path(target, force=force, protected=corpus_root) as path:
            write_sqlite(records, path, target)
    else:
        with atomic_file(target, force=force, protected=corpus_root) as stream:
            write_records(records, format, stream)


def write_records(records: Iterable[Record], format: str, stream: IO[bytes]) -> int:
    """Full records (flat rows for csv/tsv) to `stream`; returns how many."""
    fields = FLAT_FIELDS if format in ("csv", "tsv") else FULL_FIELDS
    with RecordWriter(format, fields, stream) as writer:
        return writer.write_all(records)


def write_markdown(records: Iterable[Record], folder: Path) -> int:
    """One ``ID.md`` a document in `folder` (an id with a "/" makes a sub-folder)."""
    count = 0
    for record in records:
        path = folder.joinpath(f"{record['id']}.md")
        if not path.resolve().is_relative_to(folder.resolve()):
            raise CorpusError(f"document id {record['id']!r} would be written outside {folder}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(markdown(record).encode("utf-8", errors="replace"))
        count += 1
    return count


def markdown(record: Record) -> str:
    """A document's full record as markdown with YAML front matter."""
    front = yaml_dump({name: record[name] for name in FRONT_MATTER_FIELDS})
    heading = f"# {' '.join(record['title'].split())}\n\n" if record["title"] else ""
    return f"---\n{front}---\n\n{heading}" + "\n\n".join(record["paragraphs"]) + "\n"


def write_sqlite(records: Iterable[Record], path: Path, target: Path | None = None) -> int:
    """Build the database at `path` (a new or empty file); errors name `target` if given."""
    try:
        connection = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise _sqlite_error(error, target or path) from error
    try:
        # A failed export is thrown away whole, so no rollback journal and no syncing per
        # transaction: the finished file is fsynced once, before it is moved into place.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.executescript(SCHEMA)
        connection.execute("BEGIN")
        count = _insert_documents(connection, records)
        connection.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
        connection.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild')")
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        raise _sqlite_error(error, target or path) from error
    finally:
        connection.close()
    return count


def _insert_documents(connection: sqlite3.Connection, records: Iterable[Record]) -> int:
    """Insert in batches of `BATCH_SIZE` documents; returns how many."""
    count = 0
    rows: list[tuple[Any, ...]] = []
    paragraphs: list[tuple[str, int, str]] = []
    for record in records:
        rows.append(_document_row(record))
        paragraphs.extend((record["id"], position, text) for position, text in enumerate(record["paragraphs"], 1))
        count += 1
        if len(rows) >= BATCH_SIZE:
            _flush(connection, rows, paragraphs)
    _flush(connection, rows, paragraphs)
    return count


def _document_row(record: Record) -> tuple[Any, ...]:
    return tuple(json.dumps(record[name], ensure_ascii=False) if name in JSON_COLUMNS else record[name] for name in DOCUMENT_COLUMNS)


def _flush(connection: sqlite3.Connection, rows: list[tuple[Any, ...]], paragraphs: list[tuple[str, int, str]]) -> None:
    names = ", ".join(DOCUMENT_COLUMNS)
    marks = ", ".join("?" * len(DOCUMENT_COLUMNS))
    connection.executemany(f"INSERT INTO documents ({names}) VALUES ({marks})", rows)
    connection.executemany("INSERT INTO paragraphs (document_id, position, text) VALUES (?, ?, ?)", paragraphs)
    rows.clear()
    paragraphs.clear()


def _sqlite_error(error: sqlite3.Error, target: Path) -> CorpusError:
    return CorpusError(f"cannot write {target}: {error} (nothing was changed there)")
