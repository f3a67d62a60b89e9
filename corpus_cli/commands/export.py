"""`corpus export`: the selected documents to a file (atomically), a folder or stdout."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import click

from corpus_cli.commands.options import Count, dedupe_option, document_options
from corpus_cli.export import formats as export
from corpus_cli.output.terminal import stdout
from corpus_cli.run.session import Session
from corpus_cli.text.document import Document

Item = TypeVar("Item")


@click.command("export")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(export.EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl, json, yaml: full records; csv, tsv: a flat row each; markdown: a folder; sqlite: a database; parquet: a folder.",
)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="File (a folder for markdown, parquet) to write; '-' or none: stdout (not markdown, sqlite, parquet).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace PATH if it exists: a file, or a folder an earlier markdown or parquet export wrote (replaced whole, at the end).",
)
@click.option("--shard-rows", type=Count(min=1), metavar="N", help="With --format parquet: at most N rows a file [default: 100000].")
@document_options
@dedupe_option
def export_command(session: Session, export_format: str, output: str | None, force: bool, shard_rows: int | None) -> int:
    """Export the selected documents for other tools.

    JSON Lines, JSON and YAML carry full records: the text, paragraphs,
    furniture and where date and title came from. CSV and TSV hold a flat
    row per document with the text; a cell that a spreadsheet would run as
    a formula (starting = + - @) gets a leading '. markdown writes a folder
    with one ID.md per document, with YAML front matter. sqlite writes a
    database with tables documents and paragraphs and the FTS5 indexes
    documents_fts and paragraphs_fts. parquet writes a folder of typed,
    zstd-compressed files part-00000.parquet, ... of at most --shard-rows
    rows each (it needs pyarrow: pip install 'corpus-cli[parquet]').

    A file is written beside PATH under a hidden temporary name and renamed
    into place when complete, so PATH is never half-written; an existing
    PATH is kept unless --force. A process killed outright (kill -9) may
    leave the hidden .PATH.*.tmp behind, never a partial PATH. --force
    replaces a folder only when an earlier markdown or parquet export wrote
    it (it holds a .corpus-export file) or it is empty, and never the corpus,
    a folder holding it or one inside it; and no export is written as a
    document (a .txt file) inside the corpus. A device or a FIFO as PATH is
    written into as a stream (as the shell's > would), never replaced.

    \b
    Examples:
      corpus export -o corpus.jsonl
      corpus list --since 2024-01-01 | corpus export --format csv > recent.csv
      corpus export --format sqlite -o corpus.db
      sqlite3 corpus.db "SELECT d.id FROM documents_fts f JOIN documents d ON d.rowid = f.rowid
        WHERE documents_fts MATCH 'deport*' ORDER BY rank"
      corpus grep -l ICE | corpus export --format markdown -o ice/
      corpus export --format parquet -o corpus.parquet
      duckdb -c "SELECT count(*) FROM 'corpus.parquet/*.parquet'"
    """
    if shard_rows is not None and export_format != "parquet":
        raise click.UsageError("--shard-rows goes with --format parquet")
    if output in (None, "-"):
        if export_format in ("markdown", "sqlite", "parquet"):
            what = "a database file" if export_format == "sqlite" else "a folder"
            raise click.UsageError(f"--format {export_format} writes {what}: name it with -o PATH")
        records = session.mapped(Document.full, progress="Exporting", output_waits=False)
        export.write_records(records, export_format, stdout())
        return 0
    target = Path(output)
    if export_format == "parquet":
        from corpus_cli.export import parquet

        # The workers send Arrow data, not records: the parent only writes (see pipeline.packed).
        streams = _strictly(session, session.packed(Document.full, parquet.arrow_stream, parquet.FILES_PER_TASK, progress="Exporting"))
        batches = parquet.stream_batches(streams)
        parquet.export_parquet(batches, target, force=force, shard_rows=shard_rows or parquet.SHARD_ROWS, protected=session.corpus.root)
        return 0
    records = _strictly(session, session.mapped(Document.full, progress="Exporting"))
    export.export(records, export_format, target, force=force, shard_rows=shard_rows, corpus_root=session.corpus.root)
    return 0


def _strictly(session: Session, records: Iterable[Item]) -> Iterator[Item]:
    """The records; then, under --strict, any warning fails the export before its file is put
    in place, so a CI run never leaves behind the file of a run it failed."""
    yield from records
    session.reporter.finish()
