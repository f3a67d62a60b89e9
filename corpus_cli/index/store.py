"""Reading entries from the index and writing changes to it, each change in one transaction.

A changed file's ``files`` row is replaced by one with a new rowid; its ``words`` row is deleted
with the terms it was made of (its tally and headline say which); its ``grams`` rows stay as
orphans (see `schema`), counted in ``meta`` so that `corpus index` knows when to rebuild.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Any

from corpus_cli.index import stamps
from corpus_cli.index.freshness import Stored
from corpus_cli.index.records import COLUMNS, TEXT_COLUMNS, Counting, Entry, Indexed, Listing, word_texts
from corpus_cli.index.schema import get_meta, set_meta
from corpus_cli.index.tally import Vocabulary
from corpus_cli.source.discover import collection_paused
from corpus_cli.source.survey import folder_of

# Only `list` and `search` print an entry's texts: every entry is read without them (`list` reads
# them in its `Listing`), and only the few read whole with them (see `IndexView.entries`).
_LIGHT_COLUMNS = ", ".join("NULL" if name in TEXT_COLUMNS else name for name in COLUMNS)
_COUNTING = (  # each entry's columns with its tally's mask (a binary file has no tally)
    f"SELECT {', '.join(('t.' if name == 'mask' else 'f.') + name for name in Counting._fields)}"
    " FROM files AS f LEFT JOIN tallies AS t ON t.rowid = f.rowid"
)
_LISTING = f"SELECT {', '.join(Listing._fields)} FROM files"
_INSERT = f"INSERT INTO files ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def load(connection: sqlite3.Connection, paths: Iterable[str] | None = None, *, with_texts: bool = False) -> dict[str, Stored]:
    """Every entry (or those of `paths` that it holds), by path, without its terms, and without
    its texts (`TEXT_COLUMNS`) unless asked for."""
    query = f"SELECT rowid, {', '.join(COLUMNS) if with_texts else _LIGHT_COLUMNS} FROM files"
    if paths is None:
        rows: Iterable[tuple[Any, ...]] = connection.execute(query)
    else:
        rows = (row for path in paths for row in connection.execute(f"{query} WHERE path = ?", (path,)))
    with collection_paused():  # 93,646 entries: a fifth of the time went to the collector
        return {row[1]: Stored(row[0], Entry._make(row[1:])) for row in rows}


def counting(connection: sqlite3.Connection) -> dict[str, Counting]:
    """Every entry's `Counting` (what `stats` reads of it), by path, in one query."""
    make = Counting._make
    with collection_paused():
        return {row[0]: make(row) for row in connection.execute(_COUNTING)}


def listing(connection: sqlite3.Connection) -> dict[str, Listing]:
    """Every entry's `Listing` (what `list` reads of it), by path, in one query."""
    make = Listing._make
    with collection_paused():
        return {row[0]: make(row) for row in connection.execute(_LISTING)}


def counted_columns(connection: sqlite3.Connection, *, credits: bool, masks: bool, tallies: bool = False) -> list[tuple[Any, ...]]:
    """Date, credit, words, chars, paragraphs, tally mask and tally of every document (not of a
    file skipped as binary or too large), as `records.counted` reads them, in one query: what
    `stats` reads of a whole corpus. Credits, masks and tallies only when asked for (else None):
    each costs a tenth of the query's time or more."""
    joined = masks or tallies
    query = (
        f"SELECT f.header_date, {'f.credit' if credits else 'NULL'}, coalesce(f.words, 0), coalesce(f.chars, 0),"
        f" coalesce(f.paragraphs, 0), {'t.mask' if masks else 'NULL'}, {'t.tally' if tallies else 'NULL'}"
        f" FROM files AS f {'LEFT JOIN tallies AS t ON t.rowid = f.rowid' if joined else ''} WHERE f.binary IS NULL"
    )
    return connection.execute(query).fetchall()


def noted(connection: sqlite3.Connection) -> dict[str, tuple[str | None, str | None]]:
    """The why-skipped (`binary`) and warnings of the entries that have either, by path: the few
    that reading their files would say something of."""
    query = "SELECT path, binary, warnings FROM files WHERE binary IS NOT NULL OR warnings IS NOT '[]'"
    return {path: (binary, warnings) for path, binary, warnings in connection.execute(query)}


