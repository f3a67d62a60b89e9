"""`corpus stats`: a summary of the selected documents, per group, frequent terms, term trends."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from corpus_cli.analysis import stats, terms, trends
from corpus_cli.analysis.families import Family, resolve
from corpus_cli.analysis.stats import Grouping
from corpus_cli.commands.families import families_option, known_families
from corpus_cli.commands.options import Count, dedupe_option, document_options, format_option
from corpus_cli.commands.stopwords import chosen_stopwords
from corpus_cli.output.bars import with_bars
from corpus_cli.output.terminal import default_format, is_terminal
from corpus_cli.output.writers import RecordWriter, write_object
from corpus_cli.run.session import Session
from corpus_cli.text.tokens import tokens

# A table has room for the measures a reader scans first; the other formats carry them all.
TABLE_MEASURES = ("documents", "first_date", "last_date", "words", "words_mean", "distinct_terms")
NULL_GROUP_LABELS = {"doc": "", "year": "(undated)", "month": "(undated)", "week": "(undated)", "day": "(undated)", "credit": "(no credit)"}
DEFAULT_TOP = 20  # --ngram alone asks for the frequent phrases: this many
TABLE_DOC_MEASURES = ("first_date", "words", "chars", "paragraphs", "distinct_terms")


@dataclass(frozen=True)
class StatsOptions:
    """stats' options, as click gives them, read once into names and types."""

    by: Grouping | None
    top: int | None
    ngram: int | None
    stopwords_file: Path | None
    no_stopwords: bool
    terms: tuple[str, ...]
    terms_file: Path | None
    dispersion: bool
    containing: str | None
    output_format: str | None

    @classmethod
    def from_click(cls, options: dict[str, Any]) -> StatsOptions:
        """The options; those that make no sense together are a usage error, not silently ignored."""
        chosen = cls(**options)
        if chosen.terms and (chosen.top is not None or chosen.ngram is not None):
            raise click.UsageError("--term and --top (or --ngram) answer different questions: give one of them")
        if chosen.terms_file and (chosen.top is not None or chosen.ngram is not None):
            raise click.UsageError("--terms FILE and --top answer different questions: give one of them")
        if chosen.top is None and chosen.ngram is not None:
            chosen = dataclasses.replace(chosen, top=DEFAULT_TOP)
        if chosen.top is None and (chosen.stopwords_file or chosen.no_stopwords):
            raise click.UsageError("--stopwords and --no-stopwords go with --top N (or --ngram N)")
        if chosen.stopwords_file and chosen.no_stopwords:
            raise click.UsageError("give --stopwords FILE or --no-stopwords, not both")
        if chosen.dispersion and not (chosen.terms or chosen.terms_file):
            raise click.UsageError("--dispersion goes with --term WORD or --terms FILE")
        if chosen.containing is not None:
            if chosen.top is None:
                raise click.UsageError("--containing goes with --top N (and --ngram N)")
            if len(tokens(chosen.containing)) != 1:
                raise click.BadParameter(f"{chosen.containing!r} is not one word", param_hint="'--containing'")
        return chosen

    def families(self, session: Session) -> list[Family]:
        """What --term and --terms ask for: the families named (or every family of --terms FILE
        when no --term is given) and plain words or phrases."""
        known = known_families(session, self.terms_file)
        try:  # a family's name first: "~" names one, though as a plain term it holds no word
            return resolve(self.terms, known) if self.terms else list(known.values())
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--term'") from None

    def stopwords(self) -> frozenset[str]:
        """The words --top leaves out: none, the file's, or the English list shipped."""
        return chosen_stopwords(self.stopwords_file, self.no_stopwords)


