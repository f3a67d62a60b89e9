"""Corpus statistics: summaries and groupings of documents. No I/O, no click.

What is counted is a document's headline and body paragraphs (not the date header, not the site
furniture), split into words by `text.tokens.tokens`, so `words` here is the `words` of
`corpus list`. Frequent terms are in `analysis.terms`, term trends in `analysis.trends`.

Record keys, flat so that JSON, CSV and a table hold them alike:

- a summary, and each group of ``--by``: `documents`, `dated`, `undated`, `first_date`,
  `last_date`, `words` (the total) with `words_mean`, `words_median`, `words_min`, `words_max`
  per document, `chars` (characters of the whole text) likewise, `paragraphs` (the total) and
  `distinct_terms` (distinct case-folded words). Means and medians are rounded to two decimals;
  for no documents they, the extremes and the dates are null.
- ``--by`` puts the group first: `id` (doc), `year`, `month`, `week` (ISO 8601, ``2024-W04``),
  `day` or `credit`. Documents without a date (or a credit) form their own group, whose key is
  null, after the others.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

from corpus_cli.text.document import Document
from corpus_cli.text.tokens import PackedTerms, terms_text

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


class Counted(NamedTuple):
    """What stats needs of a document: its measures and its words, not its text.

    Small enough for a worker process to make (tokenizing is most of the work) and send back.
    From an index, `segments` may be read only when asked for, and `tally` gives the counts.
    A tuple: made for every document, in half the time of a frozen dataclass.
    """

    id: str
    date: str | None
    credit: str | None
    words: int
    chars: int
    paragraphs: int
    segments: Sequence[list[str]]  # the terms of the headline and of each paragraph that has any
    tally: Tally | None = None


def counted(document: Document) -> Counted:
    """A document as stats counts it: the headline and body paragraphs (no header, no furniture)."""
    article = document.article
    segments = [terms_text(article.title)] if article.title else []
    paragraphs = 0
    for paragraph in article.each_paragraph():  # one at a time: a paragraph's text is not kept
        paragraphs += 1
        segments.append(terms_text(paragraph))
    return Counted(
        id=document.id,
        date=document.date,
        credit=document.credit,
        words=article.words,
        chars=len(document.text),
        paragraphs=paragraphs,
        segments=PackedTerms(tuple(segment for segment in segments if segment)),
    )


def group_of(document: Counted, by: Grouping) -> str | None:
    """The group a document falls in for ``--by``; None when it has no date (or no credit)."""
    return document.id if by == "doc" else group_by_date_or_credit(document.date, document.credit, by)


def group_by_date_or_credit(date: str | None, credit: str | None, by: Grouping) -> str | None:
    """`group_of` a document with this date and credit, for any `by` but doc."""
    if by == "credit":
        return credit
    if date is None:
        return None
    if by == "week":
        return iso_week(date)
    return date[: {"year": 4, "month": 7}.get(by, 10)]


def iso_week(date: str) -> str:
    """The ISO 8601 week of an ISO date, as ``YYYY-Www``: weeks start on Monday, and the first
    week of a year holds its first Thursday (so 2024-12-30 falls in 2025-W01). The year has four
    digits, as in the dates and the other groups (0001-W01, 0001-01)."""
    year, week, _ = dt.date.fromisoformat(date).isocalendar()
    return f"{year:04d}-W{week:02d}"


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
    # Arrays, not lists: a group of 100,000 documents keeps 8 bytes a count, not 36 (the median needs them all).
    words: array[int] = field(default_factory=lambda: array("q"))
    chars: array[int] = field(default_factory=lambda: array("q"))
    paragraphs: int = 0
    terms: set[str] = field(default_factory=set)
    numbers: int = 0  # the terms of tallied documents, as a bitmask of term numbers
    index: Terms | None = None
    known_distinct: int | None = None  # how many distinct terms, when known beforehand (a whole index's)

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
        if isinstance(document.segments, PackedTerms):  # a piece at a time: a paragraph may be long
            self.terms.update(document.segments.each_term())
            return
        for words in document.segments:
            self.terms.update(words)

    def distinct(self) -> int:
        """How many distinct terms the group's documents use."""
        if self.known_distinct is not None:
            return self.known_distinct
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


