"""Questions the full-text tables answer: ranked search (``words``, BM25) and grep's candidate
files (``grams``: the files holding every trigram of a piece of text that every match contains).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from corpus_cli.errors import CorpusError
from corpus_cli.text.tokens import term_prefix, tokens

HEADLINE_WEIGHT = 4.0  # bm25 weight of a headline's terms against the body's 1.0
MAX_TRIGRAMS = 24  # more narrow the candidates little and cost a posting list each


class BadQuery(CorpusError):
    """A search query FTS5 cannot read."""


# FTS5's query syntax: strings, grouping, prefix and column marks, NEAR's ", N"; everything else
# between them is a bareword (or an operator: AND, OR, NOT, NEAR).
_QUERY_PIECES = re.compile(r'"(?:[^"]|"")*"?|[()*:^+{},]|\s+|[^\s"()*:^+{},]+')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


class Parsed(NamedTuple):
    """A query as written, as FTS5 is to read it (`fts`), and the terms and prefixes it searches
    for, which the snippet marks (not the operators, column names or NEAR's distance)."""

    written: str
    fts: str
    terms: frozenset[str]
    prefixes: tuple[str, ...]


def parsed(query: str) -> Parsed:
    """`query` parsed: for FTS5, each bareword and string made of the terms the index holds: the
    tokenizer's (case-folded, a possessive 's dropped, "U.S." one term), each run quoted so that FTS5 reads
    "e-mail", "agency's" or "U.S." as the words they are rather than as syntax. Operators, column
    names (a word before ":") and grouping stay as they are; a prefix (``word*``) is the start of a
    term as written (see `text.tokens.term_prefix`)."""
    pieces = _QUERY_PIECES.findall(query)
    out: list[str] = []
    searched: set[str] = set()
    prefixes: list[str] = []
    for index, piece in enumerate(pieces):
        following = next((later for later in pieces[index + 1 :] if not later.isspace()), "")
        previous = next((earlier for earlier in reversed(out) if not earlier.isspace()), "")
        if piece.isspace() or (len(piece) == 1 and piece in "()*:^+{},"):
            out.append(piece)
        elif piece in _OPERATORS or (following in (":", "(") and not piece.startswith('"')) or (previous == "," and piece.isdigit()):
            out.append(piece)  # an operator, a column name, NEAR( and its distance
        elif pieces[index + 1 : index + 2] == ["*"] and not piece.startswith('"'):
            # A prefix: the start of a term as written ("U.S*", "anti-*"), not split into words.
            prefixes.append(term_prefix(piece))
            out.append('"' + prefixes[-1].replace('"', '""') + '"')
        else:
            quoted = piece.startswith('"')
            if quoted and (len(piece) == 1 or not piece.endswith('"')):
                raise BadQuery(f"cannot read the query {query!r}: a quote is not closed")
            terms = tokens(piece[1:-1].replace('""', '"') if quoted else piece)
            if not terms:
                raise BadQuery(f"cannot read the query {query!r}: {piece!r} holds no word to search for")
            searched.update(terms)
            out.append('"' + " ".join(terms).replace('"', '""') + '"')
    if not "".join(out).strip():
        raise BadQuery("the query is empty: give words to search for")
    return Parsed(query, "".join(out), frozenset(searched), tuple(prefixes))


def ranked(connection: sqlite3.Connection, query: Parsed, limit: int | None = None) -> Iterator[tuple[int, float]]:
    """(rowid, score) of the documents matching `query`, best first, equal scores in path order
    (the `limit` best only, when given); higher scores are better."""
    try:
        rows = _best(connection, query, limit) if limit is not None and limit <= FEW else _in_path_order(connection, query, limit)
        for rowid, rank in rows:
            yield rowid, -rank
    except sqlite3.OperationalError as error:
        message = str(error).removeprefix("fts5: ")
        if message.startswith("no such column"):
            hint = "the columns are title: (the headline in the file) and body: (the text without it and without furniture)"
        else:
            hint = 'write words, "a phrase", AND, OR, NOT, prefix*, NEAR(a b), title:word'
        raise BadQuery(f"cannot read the query {query.written!r}: {message} ({hint})") from None


_RANKED = "SELECT rowid, bm25(words, 1.0, ?) AS rank FROM words WHERE words MATCH ?"
FEW = 400  # a limit up to this is ranked by score alone, its ties put in path order here
TIE_ROOM = 64  # rows ranked past such a limit, so that the ties at the limit are seen whole


def _in_path_order(connection: sqlite3.Connection, query: Parsed, limit: int | None) -> Iterable[tuple[int, float]]:
    """(rowid, rank) best first, equal ranks in path order: the rowid says when a file was last
    indexed, so an updated index and one built afresh would order them differently. With a limit
    SQLite keeps only the best rows as it ranks (for a word in 88,626 documents of 93,646 that
    took the query from 0.44 s to 0.15 s)."""
    order = " ORDER BY rank, (SELECT path FROM files WHERE files.rowid = words.rowid) LIMIT ?"
    return connection.execute(_RANKED + order, (HEADLINE_WEIGHT, query.fts, -1 if limit is None else limit))


def _best(connection: sqlite3.Connection, query: Parsed, limit: int) -> Iterable[tuple[int, float]]:
    """`_in_path_order` for a small limit: ranked by score alone in SQLite, equal scores put in
    path order here. Looking up a path for each match took a third of the query's time for a
    word in 88,626 documents; here it is looked up for a few dozen. When the ties at the limit
    run past the rows ranked, it is `_in_path_order` after all."""
    if limit <= 0:
        return []
    rows = connection.execute(_RANKED + " ORDER BY rank LIMIT ?", (HEADLINE_WEIGHT, query.fts, limit + TIE_ROOM)).fetchall()
    if len(rows) == limit + TIE_ROOM and rows[-1][1] == rows[limit - 1][1]:
        return _in_path_order(connection, query, limit)
    marks = ", ".join("?" * len(rows))
    path_of = dict(connection.execute(f"SELECT rowid, path FROM files WHERE rowid IN ({marks})", [rowid for rowid, _ in rows]))
    rows.sort(key=lambda row: (row[1], path_of.get(row[0], "")))
    return rows[:limit]


# The columns `facts` gives, for a file that has nothing to say: no binary, no date, no warnings, no flags.
PLAIN: tuple[str | None, str | None, str | None, int | None] = (None, None, None, 0)


def facts(connection: sqlite3.Connection, *, every: bool) -> dict[str, tuple[str | None, str | None, str | None, int | None]]:
    """(binary, header_date, warnings, flags) by path: of every file, or (without `every`) only of
    those with more to say than `PLAIN` but their date; reading all of them costs a microsecond a file."""
    query = "SELECT path, binary, header_date, warnings, flags FROM files"
    if not every:
        query += " WHERE binary IS NOT NULL OR coalesce(warnings, '[]') != '[]' OR coalesce(flags, 0) != 0"
    return {row[0]: row[1:] for row in connection.execute(query)}


def trigrams(needle: str) -> list[str]:
    """The distinct trigrams of `needle`, spread over it when there are many."""
    grams = list(dict.fromkeys(needle[start : start + 3] for start in range(len(needle) - 2)))
    if len(grams) > MAX_TRIGRAMS:
        step = len(grams) / MAX_TRIGRAMS
        grams = [grams[int(index * step)] for index in range(MAX_TRIGRAMS)]
    return grams


def candidates(connection: sqlite3.Connection, needle: str, limit: int = -1) -> set[int] | None:
    """The rowids of the files whose text may hold `needle` (SQLite folds case in trigrams, so
    this holds either way), no more than `limit` of them (-1: all); None when `needle` has no
    trigram to look up."""
    grams = trigrams(needle)
    if not grams:
        return None
    query = " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
    return {rowid for (rowid,) in connection.execute("SELECT rowid FROM grams WHERE grams MATCH ? LIMIT ?", (query, limit))}


def paths(connection: sqlite3.Connection, rowids: set[int]) -> set[str]:
    """The paths of the files with these rowids (a rowid of no file's, an old version's, has none)."""
    found: set[str] = set()
    ordered = sorted(rowids)
    for start in range(0, len(ordered), PATHS_PER_QUERY):
        chunk = ordered[start : start + PATHS_PER_QUERY]
        query = f"SELECT path FROM files WHERE rowid IN ({', '.join('?' * len(chunk))})"
        found.update(path for (path,) in connection.execute(query, chunk))
    return found


PATHS_PER_QUERY = 500  # rowids a query (SQLite allows a few thousand parameters in older versions)
