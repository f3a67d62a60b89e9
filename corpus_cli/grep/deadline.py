"""The time limit per document: a regex that backtracks without end must not hang the tool.

SIGALRM ticks a few times a second; Python's regex engine checks for signals as it runs, so the
handler can raise `SearchTimeout` inside a search that has run past its document's limit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class SearchTimeout(Exception):
    """The time limit for one document ran out."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[Callable[[float | None], None] | None]:
    """Yield `arm(limit)`, which gives the document about to be searched `limit` seconds (None: done).

    A timer ticks a few times a second (SIGALRM; Python's regex engine checks for signals as it
    runs) and raises `SearchTimeout` in a document that has run past its limit; arming is then
    only a clock reading, where setting a timer for each document costs two system calls.
    None when no limit can be set: none asked for, no SIGALRM (Windows), or not the main thread.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield None
        return
    deadline: float | None = None

    def arm(limit: float | None) -> None:
        nonlocal deadline
        deadline = None if limit is None else time.monotonic() + limit

    def tick(signum: int, frame: object) -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise SearchTimeout

    previous = signal.signal(signal.SIGALRM, tick)
    interval = min(0.25, seconds / 4)
    signal.setitimer(signal.ITIMER_REAL, interval, interval)
    try:
        yield arm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        arm(None)
        signal.signal(signal.SIGALRM, previous)
