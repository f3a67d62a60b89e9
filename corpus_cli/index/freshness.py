"""Is an entry still the file? git's answer: compare what `stat` says (size, mtime_ns, ctime_ns,
inode) with what it said when the file was read, and re-hash the file when they differ or when
the entry is "racy".

An entry is racy when the file's mtime falls within `RACY_NS` of the moment it was read: a write
in that same tick of the file system's clock could change the content without changing the mtime
(git handles its "racily clean" entries so). A racy entry's file is re-hashed; once its content is
confirmed long after the mtime, the entry is rewritten with the new read time and is racy no more.

`suspect_positions` finds the files no cheap call says are fresh (from `Known`, the little of each
entry it needs, which `load_known` reads); `check` sorts the files into fresh entries and suspects;
`recheck` settles each suspect by reading it: same content (only its stat changed: touched, or
racy), new content (indexed anew), or unreadable. A file over the limit for a document is not
read: it is the same while it is skipped for the same reason (its size).
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Final, NamedTuple

from corpus_cli.index.records import Entry, Indexed, content_hash, index_file, stat_identity, too_large_file
from corpus_cli.index.schema import in_folder
from corpus_cli.run.parallel import ordered_map, plan
from corpus_cli.source.discover import collection_paused
from corpus_cli.source.files import SourceFile, TooLarge
from corpus_cli.source.survey import Survey, folder_of

# Two seconds: the coarsest mtime in use (FAT); ext4 and others tick in nanoseconds, but a
# kernel's clock may advance in coarser steps.
RACY_NS = 2_000_000_000


class Stored(NamedTuple):
    """An entry as the index holds it, with its rowid (the key of its full-text rows)."""

    rowid: int
    entry: Entry


# What the freshness check needs of an entry, as `load_known` reads it: (path, rowid, racy, size,
# mtime_ns, inode, ctime_ns), the last four compared as one tuple with what `stat` says now. A racy
# entry (see `is_racy`) is always a suspect. Plain tuples, as SQLite gives them: an object made per
# row doubled the time of loading them; even so this is a fifth of loading the entries, which
# most commands never need.
Known = tuple[str, int, int, int, int, int, int]
ROWID: Final = 1
RACY: Final = 2


@dataclass(frozen=True)
class Check:
    """The outcome of `check`: entries fresh by stat alone, and the files to read again."""

    fresh: dict[str, Stored]  # by path
    suspects: list[SourceFile]


def is_racy(entry: Entry) -> bool:
    return entry.mtime_ns >= entry.read_ns - RACY_NS


# `is_racy` in SQL, with RACY_NS as its parameter: what the check and the stamps read of a row.
RACY_SQL = "mtime_ns >= read_ns - ?"


def known_of(stored: Stored) -> Known:
    entry = stored.entry
    return (entry.path, stored.rowid, int(is_racy(entry)), entry.size, entry.mtime_ns, entry.inode, entry.ctime_ns)


_KNOWN = f"SELECT path, rowid, {RACY_SQL}, size, mtime_ns, inode, ctime_ns FROM files"


def load_known(connection: sqlite3.Connection, folders: Iterable[str] | None = None) -> dict[str, Known]:
    """Every entry's `Known` (or those of the files below the top-level `folders`), by path."""
    with collection_paused():
        if folders is None:
            rows = connection.execute(_KNOWN, (RACY_NS,)).fetchall()
        else:
            rows = []
            for folder in folders:
                where, bounds = in_folder(folder)
                rows += connection.execute(f"{_KNOWN} WHERE {where}", (RACY_NS, *bounds)).fetchall()
        return dict(zip(map(itemgetter(0), rows), rows))


def check(stored: Mapping[str, Stored], files: Sequence[SourceFile], processes: int | None = None) -> Check:
    """Sort `files` by `stat` alone (a missing or changed file, or a racy entry, is a suspect)."""
    stale = set(suspect_positions({path: known_of(known) for path, known in stored.items()}, files, processes))
    fresh = {source.path: stored[source.path] for position, source in enumerate(files) if position not in stale}
    return Check(fresh, [files[position] for position in sorted(stale)])


def suspect_positions(
    known: Mapping[str, Known], files: Sequence[SourceFile], processes: int | None = None, surveyed: Survey | None = None
) -> list[int]:
    """The positions in `files` of the files `stat` cannot vouch for: new, missing, changed or
    racy; in order. `surveyed`: what `stat` said of the files during discovery (see
    source/survey.py); the others are stat'ed now. `stat` costs about 4 µs a file from Python,
    most of the check's time, so a large corpus is stat'ed on every core."""
    if surveyed is not None:
        return _compared(known, files, surveyed, processes)
    return _stated(known, files, processes)


