"""The index file's layout, its version marks, and opening it: a file that is damaged, of another
version, or not an index at all is `IndexUnusable`, which commands report once and then ignore.

Tables:

- ``files``: one row per document file — its identity for freshness (path, size, mtime_ns, inode,
  a content hash, when it was read) and what was parsed from it (the summary fields, counts, the
  warnings a read reports). ``rowid`` is never reused (AUTOINCREMENT), so the rows of the other
  tables always belong to one version of one file.
- ``tallies`` and ``vocab``: each file's term counts as a bitmask over term numbers with the
  counts beside, and each term's number and totals, so that stats merges ints instead of words
  (see `tally`). The terms in order are not kept: what needs them (phrases, n-grams) reads the
  files, and a file's ``words`` row is deleted with its terms in any order (see below).
- ``grams``: trigrams of each file's decoded text (FTS5 trigram, contentless, ``detail=none``),
  for grep's candidates, without column sizes (nothing ranks it). SQLite 3.40 cannot delete from a contentless table without the old text,
  so a changed file's old rows stay behind, matched to no file; `corpus index` rebuilds the whole
  index when they grow past a quarter of the live rows.
- ``words``: the terms of body and headline (FTS5 unicode61, contentless, full detail for phrases
  and NEAR) for ranked search. The body comes first: a term's positions are written without a
  column mark when they are in the first column, and most terms are in the body only (the table
  is a quarter smaller so: 38 MB at 100 MB of text). ``detail=column`` would take 24 MB and
  ``detail=none`` 8 MB, but neither answers phrases or NEAR, and ``bm25()`` then scores nothing.
  FTS5 keeps no positions for a deleted row, only its terms and the columns' lengths, so a
  changed file's row is deleted exactly with the terms from its tally, in any order.
- ``meta``: key/value facts about the build (when, which corpus, how many orphan rows, the limit
  for one document it read the files under).
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from corpus_cli.errors import CorpusError
from corpus_cli.source.limits import DEFAULT_MAX_DOCUMENT_MB, document_limit

APPLICATION_ID = 0x636F7270  # "corp": marks the file as a corpus index
# bump when the layout or what is stored changes: older files are rebuilt. 3: the lede, and terms
# with dotted initialisms kept whole ("u.s."). 4: term tallies and the vocabulary. 5: no terms
# table; the words table's body first. 6: the words table keeps a term whole ("e-mail", "u.s.",
# "don't"), as the tokenizer makes it.
FORMAT_VERSION = 6

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    hash BLOB NOT NULL,
    read_ns INTEGER NOT NULL,
    binary TEXT,
    encoding TEXT,
    header_date TEXT,
    title TEXT,
    credit TEXT,
    byline TEXT,
    lede TEXT,
    words INTEGER,
    chars INTEGER,
    paragraphs INTEGER,
    warnings TEXT,
    headline_terms INTEGER,
    flags INTEGER
);
CREATE TABLE tallies (rowid INTEGER PRIMARY KEY, mask BLOB NOT NULL, tally BLOB NOT NULL);
CREATE TABLE vocab (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, count INTEGER NOT NULL, doc_freq INTEGER NOT NULL);
CREATE VIRTUAL TABLE grams USING fts5(text, tokenize='trigram', detail='none', content='', columnsize=0);
CREATE VIRTUAL TABLE words USING fts5(body, title, content='', tokenize="unicode61 tokenchars '-.'''");
"""

BUSY_TIMEOUT_MS = 10_000
# Pages of 16 KB: the FTS5 segments (about 1 KB each) take the same room as in 4 KB pages (the
# word index is 41 MB either way at 100 MB), and reading every entry (as `list` does) reads a
# quarter as many pages.
PAGE_SIZE = 16_384


class IndexUnusable(Exception):
    """The index file cannot be used; the message says why, for one warning line. `busy`: only for
    now, as another process holds it (rebuilding it would not help)."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy

    @property
    def advice(self) -> str:
        """What to do about it, to follow the message: rebuild it, unless another process holds it."""
        return "" if self.busy else "; run 'corpus index' to rebuild it"


def create(path: Path, *, shared: bool = False) -> sqlite3.Connection:
    """A new, empty index at `path` (which must not exist); `shared`: for threads that take turns.

    The file is its owner's alone (mode 600, as SQLite's journals of it then are): only the
    owner's commands answer from it (see `location.in_use`), and it holds summaries of files
    that another user may not be allowed to read."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # SQLite takes an empty file for a new database
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=not shared)
    connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("BEGIN")
    for statement in _statements(DDL):
        connection.execute(statement)
    connection.execute("COMMIT")
    return connection


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]


