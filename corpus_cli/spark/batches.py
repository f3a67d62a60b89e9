"""What the Spark job's executors run: Arrow batches of files in, Arrow batches of records or term
counts out.

No Spark here, only pyarrow, so this is tested without a cluster. Each file is decoded, parsed,
named and counted by the package's own code (`source.read`, `source.discover.file_id`,
`analysis.stats`), so a row is the row `corpus export --format parquet` writes for that file.
The input batches hold Spark's `binaryFile` columns `path` (the file's URI) and `content`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corpus_cli.analysis import stats, trends
from corpus_cli.analysis.families import Family
from corpus_cli.export.parquet import arrow_schema, record_batch
from corpus_cli.source.config import Corpus
from corpus_cli.source.decode import BinaryFile
from corpus_cli.source.discover import file_id, file_stem
from corpus_cli.source.files import SourceFile
from corpus_cli.source.read import document_from_bytes
from corpus_cli.text.document import Document, Metadata

if TYPE_CHECKING:
    import pyarrow as pa

# The columns of the term counts that `term_count_batches` makes and the driver sums per group.
TERM_COUNT_COLUMNS = ("group", "term", "count", "doc_freq", "documents", "words")


@dataclass(frozen=True)
class Naming:
    """How the files of one input folder become documents: ids and corpus.yaml metadata.

    `root` is the folder's URI as Spark lists files under it (``file:/data/news``,
    ``s3a://bucket/news``); `shared_stems` are the file names (without .txt) that more than one
    file has, whose files are addressed by their paths, as `corpus` addresses them.
    """

    root: str
    shared_stems: frozenset[str] = frozenset()
    metadata: Mapping[str, Metadata] = field(default_factory=dict)

    def relative(self, uri: str) -> str:
        """The file's path below the root, with "/"."""
        prefix = self.root.rstrip("/") + "/"
        if not uri.startswith(prefix):
            raise ValueError(f"{uri} is not below {self.root}")
        return uri[len(prefix) :]

    def source(self, uri: str) -> SourceFile:
        relative = self.relative(uri)
        return SourceFile(id=file_id(relative, file_stem(relative) in self.shared_stems), path=relative, location=uri)


def documents(batches: Iterable[pa.RecordBatch], naming: Naming, skipped: Callable[[str], None] = lambda path: None) -> Iterator[Document]:
    """The documents of the files in `batches`; a binary file is skipped (and told to `skipped`)."""
    corpus = Corpus(root=Path("."), name="", metadata=naming.metadata)
    for batch in batches:
        for uri, data in zip(batch.column("path").to_pylist(), batch.column("content").to_pylist()):
            source = naming.source(uri)
            try:
                yield document_from_bytes(corpus, source, data)
            except BinaryFile:
                skipped(source.path)


def record_batches(
    batches: Iterable[pa.RecordBatch], naming: Naming, skipped: Callable[[str], None] = lambda path: None, rows: int = 1_000
) -> Iterator[pa.RecordBatch]:
    """The full records of the files, as batches of the Parquet export's schema."""
    schema = arrow_schema()
    records = []
    for document in documents(batches, naming, skipped):
        records.append(document.full())
        if len(records) >= rows:
            yield record_batch(records, schema)
            records = []
    if records:
        yield record_batch(records, schema)


def term_count_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([pa.field(name, pa.string() if name in ("group", "term") else pa.int64()) for name in TERM_COUNT_COLUMNS])


def term_count_batches(
    batches: Iterable[pa.RecordBatch],
    naming: Naming,
    families: Sequence[Family],
    by: stats.Grouping | None,
    skipped: Callable[[str], None] = lambda path: None,
) -> Iterator[pa.RecordBatch]:
    """Per input batch, `trends.count_terms` of its documents as rows to sum: one per group and term."""
    import pyarrow as pa

    schema = term_count_schema()
    for batch in batches:
        groups = trends.count_terms(map(stats.counted, documents([batch], naming, skipped)), families, by)
        rows = [
            (group, family.name, trend.counts.count[family.name], trend.counts.doc_freq[family.name], trend.documents, trend.words)
            for group, trend in groups.items()
            for family in families
        ]
        if rows:
            yield pa.RecordBatch.from_arrays([pa.array(column, type) for column, type in zip(zip(*rows), schema.types)], schema=schema)


def trends_from_sums(rows: Iterable[tuple[str | None, str, int, int, int, int]]) -> dict[str | None, trends.TermTrend]:
    """The summed term counts back as `trends.TermTrend` groups, in key order (undated last), for
    `trends.trend_rows` to write exactly as `corpus stats --term` does."""
    groups: dict[str | None, trends.TermTrend] = {}
    for group, term, count, doc_freq, documents_, words in sorted(rows, key=lambda row: (row[0] is None, row[0] or "", row[1])):
        trend = groups.setdefault(group, trends.TermTrend(documents=documents_, words=words))
        trend.counts.count[term] = count
        trend.counts.doc_freq[term] = doc_freq
    return groups
