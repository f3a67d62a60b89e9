"""The worker pool: results in order, and a worker that dies is an error, never a hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from corpus_cli.errors import CorpusError
from corpus_cli.run.parallel import ordered_map, ordered_parts


def square(item: int) -> int:
    return item * item


def die_on_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return item


def test_results_keep_the_order_of_the_items():
    assert list(ordered_map(square, range(40), processes=2)) == [item * item for item in range(40)]


def test_a_worker_killed_midway_is_one_error():
    with pytest.raises(CorpusError, match=r"a worker process ended unexpectedly \(killed, or out of memory\?\)"):
        list(ordered_map(die_on_three, range(10), processes=2))


def test_stopping_early_ends_the_workers():
    results = ordered_map(square, range(1000), processes=2)
    assert next(results) == 0
    results.close()  # as a closed pipe or -q does
    assert not [child for child in os.listdir("/proc") if child.isdigit() and _parent(child) == os.getpid()]


def _parent(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def counted_to(item: int) -> Iterator[list[int]]:
    """Parts of a task: item parts, each as long as its number."""
    for part in range(item):
        yield [item] * (part + 1)


def fail_in_the_third_part(item: int) -> Iterator[int]:
    for part in range(5):
        if item == 4 and part == 2:
            raise ValueError("the third part of task 4")
        yield part


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_parts_come_in_the_order_of_the_items_then_of_their_making(processes: int):
    expected = [part for item in range(30) for part in counted_to(item)]
    assert list(ordered_parts(counted_to, range(30), processes=processes)) == expected


def test_an_error_midway_through_a_task_s_parts_is_raised_after_the_parts_before_it():
    received = []
    with pytest.raises(ValueError, match="the third part of task 4"):
        for part in ordered_parts(fail_in_the_third_part, range(10), processes=2):
            received.append(part)
    assert received == [0, 1, 2, 3, 4] * 4 + [0, 1]


# A run interrupted just as its workers have started: the pool is never handed to the code that
# stops it, so what stops them is the exit handler. It must run before multiprocessing's own,
# which sends SIGTERM (ignored by workers) and then waits on them for ever.
INTERRUPTED_AT_START = """
from corpus_cli.run import parallel
started = parallel.WorkerPool.__init__
def interrupted(self, *args, **kwargs):
    started(self, *args, **kwargs)
    raise KeyboardInterrupt
parallel.WorkerPool.__init__ = interrupted
try:
    list(parallel.ordered_map(abs, range(10), processes=2))
except KeyboardInterrupt:
    print("interrupted")
"""


def test_a_run_interrupted_as_its_workers_start_still_ends():
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_AT_START], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "interrupted\n", "")


def test_a_failure_while_the_workers_are_forked_stops_those_already_running(monkeypatch: pytest.MonkeyPatch):
    """The second worker's pipes cannot be made (no file descriptors left, say): the first worker,
    already running, is stopped before the error goes on, not left to the exit handlers."""
    import multiprocessing
    import multiprocessing.context

    made = multiprocessing.context.BaseContext.Pipe
    calls = iter(range(100))

    def pipe(self: object, duplex: bool = True) -> object:
        if next(calls) == 2:  # two pipes a worker: the second worker's first
            raise OSError(24, "Too many open files")
        return made(self, duplex)  # type: ignore[arg-type]

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pipe", pipe)
    with pytest.raises(OSError, match="Too many open files"):
        list(ordered_map(abs, range(10), processes=2))
    assert multiprocessing.active_children() == []
