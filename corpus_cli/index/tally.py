"""Term counts that `stats` merges without a Python step per word: each document's counts as bit
layers over term numbers, and the vocabulary that numbers the terms and keeps their totals.

A document's tally is its term counts sliced into bits: layer j is a bitmask whose bit t is set
when bit j of the count of term t is set. The terms a document uses are the OR of its layers, so
the distinct terms of a group of documents are an OR of Python ints (done in C) and a popcount; a
term's count is read off its bit in each layer. Terms are numbered in the order they are first
met, so the frequent ones (met in the first documents) have low numbers and the layers stay short.

``vocab`` holds each term's number with its count and document frequency over the indexed
documents, kept exact as documents come and go, so `stats --top` over the whole corpus reads the
totals instead of adding up every document.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Mapping
from functools import cached_property

_LENGTH = 4  # bytes of each layer's length in a tally
_PLAIN = 512  # masks up to this many bytes are stored as they are


def encode(counts: Mapping[int, int]) -> tuple[bytes, bytes]:
    """The presence mask and the tally of a document's counts (term number -> uses)."""
    width = max(counts, default=-1) // 8 + 1
    layers: list[bytearray] = []
    presence = bytearray(width)
    for number, count in counts.items():
        byte, bit = number >> 3, 1 << (number & 7)
        presence[byte] |= bit
        layer = 0
        while count:
            if count & 1:
                while len(layers) <= layer:
                    layers.append(bytearray(width))
                layers[layer][byte] |= bit
            count >>= 1
            layer += 1
    packed = bytearray()
    for layer_bytes in layers:
        trimmed = bytes(layer_bytes).rstrip(b"\0")
        packed += len(trimmed).to_bytes(_LENGTH, "little") + trimmed
    return _squeezed(bytes(presence)), zlib.compress(bytes(packed), 6)


def _squeezed(mask: bytes) -> bytes:
    """A mask as stored: plain when short (read with one call), compressed when long and sparse."""
    if len(mask) <= _PLAIN:
        return b"\0" + mask
    return b"\1" + zlib.compress(mask, 6)


def presence(stored: bytes) -> int:
    """The bitmask of the term numbers a document uses, from its stored mask."""
    mask = stored[1:] if stored[:1] == b"\0" else zlib.decompress(stored[1:])
    return int.from_bytes(mask, "little")


def decode(tally: bytes) -> list[int]:
    """The bit layers of a tally, as ints (bit t of layer j: bit j of the count of term t)."""
    packed = zlib.decompress(tally)
    layers = []
    start = 0
    while start < len(packed):
        length = int.from_bytes(packed[start : start + _LENGTH], "little")
        start += _LENGTH
        layers.append(int.from_bytes(packed[start : start + length], "little"))
        start += length
    return layers


class Vocabulary:
    """The writer's view of ``vocab``: numbers for terms, and the totals, changed in memory and
    written back by `flush` (in the writer's transaction)."""

    def __init__(self, rows: list[tuple[int, str, int, int]]) -> None:
        self.numbers: dict[str, int] = {term: number for number, term, _, _ in rows}
        size = max((number for number, _, _, _ in rows), default=-1) + 1
        self.terms: list[str | None] = [None] * size
        self.counts = [0] * size
        self.doc_freqs = [0] * size
        for number, term, count, doc_freq in rows:
            self.terms[number], self.counts[number], self.doc_freqs[number] = term, count, doc_freq
        self.changed: set[int] = set()

    @classmethod
    def load(cls, connection: sqlite3.Connection) -> Vocabulary:
        return cls(connection.execute("SELECT id, term, count, doc_freq FROM vocab").fetchall())

    def add(self, counts: Mapping[str, int]) -> tuple[bytes, bytes]:
        """Count a document's terms in the totals (numbering new terms); its mask and tally."""
        numbered = {}
        known, totals, doc_freqs = self.numbers, self.counts, self.doc_freqs
        for term, count in counts.items():
            number = known.get(term)
            if number is None:
                number = known[term] = len(self.terms)
                self.terms.append(term)
                totals.append(0)
                doc_freqs.append(0)
            totals[number] += count
            doc_freqs[number] += 1
            numbered[number] = count
        self.changed.update(numbered)
        return encode(numbered)

    def remove(self, counts: Mapping[str, int]) -> None:
        """Take a document's terms out of the totals."""
        for term, count in counts.items():
            number = self.numbers[term]
            self.counts[number] -= count
            self.doc_freqs[number] -= 1
            self.changed.add(number)

    def flush(self, connection: sqlite3.Connection) -> None:
        """Write the changed totals (and new terms)."""
        connection.executemany(
            "INSERT OR REPLACE INTO vocab (id, term, count, doc_freq) VALUES (?, ?, ?, ?)",
            ((number, self.terms[number], self.counts[number], self.doc_freqs[number]) for number in sorted(self.changed)),
        )
        self.changed.clear()


class IndexTerms:
    """The reader's view of ``vocab`` and ``tallies``: what `stats` asks of a document's tally
    beyond its own bits (a term's number, a number's term, the totals)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._numbers: dict[str, int | None] = {}

    @cached_property
    def documents(self) -> int:
        """How many documents the totals count (every document of the index but binary files)."""
        return int(self.connection.execute("SELECT count(*) FROM tallies").fetchone()[0])

    def number_of(self, term: str) -> int | None:
        if term not in self._numbers:
            row = self.connection.execute("SELECT id FROM vocab WHERE term = ?", (term,)).fetchone()
            self._numbers[term] = None if row is None else row[0]
        return self._numbers[term]

    @cached_property
    def _terms(self) -> dict[int, str]:
        return dict(self.connection.execute("SELECT id, term FROM vocab"))

    def term_of(self, number: int) -> str:
        return self._terms[number]

    def totals(self) -> list[tuple[str, int, int]]:
        """(term, count, doc_freq) of every term in use."""
        return self.connection.execute("SELECT term, count, doc_freq FROM vocab WHERE count > 0").fetchall()

    @cached_property
    def masks(self) -> dict[int, bytes]:
        """Every document's stored mask, by rowid (one query: a few bytes a document)."""
        return dict(self.connection.execute("SELECT rowid, mask FROM tallies"))

    @cached_property
    def _tallies(self) -> dict[int, bytes]:
        return dict(self.connection.execute("SELECT rowid, tally FROM tallies"))

    def layers(self, rowid: int) -> list[int]:
        """A document's count layers (all documents' tallies are read at the first call: most
        are asked for when one is)."""
        tally = self._tallies.get(rowid)
        return [] if tally is None else decode(tally)


class DocumentTally:
    """One document's tally, as `stats` reads it (the `analysis.stats.Tally` protocol): its mask
    at once, its layers (the counts) when a count is asked for."""

    __slots__ = ("_layers", "_presence", "index", "key")

    def __init__(self, key: int, mask: bytes, index: IndexTerms) -> None:
        self.key, self.index = key, index
        self._presence = presence(mask)
        self._layers: list[int] | None = None

    def presence(self) -> int:
        """A bitmask of the numbers of the terms the document uses."""
        return self._presence

    def uses(self, term: str) -> int:
        number = self.index.number_of(term)
        if number is None or not (self._presence >> number) & 1:
            return 0
        if self._layers is None:
            self._layers = self.index.layers(self.key)
        return sum(((layer >> number) & 1) << place for place, layer in enumerate(self._layers))