def _spread(name: str, values: Sequence[int]) -> dict[str, Any]:
    """Total, mean, median, min and max of per-document counts, under flat keys."""
    if not values:
        return {name: 0, f"{name}_mean": None, f"{name}_median": None, f"{name}_min": None, f"{name}_max": None}
    import statistics  # here: with the fractions module it loads, 4 ms of every command's start

    return {
        name: sum(values),
        f"{name}_mean": round(sum(values) / len(values), 2),
        f"{name}_median": round(float(statistics.median(values)), 2),
        f"{name}_min": min(values),
        f"{name}_max": max(values),
    }


class Columns(NamedTuple):
    """What `stats` counts of many documents at once, a list a measure (in any order, the same in
    each): an index reads them so, and `Measures` are made from them whole, where making and
    adding a `Counted` a document took most of a summary's time."""

    dates: Sequence[str | None]
    credits: Sequence[str | None]
    words: Sequence[int]
    chars: Sequence[int]
    paragraphs: Sequence[int]
    presence: Sequence[int] | None  # each document's terms, as a bitmask of term numbers in `terms`
    terms: Terms
    in_use: int | None = None  # without `presence`: how many distinct terms the documents use (a whole index's)
    uses: Mapping[str, Sequence[int]] | None = None  # each document's uses of the single terms `stats --term` seeks, by term

    def measures(self) -> Measures:
        """The measures that adding each document in turn gives."""
        dated = [date for date in self.dates if date is not None]
        numbers = 0 if self.presence is None else functools.reduce(operator.or_, self.presence, 0)
        return Measures(
            documents=len(self.words),
            dated=len(dated),
            first_date=min(dated, default=None),
            last_date=max(dated, default=None),
            words=array("q", self.words),
            chars=array("q", self.chars),
            paragraphs=sum(self.paragraphs),
            numbers=numbers,
            index=self.terms,
            known_distinct=self.in_use if self.presence is None else None,
        )

    def grouped(self, by: Grouping) -> dict[str | None, Columns]:
        """The columns of each group of ``--by`` (not doc), as `summarize_by` groups the documents."""
        assert self.presence is not None, "groups are counted from each document's terms"
        sought = list(self.uses or {})
        used = [self.uses[term] for term in sought] if self.uses else []
        rows: dict[str | None, list[tuple[Any, ...]]] = {}
        for row in zip(self.dates, self.credits, self.words, self.chars, self.paragraphs, self.presence, *used):
            group = group_by_date_or_credit(row[0], row[1], by)
            held = rows.get(group)
            if held is None:  # not setdefault: it would make a list for every document
                held = rows[group] = []
            held.append(row)
        groups = {}
        for group, held in rows.items():
            dates, credits, words, chars, paragraphs, presence, *uses = zip(*held)
            sought_uses = dict(zip(sought, uses)) if self.uses is not None else None
            groups[group] = Columns(dates, credits, words, chars, paragraphs, presence, self.terms, uses=sought_uses)
        return groups


def summarize_columns(columns: Columns, by: Grouping) -> Iterator[dict[str, Any]]:
    """`summarize_by` (any `by` but doc) of the documents of `columns` (`Columns.measures` is `summarize`'s)."""
    key = GROUPINGS[by]
    groups = columns.grouped(by)
    for name in ordered_groups(groups, by):
        yield {key: name, **groups[name].measures().record()}


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
        group = group_of(document, by)
        held = groups.get(group)
        if held is None:  # not setdefault: it would make a Measures for every document
            held = groups[group] = Measures()
        held.add(document)
    for name in ordered_groups(groups, by):
        yield {key: name, **groups[name].record()}


def ordered_groups(groups: dict[Group, Any], by: Grouping | None) -> list[Group]:
    """Groups in documents' order (doc), else sorted with the null group last."""
    if by in (None, "doc"):
        return list(groups)
    return sorted((name for name in groups if name is not None), key=str) + [name for name in groups if name is None]


def numbers(mask: int) -> Iterator[int]:
    """The positions of the set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def grouped_rows(
    groups: dict[str | None, Group], by: Grouping | None, rows: Callable[[Group], list[dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    """The rows of each group in order, with the group's key first when grouped."""
    for name in ordered_groups(groups, by):
        for row in rows(groups[name]):
            yield {GROUPINGS[by]: name, **row} if by else row
