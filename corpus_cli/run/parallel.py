"""An ordered, streaming map over worker processes, for work that pays for a second core.

`ordered_map(function, items, processes=N)` yields ``function(item)`` in the order of `items`,
as results come in. With one process it is plain `map`, in this process. The function and the
items must pickle (a module-level function, or a `functools.partial` of one); the function is
sent once to each worker, with what it carries (the place for shared data), the items one by
one, so keep items small (names or ranges, not objects).

Built on `concurrent.futures.ProcessPoolExecutor` rather than `multiprocessing.Pool`: a worker
that dies (killed, out of memory) breaks the executor, which says so, where a Pool would wait
for its task for ever; and shutting down waits for the tasks running, so no result is cut off
halfway through a pipe. Workers ignore Ctrl-C and SIGTERM (both are blocked while they are forked,
so none can die of them first): the parent alone handles them (exit status 130 or 143) and shuts
the workers down. A worker killed while it sends a result would leave the parent waiting for the
rest of it for ever, which is what a group-wide SIGTERM did before workers ignored it.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from corpus_cli.errors import CorpusError

if TYPE_CHECKING:
    from concurrent.futures import Future

TASKS_IN_FLIGHT_PER_PROCESS = 3  # enough to keep every worker busy while the parent catches up
# Measured (grep and list on the bench corpora): at 937 files one process and two take the same
# time; below about a thousand files a second process costs more than it saves.
PARALLEL_MIN_ITEMS = 1000
# Files per task, for every command: small enough that -q, -l and a closed pipe stop a run soon and
# that both workers stay busy, large enough that the parent's share stays small (measured on the
# 100 MB bench: 200 a task cost the parent twice the time of 500 in grep; list and stats run as fast).
FILES_PER_TASK = 500

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def plan(count: int, processes: int | None = None) -> tuple[list[tuple[int, int]], int]:
    """Tasks as ``[start, end)`` ranges of `FILES_PER_TASK` items out of `count`, and the processes to
    run them on: as given, else one per core (no more than tasks) for `count` >= PARALLEL_MIN_ITEMS."""
    ranges = [(start, min(start + FILES_PER_TASK, count)) for start in range(0, count, FILES_PER_TASK)]
    if processes is None:
        processes = min(available_cores(), len(ranges)) if count >= PARALLEL_MIN_ITEMS else 1
    return ranges, processes


def ordered_map(function: Callable[[Item], Result], items: Iterable[Item], *, processes: int) -> Generator[Result, None, None]:
    """``map(function, items)``, run by `processes` worker processes, in order, streaming."""
    if processes <= 1:
        yield from map(function, items)
        return
    # Imported here: 7 ms that a small corpus, searched in one process, never needs.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork starts a worker in a millisecond and shares what is imported; it is safe on Linux only.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    # Objects the parent made stay out of the workers' garbage collections, which would touch
    # (and so copy) every page they share with the parent (see gc.freeze).
    gc.freeze()
    executor = ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker, initargs=(function,))
    try:
        # A window of tasks in flight: the executor would otherwise run ahead of a slow consumer
        # and keep every result not yet taken, so memory would grow with the corpus.
        pending: deque[Future[Any]] = deque()
        remaining = iter(items)
        with _signals_blocked():  # the workers are forked by the first submit
            for item in itertools.islice(remaining, TASKS_IN_FLIGHT_PER_PROCESS * processes):
                pending.append(executor.submit(_run_in_worker, item))
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(remaining, 1):
                pending.append(executor.submit(_run_in_worker, item))
            yield result
    except BrokenProcessPool:
        raise CorpusError("a worker process ended without finishing its work (killed, or out of memory?); try --jobs 1") from None
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _signals_blocked:
    """Hold Ctrl-C and SIGTERM back from this thread (and the processes it forks) for the block."""

    def __enter__(self) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    def __exit__(self, *exc: object) -> None:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


_worker_function: Callable[[Any], Any] | None = None


def _start_worker(function: Callable[[Any], Any]) -> None:
    """In a new worker: leave Ctrl-C and SIGTERM to the parent, which shuts the workers down."""
    global _worker_function
    _worker_function = function
    for stop in STOP_SIGNALS:
        signal.signal(stop, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _run_in_worker(item: Any) -> Any:
    assert _worker_function is not None
    return _worker_function(item)
