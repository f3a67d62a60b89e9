"""A command's use of the index: open it if there is one, bring the entries of the files a
command works on up to date (re-reading what changed, writing the changes back when it can), and
hand out each file's entry in the files' order.

Nothing here changes an answer: a file the index cannot vouch for is read again, and an index that
cannot be used is reported in one warning and ignored (the command scans as without one).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple

from corpus_cli.index import location, schema, stamps, store, watched
from corpus_cli.index.build import rechecked
from corpus_cli.index.freshness import (
    PARALLEL_STAT_MIN_FILES,
    Known,
    Stored,
    known_of,
    load_known,
    recheck,
    removed_paths,
    suspect_positions,
)
from corpus_cli.index.lock import writer_lock
from corpus_cli.index.records import Counting, Entry, Indexed, Listing
from corpus_cli.index.tally import IndexTerms
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile, Warn
from corpus_cli.source.survey import Survey


@dataclass
class IndexView:
    """An open index and what it knows of each file (by path), kept up to date as files are asked for.

    Only `known` (rowid and stat signature) is read on opening; what a command reads of every
    entry (`counting` for stats, `listing` for list) is read when it first needs it, and whole
    entries only for the few files it needs them of."""

    path: Path
    connection: sqlite3.Connection
    # What discovery found of the files' stat, when it took it (see source/survey.py); asked
    # for when they are checked, since the index may be opened before the files are found.
    surveyed: Callable[[], Survey | None] = lambda: None
    indexed: dict[str, Indexed] = field(default_factory=dict)  # re-read in this run, not written yet

    @cached_property
    def known(self) -> dict[str, Known]:
        """Every entry's stat signature and rowid, by path (read at the first call)."""
        return load_known(self.connection)

    @cached_property
    def to_check(self) -> dict[str, Known]:
        """The `known` entries the freshness check needs: after a survey whose stamps vouched for
        some folders, only those of the others (`Survey.unvouched`). After an edit of a few
        files, reading every entry was most of the check."""
        surveyed = self.surveyed()
        if "known" in self.__dict__ or surveyed is None or not surveyed.fresh:
            return self.known
        return load_known(self.connection, sorted(surveyed.unvouched))

    @cached_property
    def counting(self) -> dict[str, Counting]:
        """What `stats` reads of every entry, by path (read at the first call; read again after
        changes are written)."""
        return store.counting(self.connection)

    @cached_property
    def listing(self) -> dict[str, Listing]:
        """What `list` reads of every entry, by path (as `counting`)."""
        return store.listing(self.connection)

    def entries(self, paths: Iterable[str]) -> dict[str, Stored]:
        """The whole entries of `paths` that the index holds, texts included, by path: for a few
        files (those a run found changed, the rows search ranks), so that every entry `fresh`
        gives whole has everything a record prints, whatever another run does to the index meanwhile."""
        return store.load(self.connection, paths, with_texts=True)

    def freshen(self, files: Sequence[SourceFile], all_files: Sequence[SourceFile]) -> dict[str, Entry | str]:
        """Bring the index up to date for `files`: what became of the suspects among them, by path
        (an up-to-date entry, or the warning that reading it gives); every other one of `files` is
        fresh as the index holds it. The changes found are written to the index when nobody else
        is writing it; deleted files' entries go too (`all_files` are the corpus's)."""
        surveyed = self.surveyed()
        if surveyed is not None and surveyed.unchanged:
            return {}  # every file is as the index holds it, and no entry is gone
        known = self.to_check
        suspects = [files[position] for position in suspect_positions(known, files, surveyed=surveyed)]
        outcome: dict[str, Entry | str] = {}
        same: list[Entry] = []
        indexed: list[Indexed] = []
        knowns = self.entries(source.path for source in suspects if source.path in known)
        for result in rechecked(suspects, knowns):
            if result.warning is not None:
                outcome[result.path] = result.warning
            elif result.same is not None:
                same.append(result.same)
                outcome[result.path] = result.same
            elif result.indexed is not None:
                indexed.append(result.indexed)
                outcome[result.path] = result.indexed.entry
                self.indexed[result.path] = result.indexed
        removed = removed_paths(known, all_files)
        removed |= {path for path, value in outcome.items() if isinstance(value, str) and path in known}
        if same or indexed or removed:
            self._write_back(same, indexed, removed)
        return outcome

    def fresh(
        self, files: Sequence[SourceFile], all_files: Sequence[SourceFile], warn: Warn, rows: Literal["counting", "listing"]
    ) -> Iterator[tuple[SourceFile, Entry | Counting | Listing | None]]:
        """Each of `files` with its up-to-date entry, in order (None: it cannot be read, and `warn`
        has been told, in the file's place); see `freshen`. An entry the index holds as it is
        comes as its row of `rows` (what the command reads of it), one found changed whole."""
        outcome = self.freshen(files, all_files)
        held: Callable[[str], Counting | Listing | None] = self.counting.get if rows == "counting" else self.listing.get
        for source in files:
            value: Entry | Counting | Listing | str | None = outcome.get(source.path)
            if value is None:
                # None when gone since it was checked (another run wrote the index meanwhile): read it again.
                value = held(source.path) or self._reread(source)
            if isinstance(value, str):
                warn(value)
                yield source, None
            else:
                yield source, value

    def _reread(self, source: SourceFile) -> Entry | str:
        result = recheck(source, None)
        if result.indexed is None:
            return result.warning or f"{source.path}: cannot read"
        self.indexed[source.path] = result.indexed
        return result.indexed.entry

    @cached_property
    def terms(self) -> IndexTerms:
        """The term numbers, totals and tallies of the index, read when first asked for."""
        return IndexTerms(self.connection, self.path)

    def _write_back(self, same: list[Entry], indexed: list[Indexed], removed: set[str]) -> None:
        """Write the changes when the index can be written now; otherwise answer without."""
        affected = {entry.path for entry in same} | {item.entry.path for item in indexed} | removed
        changed = self.entries(affected)
        try:
            with writer_lock(self.path) as held:
                if not held:
                    return
                writable = schema.connect(self.path, writable=True)
                try:
                    store.write(writable, stored=changed, same=same, indexed=indexed, removed=removed)
                finally:
                    writable.close()
        except (sqlite3.Error, schema.IndexUnusable, OSError):
            return
        for rows in ("counting", "listing"):
            self.__dict__.pop(rows, None)  # read again when asked for: rows were replaced
        tables: list[dict[str, Known]] = [self.__dict__[name] for name in ("known", "to_check") if name in self.__dict__]
        for table in tables:  # those read: the same table, or the check's part of it
            for path in affected:
                if path in changed:
                    table[path] = known_of(changed[path])
                else:
                    table.pop(path, None)
        self.indexed.clear()

    def close(self) -> None:
        self.connection.close()


