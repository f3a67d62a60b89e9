"""`corpus collocates NODE`: the words that keep company with a word or phrase, with association scores."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import click

from corpus_cli.analysis import collocates
from corpus_cli.commands.options import Count, dedupe_option, document_options, format_option
from corpus_cli.commands.stopwords import chosen_stopwords, stopword_options
from corpus_cli.errors import ExitStatus
from corpus_cli.output.bars import rounded, with_bars
from corpus_cli.output.terminal import default_format, is_terminal
from corpus_cli.output.writers import RecordWriter
from corpus_cli.run.session import Session
from corpus_cli.text.tokens import tokens

# What fits a terminal beside the bar (dice is logdice's other face); the data formats carry every field.
TABLE_FIELDS = ("rank", "collocate", "cooccurrences", "logdice", "mi", "t", "ll")
MAX_WINDOW = 50


@dataclass(frozen=True)
class CollocatesOptions:
    """collocates' options, read once into names and types."""

    node: tuple[str, ...]
    window: collocates.Window
    measure: str
    min_freq: int
    top: int
    stopwords: frozenset[str]
    output_format: str | None

    @classmethod
    def from_click(cls, options: dict[str, Any]) -> CollocatesOptions:
        """The options; a node without a word or an empty window is a usage error."""
        node = tuple(tokens(options["node"]))
        if not node:
            raise click.BadParameter(f"{options['node']!r} holds no word to look for", param_hint="'NODE'")
        if options["left"] + options["right"] == 0:
            raise click.UsageError("the window is empty: give --left or --right a number above 0")
        return cls(
            node=node,
            window=collocates.Window(options["left"], options["right"]),
            measure=options["measure"],
            min_freq=options["min_freq"],
            top=options["top"],
            stopwords=chosen_stopwords(options["stopwords_file"], options["no_stopwords"]),
            output_format=options["output_format"],
        )


@click.command("collocates")
@click.argument("node")
@click.option("--left", type=click.IntRange(0, MAX_WINDOW), default=5, show_default=True, metavar="N", help="Words before the node.")
@click.option("--right", type=click.IntRange(0, MAX_WINDOW), default=5, show_default=True, metavar="N", help="Words after the node.")
@click.option(
    "--measure", type=click.Choice(collocates.MEASURES), default="logdice", show_default=True, help="The score collocates are ranked by."
)
@click.option("--min-freq", type=Count(min=1), default=3, show_default=True, metavar="N", help="Least co-occurrences.")
@click.option("--top", type=Count(min=1), default=20, show_default=True, metavar="N", help="How many collocates.")
@stopword_options("collocates")
@format_option()
@document_options
@dedupe_option
def collocates_command(session: Session, **options: Any) -> int:
    """The words found near NODE (a word or a phrase), with association scores.

    A collocate is a word within --left words before or --right words
    after the node; windows never cross the end of the headline or of a
    paragraph. Words are terms as `corpus stats` counts them ("ICE's" is
    "ice"); stopwords are left out of the collocates, not of the windows.

    Each record: rank, collocate, cooccurrences (O), collocate_freq (f2),
    node_freq (f1), left and right (co-occurrences on each side), and the
    scores, with N the words of the selected documents, span = left + right
    and E = f1 * f2 * span / N (Evert 2008, Corpora and collocations):

    \b
      mi       log2(O / E)                pointwise mutual information
      t        (O - E) / sqrt(O)          t-score
      ll       G2 of the 2x2 table        log-likelihood of the N words: in a
               window or not (overlapping windows' words once) against
               the collocate or not
      dice     2 * O / (f1 + f2)
      logdice  14 + log2(dice)            Rychly 2008; comparable across
               corpora of any size (14 at most for a one-word window)

    Scores carry every digit in JSON, CSV and YAML (a table rounds them).
    With --left 0 --right 1 they equal NLTK's BigramAssocMeasures. On a
    terminal the table ends with a bar of the --measure. Exit status 1 when
    the node does not occur in the selected documents.

    \b
    Examples:
      corpus collocates ICE
      corpus collocates 'homeland security' --left 3 --right 3 --measure ll
      corpus collocates immigration --since 2024 --min-freq 2 --format csv
      corpus collocates ICE | jq -r '"\\(.collocate)\\t\\(.logdice)"'
    """
    chosen = CollocatesOptions.from_click(options)
    output_format = chosen.output_format or default_format()
    counts = collocates.CollocateCounts()
    counting = functools.partial(collocates.count_document, node=chosen.node, window=chosen.window)
    for document in session.mapped(counting, progress="Counting"):
        counts.add(document)
    rows = collocates.collocates(
        counts, chosen.window, measure=chosen.measure, min_freq=chosen.min_freq, top=chosen.top, stopwords=chosen.stopwords
    )
    fields: tuple[str, ...] = collocates.FIELDS
    if output_format == "table":
        rows = list(rounded(rows))
        fields = TABLE_FIELDS
        if is_terminal():
            rows, fields = with_bars(rows, chosen.measure), (*fields, "bar")
    with RecordWriter(output_format, fields) as writer:
        writer.write_all(rows)
    return ExitStatus.OK if counts.node_freq else ExitStatus.NOT_FOUND
