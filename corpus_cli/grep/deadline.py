"""The time limit per document: a regex that backtracks without end must not hang the tool.

SIGALRM ticks a few times a second; Python's regex engine checks for signals as it runs, so the
handler can raise `SearchTimeout` inside a search that has run past its document's limit. The
clock runs only while the pattern is at work (`Budget.run`), not while what it found is printed.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

Arm = Callable[[float | None], None]
Value = TypeVar("Value")
# The shortest tick: a timer much faster than this would leave no time for the search itself.
MIN_TICK = 0.0025


class SearchTimeout(Exception):
    """The time limit for one document ran out."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[Arm | None]:
    """Yield `arm(limit)`, which gives the work about to run `limit` seconds (None: done).

    A timer ticks a few times a second (SIGALRM; Python's regex engine checks for signals as it
    runs) and raises `SearchTimeout`, once, in work that has run past its limit; arming is then
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
        nonlocal deadline
        if deadline is not None and time.monotonic() > deadline:
            deadline = None  # disarmed as it fires: it cannot fire again in the clean-up
            raise SearchTimeout

    previous = signal.signal(signal.SIGALRM, tick)
    interval = max(MIN_TICK, min(0.25, seconds / 4))
    signal.setitimer(signal.ITIMER_REAL, interval, interval)
    try:
        yield arm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        arm(None)
        signal.signal(signal.SIGALRM, previous)


class Budget:
    """A document's time limit, spent only while its search runs: `run` arms the timer with what
    is left, and stops the clock when the call returns (or raises)."""

    def __init__(self, arm: Arm | None, seconds: float | None) -> None:
        self.arm: Arm | None = arm if seconds else None
        self.left: float | None = seconds if seconds else None

    def run(self, function: Callable[..., Value], *args: object) -> Value:
        """``function(*args)`` within what is left; `SearchTimeout` when it runs past it."""
        if self.arm is None or self.left is None:
            return function(*args)
        started = time.monotonic()
        try:
            self.arm(max(self.left, 0.0))
            result = function(*args)
            self.arm(None)
        except BaseException:
            self.arm(None)  # a SearchTimeout raised here instead is still a timeout of this work
            raise
        finally:
            self.left -= time.monotonic() - started
        return result