class Glance(NamedTuple):
    """What discovery needs to know of an index before it opens it: where it is, the workers to
    stat the files on (None: one per core), the folders' stamps (None when they are not current),
    when it was last changed, and the watcher's count it was vouched at (see index/watched.py)."""

    path: Path
    processes: int | None
    stamps: dict[str, str] | None
    updated: str | None
    watched: str | None


def glance(corpus: Corpus) -> Glance | None:
    """A quick look at the corpus's index (a count, the stamps, the vouching); None without one
    this run can use (see `open_view`)."""
    path = location.in_use(corpus.root)

    def looked(connection: sqlite3.Connection) -> Glance | None:
        if path is None or schema.other_limit(connection, corpus.max_document_mb) is not None:
            return None
        with schema.one_state(connection):  # the stamps, the time and the vouching of one state of the index
            count = int(connection.execute("SELECT count(*) FROM files").fetchone()[0])
            processes = None if count >= PARALLEL_STAT_MIN_FILES else 1
            updated = schema.get_meta(connection, "updated_ns")
            return Glance(path, processes, stamps.stored(connection), updated, watched.vouched(connection))

    return schema.quick_look(path, looked, absent=None, unusable=None)


def other_limit(corpus: Corpus) -> str | None:
    """What the corpus's index was made under when it is another limit for one document than the
    run's (see `schema.other_limit`); None when it is not, or without a readable index."""

    def looked(connection: sqlite3.Connection) -> str | None:
        return schema.other_limit(connection, corpus.max_document_mb)

    return schema.quick_look(location.in_use(corpus.root), looked, absent=None, unusable=None)


def open_view(corpus: Corpus, warn: Warn, surveyed: Callable[[], Survey | None] = lambda: None) -> IndexView | None:
    """The corpus's index, loaded; None when there is none, when it was made under another limit for
    one document than the run's (it would skip or hold other files: the run reads them instead),
    or (after one warning) when it cannot be used. `surveyed`: what discovery found (see
    `IndexView`); when it found nothing changed, the entries' signatures are not read now (a
    command that needs them reads them)."""
    path = location.in_use(corpus.root)
    if path is None:
        return None
    try:
        # Writable when it may be: a journal left by a killed writer is rolled back on opening.
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
        connection = schema.connect(path, writable=writable)
        try:
            if schema.other_limit(connection, corpus.max_document_mb) is not None:
                connection.close()
                return None
            view = IndexView(path, connection, surveyed)
            found = surveyed()
            if found is None or not found.unchanged:
                view.to_check  # noqa: B018 -- read now: a damaged index shows here, and is reported once
        except sqlite3.DatabaseError as error:
            connection.close()
            raise schema.unreadable(error, "it is damaged") from None
    except schema.IndexUnusable as error:
        warn(f"{path}: index not used: {error}{error.advice}")
        return None
    return view
