"""`corpus export`: the selected documents to a file (atomically), a folder or stdout."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from corpus_cli.commands.options import document_options
from corpus_cli.export import formats as export
from corpus_cli.export.formats import Record
from corpus_cli.output.terminal import stdout
from corpus_cli.run.session import Session
from corpus_cli.text.document import Document


@click.command("export")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(export.EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl, json, yaml: full records; csv, tsv: a flat row each; markdown: a folder; sqlite: a database.",
)
@click.option("-o", "--output", metavar="PATH", help="File (a folder for markdown) to write; '-' or none: stdout (not markdown, sqlite).")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists (it is replaced whole, at the end).")
@document_options
def export_command(session: Session, export_format: str, output: str | None, force: bool) -> int:
    """Export the selected documents for other tools.

    JSON Lines, JSON and YAML carry full records: the text, paragraphs,
    furniture and where date and title came from. CSV and TSV hold a flat
    row per document with the text; a cell that a spreadsheet would run as
    a formula (starting = + - @) gets a leading '. markdown writes a folder
    with one ID.md per document, with YAML front matter. sqlite writes a
    database with tables documents and paragraphs and the FTS5 indexes
    documents_fts and paragraphs_fts.

    A file is written beside PATH under a hidden temporary name and renamed
    into place when complete, so PATH is never half-written; an existing
    PATH is kept unless --force. A process killed outright (kill -9) may
    leave the hidden .PATH.*.tmp behind, never a partial PATH.

    \b
    Examples:
      corpus export -o corpus.jsonl
      corpus list --since 2024-01-01 | corpus export --format csv > recent.csv
      corpus export --format sqlite -o corpus.db
      sqlite3 corpus.db "SELECT d.id FROM documents_fts f JOIN documents d ON d.rowid = f.rowid
        WHERE documents_fts MATCH 'deport*' ORDER BY rank"
      corpus grep -l ICE | corpus export --format markdown -o ice/
    """
    if output in (None, "-"):
        if export_format in ("markdown", "sqlite"):
            what = "a folder" if export_format == "markdown" else "a database file"
            raise click.UsageError(f"--format {export_format} writes {what}: name it with -o PATH")
        records = session.mapped(Document.full, progress="Exporting", output_waits=False)
        export.write_records(records, export_format, stdout())
        return 0
    target = Path(output)
    export.export(_strictly(session, session.mapped(Document.full, progress="Exporting")), export_format, target, force=force)
    return 0


def _strictly(session: Session, records: Iterable[Record]) -> Iterator[Record]:
    """The records; then, under --strict, any warning fails the export before its file is put
    in place, so a CI run never leaves behind the file of a run it failed."""
    yield from records
    session.reporter.finish()
