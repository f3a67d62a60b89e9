"""Questions the full-text tables answer: ranked search (``words``, BM25) and grep's candidate
files (``grams``: the files holding every trigram of a piece of text that every match contains).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from corpus_cli.errors import CorpusError

HEADLINE_WEIGHT = 4.0  # bm25 weight of a headline's terms against the body's 1.0
MAX_TRIGRAMS = 24  # more narrow the candidates little and cost a posting list each


class BadQuery(CorpusError):
    """A search query FTS5 cannot read."""


def ranked(connection: sqlite3.Connection, query: str) -> Iterator[tuple[int, float]]:
    """(rowid, score) of the documents matching `query`, best first; higher scores are better."""
    try:
        cursor = connection.execute(
            "SELECT rowid, bm25(words, ?, 1.0) AS rank FROM words WHERE words MATCH ? ORDER BY rank, rowid", (HEADLINE_WEIGHT, query)
        )
        for rowid, rank in cursor:
            yield rowid, -rank
    except sqlite3.OperationalError as error:
        message = str(error).removeprefix("fts5: ")
        raise BadQuery(f'cannot read the query {query!r}: {message} (write words, "a phrase", AND, OR, NOT, prefix*, NEAR(a b))') from None


def trigrams(needle: str) -> list[str]:
    """The distinct trigrams of `needle`, spread over it when there are many."""
    grams = list(dict.fromkeys(needle[start : start + 3] for start in range(len(needle) - 2)))
    if len(grams) > MAX_TRIGRAMS:
        step = len(grams) / MAX_TRIGRAMS
        grams = [grams[int(index * step)] for index in range(MAX_TRIGRAMS)]
    return grams


def candidates(connection: sqlite3.Connection, needle: str) -> set[int] | None:
    """The rowids of the files whose text may hold `needle` (SQLite folds case in trigrams, so
    this holds either way); None when `needle` has no trigram to look up."""
    grams = trigrams(needle)
    if not grams:
        return None
    query = " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
    return {rowid for (rowid,) in connection.execute("SELECT rowid FROM grams WHERE grams MATCH ?", (query,))}
