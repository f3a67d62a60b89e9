"""`corpus dispersion TERM...`: where in each document a term is used, as records or a plot of strips."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import click

from corpus_cli.analysis import dispersion
from corpus_cli.analysis.families import Family, resolve
from corpus_cli.commands.families import families_option, known_families
from corpus_cli.commands.options import document_options, format_option
from corpus_cli.output.strips import render_strips
from corpus_cli.output.terminal import color_enabled, default_format, terminal_width, write_text
from corpus_cli.output.writers import RECORD_FORMATS, RecordWriter
from corpus_cli.run.session import Session


@dataclass(frozen=True)
class DispersionOptions:
    """dispersion's options, read once into names and types."""

    families: tuple[Family, ...]
    output_format: str | None

    @classmethod
    def from_click(cls, options: dict[str, Any], session: Session) -> DispersionOptions:
        terms = options["terms"]
        for term in terms:
            if not term.strip():
                raise click.BadParameter("an empty TERM holds no word to look for", param_hint="'TERM'")
        try:
            families = resolve(terms, known_families(session, options["terms_file"]))
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'TERM'") from None
        return cls(families=tuple(families), output_format=options["output_format"])


@click.command("dispersion")
@click.argument("terms", nargs=-1, required=True, metavar="TERM...")
@families_option
@format_option((*RECORD_FORMATS, "text"), "a plot of strips (text) on a terminal, jsonl otherwise")
@document_options
def dispersion_command(session: Session, **options: Any) -> int:
    """Where each TERM (a word, a phrase or a family's name) is used in each
    document: AntConc's Plot, quanteda's x-ray plot.

    One record per document and term with a hit: id, date, term, hits,
    words (of the headline and body), and positions: each hit's relative
    place, 0 for the first word of the headline or body, 1 for the last
    (4 decimals). Records come in id order. Terms are matched as `corpus
    stats --term` matches them; a family (--terms FILE, or terms: in
    corpus.yaml) counts a mention of any member once, the longest.

    On a terminal (--format text) each document is one line with a strip
    as wide as the terminal and a mark at each hit (a heavier mark where
    several fall in one cell), documents in date order, undated last; a last line per
    term says how many of the selected documents use it. Exit status 1
    when no document uses any TERM.

    For one number per term, `corpus stats --term TERM --dispersion` gives
    range (the share of documents that use it) and dp (Gries's deviation
    of proportions: 0 spread evenly, towards 1 bunched).

    \b
    Examples:
      corpus dispersion Mayorkas
      corpus dispersion ICE deportation --since 2024
      corpus dispersion 'white house' --format csv
      corpus dispersion Mayorkas | jq -r '"\\(.id) \\(.positions | map(. * 100 | floor) | join(","))"'
    """
    chosen = DispersionOptions.from_click(options, session)
    output_format = chosen.output_format or default_format(text_view=True)
    hits = session.mapped(functools.partial(dispersion.document_hits, families=chosen.families), progress="Counting")
    selected = 0

    def records_of(documents: Iterable[dispersion.DocumentHits]) -> Iterator[dict[str, Any]]:
        nonlocal selected
        for document in documents:
            selected += 1
            yield from document.records()

    if output_format == "text":  # the strips are drawn in date order: every record first
        records = list(records_of(hits))
        write_text(render_strips(records, terminal_width(), color_enabled(), selected))
        return 0 if records else 1
    # Records stream as they come, in id order: holding them all took 160 MB at 500 MB of text.
    with RecordWriter(output_format, dispersion.FIELDS) as writer:
        writer.write_all(records_of(hits))
    return 0 if writer.count else 1
