"""An ordered, streaming map over worker processes, for work that pays for a second core.

`ordered_map(function, items, processes=N)` yields ``function(item)`` in the order of `items`,
as results come in. With one process it is plain `map`, in this process. `ordered_parts` is the
same for a function that yields its result in parts: each part is sent as soon as it is made, so
a worker never holds a whole task's results (nor their pickled bytes) at once. The function and the
items must pickle (a module-level function, or a `functools.partial` of one); the function is
sent once to each worker, with what it carries (the place for shared data), the items one by
one, so keep items small (names or ranges, not objects).

A small pool of its own rather than `concurrent.futures` or `multiprocessing.Pool`, because a run
must end at once however it ends, and both of those wait on their workers in threads of their
own (a worker killed outright, a second Ctrl-C during shutdown or a task that runs for minutes
hung the run for good). Here each worker has two pipes whose other ends only the parent holds,
and the parent alone reads them, in its main thread: task k goes to worker k mod N, and its
result is read back from that worker's pipe. So:

- a worker that dies (``kill -9``, the out-of-memory killer) gives its pipe an end of file, or
  its sentinel fires, at once: one error, "a worker process ended unexpectedly";
- whenever the run ends before every result is in (Ctrl-C, SIGTERM, SIGHUP, an error, a closed
  pipe, -q), the workers are killed outright (SIGKILL), never waited for: they hold nothing
  worth keeping, and a slow regex in one would otherwise hold the run for as long as it takes;
- workers ignore Ctrl-C, SIGTERM and SIGHUP (blocked while they are forked, so none can die of
  them first): a signal to the whole process group reaches the parent, which stops them;
- a worker dies with its parent (``prctl(PR_SET_PDEATHSIG)`` on Linux, a watchdog elsewhere),
  so a parent killed outright leaves no worker sleeping for ever.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from corpus_cli.errors import CorpusError
from corpus_cli.run.orphans import die_with_parent, libc_prctl

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

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


def plan(count: int, processes: int | None = None, per_task: int | None = None) -> tuple[list[tuple[int, int]], int]:
    """Tasks as ``[start, end)`` ranges of `per_task` (default `FILES_PER_TASK`) items out of `count`,
    and the processes to run them on: as given, else one per core for `count` >= PARALLEL_MIN_ITEMS;
    never more processes than tasks."""
    per_task = per_task or FILES_PER_TASK
    ranges = [(start, min(start + per_task, count)) for start in range(0, count, per_task)]
    if processes is None:
        processes = available_cores() if count >= PARALLEL_MIN_ITEMS else 1
    return ranges, max(1, min(processes, len(ranges)))


WORKER_GONE = "a worker process ended unexpectedly (killed, or out of memory?); try --jobs 1"


class WorkerGone(CorpusError):
    """A worker process died before it sent a result."""

    def __init__(self) -> None:
        super().__init__(WORKER_GONE)


def ordered_map(function: Callable[[Item], Result], items: Iterable[Item], *, processes: int) -> Generator[Result, None, None]:
    """``map(function, items)``, run by `processes` worker processes, in order, streaming."""
    if processes <= 1:
        yield from map(function, items)
        return
    yield from _pooled(function, items, processes, in_parts=False)


def ordered_parts(function: Callable[[Item], Iterator[Result]], items: Iterable[Item], *, processes: int) -> Generator[Result, None, None]:
    """What ``function(item)`` yields for each item in turn, run by `processes` worker
    processes, in order, streaming: a worker sends each part as soon as it is made, so a task
    whose results are large (the full records of large documents) is never held whole."""
    if processes <= 1:
        for item in items:
            yield from function(item)
        return
    yield from _pooled(function, items, processes, in_parts=True)


def _pooled(function: Callable[[Any], Any], items: Iterable[Any], processes: int, *, in_parts: bool) -> Generator[Any, None, None]:
    with worker_pool(function, processes, in_parts=in_parts) as pool:
        yield from pool.results(items)


@contextlib.contextmanager
def worker_pool(function: Callable[[Any], Any], processes: int, *, in_parts: bool) -> Iterator[WorkerPool]:
    """Worker processes running `function` (in parts, see `ordered_parts`), stopped at the end
    of the block however it ends: for a caller that sends tasks ahead (`WorkerPool.send_ahead`)
    before it asks for the results."""
    # Objects the parent made stay out of the workers' garbage collections, which would touch
    # (and so copy) every page they share with the parent (see gc.freeze).
    gc.freeze()
    pool = WorkerPool(function, processes, in_parts)
    try:
        yield pool
    finally:
        pool.stop()
        gc.unfreeze()


class WorkerPool:
    """Worker processes, each with a pipe for its tasks and one for its results."""

    def __init__(self, function: Callable[[Any], Any], processes: int, in_parts: bool) -> None:
        import multiprocessing  # imported here: a small corpus, searched in one process, never needs it
        import multiprocessing.util  # its exit handler is registered now, before `stop` (see below)

        # fork starts a worker in a millisecond and shares what is imported; it is safe on Linux only.
        context: Any = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        forked = context.get_start_method() == "fork"
        self.tasks: list[Connection] = []
        self.results_from: list[Connection] = []
        self.workers: list[BaseProcess] = []
        self.pending: deque[int] = deque()  # the worker of each task in flight, in order
        self.sent = itertools.count()  # numbers the tasks sent
        # Exit handlers run last registered first: `stop` runs before multiprocessing's own, which
        # sends workers SIGTERM (they ignore it) and then waits on them for ever. It is what stops
        # them when a run is interrupted before its pool reached the code that stops it.
        atexit.register(self.stop)
        prctl = libc_prctl() if forked else None
        try:
            self._start(context, forked, processes, prctl, function, in_parts)
        except BaseException:  # a stop signal held back while they were forked comes here
            self.stop()
            raise

    def _start(
        self, context: Any, forked: bool, processes: int, prctl: Callable[..., int] | None, function: Callable[[Any], Any], in_parts: bool
    ) -> None:
        """Fork the workers, each known to `stop` from the moment it runs."""
        with signals_blocked():  # a worker inherits the mask: no stop signal can reach it before it ignores them
            for _ in range(processes):
                task_reader, task_writer = context.Pipe(duplex=False)
                result_reader, result_writer = context.Pipe(duplex=False)
                # A forked worker closes the parent's ends it inherits, its own and the others'.
                inherited = [*self.tasks, *self.results_from, task_writer, result_reader] if forked else []
                worker = context.Process(
                    target=_work, args=(function, in_parts, task_reader, result_writer, inherited, os.getpid(), prctl), daemon=True
                )
                worker.start()
                self.workers.append(worker)
                self.tasks.append(task_writer)
                self.results_from.append(result_reader)
                task_reader.close()
                result_writer.close()

    @property
    def room(self) -> int:
        """How many more tasks may be sent now: the window less the tasks in flight."""
        return TASKS_IN_FLIGHT_PER_PROCESS * len(self.workers) - len(self.pending)

    @property
    def size(self) -> int:
        """How many workers there are."""
        return len(self.workers)

    def send_ahead(self, item: Any) -> None:
        """Send a task now, before `results` is asked for; its result comes first, before those of
        `results`' items. Past the window (`room`) only with a few small tasks: the parent, not
        reading results meanwhile, must never wait on a full pipe to a worker that waits on it."""
        self.pending.append(self._send(next(self.sent), item))

    def results(self, items: Iterable[Item]) -> Generator[Any, None, None]:
        """The results of the tasks sent ahead, then of `items`, in their order, a window of tasks in flight."""
        # A window of tasks in flight: running ahead of a slow consumer would keep every result
        # not yet taken, so memory would grow with the corpus.
        remaining = iter(items)
        pending, sent = self.pending, self.sent
        for item in itertools.islice(remaining, max(0, self.room)):
            pending.append(self._send(next(sent), item))
        while pending:
            worker = pending.popleft()
            kind, result = self._receive(worker)
            while kind == "part":
                yield result
                del result  # before the next part comes: two need not be held at once
                kind, result = self._receive(worker)
            for item in itertools.islice(remaining, 1):
                pending.append(self._send(next(sent), item))
            if kind == "ok":
                yield result

    def _send(self, number: int, item: Any) -> int:
        worker = number % len(self.workers)
        try:
            self.tasks[worker].send(item)
        except OSError:  # a broken pipe here is the worker's death, not stdout's
            raise WorkerGone from None
        return worker

    def _receive(self, worker: int) -> tuple[str, Any]:
        """The next message from `worker`: ("ok", a result), ("part", a part of one) or ("done", None)."""
        from multiprocessing.connection import wait

        pipe = self.results_from[worker]
        ready = wait([pipe, *(process.sentinel for process in self.workers)])
        if pipe not in ready:
            raise WorkerGone  # a sentinel fired: some worker ended while tasks were in flight
        try:
            kind, value = pipe.recv()
        except (EOFError, OSError):
            raise WorkerGone from None
        if kind == "error":
            raise value
        return kind, value

    def stop(self) -> None:
        """Kill every worker and reap it; a signal that comes meanwhile waits until it is done."""
        atexit.unregister(self.stop)
        with signals_blocked():
            for worker in self.workers:
                if worker.pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(worker.pid, signal.SIGKILL)
            for worker in self.workers:
                worker.join()
            for pipe in (*self.tasks, *self.results_from):
                pipe.close()
        self.workers, self.tasks, self.results_from = [], [], []


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])}


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back from this thread (and the processes it forks) for the
    block; one that comes meanwhile is delivered at its end."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _work(
    function: Callable[[Any], Any],
    in_parts: bool,
    tasks: Connection,
    results: Connection,
    inherited: list[Connection],
    parent: int,
    prctl: Callable[..., int] | None,
) -> None:
    """A worker's life: run `function` on each task until the parent closes the pipe (or dies).
    A task's result is sent as ("ok", result), or `in_parts` as ("part", part)... ("done", None)."""
    for pipe in inherited:
        pipe.close()  # so that only the parent holds the other end of this worker's pipes
    # A pool started while the parent holds the collector off (discovery's walk does, and grep's
    # search begins during it) would fork workers that keep it off for good.
    gc.enable()
    die_with_parent(parent, prctl)
    for stop in STOP_SIGNALS:
        signal.signal(stop, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    while True:
        try:
            item = tasks.recv()
        except (EOFError, OSError):
            return
        try:
            if in_parts:
                for part in function(item):
                    if not _send(results, ("part", part)):
                        return
                outcome: tuple[str, Any] = ("done", None)
            else:
                outcome = ("ok", function(item))
        except Exception as error:
            outcome = ("error", error)
        if not _send(results, outcome):
            return


def _send(results: Connection, message: tuple[str, Any]) -> bool:
    """Send a message to the parent; False when the parent is gone. A message that does not
    pickle is sent as an error instead, which ends the run when the parent reads it."""
    try:
        results.send(message)
    except (EOFError, OSError):
        return False
    except Exception as error:  # a result or an error that does not pickle
        try:
            results.send(("error", CorpusError(f"internal error in a worker: {type(error).__name__}: {error}")))
        except (EOFError, OSError):
            return False
    return True
