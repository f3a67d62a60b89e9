"""`corpus show`: documents by id or unique prefix, as text, raw bytes or full records."""

from __future__ import annotations

from collections.abc import Iterator

import click

from corpus_cli.commands.options import document_options, format_option
from corpus_cli.errors import ExitStatus
from corpus_cli.output.terminal import color_enabled, default_format, write_bytes, write_text
from corpus_cli.output.views import render_document
from corpus_cli.output.writers import RECORD_FORMATS, RecordWriter
from corpus_cli.run.selection import ids_by_path, resolve_id
from corpus_cli.run.session import Session
from corpus_cli.text.document import DOCUMENT_TABLE_FIELDS, FULL_FIELDS, Document, with_title_or_lede


@click.command("show")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--raw", is_flag=True, help="Print the files' exact bytes (binary files too); no date bounds.")
@format_option(("text", *RECORD_FORMATS), "text on a terminal, jsonl otherwise")
@document_options
def show_command(session: Session, ids: tuple[str, ...], raw: bool, output_format: str | None) -> int:
    """Show documents by id, by unique id prefix, or by the records on stdin.

    The text view shows the fields parsed, the paragraphs, and the site
    furniture apart. --raw prints each file exactly as it is on disk, of
    any size (no --max-document-mb); --format json, jsonl, yaml, csv or tsv
    prints full records (text, paragraphs, furniture, and where date and
    title came from); a table shows the summary columns of `corpus list`.

    An id not found is reported and makes the exit status 1, as does an id
    that shows nothing (a binary file, one past the size limit, or one
    --since/--until leave out); an ambiguous prefix is an error that lists
    the candidates. --id GLOB shows the documents it matches.

    \b
    Examples:
      corpus show 002
      corpus show 000 001 --format json | jq '.[].paragraphs | length'
      corpus show 004 --raw | sha256sum
      corpus list --since 2024 | corpus show
    """
    missing: list[str] = []
    named: dict[str, int] = {}  # the ids named here, as found
    shown: set[str] = set()
    if ids == ("-",):
        session = session.with_stdin()
    elif ids:
        known = [source.id for source in session.files]
        by_path = ids_by_path(known)
        for position, doc_id in enumerate(ids, start=1):
            found = resolve_id(doc_id, known, by_path)
            if found is None:
                missing.append(doc_id)
            else:
                named.setdefault(found, position)
        session = session.with_ids(named)
    elif not session.stdin and session.options.id_glob is None:
        raise click.UsageError("give one or more ids (or --id GLOB), or pipe records with an id into corpus show")
    output_format = output_format or default_format(text_view=True)
    if raw:
        if session.options.by_date:
            raise click.UsageError("--raw prints files as they are and takes no --since/--until")
        for source in session.picked():
            shown.add(source.id)
            for chunk in source.read_chunks():  # whatever the file's size: --raw has no document limit
                write_bytes(chunk)
    else:
        documents = _noting(session.documents(), shown)
        if output_format == "text":
            for index, document in enumerate(documents):
                write_text(("\n" if index else "") + render_document(document, color_enabled()))
        else:
            with RecordWriter(output_format, DOCUMENT_TABLE_FIELDS if output_format == "table" else FULL_FIELDS) as writer:
                writer.write_all(with_title_or_lede(document.full()) for document in documents)
    for doc_id in missing:
        click.echo(f"corpus: error: no document with id or id prefix {doc_id!r}", err=True)
    # An id named here that showed nothing (a binary file, one over the size limit, one --id,
    # --since or --until leave out) is as good as not found: status 1, as grep's no match.
    return ExitStatus.NOT_FOUND if missing or any(doc_id not in shown for doc_id in named) else ExitStatus.OK


def _noting(documents: Iterator[Document], shown: set[str]) -> Iterator[Document]:
    """The documents, each one's id noted in `shown` as it passes."""
    for document in documents:
        shown.add(document.id)
        yield document
