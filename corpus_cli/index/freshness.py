"""Is an entry still the file? git's answer: compare what `stat` says (size, mtime_ns, ctime_ns,
inode) with what it said when the file was read, and re-hash the file when they differ or when
the entry is "racy".

An entry is racy when the file's mtime falls within `RACY_NS` of the moment it was read: a write
in that same tick of the file system's clock could change the content without changing the mtime
(git handles its "racily clean" entries so). A racy entry's file is re-hashed; once its content is
confirmed long after the mtime, the entry is rewritten with the new read time and is racy no more.

`check` sorts the files into fresh entries and suspects (no cheap call says they are fresh);
`recheck` settles each suspect by reading it: same content (only its stat changed: touched, or
racy), new content (indexed anew), or unreadable.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from corpus_cli.index.records import Entry, Indexed, content_hash, index_file, stat_identity
from corpus_cli.source.files import SourceFile, read_bytes

# Two seconds: the coarsest mtime in use (FAT); ext4 and others tick in nanoseconds, but a
# kernel's clock may advance in coarser steps.
RACY_NS = 2_000_000_000


class Stored(NamedTuple):
    """An entry as the index holds it, with its rowid (the key of its full-text rows)."""

    rowid: int
    entry: Entry


@dataclass(frozen=True)
class Check:
    """The outcome of `check`: entries fresh by stat alone, and the files to read again."""

    fresh: dict[str, Stored]  # by path
    suspects: list[SourceFile]


def is_racy(entry: Entry) -> bool:
    return entry.mtime_ns >= entry.read_ns - RACY_NS


def check(stored: Mapping[str, Stored], files: Sequence[SourceFile]) -> Check:
    """Sort `files` by `stat` alone (a missing or changed file, or a racy entry, is a suspect)."""
    fresh: dict[str, Stored] = {}
    suspects: list[SourceFile] = []
    stat = os.stat
    for source in files:
        known = stored.get(source.path)
        if known is None:
            suspects.append(source)
            continue
        try:
            status = stat(source.location)
        except OSError:
            suspects.append(source)  # reading it will report why
            continue
        entry = known.entry
        if (
            status.st_mtime_ns != entry.mtime_ns
            or status.st_size != entry.size
            or status.st_ino != entry.inode
            or status.st_ctime_ns != entry.ctime_ns
            or is_racy(entry)
        ):
            suspects.append(source)
        else:
            fresh[source.path] = known
    return Check(fresh, suspects)


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
        data = read_bytes(source.location)
    except OSError as error:
        return Rechecked(source.path, warning=f"{source.path}: cannot read: {error.strerror or error}")
    if known is not None and known.size == len(data) and known.hash == content_hash(data):
        size, mtime_ns, ctime_ns, inode = stat_identity(status)
        return Rechecked(source.path, same=known._replace(size=size, mtime_ns=mtime_ns, ctime_ns=ctime_ns, inode=inode, read_ns=read_ns))
    return Rechecked(source.path, indexed=index_file(source.path, status, data, read_ns))
