"""Parquet export: the document records as typed columns in zstd-compressed shards of a folder.

The folder holds ``part-00000.parquet``, ``part-00001.parquet``, … of at most `shard_rows` rows
each, in id order, always at least one (with no rows when nothing was selected, so readers still
find the schema). `COLUMNS` is the one description of the columns: pyarrow's schema here and the
Spark job's schema are both made from it, and schemas/parquet.md documents it.

pyarrow is an optional dependency (``corpus-cli[parquet]``), imported only when a Parquet file is
written; `require_pyarrow` turns its absence into one line that says how to install it.

Memory stays flat however large the corpus: the worker processes that parse the files also turn
the records into Arrow data, 100 at a time, and send each task's rows as one Arrow IPC stream
(`arrow_stream`, through `run.pipeline.packed`); the parent only regroups the batches into row
groups and writes them (`stream_batches`, `write_parquet`). Records sent as Python objects to the
parent and converted there made it the largest process (270 MB at 100 MB of text, against 135).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.abc
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from corpus_cli.errors import CorpusError
from corpus_cli.export.atomic import atomic_folder
from corpus_cli.text.document import FULL_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

Record = dict[str, Any]

SHARD_ROWS = 100_000
# A row group ends at 1,000 rows or 8 MB of Arrow data, whichever comes first: many 5 KB articles
# make groups that DuckDB and Spark read in parallel; a few huge files cannot make one of gigabytes.
# The writing process holds a row group's batches until it is full: at 5 KB an article (15 KB of
# Arrow data a row: the text, the body and the paragraphs) 8 MB ends a group at about 550 rows, and
# took 13 MB off that process against 32 MB (1,000 rows) at 100 MB of text.
# Records become Arrow data 100 at a time: a Python record weighs several times its Arrow row, and
# converting 1,000 at once raised the peak by some 75 MB (6,000 generated articles, in one process).
# A task is 100 files: its stream (about 1.6 MB for 5 KB articles) is what a worker holds while it
# sends it and the parent while it reads it; 500 a task made every process some 30 MB larger.
ROW_GROUP_ROWS = 1_000
ROW_GROUP_BYTES = 8 * 1024 * 1024
CONVERT_ROWS = 100
FILES_PER_TASK = 100
BATCH_CHARS = ROW_GROUP_BYTES
COMPRESSION = "zstd"
INSTALL_HINT = "pip install 'corpus-cli[parquet]' (or uv tool install 'corpus-cli[parquet]')"
M_MMAP_THRESHOLD = -3  # mallopt's parameter, from glibc's <malloc.h>
MMAP_THRESHOLD = 1024 * 1024


@dataclass(frozen=True)
class Column:
    """One column: its name (the JSON record's key), its type and whether it may be null."""

    name: str
    type: str  # "string", "date", "int64" or "list<string>"
    nullable: bool
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "string", False, "the file name without .txt (the path without .txt when two files share a name)"),
    Column("path", "string", False, "relative to the corpus root, with /"),
    Column("date", "date", True, "from corpus.yaml or the ` date YYYY-MM-DD ` header"),
    Column("title", "string", True, "from corpus.yaml or the headline"),
    Column("credit", "string", True, "`(Headline USA)` at the start of the body, without parentheses"),
    Column("byline", "string", True, "the author's name in the furniture, without `By`"),
    Column("source", "string", True, "from corpus.yaml"),
    Column("url", "string", True, "from corpus.yaml"),
    Column("tags", "list<string>", False, "from corpus.yaml; empty when none"),
    Column("words", "int64", False, "tokens of the headline and body, as `stats` counts them"),
    Column("chars", "int64", False, "characters of the decoded text"),
    Column("lede", "string", True, "the body's first sentence (after the credit), at most 200 characters"),
    Column("date_source", "string", True, "`header`, `config`, or null when there is no date"),
    Column("title_source", "string", True, "`headline`, `config`, or null when there is no title"),
    Column("encoding", "string", False, "`utf-8`, `utf-8-sig`, `utf-16-le`, `utf-16-be` or `windows-1252`"),
    Column("header", "string", True, "the ` date YYYY-MM-DD ` part as it stands"),
    Column("paragraphs", "list<string>", False, "the body's paragraphs, stripped, in order"),
    Column("furniture", "list<string>", False, "lines of site furniture, in document order"),
    Column("body", "string", False, "the article's text after header and headline, without furniture"),
    Column("text", "string", False, "the decoded text, exactly"),
    Column("warnings", "list<string>", False, "why something was not taken, how the text was decoded"),
)
assert tuple(column.name for column in COLUMNS) == FULL_FIELDS, "a Parquet row is the full JSON record, in its order"
DATE_COLUMNS = frozenset(column.name for column in COLUMNS if column.type == "date")


