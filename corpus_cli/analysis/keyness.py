"""Keyness: the terms over- and under-used in a target against a reference. No I/O, no click.

For a term used `a` times in the target's `c` words and `b` times in the reference's `d` words:

    E1 = c * (a + b) / (c + d)          E2 = d * (a + b) / (c + d)
    ll = G2 = 2 * (a * ln(a / E1) + b * ln(b / E2))          (0 * ln 0 = 0; Rayson and Garside 2000)
    p  = the chance of a G2 this large with one degree of freedom: erfc(sqrt(G2 / 2))
    log_ratio = log2((a / c) / (b / d))                       (Hardie 2014)

`log_ratio` is a difference of relative frequencies in binary orders of magnitude: 1 is twice as
frequent in the target, -1 half as frequent. A zero count (the term is absent on one side) is taken
as 0.5, so that the ratio is finite; when a side has so few words that half a use there is a higher
rate than the other side's (a lower one, for a term absent from the other side), the ratio would
point against `direction`, and it is None instead. A term is over-used (`direction` "+") when its rate in the
target is higher than in the reference, under-used ("-") when lower; terms used at the same rate
in both are neither, and are not listed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus_cli.analysis.families import Family, mentions
from corpus_cli.analysis.stats import counted
from corpus_cli.analysis.terms import phrases
from corpus_cli.text.document import Document

FIELDS = ("rank", "term", "target", "reference", "target_per_10k", "reference_per_10k", "ll", "log_ratio", "p", "direction")
RATE_BASE = 10_000
ZERO_COUNT = 0.5  # what a zero count is taken as in log_ratio


@dataclass(frozen=True)
class DocumentTerms:
    """What keyness needs of a document: its id and date (to tell target from reference), its size
    and its terms' counts. Small enough for a worker process to send back."""

    id: str
    date: str | None
    words: int
    counts: Counter[str]


def document_terms(
    document: Document, ngram: int = 1, stopwords: Collection[str] = frozenset(), families: Sequence[Family] = ()
) -> DocumentTerms:
    """A document's terms (or phrases of `ngram` words) as `stats --top` counts them; or, given
    `families`, the mentions of each family, by its name, as `stats --term` counts them."""
    words = counted(document)
    if families:
        uses = Counter({family.name: sum(len(mentions(segment, family)) for segment in words.segments) for family in families})
        return DocumentTerms(words.id, words.date, words.words, +uses)
    return DocumentTerms(words.id, words.date, words.words, Counter(phrases(words, ngram, stopwords)))


@dataclass
class Frequencies:
    """The size of a set of documents and how often it uses each term; two sets add up."""

    documents: int = 0
    words: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, document: DocumentTerms) -> None:
        self.documents += 1
        self.words += document.words
        self.counts.update(document.counts)


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """G2 for `a` uses in `c` words against `b` uses in `d` words (Rayson and Garside 2000)."""
    total = a + b
    g2 = 0.0
    for observed, size in ((a, c), (b, d)):
        if observed:
            g2 += observed * math.log(observed / (size * total / (c + d)))
    return 2 * g2


def log_ratio(a: int, b: int, c: int, d: int) -> float | None:
    """log2 of the ratio of the relative frequencies, a zero count taken as 0.5 (Hardie 2014); None
    when that stand-in turns the ratio against the rates (half a use in a side of few words is a
    higher rate than the other side's uses): no finite ratio then says how far the term leans."""
    ratio = math.log2(((a or ZERO_COUNT) / c) / ((b or ZERO_COUNT) / d))
    if (a == 0 and ratio >= 0) or (b == 0 and ratio <= 0):
        return None
    return ratio


def p_value(g2: float) -> float:
    """P(X >= g2) for X chi-squared with one degree of freedom."""
    return math.erfc(math.sqrt(max(g2, 0.0) / 2))


def direction(a: int, b: int, c: int, d: int) -> str | None:
    """ "+" when the target's rate is higher, "-" when lower, None when they are the same."""
    difference = a * d - b * c  # a/c - b/d, in integers so that equal rates compare equal
    return "+" if difference > 0 else "-" if difference < 0 else None


def keyness(
    target: Frequencies, reference: Frequencies, *, top: int | None = 20, negative: bool = False, min_freq: int = 3
) -> list[dict[str, Any]]:
    """The key terms: over-used ones (or under-used, with `negative`) by falling `ll`, then by term.

    A term is considered when target and reference together use it at least `min_freq` times.
    Both sides must have words (the caller says which one has none).
    """
    c, d = target.words, reference.words
    if c <= 0 or d <= 0:
        raise ValueError("the target and the reference must both have words")
    wanted = "-" if negative else "+"
    scored = []
    for term in target.counts.keys() | reference.counts.keys():
        a, b = target.counts[term], reference.counts[term]
        if a + b >= min_freq and direction(a, b, c, d) == wanted:
            scored.append((log_likelihood(a, b, c, d), term, a, b))
    scored.sort(key=lambda item: (-item[0], item[1]))
    rows = []
    for rank, (g2, term, a, b) in enumerate(scored[:top] if top is not None else scored, 1):
        rows.append(
            {
                "rank": rank,
                "term": term,
                "target": a,
                "reference": b,
                "target_per_10k": round(a * RATE_BASE / c, 2),
                "reference_per_10k": round(b * RATE_BASE / d, 2),
                "ll": g2,
                "log_ratio": log_ratio(a, b, c, d),
                "p": p_value(g2),
                "direction": wanted,
            }
        )
    return rows
