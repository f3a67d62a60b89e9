"""Frequent terms and phrases (``stats --top``): `rank`, `term`, `count` (uses), `doc_freq`
(documents using the term), per group. Phrases (n-grams) never cross the end of the headline or
of a paragraph. A group holds at most `MAX_DISTINCT_TERMS` distinct terms; past that its counts
are approximate, and `top_terms` says so through its `approximate` callback. No I/O, no click.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus_cli.analysis.stats import Counted, Grouping, group_of, grouped_rows
from corpus_cli.source.discover import collection_paused
from corpus_cli.text.tokens import PackedTerms, ngrams

TOP_FIELDS = ("rank", "term", "count", "doc_freq")


# The distinct terms one group's counts may hold (about 70 MB of strings and counters, 100 MB at
# the moment the least used are dropped; measured on phrases of three words): past it the least
# used are dropped (see `TermCounts`), so memory stays bounded on any corpus. At 1,000,000 the
# parent took 217 MB at 100 MB of text.
MAX_DISTINCT_TERMS = 500_000


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
        """Count the terms of one document (its distinct terms by Counter's loop in C: this runs
        for every document of a scan)."""
        used = Counter(terms)
        self.count.update(used)
        self.doc_freq.update(used.keys())
        self._keep_within_capacity()

    def add_counts(self, used: Mapping[str, int]) -> None:
        """Count one document that uses each term of `used` that many times (none when 0): the
        few terms `stats --term` seeks, without a Counter of them a document."""
        count, doc_freq = self.count, self.doc_freq
        for term, uses in used.items():
            if uses > 0:
                count[term] += uses
                doc_freq[term] += 1
        self._keep_within_capacity()

    def _keep_within_capacity(self) -> None:
        if len(self.count) > (self.capacity or MAX_DISTINCT_TERMS):
            self._drop_the_least_used()

    def _drop_the_least_used(self) -> None:
        # New counters rather than deletions: a dictionary never shrinks, so deleting half its
        # entries left the tables of every term ever met (270 MB at 100 MB of text, cap 1,000,000).
        import statistics  # here: rarely needed, and 4 ms of every command's start

        threshold = statistics.median_low(self.count.values())
        kept = [term for term, count in self.count.items() if count > threshold]
        self.count = Counter({term: self.count[term] for term in kept})
        self.doc_freq = Counter({term: self.doc_freq[term] for term in kept})
        self.short_by += threshold

    def top(self, n: int) -> list[dict[str, Any]]:
        """The `n` most used terms; ties go to the one in more documents, then alphabetically."""
        best = heapq.nsmallest(n, self.count.items(), key=lambda item: (-item[1], -self.doc_freq[item[0]], item[0]))
        return [{"rank": rank, "term": term, "count": count, "doc_freq": self.doc_freq[term]} for rank, (term, count) in enumerate(best, 1)]


def phrases(document: Counted, n: int, stopwords: Collection[str]) -> Iterator[str]:
    """The document's runs of `n` words, joined by a space, except those that begin or end
    with a stopword (so "secretary of state" stays and "of the" goes)."""
    if n == 1 and isinstance(document.segments, PackedTerms):  # a piece at a time: a paragraph may be long
        yield from (word for word in document.segments.each_term() if word not in stopwords)
        return
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
        # Documents are kept only while each comes with an index's tally (small): the index's
        # totals may then answer. The first read from the files streams the rest into the counts.
        remaining = iter(documents)
        tallied: list[Counted] = []
        with collection_paused():  # many objects kept and no cycle: the collector tripled the time
            for document in remaining:
                tallied.append(document)
                if document.tally is None:
                    break
        if not tallied or tallied[-1].tally is not None:  # every document came with a tally
            totals = _index_totals(tallied)
            used = [(term, count, doc_freq) for term, count, doc_freq in totals or () if term not in stopwords]
            if totals is not None and len(used) <= MAX_DISTINCT_TERMS:  # exact, as counting them is below the cap
                best = heapq.nsmallest(n, used, key=lambda item: (-item[1], -item[2], item[0]))
                for rank, (term, count, doc_freq) in enumerate(best, 1):
                    yield {"rank": rank, "term": term, "count": count, "doc_freq": doc_freq}
                return
        documents = itertools.chain(_handed_over(tallied), remaining)
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
            name = group_of(document, by) if by else None
            group = groups.get(name)
            if group is None:  # not setdefault: it would make a TermCounts for every document
                group = groups[name] = TermCounts()
            assert isinstance(group, TermCounts)
            group.add(found)
    for name, group in groups.items():
        if isinstance(group, TermCounts) and group.short_by and approximate is not None:
            approximate(name, group.short_by)
    yield from grouped_rows(groups, by, lambda group: group.top(n) if isinstance(group, TermCounts) else group)


def _handed_over(documents: list[Counted]) -> Iterator[Counted]:
    """The documents of the list in order, each let go of as it is handed over."""
    documents.reverse()
    while documents:
        yield documents.pop()


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
