"""Faults around worker processes: a worker killed outright, signals that come twice or during the
pool's shutdown, a parent killed outright or hung up on. Each run ends at once with its documented
status and one line at most, removes its temporary file and leaves no process behind.

The real `corpus` runs in a session of its own, on a corpus large enough for worker processes;
a hook slows each file's read by a few milliseconds so the run is certainly still going when the
fault comes. Every wait polls with a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import generated_corpus

from corpus_cli.run.parallel import PARALLEL_MIN_ITEMS, plan

pytestmark = pytest.mark.slow  # real processes: signals, pipes, workers

SLOW_READS = """
import sys, time
import corpus_cli.source.files as files
read = files.SourceFile.read_bytes
def slow_read(self):
    time.sleep(float(sys.argv[1]))
    return read(self)
files.SourceFile.read_bytes = slow_read
from corpus_cli.cli import main
main(args=sys.argv[2:], prog_name="corpus")
"""

COMMANDS = {
    "list": ("list",),
    "stats": ("stats", "--top", "5"),
    "grep": ("grep", "the"),
    "export": ("export", "-o", "OUT"),
}
WORKER_GONE = b"corpus: error: a worker process ended unexpectedly (killed, or out of memory?); try --jobs 1\n"


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generated_corpus(tmp_path_factory.mktemp("faults"), 6.5)
    assert sum(1 for _ in root.rglob("*.txt")) > PARALLEL_MIN_ITEMS
    return root


def start(root: Path, out: Path, command: tuple[str, ...], delay: float = 0.005) -> subprocess.Popen[bytes]:
    args = [str(out / "export.jsonl") if arg == "OUT" else arg for arg in command]
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_READS, str(delay), *args, "--corpus", str(root)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def in_session(session: int) -> list[str]:
    return subprocess.run(["pgrep", "-s", str(session)], capture_output=True, text=True).stdout.split()


def poll(condition: Callable[[], object], patience: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + patience
    while not condition():
        assert time.monotonic() < deadline, f"waited {patience} s for {what}"
        time.sleep(0.01)


def workers_of(process: subprocess.Popen[bytes], count: int = 2) -> list[int]:
    """The worker processes, once `count` of them run."""
    poll(lambda: len(children(process.pid)) >= count or process.poll() is not None, what="the workers to start")
    assert process.poll() is None, process.stderr.read()  # type: ignore[union-attr]
    return children(process.pid)


def finish(process: subprocess.Popen[bytes], patience: float = 20.0) -> tuple[int, bytes]:
    try:
        _, errors = process.communicate(timeout=patience)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"the run hung for {patience} s") from None
    return process.returncode, errors


def nothing_left(session: int) -> bool:
    poll(lambda: not in_session(session), patience=10, what="every process of the run to end")
    return True


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the export's file."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_a_worker_killed_outright_is_one_line_and_exit_2(big_corpus: Path, out: Path, command: str) -> None:
    process = start(big_corpus, out, COMMANDS[command])
    os.kill(workers_of(process)[0], signal.SIGKILL)
    status, errors = finish(process)
    assert (status, errors) == (2, WORKER_GONE)
    assert list(out.iterdir()) == []  # the export's temporary file is gone, and no target
    assert nothing_left(process.pid)


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["int", "term", "hup"])
@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_signals_that_keep_coming_end_the_run_at_once(big_corpus: Path, out: Path, command: str, sig: int, status: int) -> None:
    """A signal to the whole process group, again and again until the run ends (during the pool's
    shutdown too, whenever that is): the first signal's status, no traceback, nothing left."""
    process = start(big_corpus, out, COMMANDS[command])
    workers_of(process)
    deadline = time.monotonic() + 10
    while process.poll() is None:
        assert time.monotonic() < deadline, "the run did not end within 10 s of the first signal"
        os.killpg(process.pid, sig)
        time.sleep(0.005)
    status_seen, errors = finish(process)
    assert (status_seen, errors.strip()) == (status, b"")
    assert list(out.iterdir()) == []
    assert nothing_left(process.pid)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP], ids=["kill", "hup"])
def test_workers_end_when_their_parent_is_killed_or_hung_up_on(big_corpus: Path, out: Path, sig: int) -> None:
    process = start(big_corpus, out, COMMANDS["export"])
    workers = workers_of(process)
    poll(lambda: any(out.iterdir()), what="the export's temporary file")
    os.kill(process.pid, sig)  # the parent alone, as the OOM killer or a closed terminal does
    status, _ = finish(process)
    assert status == (-signal.SIGKILL if sig == signal.SIGKILL else 129)
    poll(
        lambda: not any(os.path.exists(f"/proc/{worker}") and _alive(worker) for worker in workers), patience=10, what="the workers to end"
    )
    if sig == signal.SIGHUP:
        assert list(out.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_ctrl_c_stops_a_parallel_grep_whose_pattern_runs_for_ever(tmp_path: Path) -> None:
    """The workers are stopped, not waited for: their current task would take minutes."""
    root = tmp_path / "slow"
    root.mkdir()
    for number in range(PARALLEL_MIN_ITEMS + 10):
        (root / f"{number:04d}.txt").write_text("a" * 40 + "!\n")
    out = tmp_path / "out"
    out.mkdir()
    process = start(root, out, ("grep", "--timeout", "0", "(a+)+$"), delay=0)
    workers_of(process)
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    status, errors = finish(process, patience=10)
    assert (status, errors.strip()) == (130, b"")
    assert time.monotonic() - started < 5
    assert nothing_left(process.pid)


def test_jobs_are_capped_by_the_number_of_tasks() -> None:
    ranges, processes = plan(5, 300)
    assert (len(ranges), processes) == (1, 1)
    ranges, processes = plan(1200, 300)
    assert processes == len(ranges) == 3
