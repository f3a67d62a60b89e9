"""A command's use of the index: open it if there is one, bring the entries of the files a
command works on up to date (re-reading what changed, writing the changes back when it can), and
hand out each file's entry in the files' order.

Nothing here changes an answer: a file the index cannot vouch for is read again, and an index that
cannot be used is reported in one warning and ignored (the command scans as without one).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from corpus_cli.index import location, schema, store
from corpus_cli.index.build import rechecked
from corpus_cli.index.freshness import Stored, check
from corpus_cli.index.lock import writer_lock
from corpus_cli.index.records import Entry, Indexed
from corpus_cli.index.tally import IndexTerms
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile, Warn


@dataclass
class IndexView:
    """An open index and the entries it holds (by path), kept up to date as files are asked for."""

    path: Path
    connection: sqlite3.Connection
    stored: dict[str, Stored]
    indexed: dict[str, Indexed] = field(default_factory=dict)  # re-read in this run, not written yet

    def fresh(self, files: Sequence[SourceFile], all_files: Sequence[SourceFile], warn: Warn) -> Iterator[tuple[SourceFile, Entry | None]]:
        """Each of `files` with its up-to-date entry, in order (None: it cannot be read, and `warn`
        has been told, in the file's place). The changes found are written to the index when
        nobody else is writing it; deleted files' entries go too (`all_files` are the corpus's)."""
        checked = check(self.stored, files)
        outcome: dict[str, Entry | str] = {path: known.entry for path, known in checked.fresh.items()}
        same: list[Entry] = []
        indexed: list[Indexed] = []
        for result in rechecked(checked.suspects, self.stored):
            if result.warning is not None:
                outcome[result.path] = result.warning
            elif result.same is not None:
                same.append(result.same)
                outcome[result.path] = result.same
            elif result.indexed is not None:
                indexed.append(result.indexed)
                outcome[result.path] = result.indexed.entry
                self.indexed[result.path] = result.indexed
        removed = set(self.stored) - {source.path for source in all_files}
        removed |= {path for path, value in outcome.items() if isinstance(value, str) and path in self.stored}
        if same or indexed or removed:
            self._write_back(same, indexed, removed)
        for source in files:
            value = outcome[source.path]
            if isinstance(value, str):
                warn(value)
                yield source, None
            else:
                yield source, value

    @cached_property
    def _texts(self) -> dict[int, tuple[str | None, ...]]:
        return store.texts(self.connection)

    def with_texts(self, entry: Entry, *, one: bool = False) -> Entry:
        """The entry with the texts the light entries lack (entries read in this run have them);
        every entry's texts are read at the first call, or only this one's with `one`."""
        known = self.stored.get(entry.path)
        if entry.path in self.indexed or known is None:
            return entry
        texts = store.texts(self.connection, known.rowid).get(known.rowid) if one else self._texts.get(known.rowid)
        if texts is None:  # written back after the texts were read: the entry is whole
            return entry
        title, byline, lede = texts
        return entry._replace(title=title, byline=byline, lede=lede)

    @cached_property
    def terms(self) -> IndexTerms:
        """The term numbers, totals and tallies of the index, read when first asked for."""
        return IndexTerms(self.connection)

    def _write_back(self, same: list[Entry], indexed: list[Indexed], removed: set[str]) -> None:
        """Write the changes when the index can be written now; otherwise answer without."""
        try:
            with writer_lock(self.path) as held:
                if not held:
                    return
                writable = schema.connect(self.path, writable=True)
                try:
                    stored = dict(self.stored)
                    store.write(writable, stored=stored, same=same, indexed=indexed, removed=removed)
                finally:
                    writable.close()
        except (sqlite3.Error, schema.IndexUnusable, OSError):
            return
        self.stored = stored
        self.indexed.clear()

    def close(self) -> None:
        self.connection.close()


def open_view(corpus: Corpus, warn: Warn) -> IndexView | None:
    """The corpus's index, loaded; None when there is none, or (after one warning) when it cannot be used."""
    path = location.existing(corpus.root)
    if path is None:
        return None
    try:
        # Writable when it may be: a journal left by a killed writer is rolled back on opening.
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
        connection = schema.connect(path, writable=writable)
        try:
            stored = store.load(connection)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise schema.IndexUnusable(f"it is damaged ({error})") from None
    except schema.IndexUnusable as error:
        warn(f"{path}: index not used: {error}; run 'corpus index' to rebuild it")
        return None
    return IndexView(path, connection, stored)