def _compared(known: Mapping[str, Known], files: Sequence[SourceFile], surveyed: Survey, processes: int | None) -> list[int]:
    """`suspect_positions` from a survey: a file in a folder that matched its stamp is fresh, any
    other is compared with the signature the survey took, or stat'ed now when it took none."""
    suspects, unsurveyed = [], []
    expected, signature_of, fresh = known.get, surveyed.signatures.get, surveyed.fresh
    for position, source in enumerate(files):
        path = source.path
        signature = signature_of(path, _UNSURVEYED)
        if signature is _UNSURVEYED and fresh and folder_of(path) in fresh:
            continue
        entry = expected(path)
        if entry is None or entry[RACY]:
            suspects.append(position)
        elif signature is _UNSURVEYED:
            unsurveyed.append(position)
        elif signature != entry[3:]:
            suspects.append(position)
    if unsurveyed:
        suspects += [unsurveyed[position] for position in _stated(known, [files[position] for position in unsurveyed], processes)]
        suspects.sort()
    return suspects


_UNSURVEYED: Final = (-1, -1, -1, -1)  # no file's signature: a survey left the file out


def _stated(known: Mapping[str, Known], files: Sequence[SourceFile], processes: int | None) -> list[int]:
    expected = list(map(known.get, map(attrgetter("path"), files)))
    if processes is None and len(files) < PARALLEL_STAT_MIN_FILES:
        processes = 1
    ranges, processes = plan(len(files), processes)
    if processes > 1:
        # Big tasks: each is a few milliseconds of stat calls, which one message to a worker buys.
        ranges = _spans(len(files), processes * STAT_TASKS_PER_PROCESS)
    task = functools.partial(_suspects_in, files, expected)
    return [position for batch in ordered_map(task, ranges, processes=processes) for position in batch]


def removed_paths(known: Mapping[str, Known], files: Sequence[SourceFile]) -> set[str]:
    """The paths the index holds that are not among `files` (all the corpus's)."""
    if sum(map(known.__contains__, map(attrgetter("path"), files))) == len(known):
        return set()  # the common case, told without building a set of every path
    return set(known.keys() - {source.path for source in files})


STAT_TASKS_PER_PROCESS = 4
# Below this many files, starting the workers costs more than the stat calls they would share.
PARALLEL_STAT_MIN_FILES = 10_000


def _spans(count: int, parts: int) -> list[tuple[int, int]]:
    step = -(-count // parts)
    return [(start, min(start + step, count)) for start in range(0, count, step)]


def _suspects_in(files: Sequence[SourceFile], expected: Sequence[Known | None], span: tuple[int, int]) -> list[int]:
    suspects = []
    stat = os.stat
    for position in range(*span):
        known = expected[position]
        if known is None or known[RACY]:
            suspects.append(position)
            continue
        try:
            status = stat(files[position].location)
        except OSError:
            suspects.append(position)  # reading it will report why
            continue
        if (status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns) != known[3:]:
            suspects.append(position)
    return suspects


class Rechecked(NamedTuple):
    """A suspect settled: `same` (content unchanged: the entry with its new stat and read time),
    `indexed` (new content), or neither, with the warning a read gives (the file cannot be read)."""

    path: str
    same: Entry | None = None
    indexed: Indexed | None = None
    warning: str | None = None


def recheck(source: SourceFile, known: Entry | None) -> Rechecked:
    """Read a suspect file and say what it is now (the read time is taken before its stat, so an
    edit after the read shows as a change next time)."""
    read_ns = time.time_ns()
    try:
        status = os.stat(source.location)
        data = source.read_bytes()  # under the run's limit, which is the index's (see schema.other_limit)
    except TooLarge as error:
        skipped = too_large_file(source.path, status, error, read_ns)
        if known is not None and known.binary == skipped.entry.binary:  # skipped as it was, which is all a command says of it
            return Rechecked(source.path, same=_restated(known, status, read_ns))
        return Rechecked(source.path, indexed=skipped)
    except OSError as error:
        return Rechecked(source.path, warning=f"{source.path}: cannot read: {error.strerror or error}")
    if known is not None and known.size == len(data) and known.hash == content_hash(data):
        return Rechecked(source.path, same=_restated(known, status, read_ns))
    return Rechecked(source.path, indexed=index_file(source.path, status, data, read_ns))


def _restated(known: Entry, status: os.stat_result, read_ns: int) -> Entry:
    """An entry whose file is found the same, with its new stat and read time."""
    size, mtime_ns, ctime_ns, inode = stat_identity(status)
    return known._replace(size=size, mtime_ns=mtime_ns, ctime_ns=ctime_ns, inode=inode, read_ns=read_ns)