@click.command("stats")
@click.option("--by", type=click.Choice(tuple(stats.GROUPINGS)), help="One row per document, year, month, ISO week, day or credit.")
@click.option("--top", type=Count(min=1), metavar="N", help="The N most frequent terms, with their document frequency.")
@click.option(
    "--ngram",
    type=click.IntRange(1, 9),
    metavar="N",
    help=f"Frequent phrases of N words (default 1: words); --top {DEFAULT_TOP} unless --top is given.",
)
@click.option(
    "--stopwords",
    "stopwords_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --top: leave out the words of FILE (one a line) instead of the English list shipped.",
)
@click.option("--no-stopwords", is_flag=True, help="With --top: count every word, stopwords too.")
@click.option(
    "--term",
    "terms",
    multiple=True,
    metavar="WORD",
    help="Uses of WORD (a phrase, or a family's name) per --by group and per 10,000 words; repeatable.",
)
@families_option
@click.option("--dispersion", is_flag=True, help="With --term: add range and dp (Gries's deviation of proportions) over documents.")
@click.option("--containing", metavar="WORD", help="With --top and --ngram: only the phrases that contain WORD (clusters).")
@format_option()
@document_options
@dedupe_option
def stats_command(session: Session, **options: Any) -> int:
    """Count the selected documents: sizes, dates, frequent terms, term trends.

    By default one summary record: documents, dated, undated, first_date,
    last_date, words (total) with words_mean, words_median, words_min and
    words_max per document, chars likewise, paragraphs and distinct_terms.
    --by doc|year|month|week|day|credit gives the same measures per group
    (week: the ISO 8601 week, 2024-W04); documents without a date (or
    credit) form their own group, keyed null, last.

    Words are the case-folded tokens of the headline and body (not the date
    header or site furniture): the same count as `corpus list` shows. A
    term is a word case-folded, with a possessive 's dropped, so "ICE's"
    counts as "ice"; hyphenated words stay whole ("anti-border" is not a
    use of "border"). Phrases never run past the end of the headline or of
    a paragraph.

    --top N lists frequent terms (rank, term, count, doc_freq), leaving out
    an English stopword list; --ngram N counts phrases of N words, leaving
    out those that begin or end with a stopword (the top 20 without --top). --term WORD (repeatable,
    a phrase works too) gives term, count, doc_freq, the group's documents
    and words, and per_10k: uses per 10,000 words; on a terminal, --by
    year|month draws per_10k as a bar. --containing WORD keeps the --top
    phrases that hold WORD (AntConc's clusters), with the same counts.

    --dispersion adds range (the share of the group's documents that use
    the term) and dp, Gries's deviation of proportions (Gries 2008): with
    s_i a document's share of the words and v_i its share of the uses,
    dp = 0.5 * sum |v_i - s_i|; 0 when uses follow the documents' sizes,
    towards 1 when they bunch in a few (at most 1 - the smallest s_i).

    Term families (--terms FILE, YAML, or a terms: mapping in corpus.yaml)
    name a concept with several names, such as
    ICE: [ICE, Immigration and Customs Enforcement]. --term NAME counts a
    family's mentions: any member, each mention once, the longest where
    members overlap ("Yasser Arafat", not also "Arafat"). --terms FILE
    without --term gives a record for every family of FILE.

    \b
    Examples:
      corpus stats
      corpus stats --by year --format csv
      corpus stats --ngram 2
      corpus stats --dedupe
      corpus stats --top 10 --ngram 3 --containing ICE
      corpus stats --by week --format csv
      corpus stats --term ICE --term deport --by month
      corpus stats --term Mayorkas --dispersion --by year
      corpus stats --terms families.yaml --by year
      corpus grep -w deport | corpus stats --by month
    """
    chosen = StatsOptions.from_click(options)
    by = chosen.by
    output_format = chosen.output_format or default_format()
    # An index keeps each document's term counts, not its words in order: frequent terms other than
    # the single words of the whole corpus (phrases, per group, of a selection) are counted from
    # the files, on every core, as without an index.
    counting = session if _counts_suffice(chosen, session) else _scanning(session)
    families = trends.wanted_families(chosen.families(session)) if chosen.terms or chosen.terms_file else None
    # A summary, or the trends of single words (their uses are in the tallies), of a corpus the
    # index holds as it is come from the index's columns at once; asked first, so that an index
    # found damaged then leaves the documents to a scan.
    columns = None
    if _summary(chosen):
        columns = session.counted_columns(by)
    elif families is not None and by != "doc" and trends.counts_single_words(families):
        columns = session.counted_columns(by, trends.sought_words(families))
    documents = counting.mapped(stats.counted, progress="Counting")  # every answer comes after the last document
    if families is not None:
        if columns is None:
            groups = trends.count_terms(documents, families, by, dispersion=chosen.dispersion)
        else:
            groups = trends.count_columns(columns, families, by, dispersion=chosen.dispersion)
        rows = trends.trend_rows(groups, families, by, dispersion=chosen.dispersion)
        fields = stats.fields_for(by, trends.TREND_FIELDS + (trends.DISPERSION_FIELDS if chosen.dispersion else ()))
        if by in ("year", "month") and output_format == "table" and is_terminal():
            # The group's size gives way to the bar; the data formats keep it.
            fields = tuple(name for name in fields if name not in ("documents", "words"))
            rows, fields = iter(with_bars(rows, "per_10k")), (*fields, "bar")
    elif chosen.top is not None:
        containing = tokens(chosen.containing)[0] if chosen.containing else None
        rows = terms.top_terms(
            documents,
            chosen.top,
            ngram=chosen.ngram or 1,
            stopwords=chosen.stopwords(),
            by=by,
            containing=containing,
            approximate=_approximate(session),
        )
        fields = stats.fields_for(by, terms.TOP_FIELDS)
    elif by is not None:
        rows = stats.summarize_by(documents, by) if columns is None else stats.summarize_columns(columns, by)
        measures: Sequence[str] = stats.MEASURE_FIELDS
        if output_format == "table":
            measures = TABLE_DOC_MEASURES if by == "doc" else TABLE_MEASURES
        fields = stats.fields_for(by, measures)
    else:
        write_object(output_format, stats.summarize(documents) if columns is None else columns.measures().record())
        return 0
    if by is not None and output_format == "table":
        rows = _label_null_group(rows, stats.GROUPINGS[by], NULL_GROUP_LABELS[by])
    with RecordWriter(output_format, fields) as writer:
        writer.write_all(rows)
    return 0