def require_pyarrow() -> None:
    """Fail with one line naming the install command when pyarrow is not installed."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise CorpusError(f"--format parquet needs pyarrow, which is not installed: {INSTALL_HINT}") from None


def tune_allocators() -> None:
    """Keep the memory that the export frees from staying with the process; before pyarrow is
    first imported and before the worker processes are forked, which inherit both settings.

    - Arrow's memory comes from the C library's malloc rather than pyarrow's bundled mimalloc,
      which held some 15 MB more in each process (freed memory kept for reuse; jemalloc measured
      as malloc). Arrow reads the variable once, when pyarrow is first imported; a value the user
      set is kept. (`pa.set_memory_pool` would not do: the Parquet writer and the IPC streams
      allocate from Arrow's own default.)
    - glibc's malloc serves blocks of `MMAP_THRESHOLD` or more (the streams the workers send,
      Arrow's column buffers) from mappings of their own, returned to the system when freed.
      Otherwise it raises that threshold as large blocks are freed and takes them from the heap,
      whose freed gaps stay resident: the parent grew by some 20 MB at 100 MB of text, more at 500.
    """
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


class _PandasWithheld(importlib.abc.MetaPathFinder):
    """An import finder that makes ``import pandas`` fail while it is first in `sys.meta_path`."""

    def find_spec(self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> None:
        if name == "pandas":
            raise ImportError("pandas is withheld from pyarrow during a Parquet export")


def arrow_without_pandas() -> None:
    """Keep pyarrow from importing pandas in this process and the workers it forks (call it
    before they are forked).

    The first time pyarrow turns a Python list into an array it imports pandas, if installed (the
    spark extra installs it), only to ask whether the list is a pandas object: some 35 MB in each
    process that converts records, never used. pyarrow looks once and remembers, so pandas is made
    to fail to import for one small conversion. Only that check is affected: a call that does need
    pandas (``to_pandas()``) imports it then as usual.
    """
    if "pandas" in sys.modules:
        return  # already imported: nothing to save
    import pyarrow as pa

    withheld = _PandasWithheld()
    sys.meta_path.insert(0, withheld)
    try:
        pa.array([], pa.int8())
    finally:
        sys.meta_path.remove(withheld)


def arrow_schema() -> pa.Schema:
    """The Arrow schema of an export, made from `COLUMNS`."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "date": pa.date32(),
        "int64": pa.int64(),
        "list<string>": pa.list_(pa.field("element", pa.string(), False)),
    }
    return pa.schema([pa.field(column.name, types[column.type], column.nullable) for column in COLUMNS])


def record_batch(records: Sequence[Record], schema: pa.Schema | None = None) -> pa.RecordBatch:
    """Full records (`Document.full()`) as one Arrow batch; dates become dates."""
    import pyarrow as pa

    schema = schema or arrow_schema()
    columns = {name: [record[name] for record in records] for name in schema.names}
    for name in DATE_COLUMNS & set(columns):
        columns[name] = [None if value is None else dt.date.fromisoformat(value) for value in columns[name]]
    return pa.RecordBatch.from_pydict(columns, schema=schema)


