"""`corpus quotes`: the direct quotations of the selected documents, with their speakers."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import click

from corpus_cli.analysis.quotes import BY_SPEAKER_FIELDS, FIELDS, by_speaker, quotations
from corpus_cli.commands.options import document_options, format_option
from corpus_cli.output.terminal import default_format
from corpus_cli.output.writers import RecordWriter
from corpus_cli.run.session import Session

# A table on a terminal shows what a reader scans; the offsets are for scripts.
TABLE_FIELDS = ("id", "speaker", "cue", "quote")


@dataclass(frozen=True)
class QuotesOptions:
    """quotes' options, as click gives them."""

    speaker_glob: str | None
    by: str | None
    output_format: str | None


@click.command("quotes")
@click.option("--speaker", "speaker_glob", metavar="GLOB", help="Only quotations whose speaker matches GLOB, ignoring case ('*Mayorkas').")
@click.option("--by", type=click.Choice(("speaker",)), help="One row per speaker: quotes, words quoted, documents.")
@format_option()
@document_options
def quotes_command(session: Session, **options: Any) -> int:
    """Find direct quotations and who said them: one record per quotation.

    A quotation is the text between “ ” or " " marks (single marks nested
    inside belong to it); a quotation continued over paragraphs is one
    record, its parts joined by one space; "A," he said, "B." is two
    records with one speaker. Quoted terms are left out: a single word,
    and a phrase of two or three words (or a short title) with no speech
    verb near it ("optics", "AbolishBorders").

    The speaker comes from a speech verb (said, told, according to,
    wrote, claimed, added, ...) next to a name ("Lechleitner said", "said
    Mr Howard", "Mayorkas said: ..."), a pronoun (the person last quoted
    or named before it) or a description ("a spokesperson said").
    speaker_kind says which: named, pronoun, description, or null when no
    speaker is found. Names are given in the fullest form the article
    uses, without titles. A quotation with no attribution of its own right
    after an attributed one takes that one's speaker and cue.

    Records: id, date, quote, speaker, speaker_kind, cue, start, end
    (character offsets of the quotation's first part in the document's
    text, as grep gives them: text[start:end] begins the quote) and
    paragraph (1-based, as in `corpus show`'s paragraphs). --by speaker
    counts quotes, words and documents per speaker, most quoted first.

    \b
    Examples:
      corpus quotes
      corpus quotes --by speaker
      corpus quotes --speaker '*Mayorkas' | jq -r .quote
      corpus grep -l ICE | corpus quotes --format csv
    """
    chosen = QuotesOptions(**options)
    output_format = chosen.output_format or default_format()
    records: Iterable[dict[str, Any]] = (
        record
        for found in session.mapped(quotations, progress="Finding quotes", output_waits=chosen.by == "speaker" or output_format == "table")
        for record in found
    )
    if chosen.speaker_glob is not None:
        records = _spoken_by(records, chosen.speaker_glob)
    rows: Iterable[dict[str, Any]]
    fields: Sequence[str]
    if chosen.by == "speaker":
        rows, fields = by_speaker(records), BY_SPEAKER_FIELDS
        if output_format == "table":
            rows = ({**row, "speaker": "(no speaker)"} if row["speaker"] is None else row for row in rows)
    else:
        rows, fields = records, (TABLE_FIELDS if output_format == "table" else FIELDS)
    with RecordWriter(output_format, fields) as writer:
        writer.write_all(rows)
    return 0


def _spoken_by(records: Iterable[dict[str, Any]], glob: str) -> Iterator[dict[str, Any]]:
    pattern = glob.casefold()
    for record in records:
        if record["speaker"] is not None and fnmatch.fnmatchcase(record["speaker"].casefold(), pattern):
            yield record
