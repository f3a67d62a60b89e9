"""A document's file and how its bytes are read: the one place that opens a document file.

A file may change between the scan and the read (time of check to time of use): it is opened
without following a symbolic link and without blocking, and read only when the descriptor is a
regular file, so a file swapped for a link to outside the corpus, a FIFO or a device is refused.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from typing import NamedTuple

Warn = Callable[[str], None]


class SourceFile(NamedTuple):
    """A document's file: its id, its path relative to the root, and where it is on disk.

    A named tuple: a corpus of 100,000 files holds 100,000 of these, made while every command
    waits for discovery, and a frozen dataclass takes three times as long to make.
    """

    id: str
    path: str
    location: str  # a plain string: building a Path per file doubled discovery's time; a link's target

    def read_bytes(self) -> bytes:
        return read_bytes(self.location)


# O_NOFOLLOW and O_NONBLOCK are POSIX; where they are missing the checks after opening remain.
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path is no longer a regular file (a symbolic link, a FIFO, a device, a folder)."""


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A regular file's bytes, with fewer calls than `open().read()` makes (it shows on 20,000
    small files); `NotRegularFile` for anything else, which is never read."""
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            raise NotRegularFile(errno.ELOOP, "a symbolic link now (changed since the corpus was scanned?); not followed") from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file (changed since the corpus was scanned?); not read")
        size = status.st_size
        data = os.read(descriptor, size + 1)
        if len(data) <= size:
            return data
        pieces = [data]  # the file grew, or its size was not known (a special file)
        while piece := os.read(descriptor, 1 << 20):
            pieces.append(piece)
        return b"".join(pieces)
    finally:
        os.close(descriptor)
