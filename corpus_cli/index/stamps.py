"""Folder stamps: one digest per top-level folder of its files' paths and `stat` signatures, so
that a run where nothing changed is told so from a few digests, without loading an entry.

Discovery (source/survey.py) stats every file anyway; it digests each top-level folder's files
the same way and compares with the stamp the index keeps. When every folder's stamp matches, and
the folders with files are the ones stamped, no file was added, deleted or changed (by stat:
git's check), and none is racy (a folder holding a racy entry has a stamp that matches nothing,
so its files are checked one by one, and its deletion is seen). Loading 93,646 entries'
signatures took more than the whole check may.

The root's own files are the folder "". Stamps live in ``meta`` (``stamp:NAME``) with
``stamped``, their version and the ``updated_ns`` they were made for: a stamp from before the
index's last change is ignored, so a writer that does not keep them never leaves a wrong one in use.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from corpus_cli.index.freshness import RACY_NS, RACY_SQL
from corpus_cli.index.schema import get_meta, in_folder
from corpus_cli.source.survey import folder_of, stamp

_KEY = "stamp:"
STAMP_VERSION = 2  # bumped when stamps say anything new (2: a racy folder is named): older ones are not used
# The stamp of a folder holding a racy entry: it names the folder (so that its deletion is seen,
# and its entries are read then) but matches no survey, so its files are checked one by one.
RACY_STAMP = "racy"


def stored(connection: sqlite3.Connection) -> dict[str, str] | None:
    """The stamps, by folder; None when they are not for the index as it is now."""
    rows = dict(connection.execute("SELECT key, value FROM meta WHERE key >= ? AND key < ?", (_KEY, "stamp;")).fetchall())
    if not rows or not current(connection):
        return None
    return {key[len(_KEY) :]: value for key, value in rows.items()}


def current(connection: sqlite3.Connection) -> bool:
    """Whether the stamps are for the index as it is now (before a change is written)."""
    return get_meta(connection, "stamped") == f"{STAMP_VERSION} {get_meta(connection, 'updated_ns')}"


def restamp(connection: sqlite3.Connection, folders: Iterable[str] | None = None) -> None:
    """Make the stamps of `folders` (default: all) from the entries, inside the writer's
    transaction, after ``updated_ns`` is set; the others stay as they are."""
    if folders is None:
        connection.execute("DELETE FROM meta WHERE key >= ? AND key < ?", (_KEY, "stamp;"))
        rows: Iterable[tuple[str, int, int, int, int, int]] = connection.execute(_ROWS + " ORDER BY path", (RACY_NS,))
        _write(connection, rows)
        return
    for folder in set(folders):
        connection.execute("DELETE FROM meta WHERE key = ?", (_KEY + folder,))
        where, bounds = in_folder(folder)
        _write(connection, connection.execute(f"{_ROWS} WHERE {where} ORDER BY path", (RACY_NS, *bounds)))


_ROWS = f"SELECT path, size, mtime_ns, inode, ctime_ns, {RACY_SQL} FROM files"


def _write(connection: sqlite3.Connection, rows: Iterable[tuple[str, int, int, int, int, int]]) -> None:
    folders: defaultdict[str, list[tuple[str, int, int, int, int, int]]] = defaultdict(list)
    for row in rows:  # the root's files come between folders in path order
        folders[folder_of(row[0])].append(row)
    for folder, entries in folders.items():
        if any(row[5] for row in entries):
            digest = RACY_STAMP
        else:
            digest = stamp((path, (size, mtime_ns, inode, ctime_ns)) for path, size, mtime_ns, inode, ctime_ns, _ in entries)
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_KEY + folder, digest))
    updated = get_meta(connection, "updated_ns")
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stamped', ?)", (f"{STAMP_VERSION} {updated}",))
