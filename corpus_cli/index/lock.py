"""One writer at a time: an advisory lock on a file beside the index (``index.sqlite.lock``).

`corpus index` holds it for its whole run and says the index is busy when another holds it;
a command that refreshes a few entries on its way only writes when it gets the lock at once.
The kernel releases the lock when its holder dies, ``kill -9`` included. `taken` is the one
place that locks; the watcher's own lock (index/watcher.py) goes through it too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def writer_lock(index: Path) -> Iterator[bool]:
    """Try to take the lock without waiting; yields whether it was taken."""
    try:
        descriptor = os.open(f"{index}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    try:
        try:
            held = taken(descriptor)
        except OSError:
            held = False
        yield held
    finally:
        os.close(descriptor)


def taken(descriptor: int) -> bool:
    """Whether an exclusive advisory lock on the open file `descriptor` was taken at once: False
    when another process holds one; OSError when the file system cannot lock (ENOLCK). Where
    there is no `fcntl` (not POSIX), True: SQLite's own locking still keeps the index whole."""
    try:
        import fcntl
    except ImportError:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
