"""`corpus index`: build the index from nothing, or bring an existing one up to date.

A build from nothing (no index, an unusable one, or one with too many orphan rows) is written to
a temporary file beside the index and renamed over it when complete, so ``kill -9`` at any moment
leaves the previous index as it was. An update changes the existing file in one transaction,
which SQLite's journal undoes if the process dies first.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus_cli.errors import CorpusError
from corpus_cli.index import location, schema, stamps, store
from corpus_cli.index.freshness import Known, Rechecked, Stored, load_known, recheck, removed_paths, suspect_positions
from corpus_cli.index.lock import writer_lock
from corpus_cli.index.records import Entry, Indexed
from corpus_cli.index.tally import Vocabulary
from corpus_cli.run.parallel import ordered_map, plan
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import FileBatches, SourceFile, Warn
from corpus_cli.source.survey import Survey

ORPHAN_SHARE = 0.25  # rebuild when the grams rows of old file versions pass this share of the live rows
WRITER_QUEUE = 256  # documents waiting for the writer thread (a few MB of text)
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Built:
    """What a run of `corpus index` did."""

    location: Path
    documents: int  # in the index now (binary files left out)
    indexed: int  # files read and indexed (new or changed; all of them for a build from nothing)
    removed: int  # entries of deleted or unreadable files
    rebuilt: bool  # built from nothing


def build(
    corpus: Corpus,
    files: Sequence[SourceFile],
    warn: Warn,
    progress: Progress | None = None,
    processes: int | None = None,
    surveyed: Survey | None = None,
) -> Built:
    """Build or update the index of `corpus` for `files` (all its documents), with what
    discovery found of their stat, if it looked (see source/survey.py)."""
    target = location.for_writing(corpus.root)
    with writer_lock(target) as held:
        if not held:
            raise CorpusError(f"another 'corpus index' is updating {target}; run it again when that one ends")
        _remove_stale_temporaries(target)
        connection = None
        if target.exists():
            try:
                connection = schema.connect(target, writable=True)
            except schema.IndexUnusable as error:
                warn(f"{target}: {error}; building a new index")
        try:
            if connection is not None:
                try:
                    updated = _updated(connection, target, corpus, files, warn, progress, processes, surveyed)
                except sqlite3.DatabaseError as error:
                    if not schema.is_damage(error):
                        raise
                    # damaged where `connect` did not look
                    warn(f"{target}: it is damaged ({error}); building a new index")
                    updated = None
                if updated is not None:
                    return updated
                connection.close()
                connection = None
            return _rebuild(target, corpus, files, warn, progress, processes)
        except sqlite3.DatabaseError as error:
            raise CorpusError(f"{target}: cannot write the index: {error}") from None
        finally:
            if connection is not None:
                connection.close()


def _updated(
    connection: sqlite3.Connection,
    target: Path,
    corpus: Corpus,
    files: Sequence[SourceFile],
    warn: Warn,
    progress: Progress | None,
    processes: int | None,
    surveyed: Survey | None,
) -> Built | None:
    """The existing index brought up to date; None when it is to be built anew (too many orphans,
    or made under another limit for one document: its entries skip or hold other files)."""
    other = schema.other_limit(connection, corpus.max_document_mb)
    if other is not None:
        warn(f"{target}: {other}; building a new index")
        return None
    # An unchanged corpus (by its folders' stamps) has nothing to update: no entry is read.
    known = None if surveyed is not None and surveyed.unchanged else load_known(connection)
    entries = int(connection.execute("SELECT count(*) FROM files").fetchone()[0]) if known is None else len(known)
    if store.orphans(connection) > ORPHAN_SHARE * max(entries, 1):
        return None
    if known is None:
        return Built(target, _documents(connection), 0, 0, rebuilt=False)
    return _update(connection, target, known, files, warn, progress, processes, surveyed)


def _update(
    connection: sqlite3.Connection,
    target: Path,
    known: dict[str, Known],
    files: Sequence[SourceFile],
    warn: Warn,
    progress: Progress | None,
    processes: int | None,
    surveyed: Survey | None,
) -> Built:
    suspects = [files[position] for position in suspect_positions(known, files, processes, surveyed)]
    removed = removed_paths(known, files)
    if not suspects and not removed:  # the common case, without reading a single entry
        if not stamps.current(connection):  # an index made before folders were stamped
            connection.execute("BEGIN IMMEDIATE")
            stamps.restamp(connection)
            connection.execute("COMMIT")
        return Built(target, _documents(connection), 0, 0, rebuilt=False)
    stored = store.load(connection)
    same: list[Entry] = []
    indexed = []
    for result in rechecked(suspects, stored, processes, progress):
        if result.warning is not None:
            warn(result.warning)
            removed.add(result.path)
        elif result.same is not None:
            same.append(result.same)
        elif result.indexed is not None:
            indexed.append(result.indexed)
    removed &= set(stored)
    if same or indexed or removed:
        store.write(connection, stored=stored, same=same, indexed=indexed, removed=removed)
    documents = sum(1 for known in stored.values() if known.entry.binary is None)
    return Built(target, documents, len(indexed), len(removed), rebuilt=False)


def _documents(connection: sqlite3.Connection) -> int:
    """The documents the index holds: its files less the binary ones (which have no tally)."""
    return int(connection.execute("SELECT count(*) FROM tallies").fetchone()[0])


def _rebuild(
    target: Path, corpus: Corpus, files: Sequence[SourceFile], warn: Warn, progress: Progress | None, processes: int | None
) -> Built:
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        connection = schema.create(temporary, shared=True)
        try:
            connection.execute("PRAGMA journal_mode = OFF")  # the whole file is the transaction
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            count = 0
            vocabulary = Vocabulary([])
            with _Writer(connection) as writer:
                for result in rechecked(files, {}, processes, progress):
                    if result.warning is not None:
                        warn(result.warning)
                    elif result.indexed is not None:
                        writer.insert(result.indexed, store.tallied(result.indexed, vocabulary))
                        count += result.indexed.entry.binary is None
            vocabulary.flush(connection)
            schema.set_meta(connection, "corpus", os.fspath(corpus.root.resolve()))
            schema.set_meta(connection, "built_ns", str(time.time_ns()))
            schema.set_meta(connection, "updated_ns", str(time.time_ns()))
            schema.set_meta(connection, "orphans", "0")
            schema.keep_document_limit(connection, corpus.max_document_mb)
            stamps.restamp(connection)
            connection.execute("COMMIT")
            # FTS5 merges its segments as it goes and leaves the pages they took free: packing
            # them took the index from 0.81 to 0.79 of the corpus's bytes (100 MB bench), in a
            # second (a fiftieth of the build). Still the temporary file, so a kill loses nothing.
            with contextlib.suppress(sqlite3.OperationalError):  # no room for the copy it makes: the index stands unpacked
                connection.execute("VACUUM")
            connection.execute("PRAGMA journal_mode = DELETE")
        finally:
            connection.close()
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Built(target, count, len(files), 0, rebuilt=True)


class _Writer:
    """`store.insert` in a thread of its own, fed through a queue: SQLite lets other threads run
    while it works (most of all on the trigrams), so this process reads the workers' results and
    counts terms meanwhile; done one after the other, they made it the build's bottleneck. The
    connection is the thread's until the `with` block ends; an error in it is raised there."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.queue: queue.Queue[tuple[Indexed, tuple[bytes, bytes] | None] | None] = queue.Queue(maxsize=WRITER_QUEUE)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="index-writer", daemon=True)

    def __enter__(self) -> _Writer:
        self.thread.start()
        return self

    def insert(self, item: Indexed, tally: tuple[bytes, bytes] | None) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((item, tally))

    def _run(self) -> None:
        for job in iter(self.queue.get, None):
            if self.error is None:
                try:
                    store.insert(self.connection, *job)
                except BaseException as error:  # raised in the building thread; the queue is still drained
                    self.error = error

    def __exit__(self, *exc: object) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


