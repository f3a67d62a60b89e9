"""Corpus statistics: summaries, groupings, frequent terms and term trends. No I/O, no click.

What is counted is a document's headline and body paragraphs (not the date header, not the site
furniture), split into words by `textstats.tokens`, so `words` here is the `words` of
`corpus list`. Phrases (n-grams) never cross the end of the headline or of a paragraph.

Record keys, flat so that JSON, CSV and a table hold them alike:

- a summary, and each group of ``--by``: `documents`, `dated`, `undated`, `first_date`,
  `last_date`, `words` (the total) with `words_mean`, `words_median`, `words_min`, `words_max`
  per document, `chars` (characters of the whole text) likewise, `paragraphs` (the total) and
  `distinct_terms` (distinct case-folded words). Means and medians are rounded to two decimals;
  for no documents they, the extremes and the dates are null.
- ``--by`` puts the group first: `id` (doc), `year`, `month`, `week` (ISO 8601, ``2024-W04``),
  `day` or `credit`. Documents without a
  date (or a credit) form their own group, whose key is null, after the others.
- frequent terms: `rank`, `term`, `count` (uses), `doc_freq` (documents using the term). A group
  holds at most `MAX_DISTINCT_TERMS` distinct terms; past that its counts are approximate, and
  `top_terms` says so through its `approximate` callback.
- term trends: `term`, `count`, `doc_freq`, then the group's `documents` and `words`, and
  `per_10k`: uses per 10,000 words of the group (null when it has no words).
"""

from __future__ import annotations

import datetime as dt
import heapq
import statistics
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from corpus_cli.analysis.dispersion import DIGITS, dp, share_used
from corpus_cli.analysis.families import Family, mentions, plain
from corpus_cli.text.document import Document
from corpus_cli.text.tokens import ngrams, tokens

# --by choices and the key each puts first in its rows.
Grouping = Literal["doc", "year", "month", "week", "day", "credit"]
# Each --by grouping and the key it puts in its records.
GROUPINGS: dict[Grouping, str] = {"doc": "id", "year": "year", "month": "month", "week": "week", "day": "day", "credit": "credit"}
MEASURE_FIELDS = (
    *("documents", "dated", "undated", "first_date", "last_date"),
    *("words", "words_mean", "words_median", "words_min", "words_max"),
    *("chars", "chars_mean", "chars_median", "chars_min", "chars_max"),
    *("paragraphs", "distinct_terms"),
)
TOP_FIELDS = ("rank", "term", "count", "doc_freq")
TREND_FIELDS = ("term", "count", "doc_freq", "documents", "words", "per_10k")
DISPERSION_FIELDS = ("range", "dp")
RATE_BASE = 10_000

Group = TypeVar("Group")


class Terms(Protocol):
    """What an index knows of all its documents' terms (see `corpus_cli.index.tally`)."""

    @property
    def documents(self) -> int: ...  # the documents the totals count

    def term_of(self, number: int) -> str: ...

    def totals(self) -> list[tuple[str, int, int]]: ...  # (term, count, doc_freq) of the terms in use


class Tally(Protocol):
    """A document's term counts as an index keeps them: merged as ints, not word by word."""

    @property
    def key(self) -> int: ...  # the document's number in the index

    @property
    def index(self) -> Terms: ...

    def presence(self) -> int: ...  # a bitmask of the numbers of the terms used

    def uses(self, term: str) -> int: ...


@dataclass(frozen=True)
class Counted:
    """What stats needs of a document: its measures and its words, not its text.

    Small enough for a worker process to make (tokenizing is most of the work) and send back.
    From an index, `segments` may be read only when asked for, and `tally` gives the counts.
    """

    id: str
    date: str | None
    credit: str | None
    words: int
    chars: int
    paragraphs: int
    segments: Sequence[list[str]]  # the words of the headline and of each paragraph
    tally: Tally | None = None


