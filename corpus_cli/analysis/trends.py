"""Term trends (``stats --term``): uses of a word, a phrase or a term family per group: `term`,
`count`, `doc_freq`, then the group's `documents` and `words`, and `per_10k`: uses per 10,000
words of the group (null when it has no words); with dispersion, `range` and `dp`. No I/O, no click.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus_cli.analysis.dispersion import DIGITS, dp, share_used
from corpus_cli.analysis.families import Family, mentions, plain
from corpus_cli.analysis.stats import Columns, Counted, Grouping, group_of, grouped_rows
from corpus_cli.analysis.terms import TermCounts
from corpus_cli.text.tokens import tokens

TREND_FIELDS = ("term", "count", "doc_freq", "documents", "words", "per_10k")


DISPERSION_FIELDS = ("range", "dp")


RATE_BASE = 10_000


def uses(document: Counted, family: Family) -> int:
    """How many mentions of `family` the document holds; from its tally when the members are
    single words, or when a member's word is missing (no mention), else from its words."""
    tally = document.tally
    if tally is not None:
        if family.words is not None:
            return sum(map(tally.uses, family.words))
        if not any(all(tally.uses(word) for word in member) for member in family.members):
            return 0
    return sum(len(mentions(words, family)) for words in document.segments)


def normalize_term(term: str) -> str:
    """A term as `stats --term` matches it: its words case-folded, joined by one space ("" if none)."""
    return " ".join(tokens(term))


@dataclass
class TermTrend:
    """Uses of the terms sought in one group, with the group's size to make rates of them, and
    (for dispersion) each document's size and uses."""

    documents: int = 0
    words: int = 0
    counts: TermCounts = field(default_factory=TermCounts)
    sizes: list[int] = field(default_factory=list)
    uses: list[dict[str, int]] = field(default_factory=list)  # each document's, by family name


def wanted_families(terms: Sequence[str | Family]) -> list[Family]:
    """The terms sought, as families (a word or a phrase is a family of one), each once, in order."""
    return list({family.name: family for family in (term if isinstance(term, Family) else plain(term) for term in terms)}.values())


def count_terms(
    documents: Iterable[Counted], families: Sequence[Family], by: Grouping | None = None, *, dispersion: bool = False
) -> dict[str | None, TermTrend]:
    """The uses of each family per group, with each group's size (and, for dispersion, each
    document's size and uses).

    Without dispersion, the groups of separate batches of documents add up, field by field: the
    Spark job counts its batches here and sums them, so its numbers are this function's.
    """
    groups: dict[str | None, TermTrend] = {}
    for document in documents:
        group = group_of(document, by) if by else None
        trend = groups.get(group)
        if trend is None:  # not setdefault: it would make a TermTrend (two Counters) for every document
            trend = groups[group] = TermTrend()
        trend.documents += 1
        trend.words += document.words
        used = {family.name: uses(document, family) for family in families}
        trend.counts.add_counts(used)
        if dispersion:
            trend.sizes.append(document.words)
            trend.uses.append(used)
    return groups


def counts_single_words(families: Sequence[Family]) -> bool:
    """Whether every family's members are single words: their uses are then the sum of the
    words' counts, which a document's tally gives (see `count_columns`)."""
    return all(family.words is not None for family in families)


def sought_words(families: Sequence[Family]) -> list[str]:
    """The words of families of single words, each once, in order."""
    return list(dict.fromkeys(word for family in families for word in family.words or ()))


def count_columns(
    columns: Columns, families: Sequence[Family], by: Grouping | None = None, *, dispersion: bool = False
) -> dict[str | None, TermTrend]:
    """`count_terms` of the documents of `columns`, whose `uses` hold each document's uses of
    `sought_words(families)` (families of single words): a column at a time, in C's loops."""
    assert columns.uses is not None, "the columns hold the uses of the words sought"
    if not columns.words:
        return {}
    groups: dict[str | None, TermTrend] = {}
    for group, held in (columns.grouped(by) if by else {None: columns}).items():
        assert held.uses is not None
        trend = groups[group] = TermTrend(documents=len(held.words), words=sum(held.words))
        used = {family.name: _family_uses(held.uses, family) for family in families}
        for name, column in used.items():
            if total := sum(column):
                trend.counts.count[name] = total
                trend.counts.doc_freq[name] = len(column) - column.count(0)
        if dispersion:
            trend.sizes = list(held.words)
            trend.uses = [dict(zip(used, values)) for values in zip(*used.values())]
    return groups


def _family_uses(uses: Mapping[str, Sequence[int]], family: Family) -> Sequence[int]:
    """Each document's uses of a family of single words: the sum of its words'."""
    words = family.words or ()
    return uses[words[0]] if len(words) == 1 else list(map(sum, zip(*(uses[word] for word in words))))


def per_10k(count: int, words: int) -> float | None:
    """Uses per 10,000 words, rounded to two decimals; None for a group without words."""
    return round(count * RATE_BASE / words, 2) if words else None


def trend_rows(
    groups: dict[str | None, TermTrend], families: Sequence[Family], by: Grouping | None = None, *, dispersion: bool = False
) -> Iterator[dict[str, Any]]:
    """The records of `count_terms`' groups: every group has a row for every family, zero
    included, so a series has no holes; ungrouped, a row a family even for no documents."""
    if by is None and not groups:
        groups = {None: TermTrend()}

    def rows(trend: TermTrend) -> list[dict[str, Any]]:
        records = []
        for family in families:
            term = family.name
            record = {
                "term": term,
                "count": trend.counts.count[term],
                "doc_freq": trend.counts.doc_freq[term],
                "documents": trend.documents,
                "words": trend.words,
                "per_10k": per_10k(trend.counts.count[term], trend.words),
            }
            if dispersion:
                hits = [uses[term] for uses in trend.uses]
                spread, deviation = share_used(hits), dp(hits, trend.sizes)
                record["range"] = None if spread is None else round(spread, DIGITS)
                record["dp"] = None if deviation is None else round(deviation, DIGITS)
            records.append(record)
        return records

    yield from grouped_rows(groups, by, rows)
