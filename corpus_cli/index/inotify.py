"""Linux's inotify, through ctypes (the standard library has no binding): the kernel queues an
event for each change under a watched folder in the same system call that makes the change, so
a reader that drains the queue knows of every change finished before it began to read.

Only what the watcher needs: watch a folder, read the queued events without waiting.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import sys
from typing import NamedTuple

# The events of <sys/inotify.h> the watcher asks for or is sent.
MODIFY = 0x2
ATTRIB = 0x4  # mode (a file made unreadable), owner, times
CLOSE_WRITE = 0x8
MOVED_FROM = 0x40
MOVED_TO = 0x80
CREATE = 0x100
DELETE = 0x200
DELETE_SELF = 0x400
MOVE_SELF = 0x800
UNMOUNT = 0x2000
OVERFLOW = 0x4000  # the queue was full: events were lost
IGNORED = 0x8000  # the watch is gone (its folder deleted, or unmounted)
ONLYDIR = 0x1000000
DONT_FOLLOW = 0x2000000
ISDIR = 0x40000000

CHANGES = MODIFY | ATTRIB | CLOSE_WRITE | MOVED_FROM | MOVED_TO | CREATE | DELETE | DELETE_SELF | MOVE_SELF
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, length of the name that follows
_BUFFER = 1 << 16


class Event(NamedTuple):
    watch: int  # the watch descriptor; -1 for OVERFLOW
    mask: int
    name: str  # the entry's name in the watched folder; "" for the folder itself


class Inotify:
    """An inotify instance (close it when done), its descriptor non-blocking."""

    def __init__(self) -> None:
        if not sys.platform.startswith("linux"):
            raise OSError("watching needs Linux (inotify)")
        self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        descriptor = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if descriptor < 0:
            raise _error("cannot start inotify")
        self.fd: int = descriptor

    def watch(self, folder: str) -> int:
        """Watch `folder` (not through a link) for `CHANGES`; its watch descriptor."""
        watch = int(self._libc.inotify_add_watch(self.fd, os.fsencode(folder), CHANGES | ONLYDIR | DONT_FOLLOW))
        if watch < 0:
            raise _error(folder)
        return watch

    def read(self, reads: int) -> tuple[list[Event], bool]:
        """The events queued now, in at most `reads` reads; and whether the queue was emptied."""
        events: list[Event] = []
        for _ in range(reads):
            try:
                data = os.read(self.fd, _BUFFER)
            except BlockingIOError:
                return events, True
            offset = 0
            while offset < len(data):
                watch, mask, _, length = _HEADER.unpack_from(data, offset)
                offset += _HEADER.size
                name = os.fsdecode(data[offset : offset + length].rstrip(b"\0"))
                offset += length
                events.append(Event(watch, mask, name))
        return events, False

    def close(self) -> None:
        os.close(self.fd)


def _error(what: str) -> OSError:
    number = ctypes.get_errno()
    return OSError(number, os.strerror(number), what)
