"""One writer at a time: an advisory lock on a file beside the index (``index.sqlite.lock``).

`corpus index` holds it for its whole run and says the index is busy when another holds it;
a command that refreshes a few entries on its way only writes when it gets the lock at once.
The kernel releases the lock when its holder dies, ``kill -9`` included.
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
        import fcntl
    except ImportError:  # not on POSIX: SQLite's own locking still keeps the file whole
        yield True
        return
    try:
        descriptor = os.open(f"{index}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)
