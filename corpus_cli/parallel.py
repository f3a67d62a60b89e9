"""An ordered, streaming map over a process pool, for work that pays for a second core.

`ordered_map(function, items, processes=N)` yields ``function(item)`` in the order of `items`,
as results come in. With one process it is plain `map`, in this process. The function and the
items must pickle (a module-level function, or a `functools.partial` of one); the function is
sent once to each worker, with what it carries (the place for shared data), the items one by
one, so keep items small (names or ranges, not objects). Workers ignore Ctrl-C, so the parent
alone turns it into exit status 130; when the consumer stops early (a closed pipe, ``-q``),
closing the generator terminates the pool.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

TASKS_IN_FLIGHT_PER_PROCESS = 3  # enough to keep every worker busy while the parent catches up

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ordered_map(function: Callable[[Item], Result], items: Iterable[Item], *, processes: int) -> Iterator[Result]:
    """``map(function, items)``, run by `processes` worker processes, in order, streaming."""
    if processes <= 1:
        yield from map(function, items)
        return
    import multiprocessing  # imported here: 7 ms that a small corpus, in one process, never needs

    # fork starts a worker in a millisecond and shares what is imported; spawn re-imports everything.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    # The function goes to each worker once, when it starts (with fork, without even pickling it):
    # a Pool would otherwise pickle it, and all it carries, with every task.
    # Objects the parent made stay out of the workers' garbage collections, which would touch
    # (and so copy) every page they share with the parent (see gc.freeze).
    gc.freeze()
    try:
        with multiprocessing.get_context(method).Pool(processes, initializer=_start_worker, initargs=(function,)) as pool:
            # A window of tasks in flight, not Pool.imap: imap runs ahead of a slow consumer
            # and keeps every result it has not taken yet, so memory would grow with the corpus.
            pending: deque[AsyncResult[Any]] = deque()
            remaining = iter(items)
            for item in itertools.islice(remaining, TASKS_IN_FLIGHT_PER_PROCESS * processes):
                pending.append(pool.apply_async(_run_in_worker, (item,)))
            while pending:
                result = pending.popleft().get()
                for item in itertools.islice(remaining, 1):
                    pending.append(pool.apply_async(_run_in_worker, (item,)))
                yield result
    finally:
        gc.unfreeze()


_worker_function: Callable[[Any], Any] | None = None


def _start_worker(function: Callable[[Any], Any]) -> None:
    global _worker_function
    _worker_function = function
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_in_worker(item: Any) -> Any:
    assert _worker_function is not None
    return _worker_function(item)