def orphans(connection: sqlite3.Connection) -> int:
    return int(get_meta(connection, "orphans") or 0)


def write(
    connection: sqlite3.Connection,
    *,
    stored: dict[str, Stored],
    same: Sequence[Entry] = (),
    indexed: Iterable[Indexed] = (),
    removed: Iterable[str] = (),
) -> None:
    """Apply the changes in one transaction: entries whose stat changed (`same`), files indexed
    anew, paths whose rows go (deleted or unreadable files). `stored` is updated to match."""
    indexed, removed = list(indexed), list(removed)  # each gone over twice
    connection.execute("BEGIN IMMEDIATE")
    try:
        stamped = stamps.current(connection)
        vocabulary = Vocabulary.load(connection)
        dropped = 0
        for entry in same:
            known = stored[entry.path]
            connection.execute(
                "UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ?, read_ns = ? WHERE rowid = ?",
                (entry.size, entry.mtime_ns, entry.ctime_ns, entry.inode, entry.read_ns, known.rowid),
            )
            stored[entry.path] = Stored(known.rowid, entry)
        for path in removed:
            dropped += _remove(connection, stored, path, vocabulary)
        for item in indexed:
            dropped += _remove(connection, stored, item.entry.path, vocabulary)
            stored[item.entry.path] = Stored(insert(connection, item, tallied(item, vocabulary)), item.entry)
        vocabulary.flush(connection)
        if dropped:
            set_meta(connection, "orphans", str(orphans(connection) + dropped))
        set_meta(connection, "updated_ns", str(time.time_ns()))
        changed = [entry.path for entry in same] + [item.entry.path for item in indexed] + list(removed)
        stamps.restamp(connection, map(folder_of, changed) if stamped else None)
        connection.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk, SQLITE_FULL): a second rollback would
        # raise "no transaction is active" in place of the error that says why.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def tallied(item: Indexed, vocabulary: Vocabulary) -> tuple[bytes, bytes] | None:
    """The stored mask and counts of `item` (None for a binary file), counted in `vocabulary`."""
    return None if item.entry.binary is not None else vocabulary.add(*item.term_uses())


def insert(connection: sqlite3.Connection, item: Indexed, tally: tuple[bytes, bytes] | None) -> int:
    """A new row for `item` in each table, with its `tallied` mask and counts; its rowid. Only
    SQLite works here (it lets other threads run meanwhile: the build writes in a thread of its own)."""
    entry = item.entry
    rowid = connection.execute(_INSERT, entry).lastrowid
    assert rowid is not None
    if tally is not None:
        connection.execute("INSERT INTO tallies (rowid, mask, tally) VALUES (?, ?, ?)", (rowid, *tally))
    if item.text is not None:
        connection.execute("INSERT INTO grams (rowid, text) VALUES (?, ?)", (rowid, item.text))
        connection.execute("INSERT INTO words (rowid, body, title) VALUES (?, ?, ?)", (rowid, item.body_terms, item.title_terms))
    return rowid


def _remove(connection: sqlite3.Connection, stored: dict[str, Stored], path: str, vocabulary: Vocabulary) -> int:
    """Delete the rows of `path`; 1 when grams rows were left behind, else 0."""
    known = stored.pop(path, None)
    if known is None:
        return 0
    if known.entry.binary is not None:
        connection.execute("DELETE FROM files WHERE rowid = ?", (known.rowid,))
        return 0
    mask, tally = connection.execute("SELECT mask, tally FROM tallies WHERE rowid = ?", (known.rowid,)).fetchone()
    title_text = connection.execute("SELECT title FROM files WHERE rowid = ?", (known.rowid,)).fetchone()[0]
    title, body = word_texts(known.entry._replace(title=title_text), vocabulary.remove(mask, tally))
    connection.execute("INSERT INTO words (words, rowid, body, title) VALUES ('delete', ?, ?, ?)", (known.rowid, body, title))
    connection.execute("DELETE FROM tallies WHERE rowid = ?", (known.rowid,))
    connection.execute("DELETE FROM files WHERE rowid = ?", (known.rowid,))
    return 1