def _summary(chosen: StatsOptions) -> bool:
    """Whether the measures of documents together are asked for (not per document, not terms)."""
    return not (chosen.terms or chosen.terms_file) and chosen.top is None and chosen.by != "doc"


def _counts_suffice(chosen: StatsOptions, session: Session) -> bool:
    """Whether the documents' term counts answer (else their words in order are needed)."""
    if chosen.top is None:
        return True
    selection = session.selection
    whole = not (selection.by_date or selection.id_glob or selection.ids is not None or selection.excluded)
    return whole and (chosen.ngram or 1) == 1 and chosen.by is None and chosen.containing is None


def _scanning(session: Session) -> Session:
    """This session without its index; the ids it read from stdin, if any, are kept (not read again)."""
    return dataclasses.replace(session, use_index=False, ids=session.selection.ids, stdin=False)


def _approximate(session: Session) -> Callable[[str | None, int], None]:
    """Say, as a warning, that a group's counts are approximate (memory bounded them)."""

    def warn(group: str | None, short_by: int) -> None:
        where = "the selection" if group is None else f"group {group}"
        session.reporter.warn(
            f"over {terms.MAX_DISTINCT_TERMS:,} distinct terms in {where}: the least used were dropped along the way to bound "
            f"memory, so its counts are approximate (each at most {short_by:,} short); narrow the selection for exact counts"
        )

    return warn


def _label_null_group(rows: Iterable[dict[str, Any]], key: str, label: str) -> Iterator[dict[str, Any]]:
    """In a table an empty cell says nothing: name the group of undated (or uncredited) documents."""
    for row in rows:
        yield {**row, key: label} if row[key] is None else row