def counted(document: Document) -> Counted:
    """A document as stats counts it: the headline and body paragraphs (no header, no furniture)."""
    article = document.article
    texts = ([article.title] if article.title else []) + list(article.paragraphs)
    return Counted(
        id=document.id,
        date=document.date,
        credit=document.credit,
        words=article.words,
        chars=len(document.text),
        paragraphs=len(article.paragraphs),
        segments=tuple(words for text in texts if (words := tokens(text))),
    )


def group_of(document: Counted, by: Grouping) -> str | None:
    """The group a document falls in for ``--by``; None when it has no date (or no credit)."""
    if by == "doc":
        return document.id
    if by == "credit":
        return document.credit
    if document.date is None:
        return None
    if by == "week":
        return iso_week(document.date)
    return document.date[: {"year": 4, "month": 7}.get(by, 10)]


def iso_week(date: str) -> str:
    """The ISO 8601 week of an ISO date, as ``YYYY-Www``: weeks start on Monday, and the first
    week of a year holds its first Thursday (so 2024-12-30 falls in 2025-W01)."""
    year, week, _ = dt.date.fromisoformat(date).isocalendar()
    return f"{year}-W{week:02d}"


def fields_for(by: Grouping | None, fields: Sequence[str]) -> tuple[str, ...]:
    """The record keys of rows grouped `by` (or not grouped)."""
    return ((GROUPINGS[by],) if by else ()) + tuple(fields)


@dataclass
class Measures:
    """The running measures of a group of documents."""

    documents: int = 0
    dated: int = 0
    first_date: str | None = None
    last_date: str | None = None
    words: list[int] = field(default_factory=list)
    chars: list[int] = field(default_factory=list)
    paragraphs: int = 0
    terms: set[str] = field(default_factory=set)
    numbers: int = 0  # the terms of tallied documents, as a bitmask of term numbers
    index: Terms | None = None

    def add(self, document: Counted) -> None:
        self.documents += 1
        if document.date is not None:
            self.dated += 1
            self.first_date = min(self.first_date or document.date, document.date)
            self.last_date = max(self.last_date or document.date, document.date)
        self.words.append(document.words)
        self.chars.append(document.chars)
        self.paragraphs += document.paragraphs
        if document.tally is not None:
            self.numbers |= document.tally.presence()
            self.index = document.tally.index
            return
        for words in document.segments:
            self.terms.update(words)

    def distinct(self) -> int:
        """How many distinct terms the group's documents use."""
        if not self.numbers or self.index is None:
            return len(self.terms)
        if not self.terms:
            return self.numbers.bit_count()
        index = self.index
        return len(self.terms | {index.term_of(number) for number in numbers(self.numbers)})

    def record(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "dated": self.dated,
            "undated": self.documents - self.dated,
            "first_date": self.first_date,
            "last_date": self.last_date,
            **_spread("words", self.words),
            **_spread("chars", self.chars),
            "paragraphs": self.paragraphs,
            "distinct_terms": self.distinct(),
        }


def _spread(name: str, values: list[int]) -> dict[str, Any]:
    """Total, mean, median, min and max of per-document counts, under flat keys."""
    if not values:
        return {name: 0, f"{name}_mean": None, f"{name}_median": None, f"{name}_min": None, f"{name}_max": None}
    return {
        name: sum(values),
        f"{name}_mean": round(sum(values) / len(values), 2),
        f"{name}_median": round(float(statistics.median(values)), 2),
        f"{name}_min": min(values),
        f"{name}_max": max(values),
    }


def summarize(documents: Iterable[Counted]) -> dict[str, Any]:
    """The measures of all `documents` together."""
    measures = Measures()
    for document in documents:
        measures.add(document)
    return measures.record()


