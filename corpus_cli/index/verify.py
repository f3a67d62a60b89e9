"""`corpus index --check`: read the whole index for damage that no command would see.

Damage in the full-text data (the trigram and word indexes) does not make a query fail: a zeroed
block is read as no rows, so grep finds no candidates and search no documents, and SQLite's own
quick check passes. FTS5's integrity check reads every block (about 5 s at 500 MB of text), too
long for every run; asked for, it finds such damage, and the index is marked damaged, so that
commands read the files and the next `corpus index` builds it anew. It sees damage that breaks
the structure: a block zeroed into a valid empty one, or rows deleted, pass it (the tables hold no
text to compare with); only a new index from the files mends what it cannot see.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from corpus_cli.errors import CorpusError
from corpus_cli.index import location, schema
from corpus_cli.source.config import Corpus

FULL_TEXT_TABLES = ("grams", "words")


def verify(corpus: Corpus) -> tuple[Path, int]:
    """The index's path and its documents, when nothing in it is damaged; a `CorpusError` that says
    what is wrong otherwise (a damaged index is marked so first)."""
    path = location.existing(corpus.root)
    if path is None:
        raise CorpusError(f"no index for {corpus.root}: run 'corpus index' first")
    try:
        connection = schema.connect(path, writable=True)
    except schema.IndexUnusable as error:
        raise CorpusError(f"{path}: the index cannot be used: {error}{error.advice}") from None
    try:
        problems = _problems(connection)
        documents = int(connection.execute("SELECT count(*) FROM files").fetchone()[0])
    except sqlite3.DatabaseError as error:
        connection.close()  # first: the mark is written by a connection of its own
        if schema.is_damage(error):
            raise schema.damaged_index(path, error) from None
        if schema.is_busy(error):
            raise CorpusError(f"{path}: another process holds the index ({error}); check it again when that one ends") from None
        raise CorpusError(f"{path}: cannot check the index ({error})") from None  # read-only, say: FTS5's check writes
    connection.close()
    if problems:
        raise schema.damaged_index(path, sqlite3.DatabaseError(problems[0]))
    return path, documents


def _problems(connection: sqlite3.Connection) -> list[str]:
    """What SQLite's quick check finds wrong; else nothing, or FTS5's check raises what it finds."""
    problems = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall() if row[0] != "ok"]
    if not problems:
        for table in FULL_TEXT_TABLES:  # a command of FTS5's, written as an insert; it changes nothing
            connection.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
    return problems
