"""Collocates: the words found in a window around a node, with association scores. No I/O, no click.

The words are the terms of `text.tokens`, the headline and each body paragraph a segment of its
own: a window never crosses the end of a segment. For a node (a word or a phrase) and a window of
`left` and `right` words, a co-occurrence is a pair (node occurrence, word in its window); a word
in the windows of two occurrences counts twice. With

    O  co-occurrences of node and collocate     N  words of the selection
    f1 occurrences of the node                  f2 occurrences of the collocate
    span = left + right (window positions)      E = f1 * f2 * span / N

the scores are (Evert 2008, "Corpora and collocations"; Rychly 2008 for logDice)

    mi      = log2(O / E)
    t       = (O - E) / sqrt(O)
    ll      = G2 = 2 * sum(O_ij * ln(O_ij / E_ij)) over the 2x2 table of the N words: in a window
              of the node or not (first row: the window positions) against the collocate or not
              (first column: its f2 occurrences)
    dice    = 2 * O / (f1 + f2)
    logdice = 14 + log2(dice)

The table counts words, not pairs (Evert's surface co-occurrence): where windows overlap, a position
(and a use of the collocate there) is counted once, so its first cell is at most f2 and no cell is
negative. Pairs counted twice made a cell negative whenever a collocate's every use sat between two
close occurrences of the node, and its `ll`, null, ranked the strongest collocates last. Where no
windows overlap, the table's first row is span * f1 and its first cell O.

With a window of one word to the right, O, f1, f2 and N are those of a bigram count, and the scores
are NLTK's `BigramAssocMeasures` (pmi, student_t, likelihood_ratio, dice); they are computed in the
same order, so they agree to the last bits. In a corpus so small that the windows hold more words
than it has, a cell of the table is negative and `ll` is null.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus_cli.analysis.stats import counted
from corpus_cli.text.document import Document

MEASURES = ("logdice", "mi", "t", "ll", "dice")
FIELDS = ("rank", "collocate", "cooccurrences", "collocate_freq", "node_freq", "left", "right", *MEASURES)


@dataclass(frozen=True)
class Window:
    """How many words either side of the node count as its company."""

    left: int = 5
    right: int = 5

    @property
    def span(self) -> int:
        return self.left + self.right


@dataclass
class CollocateCounts:
    """What the scores need, for some documents; counts of two sets of documents add up."""

    words: int = 0
    node_freq: int = 0
    term_freq: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    # ll's table: the window positions, overlaps once, and the words at them (a word once however
    # many windows it is in); a window cut short by the end of its segment keeps its span.
    window_positions: int = 0
    in_windows: Counter[str] = field(default_factory=Counter)

    def add(self, other: CollocateCounts) -> None:
        self.words += other.words
        self.node_freq += other.node_freq
        self.term_freq.update(other.term_freq)
        self.left.update(other.left)
        self.right.update(other.right)
        self.window_positions += other.window_positions
        self.in_windows.update(other.in_windows)


def occurrences(words: Sequence[str], node: Sequence[str]) -> Iterator[int]:
    """Where the node (a tuple of terms) starts in `words`; occurrences of a phrase may overlap."""
    size = len(node)
    first = node[0]
    for start, word in enumerate(words):
        if word == first and tuple(words[start : start + size]) == tuple(node):
            yield start


def count_segments(segments: Sequence[Sequence[str]], node: Sequence[str], window: Window) -> CollocateCounts:
    """The counts of one document, given as its segments' terms (a window stays in its segment)."""
    counts = CollocateCounts()
    for words in segments:
        counts.words += len(words)
        counts.term_freq.update(words)
        positions: set[int] = set()
        for start in occurrences(words, node):
            counts.node_freq += 1
            end = start + len(node)
            counts.left.update(words[max(0, start - window.left) : start])
            counts.right.update(words[end : end + window.right])
            positions.update(range(start - window.left, start), range(end, end + window.right))
        counts.window_positions += len(positions)
        counts.in_windows.update(words[position] for position in positions if 0 <= position < len(words))
    return counts


def count_document(document: Document, node: Sequence[str], window: Window) -> CollocateCounts:
    """The counts of one document: its headline and body paragraphs, as `stats` counts them."""
    return count_segments(counted(document).segments, node, window)


def scores(observed: int, node_freq: int, collocate_freq: int, words: int, span: int, table: tuple[int, int]) -> dict[str, float | None]:
    """The association measures of one node-collocate pair (see the module's docstring); `table`
    is ll's: the collocate's uses in the windows and the window positions, each counted once."""
    expected = node_freq * collocate_freq * span / words
    dice = 2 * observed / (node_freq + collocate_freq)
    return {
        "logdice": 14 + math.log2(dice),
        # log2(O * N) - log2(f1 * f2 * span) rather than log2(O / E): NLTK's order of operations.
        "mi": math.log2(observed * words) - math.log2(node_freq * collocate_freq * span),
        "t": (observed - expected) / math.sqrt(observed),
        "ll": log_likelihood(table[0], table[1], collocate_freq, words),
        "dice": dice,
    }


def log_likelihood(observed: int, row: int, column: int, total: int) -> float | None:
    """G2 of the 2x2 table with cell `observed`, first row and column totals `row` and `column`.

    None when the totals make a cell negative (no such table exists).
    """
    cells = (observed, column - observed, row - observed, total - row - column + observed)
    if min(cells) < 0 or total <= 0:
        return None
    expected = [(cells[i] + cells[i ^ 1]) * (cells[i] + cells[i ^ 2]) / total for i in range(4)]
    return 2 * sum(cell * math.log(cell / guess) for cell, guess in zip(cells, expected) if cell)


def collocates(
    counts: CollocateCounts,
    window: Window,
    *,
    measure: str = "logdice",
    min_freq: int = 3,
    top: int | None = 20,
    stopwords: Collection[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The `top` collocates by `measure` (highest first), those co-occurring at least `min_freq` times.

    Ties go to more co-occurrences, then alphabetically; a null score ranks last.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    rows = []
    for collocate in counts.left.keys() | counts.right.keys():
        observed = counts.left[collocate] + counts.right[collocate]
        if observed < min_freq or collocate in stopwords:
            continue
        row: dict[str, Any] = {
            "collocate": collocate,
            "cooccurrences": observed,
            "collocate_freq": counts.term_freq[collocate],
            "node_freq": counts.node_freq,
            "left": counts.left[collocate],
            "right": counts.right[collocate],
        }
        table = (counts.in_windows[collocate], counts.window_positions)
        row.update(scores(observed, counts.node_freq, counts.term_freq[collocate], counts.words, window.span, table))
        rows.append(row)
    rows.sort(key=lambda row: (row[measure] is None, -(row[measure] or 0.0), -row["cooccurrences"], row["collocate"]))
    return [{"rank": rank, **row} for rank, row in enumerate(rows[:top] if top is not None else rows, 1)]