def summarize_by(documents: Iterable[Counted], by: Grouping) -> Iterator[dict[str, Any]]:
    """One record per group; per document (``doc``) they stream in the documents' order."""
    key = GROUPINGS[by]
    if by == "doc":
        for document in documents:
            measures = Measures()
            measures.add(document)
            yield {key: document.id, **measures.record()}
        return
    groups: dict[str | None, Measures] = {}
    for document in documents:
        groups.setdefault(group_of(document, by), Measures()).add(document)
    for name in _ordered(groups, by):
        yield {key: name, **groups[name].record()}


def _ordered(groups: dict[Group, Any], by: Grouping | None) -> list[Group]:
    """Groups in documents' order (doc), else sorted with the null group last."""
    if by in (None, "doc"):
        return list(groups)
    return sorted((name for name in groups if name is not None), key=str) + [name for name in groups if name is None]


# The distinct terms one group's counts may hold (about 110 MB of strings and counters): past it the
# least used are dropped (see `TermCounts`), so memory stays bounded on any corpus.
MAX_DISTINCT_TERMS = 1_000_000


@dataclass
class TermCounts:
    """How often each term is used, and in how many documents.

    At most `capacity` distinct terms are held: when there are more, the less used half (every
    term used no more than the median) is dropped, as in lossy counting. A term dropped and met
    again is counted afresh, so from then on each count may be short, by at most `short_by` (the
    sum of the thresholds dropped at); the most used terms, which are what `top` reports, are
    kept whole unless they were once among the least used.
    """

    count: Counter[str] = field(default_factory=Counter)
    doc_freq: Counter[str] = field(default_factory=Counter)
    capacity: int = 0  # 0: MAX_DISTINCT_TERMS
    short_by: int = 0  # 0: exact counts

    def add(self, terms: Iterable[str]) -> None:
        """Count the terms of one document."""
        used = Counter(terms)
        self.count.update(used)
        self.doc_freq.update(used.keys())
        if len(self.count) > (self.capacity or MAX_DISTINCT_TERMS):
            self._drop_the_least_used()

    def _drop_the_least_used(self) -> None:
        threshold = statistics.median_low(self.count.values())
        for term in [term for term, count in self.count.items() if count <= threshold]:
            del self.count[term]
            del self.doc_freq[term]
        self.short_by += threshold

    def top(self, n: int) -> list[dict[str, Any]]:
        """The `n` most used terms; ties go to the one in more documents, then alphabetically."""
        best = heapq.nsmallest(n, self.count.items(), key=lambda item: (-item[1], -self.doc_freq[item[0]], item[0]))
        return [{"rank": rank, "term": term, "count": count, "doc_freq": self.doc_freq[term]} for rank, (term, count) in enumerate(best, 1)]


def phrases(document: Counted, n: int, stopwords: Collection[str]) -> Iterator[str]:
    """The document's runs of `n` words, joined by a space, except those that begin or end
    with a stopword (so "secretary of state" stays and "of the" goes)."""
    for words in document.segments:
        for gram in ngrams(words, n):
            if gram[0] not in stopwords and gram[-1] not in stopwords:
                yield " ".join(gram)