# A task's results hold its documents' texts for the word index: a worker makes and pickles them
# all before it sends them, so tasks are smaller than other commands' (500 files: 45 MB a worker).
RECHECK_FILES_PER_TASK = 100


def rechecked(
    suspects: Sequence[SourceFile], stored: dict[str, Stored], processes: int | None = None, progress: Progress | None = None
) -> Iterator[Rechecked]:
    """`recheck` of every suspect, in order; on every core for many files."""
    knowns = [stored[source.path].entry if source.path in stored else None for source in suspects]
    ranges, processes = plan(len(suspects), processes, RECHECK_FILES_PER_TASK)
    # Each task's files and entries packed before the workers fork (see FileBatches): workers
    # that read their ranges of these lists copied them page by page (a build from nothing at
    # 500 MB took 229 MB for the whole process tree).
    task = functools.partial(_recheck_batch, FileBatches(suspects, ranges, extras=knowns))
    for batch in ordered_map(task, range(len(ranges)), processes=processes):
        yield from batch
        if progress is not None:
            progress(len(batch))


def _recheck_batch(batches: FileBatches, number: int) -> list[Rechecked]:
    files, knowns = batches.with_extras(number)
    return [recheck(source, known) for source, known in zip(files, knowns or [None] * len(files))]


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of builds that were killed (their process is gone)."""
    for leftover in target.parent.glob(f"{target.name}.*.tmp"):
        pid = leftover.name[len(target.name) + 1 : -len(".tmp")]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop(corpus: Corpus) -> list[Path]:
    """Remove the corpus's index files, wherever they are; the index files removed."""
    from corpus_cli.index.watcher import remove_leftovers  # only here: a watcher's modules are for it

    removed = []
    for index in (location.in_corpus(corpus.root), location.in_cache(corpus.root)):
        if index is None or not index.parent.is_dir():
            continue
        location.not_a_folder(index)
        with writer_lock(index) as held:
            if not held:
                raise CorpusError(f"another 'corpus index' is updating {index}; run --drop again when that one ends")
            if index.exists():
                removed.append(index)
            for path in (index, Path(f"{index}-journal"), *index.parent.glob(f"{index.name}.*.tmp")):
                path.unlink(missing_ok=True)
        Path(f"{index}.lock").unlink(missing_ok=True)
        remove_leftovers(index)
        if not any(index.parent.iterdir()):
            index.parent.rmdir()
    return removed
