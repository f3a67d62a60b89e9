"""Dispersion: whether a term is spread across the documents or bunched in a few. No I/O, no click.

- `range`: the share of the documents that use the term (documents with a hit / documents).
- `dp`: Gries's deviation of proportions (Gries 2008, "Dispersions and adjusted frequencies in
  corpora"): with each document's share of the words s_i and its share of the term's hits v_i,
  DP = 0.5 * sum(|v_i - s_i|). 0 when the hits follow the documents' sizes exactly; it grows
  towards 1 as they bunch (its most is 1 - the smallest s_i, all hits in the smallest document).
- The hits of one document, for a plot: each hit's relative place, 0 (the first word of the
  headline or body) to 1 (the last word).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from corpus_cli.analysis.families import Family, mentions
from corpus_cli.text.document import Document

FIELDS = ("id", "date", "term", "hits", "words", "positions")
DIGITS = 4  # of range, dp and positions: enough to tell documents apart, short enough to read


def dp(hits: Sequence[int], sizes: Sequence[int]) -> float | None:
    """Gries's DP of hits over parts of the given sizes; None without hits or words. The sum is
    exactly rounded (`math.fsum`), so the parts' order does not change it: an index gives a
    group's documents in the order they were indexed, a scan in id order."""
    total_hits, total_size = sum(hits), sum(sizes)
    if total_hits == 0 or total_size == 0:
        return None
    return 0.5 * math.fsum(abs(hit / total_hits - size / total_size) for hit, size in zip(hits, sizes))


def share_used(hits: Sequence[int]) -> float | None:
    """Range: the share of the parts with a hit; None when there are no parts."""
    return sum(1 for hit in hits if hit) / len(hits) if hits else None


@dataclass(frozen=True)
class DocumentHits:
    """Where each family (or term) is mentioned in one document, as word positions."""

    id: str
    date: str | None
    words: int
    hits: tuple[tuple[str, tuple[int, ...]], ...]  # (family name, positions) for each family sought

    def records(self) -> Iterator[dict[str, Any]]:
        """One record per family with a hit."""
        for name, positions in self.hits:
            if positions:
                yield {
                    "id": self.id,
                    "date": self.date,
                    "term": name,
                    "hits": len(positions),
                    "words": self.words,
                    "positions": [relative(position, self.words) for position in positions],
                }


def relative(position: int, words: int) -> float:
    """A word's place in a document of `words` words: 0 for the first, 1 for the last."""
    return round(position / (words - 1), DIGITS) if words > 1 else 0.0


def document_hits(document: Document, families: Sequence[Family]) -> DocumentHits:
    """The mentions of each family in the headline and body (a mention never spans two paragraphs)."""
    from corpus_cli.analysis.stats import counted  # here: stats imports this module for its measures

    words = counted(document)
    found: dict[str, list[int]] = {family.name: [] for family in families}
    offset = 0
    for segment in words.segments:
        for family in families:
            found[family.name].extend(offset + start for start in mentions(segment, family))
        offset += len(segment)
    return DocumentHits(words.id, words.date, words.words, tuple((name, tuple(positions)) for name, positions in found.items()))
