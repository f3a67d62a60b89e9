"""list, export and stats on a corpus large enough for worker processes: the end of a run.

Above 1,000 files these commands parse in one worker process per core. However the run ends
(a reader that goes away, Ctrl-C to the terminal's process group, SIGTERM), the status is the
documented one, nothing is printed but click's newline after ^C, and no worker is left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import generated_corpus

from corpus_cli.run.parallel import PARALLEL_MIN_ITEMS

pytestmark = pytest.mark.slow  # real processes: signals, pipes, workers

COMMANDS = [("list",), ("stats", "--by", "doc"), ("export",)]


@pytest.fixture(scope="module")
def pooled_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generated_corpus(tmp_path_factory.mktemp("pooled"), 6.5)
    assert sum(1 for _ in root.rglob("*.txt")) > PARALLEL_MIN_ITEMS
    return root


def start(root: Path, command: tuple[str, ...]) -> subprocess.Popen[bytes]:
    """The command in a session of its own, so signals and the leftover check concern it alone."""
    return subprocess.Popen(
        [sys.executable, "-m", "corpus_cli", *command, "--format", "jsonl", "--corpus", str(root)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def left_behind(session: int, patience: float = 10.0) -> list[str]:
    """Processes still in the command's session once it ended: polled until there are none (workers
    may take a moment to exit after their parent), or what is left when `patience` runs out."""
    deadline = time.monotonic() + patience
    while True:
        left = subprocess.run(["pgrep", "-s", str(session)], capture_output=True, text=True).stdout.split()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_reader_that_goes_away(pooled_corpus: Path, command: tuple[str, ...]) -> None:
    process = start(pooled_corpus, command)
    assert json.loads(process.stdout.readline())  # type: ignore[union-attr]
    process.stdout.close()  # type: ignore[union-attr]
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""  # type: ignore[union-attr]
    assert left_behind(process.pid) == []


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_signal_to_the_process_group(pooled_corpus: Path, command: tuple[str, ...], sig: int, status: int) -> None:
    process = start(pooled_corpus, command)
    assert json.loads(process.stdout.readline())  # type: ignore[union-attr]  # running, workers started
    os.killpg(process.pid, sig)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == status
    assert errors.strip() == b""
    assert left_behind(process.pid) == []


@pytest.mark.parametrize("command", [("grep", "ICE", "--jobs", "2"), ("export",)], ids=" ".join)
def test_long_names_and_many_results_never_stall_the_workers(tmp_path: Path, command: tuple[str, ...]) -> None:
    """Tasks and results both large (long file names, hundreds of matches a file): the parent must
    never wait to hand a worker its next task while that worker waits for the parent to take its
    results. A task that carried its files through the pipe did stall, for good."""
    long_folder = tmp_path / ("f" * 200)
    long_folder.mkdir()
    text = "ICE agents said ICE would return.\n" * 300
    for number in range(PARALLEL_MIN_ITEMS + 200):
        (long_folder / f"{number:05d}{'x' * 200}.txt").write_text(text)
    process = start(tmp_path, command)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert len(out.splitlines()) == (PARALLEL_MIN_ITEMS + 200) * (600 if command[0] == "grep" else 1)  # two matches a line
