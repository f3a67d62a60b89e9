"""grep's memory is bounded by what it prints: context is cut at --max-context-chars, and records
stream out as they are found, so ``| head -1`` on a huge line costs next to nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run

# Runs corpus with an address-space limit (a run that would need gigabytes fails fast instead of
# taking the machine down), reads `lines` lines of its output, closes the pipe, and prints the
# peak resident memory of the run in KB, and its exit status.
MEASURE = """
import json, resource, subprocess, sys
lines, args = int(sys.argv[1]), sys.argv[2:]
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
process = subprocess.Popen([sys.executable, "-m", "corpus_cli", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=limit)
for _ in range(lines):
    process.stdout.readline()
process.stdout.close()
status = process.wait()
print(json.dumps([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, status]))
"""


def peak(*args: str, lines: int = 1) -> tuple[int, int]:
    """(peak memory in KB, exit status) of ``corpus ARGS | head -LINES``."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(lines), *args], capture_output=True, text=True, check=True)
    kilobytes, status = json.loads(done.stdout)
    return kilobytes, status


@pytest.fixture
def long_line(tmp_path: Path) -> Path:
    """One 1 MB file of 20,000 CR-separated lines (one line for grep) with ICE in each."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "long.txt").write_bytes(b"An ICE raid, reported here at some length.........\r" * 20_000)
    return root


@pytest.mark.slow
def test_grep_on_a_huge_line_piped_to_head_stays_small(long_line: Path) -> None:
    baseline, status = peak("grep", "--corpus", str(long_line), "NOTHING-MATCHES", "--format", "jsonl", lines=0)
    assert status == 1
    used, status = peak("grep", "--corpus", str(long_line), "ICE", "--format", "jsonl", lines=1)
    assert status == 0
    assert used < baseline + 10_000, f"{used} KB against {baseline} KB for a search that prints nothing"


@pytest.mark.slow  # 20,000 records through the entry point: about 2 s
def test_context_is_cut_at_max_context_chars_and_the_cut_is_marked(long_line: Path) -> None:
    result = run("grep", "--corpus", str(long_line), "ICE", "--format", "jsonl", "-m", "1")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 20_000  # one line, every match on it
    text = (long_line / "long.txt").read_bytes().decode("utf-8")
    for record in records[:50] + records[-50:]:
        start, end = record["start"], record["end"]
        assert text[start - len(record["before"]) : start] == record["before"]
        assert text[end : end + len(record["after"])] == record["after"]
        assert len(record["before"]) <= 200 and len(record["after"]) <= 200
        assert record["before_cut"] == (start > 200)
        assert record["after_cut"] == (len(text) - end > 200)
    wide = run("grep", "--corpus", str(long_line), "ICE", "--format", "jsonl", "-m", "1", "--max-context-chars", "1000")
    first_wide = json.loads(wide.stdout.splitlines()[100])
    assert len(first_wide["before"]) == 1000 and first_wide["before_cut"]


def test_short_lines_are_not_cut() -> None:
    result = run("grep", "ICE", "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    for record in records:
        assert record["before_cut"] == (len(record["before"]) == 200 and record["column"] > 201)
        assert not record["after_cut"] or len(record["after"]) == 200
