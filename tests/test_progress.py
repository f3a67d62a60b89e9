"""The progress bar of long runs (issue 10, item 3): on stderr when it is a terminal, for every
command over many documents; never in a pipe, never with TERM=dumb, never into streaming lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import generated_corpus, run

from corpus_cli.run.progress import PROGRESS_MIN_DOCUMENTS

pytestmark = pytest.mark.slow  # real processes on a pseudo-terminal

COMMANDS = {
    "list": (["list", "--format", "jsonl"], "Listing"),
    "stats": (["stats", "--format", "jsonl"], "Counting"),
    "stats-top": (["stats", "--top", "5", "--format", "jsonl"], "Counting"),
    "grep-count": (["grep", "-c", "ICE", "--format", "jsonl"], "Searching"),
    "export-stdout": (["export"], "Exporting"),
    "dupes-groups": (["dupes", "--groups", "--reuse", "0.5", "--format", "jsonl"], "Finding near-duplicates"),
    "list-dedupe": (["list", "--dedupe", "--format", "jsonl"], "Finding near-duplicates"),
    "quotes": (["quotes", "--format", "jsonl"], "Finding quotes"),
}


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generated_corpus(tmp_path_factory.mktemp("many"), 2.7, seed=3)
    assert sum(1 for _ in root.rglob("*.txt")) >= PROGRESS_MIN_DOCUMENTS
    return root


def run_with_stderr_on_a_terminal(args: list[str], env: dict[str, str], stdout_terminal: bool = False) -> tuple[bytes, bytes, int]:
    """Run corpus with stderr (and stdout, if asked) on a pseudo-terminal; (stdout, terminal bytes, status)."""
    leader, follower = os.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CORPUS_PATH", "TERM")} | {"COLUMNS": "100"} | env
    process = subprocess.Popen(
        [sys.executable, "-m", "corpus_cli", *args],
        stdout=follower if stdout_terminal else subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=environ,
    )
    os.close(follower)
    # Drain stdout in a thread: the terminal is read here as the run goes, or a full pty blocks the writer.
    collected: list[bytes] = []
    reader = threading.Thread(target=lambda: collected.append(process.stdout.read() if process.stdout else b""))
    reader.start()
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every process holding the terminal has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    status = process.wait(timeout=120)
    reader.join(timeout=120)
    return (collected[0] if collected else b""), b"".join(chunks), status


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_long_run_shows_a_bar_on_a_terminal_and_nothing_with_term_dumb(many: Path, name: str) -> None:
    args, label = COMMANDS[name]
    out, terminal, status = run_with_stderr_on_a_terminal([*args, "--corpus", str(many), "--no-stdin"], {"TERM": "xterm"})
    assert status == 0
    assert label.encode() in terminal and b"100%" in terminal, terminal[-300:]
    assert out and all(json.loads(line) for line in out.splitlines())  # stdout holds records only
    _, dumb, status = run_with_stderr_on_a_terminal([*args, "--corpus", str(many), "--no-stdin"], {"TERM": "dumb"})
    assert status == 0 and label.encode() not in dumb


def test_grep_through_an_index_fills_its_bar(many: Path, tmp_path: Path) -> None:
    """Files the index rules out give no result to tick off; the bar counts without them (a bar is
    shown only when the files left to read are many)."""
    corpus = tmp_path / "indexed"
    shutil.copytree(many, corpus)
    (corpus / "rare.txt").write_text("2024-05-01\n\nOnly here: zyzzyva.\n", encoding="utf-8")
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    args = ["grep", "-c", "-w", "zyzzyva", "--corpus", str(corpus), "--no-stdin", "--format", "jsonl"]
    out, terminal, status = run_with_stderr_on_a_terminal(args, {"TERM": "xterm"})
    assert status == 0 and out
    # One file is left to read: too few for a bar, and a bar over every file would stop at 0 %.
    assert b"Searching" not in terminal or b"100%" in terminal, terminal[-300:]


def test_export_to_a_file_shows_the_same_bar(many: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    args = ["export", "--corpus", str(many), "--no-stdin", "-o", str(target)]
    _, terminal, status = run_with_stderr_on_a_terminal(args, {"TERM": "xterm"})
    assert status == 0 and b"Exporting" in terminal and b"100%" in terminal
    assert target.stat().st_size > 0
    _, dumb, status = run_with_stderr_on_a_terminal([*args, "--force"], {"TERM": "dumb"})
    assert status == 0 and b"Exporting" not in dumb


def test_no_bar_when_stderr_is_a_pipe(many: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "corpus_cli", "list", "--corpus", str(many), "--no-stdin"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "TERM": "xterm"},
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == b""


def test_no_bar_into_lines_printed_on_the_same_terminal_but_one_before_a_table(many: Path) -> None:
    _, streamed, status = run_with_stderr_on_a_terminal(
        ["grep", "-w", "ICE", "--corpus", str(many), "--no-stdin", "-m", "1"], {"TERM": "xterm"}, stdout_terminal=True
    )
    assert status == 0 and b"Searching" not in streamed
    _, table, status = run_with_stderr_on_a_terminal(["list", "--corpus", str(many), "--no-stdin"], {"TERM": "xterm"}, stdout_terminal=True)
    assert status == 0 and b"Listing" in table and b"title/lede" in table


def test_a_short_run_shows_no_bar() -> None:
    _, terminal, status = run_with_stderr_on_a_terminal(["list", "--format", "jsonl", "--no-stdin"], {"TERM": "xterm"})
    assert status == 0 and b"Listing" not in terminal