def batches(records: Iterable[Record], rows: int = CONVERT_ROWS, chars: int = BATCH_CHARS) -> Iterator[list[Record]]:
    """The records in lists of at most `rows`, cut early once they hold `chars` of text."""
    batch: list[Record] = []
    held = 0
    for record in records:
        batch.append(record)
        held += len(record["text"])
        if len(batch) >= rows or held >= chars:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def arrow_batches(records: Iterable[Record]) -> Iterator[pa.RecordBatch]:
    """The records as Arrow batches of at most `CONVERT_ROWS` rows (fewer past `BATCH_CHARS` of text)."""
    schema = arrow_schema()
    for chunk in batches(records):
        yield record_batch(chunk, schema)


def arrow_stream(records: Iterator[Record]) -> pa.Buffer:
    """The records as one Arrow IPC stream: what a worker process sends for a task of the export
    (`run.pipeline.packed`). It is a third of the records' weight as Python objects, costs nothing to
    pickle, and is read back without a copy (`stream_batches`)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, arrow_schema()) as writer:
        for batch in arrow_batches(records):
            writer.write_batch(batch)
    return sink.getvalue()


def stream_batches(streams: Iterable[pa.Buffer]) -> Iterator[pa.RecordBatch]:
    """The batches of the `arrow_stream` streams, in order."""
    import pyarrow as pa

    for stream in streams:
        yield from pa.ipc.open_stream(stream)


def row_groups(
    batches: Iterable[pa.RecordBatch], schema: pa.Schema, rows: int = ROW_GROUP_ROWS, size: int = ROW_GROUP_BYTES
) -> Iterator[pa.Table]:
    """The batches regrouped as tables of `rows` rows, cut early once they hold `size` bytes."""
    import pyarrow as pa

    pending: list[pa.RecordBatch] = []
    held_rows = held_bytes = 0
    for batch in batches:
        while batch.num_rows:
            taken = batch.slice(0, rows - held_rows)
            batch = batch.slice(taken.num_rows)
            pending.append(taken)
            held_rows += taken.num_rows
            held_bytes += taken.nbytes
            if held_rows == rows or held_bytes >= size:
                yield pa.Table.from_batches(pending, schema)
                pending, held_rows, held_bytes = [], 0, 0
    if pending:
        yield pa.Table.from_batches(pending, schema)


def shard_name(number: int) -> str:
    return f"part-{number:05d}.parquet"


def write_parquet(batches: Iterable[pa.RecordBatch], folder: Path, *, shard_rows: int = SHARD_ROWS) -> int:
    """Write the batches into `folder` (existing and empty) as shards; returns how many rows."""
    import pyarrow.parquet as pq

    schema = arrow_schema()
    writer: pq.ParquetWriter | None = None
    shards = rows_in_shard = total = 0
    try:
        for table in row_groups(batches, schema, rows=min(ROW_GROUP_ROWS, shard_rows)):
            while table.num_rows:
                if writer is None or rows_in_shard == shard_rows:
                    if writer is not None:
                        writer.close()
                    writer = pq.ParquetWriter(folder / shard_name(shards), schema, compression=COMPRESSION)
                    shards, rows_in_shard = shards + 1, 0
                taken = table.slice(0, shard_rows - rows_in_shard)
                writer.write_table(taken, row_group_size=taken.num_rows)
                rows_in_shard += taken.num_rows
                total += taken.num_rows
                table = table.slice(taken.num_rows)
        if writer is None:  # nothing selected: one empty shard still carries the schema
            writer = pq.ParquetWriter(folder / shard_name(0), schema, compression=COMPRESSION)
    finally:
        if writer is not None:
            writer.close()
    return total


def export_parquet(
    batches: Iterable[pa.RecordBatch], target: Path, *, force: bool = False, shard_rows: int = SHARD_ROWS, protected: Path | None = None
) -> int:
    """Write the batches (`arrow_batches` of records, or `stream_batches`) as the folder `target`,
    atomically: complete or absent, an old export replaced only with `force`, and never a folder
    that an export did not write (the rule every folder export shares: see export/atomic.py)."""
    tune_allocators()
    require_pyarrow()
    arrow_without_pandas()
    with atomic_folder(target, force=force, protected=protected) as folder:
        return write_parquet(batches, folder, shard_rows=shard_rows)
