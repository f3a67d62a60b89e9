"""`corpus keyness`: the terms over- and under-used in the selected documents against a reference."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import click

from corpus_cli.analysis import keyness
from corpus_cli.analysis.families import Family
from corpus_cli.commands.families import families_option, known_families
from corpus_cli.commands.options import Count, document_options, format_option
from corpus_cli.commands.stopwords import chosen_stopwords, stopword_options
from corpus_cli.errors import CorpusError
from corpus_cli.output.bars import rounded, with_bars
from corpus_cli.output.terminal import default_format, is_terminal
from corpus_cli.output.writers import RecordWriter
from corpus_cli.run.reference import Reference, compared
from corpus_cli.run.session import Session

TABLE_DIGITS = 2
# What fits a terminal beside the bar; every listing has one direction, and rates are in the data formats.
TABLE_FIELDS = ("rank", "term", "target", "reference", "ll", "log_ratio", "p")


@dataclass(frozen=True)
class KeynessOptions:
    """keyness' options, read once into names and types."""

    reference: Reference
    top: int
    negative: bool
    min_freq: int
    ngram: int
    stopwords: frozenset[str]
    families: tuple[Family, ...]
    output_format: str | None

    @classmethod
    def from_click(cls, options: dict[str, Any], session: Session) -> KeynessOptions:
        reference = Reference(
            corpus=options["ref_corpus"], since=options["ref_since"], until=options["ref_until"], id_glob=options["ref_id"]
        )
        reference.selection()  # a bad --ref- date is a usage error before any document is read
        families: tuple[Family, ...] = ()
        if options["families"] or options["terms_file"]:
            if options["ngram"] != 1:
                raise click.UsageError("--ngram counts phrases; families have phrases of their own: give one of them")
            families = tuple(known_families(session, options["terms_file"]).values())
            if not families:
                raise CorpusError("no term families to compare: give --terms FILE or add terms: to corpus.yaml")
        return cls(
            reference=reference,
            top=options["top"],
            negative=options["negative"],
            min_freq=options["min_freq"],
            ngram=options["ngram"],
            stopwords=chosen_stopwords(options["stopwords_file"], options["no_stopwords"]),
            families=families,
            output_format=options["output_format"],
        )


@click.command("keyness")
@click.option("--ref-since", metavar="DATE", help="Reference: documents dated on or after DATE.")
@click.option("--ref-until", metavar="DATE", help="Reference: documents dated on or before DATE.")
@click.option("--ref-id", metavar="GLOB", help="Reference: documents whose id matches GLOB.")
@click.option("--ref-corpus", metavar="PATH", help="Reference: another corpus (a folder or its corpus.yaml); --ref-* select in it.")
@click.option("--top", type=Count(min=1), default=20, show_default=True, metavar="N", help="How many terms.")
@click.option("--negative", is_flag=True, help="List the under-used terms instead of the over-used.")
@click.option("--min-freq", type=Count(min=1), default=3, show_default=True, metavar="N", help="Least uses, both sides together.")
@click.option("--ngram", type=click.IntRange(1, 9), default=1, show_default=True, metavar="N", help="Phrases of N words.")
@stopword_options("terms")
@families_option
@click.option("--families", is_flag=True, help="Compare term families (--terms FILE, or terms: in corpus.yaml) instead of words.")
@format_option()
@document_options
def keyness_command(session: Session, **options: Any) -> int:
    """The terms over-used (or, with --negative, under-used) in the selected
    documents, the target, against a reference.

    The target is the selection (--since, --until, --id, stdin). The
    reference is the rest of the corpus; or, with --ref-since, --ref-until
    or --ref-id, those documents of the corpus (they may overlap the
    target); or --ref-corpus PATH, another corpus, all of it or what the
    --ref-* options select in it. Terms are counted as `corpus stats --top`
    counts them: stopwords left out, and with --ngram N phrases of N words
    that neither begin nor end with a stopword. --families (or --terms
    FILE) compares term families instead: each family's mentions, any
    member once, counted under the family's name.

    Each record: rank, term, target and reference (uses), target_per_10k
    and reference_per_10k (uses per 10,000 words), and, for a uses in the
    target's c words and b in the reference's d words:

    \b
      ll         2 * (a ln(a/E1) + b ln(b/E2)), E1 = c(a+b)/(c+d),
                 E2 = d(a+b)/(c+d): log-likelihood G2 (Rayson and Garside 2000)
      log_ratio  log2((a/c) / (b/d)) (Hardie 2014); a zero count is taken
                 as 0.5, so a term absent on one side gets a finite ratio;
                 null when half a use would point against direction
      p          the chance of so large a G2 by chance: chi-squared, 1 df
      direction  + (over-used: a/c > b/d) or - (under-used)

    Terms are ranked by ll; those used at the same rate on both sides are
    not listed. An empty target or reference is an error. On a terminal the
    table ends with a bar of ll.

    \b
    Examples:
      corpus keyness --id '00[01]*'
      corpus keyness --since 2024 --ref-id '00[234]*' --ngram 2
      corpus keyness --id '00[01]*' --negative --format csv
      corpus keyness --ref-corpus ../other-corpus --top 50
      corpus keyness --since 2024 --terms families.yaml --min-freq 1
      corpus keyness --since 2024 | jq -r 'select(.p < 0.01) | .term'
    """
    chosen = KeynessOptions.from_click(options, session)
    output_format = chosen.output_format or default_format()
    counting = functools.partial(keyness.document_terms, ngram=chosen.ngram, stopwords=chosen.stopwords, families=chosen.families)
    target, reference = keyness.Frequencies(), keyness.Frequencies()
    for in_target, document in compared(session, chosen.reference, counting):
        (target if in_target else reference).add(document)
    for side, frequencies in (("target (the selected documents)", target), ("reference", reference)):
        if frequencies.words == 0:
            what = "no documents" if frequencies.documents == 0 else "no words"
            raise CorpusError(f"the {side} has {what}: nothing to compare (check the selection and the --ref-* options)")
    rows = keyness.keyness(target, reference, top=chosen.top, negative=chosen.negative, min_freq=chosen.min_freq)
    fields: tuple[str, ...] = keyness.FIELDS
    if output_format == "table":
        fields = TABLE_FIELDS
        # p spans many orders of magnitude: two significant digits say more than two decimals.
        rows = list(rounded(({**row, "p": f"{row['p']:.2g}"} for row in rows), TABLE_DIGITS))
        if is_terminal():
            rows, fields = with_bars(rows, "ll"), (*fields, "bar")
    with RecordWriter(output_format, fields) as writer:
        writer.write_all(rows)
    return 0
