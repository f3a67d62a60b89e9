"""An export killed outright (kill -9) midway leaves no partial target and an old target as it was.

The real `corpus export` runs in a subprocess; a hook pauses it as it reads its fourth document,
after three have gone to the output, and says so in a file. No timing guesses: the test kills it
only once it is known to be midway.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import SEEDS

pytestmark = pytest.mark.slow  # real processes: signals, pipes, workers

PAUSE_AT_FOURTH_DOCUMENT = """
import pathlib, sys, time
import corpus_cli.run.pipeline as pipeline
read, seen = pipeline.read_document, []
def read_then_pause(*args, **kwargs):
    seen.append(1)
    if len(seen) == 4:
        pathlib.Path(sys.argv[1]).write_text("midway")
        time.sleep(600)
    return read(*args, **kwargs)
pipeline.read_document = read_then_pause
from corpus_cli.cli import main
main(args=sys.argv[2:], prog_name="corpus")
"""


def kill_midway(tmp_path: Path, format: str, target: Path, *extra: str, sig: int = signal.SIGKILL) -> tuple[int, bytes]:
    """Run the export, send `sig` once it is midway; its exit status and what it wrote on stderr."""
    flag = tmp_path / "midway"
    args = ["export", "--corpus", str(SEEDS), "--format", format, "-o", str(target), *extra]
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSE_AT_FOURTH_DOCUMENT, str(flag), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not flag.exists():
            assert process.poll() is None, f"the export ended before it could be killed: {process.stderr.read()!r}"
            assert time.monotonic() < deadline, "the export never got midway"
            time.sleep(0.02)
    finally:
        process.send_signal(sig)
        status = process.wait(timeout=30)
        errors = process.stderr.read()
        process.stderr.close()
    return status, errors


@pytest.mark.parametrize("format", ["jsonl", "sqlite"])
def test_a_killed_export_leaves_no_target(tmp_path: Path, format: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    kill_midway(tmp_path, format, out / "export.data")
    assert not (out / "export.data").exists()
    # What may remain is documented: a hidden temporary, never under the target's name.
    assert all(path.name.startswith(".export.data.") and path.name.endswith(".tmp") for path in out.iterdir())


def test_a_killed_forced_export_leaves_the_old_file_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "export.jsonl").write_bytes(b"old contents\n")
    kill_midway(tmp_path, "jsonl", out / "export.jsonl", "--force")
    assert (out / "export.jsonl").read_bytes() == b"old contents\n"


@pytest.mark.parametrize("format", ["jsonl", "sqlite"])
def test_a_terminated_export_cleans_up_and_exits_143(tmp_path: Path, format: str) -> None:
    """`kill PID` (SIGTERM, as CI timeouts send) unwinds like Ctrl-C: no target, no temporary."""
    out = tmp_path / "out"
    out.mkdir()
    status, errors = kill_midway(tmp_path, format, out / "export.data", sig=signal.SIGTERM)
    assert (status, errors) == (143, b"")
    assert list(out.iterdir()) == []