def top_terms(
    documents: Iterable[Counted],
    n: int,
    *,
    ngram: int = 1,
    stopwords: Collection[str] = frozenset(),
    by: Grouping | None = None,
    containing: str | None = None,
    approximate: Callable[[str | None, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """The `n` most used terms (or phrases of `ngram` words), over all documents or per group;
    with `containing` (a term), only the phrases that hold it: AntConc's clusters.

    `approximate(group, short_by)` is called for each group whose counts passed
    `MAX_DISTINCT_TERMS` distinct terms and so are approximate (each at most `short_by` short).
    """
    if ngram == 1 and by is None and containing is None:
        documents = list(documents)
        totals = _index_totals(documents)
        used = [(term, count, doc_freq) for term, count, doc_freq in totals or () if term not in stopwords]
        if totals is not None and len(used) <= MAX_DISTINCT_TERMS:  # exact, as counting them is below the cap
            best = heapq.nsmallest(n, used, key=lambda item: (-item[1], -item[2], item[0]))
            for rank, (term, count, doc_freq) in enumerate(best, 1):
                yield {"rank": rank, "term": term, "count": count, "doc_freq": doc_freq}
            return
    groups: dict[str | None, list[dict[str, Any]] | TermCounts] = {}
    for document in documents:
        found = phrases(document, ngram, stopwords)
        if containing is not None:
            found = (phrase for phrase in found if containing in phrase.split(" "))
        if by == "doc":  # a document is its own group: keep its top terms, not all its counts
            counts = TermCounts()
            counts.add(found)
            groups[document.id] = counts.top(n)
        else:
            group = groups.setdefault(group_of(document, by) if by else None, TermCounts())
            assert isinstance(group, TermCounts)
            group.add(found)
    for name, group in groups.items():
        if isinstance(group, TermCounts) and group.short_by and approximate is not None:
            approximate(name, group.short_by)
    yield from _grouped_rows(groups, by, lambda group: group.top(n) if isinstance(group, TermCounts) else group)


def _index_totals(documents: Sequence[Counted]) -> list[tuple[str, int, int]] | None:
    """The index's term totals when `documents` are all the documents it counts, else None."""
    tallies = [document.tally for document in documents]
    if not tallies or tallies[0] is None:
        return None
    index = tallies[0].index
    if any(tally is None or tally.index is not index for tally in tallies):
        return None
    if len({tally.key for tally in tallies if tally is not None}) != index.documents:
        return None
    return index.totals()


def numbers(mask: int) -> Iterator[int]:
    """The positions of the set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def uses(document: Counted, family: Family) -> int:
    """How many mentions of `family` the document holds; from its tally when the members are
    single words, or when a member's word is missing (no mention), else from its words."""
    tally = document.tally
    if tally is not None:
        if all(len(member) == 1 for member in family.members):
            return sum(tally.uses(member[0]) for member in family.members)
        if not any(all(tally.uses(word) for word in member) for member in family.members):
            return 0
    return sum(len(mentions(words, family)) for words in document.segments)


def normalize_term(term: str) -> str:
    """A term as `term_trends` matches it: its words case-folded, joined by one space ("" if none)."""
    return " ".join(tokens(term))


@dataclass
class TermTrend:
    """Uses of the terms sought in one group, with the group's size to make rates of them, and
    (for dispersion) each document's size and uses."""

    documents: int = 0
    words: int = 0
    counts: TermCounts = field(default_factory=TermCounts)
    sizes: list[int] = field(default_factory=list)
    uses: list[Counter[str]] = field(default_factory=list)


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
        trend = groups.setdefault(group_of(document, by) if by else None, TermTrend())
        trend.documents += 1
        trend.words += document.words
        used = Counter({family.name: uses(document, family) for family in families})
        trend.counts.add(used.elements())
        if dispersion:
            trend.sizes.append(document.words)
            trend.uses.append(used)
    return groups


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

    yield from _grouped_rows(groups, by, rows)


def term_trends(
    documents: Iterable[Counted], terms: Sequence[str | Family], by: Grouping | None = None, *, dispersion: bool = False
) -> Iterator[dict[str, Any]]:
    """Uses of each term (a word, a phrase or a family) per group: counts and rates per 10,000
    words; with `dispersion`, the group's `range` and `dp` over its documents.

    Every group has a row for every term, zero included, so a series has no holes.
    """
    families = wanted_families(terms)
    yield from trend_rows(count_terms(documents, families, by, dispersion=dispersion), families, by, dispersion=dispersion)


def _grouped_rows(
    groups: dict[str | None, Group], by: Grouping | None, rows: Callable[[Group], list[dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    """The rows of each group in order, with the group's key first when grouped."""
    for name in _ordered(groups, by):
        for row in rows(groups[name]):
            yield {GROUPINGS[by]: name, **row} if by else row
