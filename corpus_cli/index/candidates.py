"""grep through the index: the files whose result is known without reading them.

Every match of the pattern contains the matcher's needle, so a file whose trigrams do not all
hold the needle's has no match: its result is a count of zero, with the date and the warnings
the index keeps for it. Only the other files (the candidates) are searched, with the same
matcher, so lines, offsets, counts and exit status are a scan's. Without a usable needle (-v,
several patterns, ``\\w+``, fewer than three characters), nothing is settled and grep scans.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import compress
from operator import attrgetter

from corpus_cli.grep.search import DocumentResult, Settled
from corpus_cli.grep.spec import SearchSpec
from corpus_cli.index import location, queries, records, schema
from corpus_cli.index.view import IndexView
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile
from corpus_cli.text.document import document_date

# When more than this share of the documents may hold the needle, grep reads them all as without
# an index: loading the entries and checking each file would cost more than the few files it
# spares (`grep -c the` took 1.38 s through the index, 0.94 s without, at 18,726 files).
MOST = 0.5


def usable_needle(spec: SearchSpec) -> str | None:
    """The text every selected line must hold, when trigrams can find it; else None."""
    needle = spec.matcher.needle
    if spec.invert or needle is None:
        return None
    text, ignore_case = needle
    if len(text) < 3 or "\n" in text or "\r" in text or "\0" in text:
        return None
    if ignore_case and not text.isascii():
        return None  # Python's and SQLite's case folding agree on ASCII letters only
    return text


def narrows(corpus: Corpus, needle: str) -> bool:
    """Whether the index leaves few enough candidates for `needle` to be worth opening: a quick
    look (a read-only connection, the trigram query) before any entry is loaded. True when it
    cannot tell, so that opening the index reports what is wrong with it."""

    def looked(connection: sqlite3.Connection) -> bool:
        most = int(MOST * int(connection.execute("SELECT count(*) FROM tallies").fetchone()[0]))
        hits = queries.candidates(connection, needle, limit=most + 1)  # past `most`, the rest need not be read
        return hits is not None and len(hits) <= most

    return schema.quick_look(location.in_use(corpus.root), looked, absent=False, unusable=True)


def settled(
    view: IndexView, spec: SearchSpec, picked: Sequence[SourceFile], files: Sequence[SourceFile], *, include_zero: bool = True
) -> Settled | None:
    """Which of the picked files grep must read, and the results of the others that cannot match
    (see `Settled`); None when the index cannot tell. Without `include_zero`, a file with nothing
    to report (no warning) has no result: grep prints nothing for it, and making 100,000 results
    to print nothing cost more than the stat calls."""
    needle = usable_needle(spec)
    if needle is None:
        return None
    ignore_case = spec.matcher.needle is not None and spec.matcher.needle[1]
    outcome = view.freshen(picked, files)  # unreadable files are searched, and warn there
    try:
        hits = queries.candidates(view.connection, needle)
        # Only what a result without a line shows: its warnings, and its date when dates select.
        facts = queries.facts(view.connection, every=spec.dates.by_date)
    except sqlite3.DatabaseError as error:
        if schema.is_damage(error):
            raise  # said once, and marked, by the session, which then searches every file
        return None  # busy: every file is searched
    if hits is None:
        return None
    always = records.UNSEARCHABLE | (records.FOLD_TRAP if ignore_case else 0)
    # The index is up to date for every picked file but those read in this run and not written
    # back, which are searched (see below): the candidates' paths are looked up (a few hundred for
    # a rare word), not every file's rowid (a fifth of a second at 93,646 files).
    searched = queries.paths(view.connection, hits)
    metadata, dates = spec.metadata, spec.dates

    def searched_after_all(source: SourceFile) -> bool:
        """Not in the index after all (read in this run), unreadable now (the search says why), or a
        file whose trigrams may not show a match."""
        changed = outcome.get(source.path)
        if source.path in view.indexed or isinstance(changed, str):
            return True
        flags = changed.flags if changed is not None else facts.get(source.path, queries.PLAIN)[3]
        return bool((flags or 0) & always)

    def result(source: SourceFile) -> DocumentResult | None:
        path = source.path
        changed = outcome.get(path)
        if isinstance(changed, records.Entry):
            binary, header_date, warnings = changed.binary, changed.header_date, changed.warnings
        else:
            binary, header_date, warnings, _ = facts.get(path, queries.PLAIN)
        said = tuple(records.read_warnings_of(path, binary, warnings))
        if binary is not None:
            return DocumentResult(source.id, path, None, False, warnings=said)
        if not include_zero and not said:
            return None
        # A result without a line shows its date nowhere: it is read only to select by date.
        date = document_date(metadata.get(source.id), header_date) if dates.by_date else None
        return DocumentResult(source.id, path, date, dates.admits_date(date), warnings=said)

    # The files that cannot match, each looked at; without include_zero only the few of them with
    # more to say than nothing (a file with nothing to say gives no result), picked out by calls
    # into C rather than a loop over every file.
    paths = list(map(attrgetter("path"), picked))
    if include_zero:  # each gives a result: a count of 0
        looked_at = [source for source in picked if source.path not in searched]
    else:
        noted = (facts.keys() | outcome.keys() | view.indexed.keys()) - searched
        looked_at = list(compress(picked, map(noted.__contains__, paths)))
    known: dict[str, DocumentResult] = {}
    for source in looked_at:
        if searched_after_all(source):
            searched.add(source.path)
        elif (found := result(source)) is not None:
            known[source.path] = found
    return Settled(searched, known, len(paths) - sum(map(searched.__contains__, paths)) - len(known))
