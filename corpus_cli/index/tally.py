"""Term counts that `stats` merges without a Python step per word: each document's terms as a
bitmask over term numbers with its counts beside, and the vocabulary that numbers the terms and
keeps their totals.

A document's mask has bit t set when it uses term t: the distinct terms of a group of documents
are an OR of Python ints (done in C) and a popcount. Its counts follow in the order of its term
numbers (an array of bytes, compressed): a term's count is at the popcount of the mask below
its bit. Terms are numbered in the order they are first met, so the frequent ones (met in the first documents) have
low numbers and the masks stay short.

``vocab`` holds each term's number with its count and document frequency over the indexed
documents, kept exact as documents come and go, so `stats --top` over the whole corpus reads the
totals instead of adding up every document.
"""

from __future__ import annotations

import sqlite3
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from functools import cached_property, reduce
from itertools import repeat
from operator import lshift, or_
from pathlib import Path
from typing import Any, TypeVar, cast

from corpus_cli.index.schema import damaged_index, is_damage

Unpacked = TypeVar("Unpacked")

_PLAIN = 512  # masks up to this many bytes are stored as they are


def encode(numbers: Sequence[int], uses: Sequence[int]) -> tuple[bytes, bytes]:
    """The stored mask and counts of a document that uses term `numbers[i]` `uses[i]` times: the
    counts go in the order of the term numbers, the mask's set bits, so the numbers need no room.
    (Every step is one call into C: the build encodes every document in one process.)"""
    mask = reduce(or_, map(lshift, repeat(1), numbers), 0)
    code = "B" if max(uses, default=0) < 256 else "I"
    counts = array(code, [uses[index] for index in sorted(range(len(numbers)), key=numbers.__getitem__)])
    if sys.byteorder == "big" and code == "I":  # stored little-endian, so an index is read alike everywhere
        counts.byteswap()
    return _squeezed(mask.to_bytes((mask.bit_length() + 7) // 8, "little")), code.encode() + zlib.compress(counts.tobytes(), 6)


def decode(tally: bytes) -> array[int]:
    """A document's counts, in the order of its term numbers (the set bits of its mask)."""
    try:
        counts = array(tally[:1].decode())
        counts.frombytes(_inflated(tally[1:]))
    except (UnicodeDecodeError, ValueError, TypeError, AttributeError) as error:  # no type code, not a whole number of counts, not bytes
        raise _damaged(error) from None
    if sys.byteorder == "big" and counts.itemsize > 1:
        counts.byteswap()
    return counts


def _inflated(data: bytes) -> bytes:
    """A stored blob decompressed; one that zlib cannot read is the index's damage."""
    try:
        return zlib.decompress(data)
    except zlib.error as error:
        raise _damaged(error) from None


def _damaged(error: Exception) -> sqlite3.DatabaseError:
    """A stored tally or mask that cannot be read, as the damage SQLite reports of its pages: a
    command warns once and reads the files, or stops in one line, and the index is rebuilt."""
    return sqlite3.DatabaseError(f"a stored tally is damaged ({error})")


def _squeezed(mask: bytes) -> bytes:
    """A mask as stored: plain when short (read with one call), compressed when long and sparse."""
    if len(mask) <= _PLAIN:
        return b"\0" + mask
    return b"\1" + zlib.compress(mask, 6)


def set_bits(mask: int) -> list[int]:
    """The positions of the set bits of `mask`, lowest first."""
    return [position for position, bit in enumerate(reversed(bin(mask))) if bit == "1"]


def presence(stored: bytes) -> int:
    """The bitmask of the term numbers a document uses, from its stored mask."""
    try:
        mask = stored[1:] if stored[:1] == b"\0" else _inflated(stored[1:])
        return int.from_bytes(mask, "little")
    except TypeError as error:  # not bytes
        raise _damaged(error) from None


def nth(counts: array[int], rank: int) -> int:
    """The count of a document's `rank`th term (by number); fewer counts than its mask has terms
    is the index's damage, not an IndexError."""
    if rank < len(counts):
        return counts[rank]
    raise _damaged(ValueError(f"{len(counts)} counts for the term ranked {rank + 1}"))


def uses_column(number: int | None, presences: Sequence[int], tallies: Sequence[bytes]) -> list[int]:
    """Each document's uses of term `number` (None: a term no document uses), from the documents'
    `presence` masks and stored tallies: what `stats --term` counts of a whole corpus, in one
    pass (a `DocumentTally` made and asked for each document took a third more of its time)."""
    if number is None:
        return [0] * len(presences)
    below = (1 << number) - 1
    return [nth(decode(tally), (bits & below).bit_count()) if bits >> number & 1 else 0 for bits, tally in zip(presences, tallies)]


class Vocabulary:
    """The writer's view of ``vocab``: numbers for terms, and the totals, changed in memory and
    written back by `flush` (in the writer's transaction)."""

    def __init__(self, rows: list[tuple[int, str, int, int]]) -> None:
        self.numbers: dict[str, int] = {term: number for number, term, _, _ in rows}
        self.terms: dict[int, str] = {number: term for number, term, _, _ in rows}
        self.next_number = max(self.terms, default=-1) + 1
        # by term number: lists, as adding to a list's items is the fastest loop Python has
        self.counts: list[int] = [0] * self.next_number
        self.doc_freqs: list[int] = [0] * self.next_number
        for number, _, count, doc_freq in rows:
            self.counts[number], self.doc_freqs[number] = count, doc_freq
        self.changed: set[int] = set()

    @classmethod
    def load(cls, connection: sqlite3.Connection) -> Vocabulary:
        return cls(connection.execute("SELECT id, term, count, doc_freq FROM vocab").fetchall())

    def add(self, terms: Sequence[str], uses: Sequence[int]) -> tuple[bytes, bytes]:
        """Count a document that uses `terms[i]` `uses[i]` times in the totals (numbering new
        terms); its mask and counts. The build does this in one process for every file, so
        each step is one call into C or a plain loop over lists (a Counter made the parent the
        bottleneck of the build)."""
        found = list(map(self.numbers.get, terms))
        numbers = cast("list[int]", found) if None not in found else [self._number(t) if n is None else n for t, n in zip(terms, found)]
        counts, doc_freqs = self.counts, self.doc_freqs
        for number, used in zip(numbers, uses):
            counts[number] += used
            doc_freqs[number] += 1
        self.changed.update(numbers)
        return encode(numbers, uses)

    def _number(self, term: str) -> int:
        number = self.numbers[term] = self.next_number  # a term keeps its row (count 0) when unused
        self.terms[number] = term
        self.next_number += 1
        self.counts.append(0)
        self.doc_freqs.append(0)
        return number

    def remove(self, mask: bytes, tally: bytes) -> dict[str, int]:
        """Take a document's terms, as stored (`encode`), out of the totals; its term counts."""
        counts: dict[str, int] = {}
        for number, count in zip(set_bits(presence(mask)), decode(tally)):
            self.counts[number] -= count
            self.doc_freqs[number] -= 1
            self.changed.add(number)
            counts[self.terms[number]] = count
        return counts

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

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection, self.path = connection, path
        self._numbers: dict[str, int | None] = {}

    def _rows(self, query: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        """The rows of `query`. These are read while `stats` counts, after documents were counted
        from the index: a damaged index is then one error line (see schema.damaged_index)."""
        try:
            return self.connection.execute(query, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            raise damaged_index(self.path, error) from None

    @cached_property
    def documents(self) -> int:
        """How many documents the totals count (every document of the index but binary files)."""
        return int(self._rows("SELECT count(*) FROM tallies")[0][0])

    def number_of(self, term: str) -> int | None:
        if term not in self._numbers:
            rows = self._rows("SELECT id FROM vocab WHERE term = ?", (term,))
            self._numbers[term] = rows[0][0] if rows else None
        return self._numbers[term]

    @cached_property
    def _terms(self) -> dict[int, str]:
        return dict(self._rows("SELECT id, term FROM vocab"))

    def term_of(self, number: int) -> str:
        return self._terms[number]

    def totals(self) -> list[tuple[str, int, int]]:
        """(term, count, doc_freq) of every term in use."""
        return self._rows("SELECT term, count, doc_freq FROM vocab WHERE count > 0")

    def in_use(self) -> int:
        """How many terms are in use: the distinct terms of every document the totals count."""
        return int(self._rows("SELECT count(*) FROM vocab WHERE count > 0")[0][0])

    @cached_property
    def _tallies(self) -> dict[int, bytes]:
        return dict(self._rows("SELECT rowid, tally FROM tallies"))

    def counts(self, rowid: int) -> array[int]:
        """A document's counts in the order of its term numbers (all documents' are read at the
        first call: most are asked for when one is)."""
        tally = self._tallies.get(rowid)
        return array("I") if tally is None else self.unpacked(decode, tally)

    def unpacked(self, read: Callable[[bytes], Unpacked], stored: bytes) -> Unpacked:
        """`read` (`decode`, `presence`) of a stored blob; one that cannot be read is this index's
        damage, reported and marked as damage SQLite finds is (see schema.damaged_index)."""
        try:
            return read(stored)
        except sqlite3.DatabaseError as error:
            raise damaged_index(self.path, error) from None


class DocumentTally:
    """One document's tally, as `stats` reads it (the `analysis.stats.Tally` protocol): its mask
    and its counts each read when first asked for (`stats --top` of the whole corpus asks neither)."""

    __slots__ = ("_counts", "_mask", "_presence", "index", "key")

    def __init__(self, key: int, mask: bytes, index: IndexTerms) -> None:
        self.key, self.index, self._mask = key, index, mask
        self._presence: int | None = None
        self._counts: array[int] | None = None

    def presence(self) -> int:
        """A bitmask of the numbers of the terms the document uses."""
        if self._presence is None:
            self._presence = self.index.unpacked(presence, self._mask)
        return self._presence

    def uses(self, term: str) -> int:
        number = self.index.number_of(term)
        if number is None or not (mask := self.presence()) >> number & 1:
            return 0
        if self._counts is None:
            self._counts = self.index.counts(self.key)
        try:
            return nth(self._counts, (mask & ((1 << number) - 1)).bit_count())  # the term's rank among the document's
        except sqlite3.DatabaseError as error:
            raise damaged_index(self.index.path, error) from None