def connect(path: Path, *, writable: bool) -> sqlite3.Connection:
    """Open an existing index and check that it is one, of this version; `IndexUnusable` if not."""
    try:
        if writable:
            connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        else:
            connection = sqlite3.connect(_uri(path, "ro"), uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise IndexUnusable(f"cannot open it ({error})") from None
    try:
        application, version = (connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("application_id", "user_version"))
        if application != APPLICATION_ID:
            raise IndexUnusable("it is not a corpus index")
        if version != FORMAT_VERSION:
            raise IndexUnusable(f"it is of another version ({version}, this corpus reads {FORMAT_VERSION})")
        connection.execute("SELECT count(*) FROM meta").fetchone()  # a damaged first page shows here
        damage = get_meta(connection, DAMAGED_KEY)
        if damage is not None:
            raise IndexUnusable(f"it was found damaged ({damage})")
    except sqlite3.DatabaseError as error:
        connection.close()
        raise unreadable(error, "it is damaged or not a database") from None
    except IndexUnusable:
        connection.close()
        raise
    return connection


def _uri(path: Path, mode: str) -> str:
    """The file URI that opens `path` in `mode` (ro: never written; rw: never made anew). A URI
    needs an absolute path: `--corpus c` gives a relative one."""
    return f"{path.absolute().as_uri()}?mode={mode}"


# In ``meta`` when a command found the index damaged past its first pages (where `connect`
# looks): every later run is told at once, and `corpus index` builds a new index.
DAMAGED_KEY = "damaged"


def is_busy(error: sqlite3.DatabaseError) -> bool:
    """Whether `error` says another connection holds the index (past the busy timeout)."""
    name = getattr(error, "sqlite_errorname", None)  # Python 3.11 on
    if name is not None:
        return bool(name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")))
    return "locked" in str(error)


def unreadable(error: sqlite3.DatabaseError, otherwise: str) -> IndexUnusable:
    """Why an index could not be read, for one warning: another process holding it (for now),
    or `otherwise` (damage, or anything else SQLite says, which a new index mends)."""
    if is_busy(error):
        return IndexUnusable(f"another process holds it ({error})", busy=True)
    return IndexUnusable(f"{otherwise} ({error})")


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether `error` says the file is damaged, not busy, locked, full or unwritable."""
    name = getattr(error, "sqlite_errorname", None)  # Python 3.11 on
    if name is not None:
        return bool(name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")))
    return type(error) is sqlite3.DatabaseError


def mark_damaged(path: Path, error: sqlite3.DatabaseError) -> None:
    """Record in the index that reading it failed with `error`, when it can still be written
    (else each run finds the damage again for itself)."""
    try:  # mode=rw: an index removed meanwhile is not made anew, empty
        connection = sqlite3.connect(_uri(path, "rw"), uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            set_meta(connection, DAMAGED_KEY, str(error))
        finally:
            connection.close()
    except sqlite3.Error:
        pass


class IndexDamaged(CorpusError):
    """An index found damaged while a command read it (and marked so): one error line, unless the
    command can still go back to the files (see `Session`)."""

    def __init__(self, path: Path, error: sqlite3.DatabaseError) -> None:
        super().__init__(f"{path}: the index is damaged ({error}); run 'corpus index' to rebuild it, or use --no-index")
        self.path, self.error = path, error


def damaged_index(path: Path, error: sqlite3.DatabaseError) -> IndexDamaged:
    """`IndexDamaged`, once the index is marked so."""
    mark_damaged(path, error)
    return IndexDamaged(path, error)


def in_folder(folder: str) -> tuple[str, tuple[str, ...]]:
    """The condition on ``files.path`` (with its parameters) of the files below a top-level
    folder ("": the root's own files)."""
    if folder:  # the folder's paths are those from "folder/" up to, not including, "folder0"
        return "path >= ? AND path < ?", (f"{folder}/", f"{folder}0")
    return "instr(path, '/') = 0", ()


def get_meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def set_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


LIMIT_KEY = "max_document_mb"


def _made_under(connection: sqlite3.Connection) -> float:
    """The limit for one document (MB) the index read its files under: a larger file is kept as
    skipped, and a run under another limit would skip or read other files. The default for an index made
    before it was kept; NaN, which matches no run, for a value that is not a number."""
    value = get_meta(connection, LIMIT_KEY)
    if value is None:
        return DEFAULT_MAX_DOCUMENT_MB
    try:
        return float(value)
    except ValueError:
        return math.nan


def other_limit(connection: sqlite3.Connection, max_mb: float) -> str | None:
    """None when the index was made under the limit for one document of a run under `max_mb` MB
    (the same largest document, in bytes); else what it was made under, in the words of a message."""
    made_under = _made_under(connection)
    if math.isnan(made_under):
        return f"made under an unknown limit for a document, not {max_mb:g} MB"
    if document_limit(made_under) == document_limit(max_mb):
        return None
    shown = f"{made_under:g}", f"{max_mb:g}"
    if shown[0] == shown[1]:  # 10 and 10.0000001: told apart
        shown = repr(made_under), repr(max_mb)
    return f"made under a {shown[0]} MB limit for a document, not {shown[1]} MB"


def keep_document_limit(connection: sqlite3.Connection, max_mb: float) -> None:
    set_meta(connection, LIMIT_KEY, repr(float(max_mb)))


@contextlib.contextmanager
def one_state(connection: sqlite3.Connection) -> Iterator[None]:
    """A read transaction: all the block reads comes from one state of the index, whatever
    another process writes to it meanwhile."""
    connection.execute("BEGIN")
    try:
        yield
    finally:
        connection.execute("COMMIT")


Answer = TypeVar("Answer")


def quick_look(path: Path | None, query: Callable[[sqlite3.Connection], Answer], *, absent: Answer, unusable: Answer) -> Answer:
    """`query` on a read-only connection to the index at `path`: a look before any entry is
    loaded. `absent` when there is no index (`path` None), `unusable` when it cannot be opened
    or read (opening it for real reports why)."""
    if path is None:
        return absent
    try:
        connection = connect(path, writable=False)
    except IndexUnusable:
        return unusable
    try:
        return query(connection)
    except sqlite3.DatabaseError:
        return unusable
    finally:
        connection.close()
