"""The index under faults, as the user sees them: `kill -9` during a build or an update leaves the
previous index usable; a second `corpus index` while one runs says it is busy and changes nothing;
commands run meanwhile answer as a scan does.

The real `corpus index` runs in a subprocess; a hook pauses it as it writes its fourth document
and says so in a file, so the test kills it once it is known to be midway (no timing guesses).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import run
from index_corpora import hostile_corpus

from corpus_cli.index.view import IndexView

PAUSE_AT_FOURTH_WRITE = """
import pathlib, sys, time
import corpus_cli.index.store as store
insert, seen = store.insert, []
def insert_then_pause(*args, **kwargs):
    seen.append(1)
    if len(seen) == 4:
        pathlib.Path(sys.argv[1]).write_text("midway")
        time.sleep(600)
    return insert(*args, **kwargs)
store.insert = insert_then_pause
from corpus_cli.cli import main
main(args=sys.argv[2:], prog_name="corpus")
"""


def start_paused(tmp_path: Path, corpus: Path) -> subprocess.Popen[bytes]:
    """`corpus index` in a subprocess, returned once it is paused midway through its writes."""
    flag = tmp_path / "midway"
    flag.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSE_AT_FOURTH_WRITE, str(flag), "index", "--corpus", str(corpus)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        if process.poll() is not None:
            raise AssertionError(f"corpus index ended before it could be paused: {process.stderr.read()!r}")  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "corpus index never got midway"
        time.sleep(0.02)
    return process


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.stderr is not None
    process.stderr.close()


def status(corpus: Path) -> dict:
    return json.loads(run("index", "--status", "--corpus", str(corpus), "--format", "json").stdout)


def assert_same_as_scan(corpus: Path) -> None:
    for args in (("list",), ("grep", "-c", "ICE", "--include-zero"), ("stats", "--top", "5")):
        scanned = run(*args, "--corpus", str(corpus), "--no-index")
        indexed = run(*args, "--corpus", str(corpus))
        assert (indexed.stdout, indexed.stderr, indexed.exit_code) == (scanned.stdout, scanned.stderr, scanned.exit_code), args


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = hostile_corpus(tmp_path / "c")
    assert run("index", "--corpus", str(root)).exit_code == 0
    return root


def edit_all(corpus: Path) -> int:
    edited = 0
    for path in sorted(corpus.glob("0*.txt")) + sorted(corpus.glob("[a-z]*.txt")):
        if path.name != "binary.txt":
            path.write_bytes(path.read_bytes() + b"\nEdited, with ICE.\n")
            edited += 1
    return edited


@pytest.mark.slow
def test_kill_9_during_an_update_leaves_the_previous_index(tmp_path: Path, corpus: Path):
    edited = edit_all(corpus)
    process = start_paused(tmp_path, corpus)
    assert (corpus / ".corpus" / "index.sqlite-journal").exists()  # midway through the transaction
    kill(process)
    report = status(corpus)
    assert report["usable"] and report["changed"] == edited  # the update was undone, not half-applied
    assert_same_as_scan(corpus)
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    assert status(corpus)["stale"] == 0


@pytest.mark.slow
def test_kill_9_during_a_rebuild_leaves_the_previous_index(tmp_path: Path, corpus: Path):
    index = corpus / ".corpus" / "index.sqlite"
    connection = sqlite3.connect(index)
    connection.execute("UPDATE meta SET value = '1000000' WHERE key = 'orphans'")  # so the next run rebuilds
    connection.commit()
    connection.close()
    before = index.read_bytes()
    edit_all(corpus)
    process = start_paused(tmp_path, corpus)
    kill(process)
    assert index.read_bytes() == before
    leftovers = [path.name for path in index.parent.iterdir() if path.name.endswith(".tmp")]
    assert len(leftovers) == 1  # the killed build's temporary, which the next build removes
    assert status(corpus)["usable"]
    assert_same_as_scan(corpus)
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    assert not [path for path in index.parent.iterdir() if path.name.endswith(".tmp")]
    assert status(corpus)["stale"] == 0


@pytest.mark.slow
def test_a_second_index_run_says_busy_and_commands_still_answer(tmp_path: Path, corpus: Path):
    edit_all(corpus)
    process = start_paused(tmp_path, corpus)
    try:
        second = run("index", "--corpus", str(corpus))
        assert second.exit_code == 2 and second.stdout == ""
        errors = [line for line in second.stderr.splitlines() if line.startswith("corpus: error: ")]
        assert len(errors) == 1 and "another 'corpus index'" in errors[0]
        assert_same_as_scan(corpus)  # they re-read what changed and cannot write: still the scan's answer
    finally:
        kill(process)
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    assert status(corpus)["stale"] == 0
    assert_same_as_scan(corpus)


def test_an_entry_dropped_by_another_run_meanwhile_is_still_listed_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A touched file is checked (same content), then another run drops its row (one that saw
    the file missing for a moment): list still prints its title, byline and lede, as a scan does."""
    corpus = hostile_corpus(tmp_path / "c")
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    touched = sorted(corpus.glob("00*.txt"))[3]
    status = touched.stat()
    os.utime(touched, ns=(status.st_atime_ns, status.st_mtime_ns + 5_000_000_000))
    checked = IndexView.freshen

    def checked_then_dropped(view: IndexView, *args: Any) -> Any:
        outcome = checked(view, *args)
        other = sqlite3.connect(view.path)
        with other:
            other.execute("DELETE FROM files WHERE path = ?", (touched.name,))
        other.close()
        return outcome

    monkeypatch.setattr(IndexView, "freshen", checked_then_dropped)
    listed = run("list", "--corpus", str(corpus))
    monkeypatch.undo()
    assert listed.exit_code == 0
    assert listed.stdout == run("list", "--corpus", str(corpus), "--no-index").stdout


@pytest.mark.slow
def test_grep_with_the_index_busy_searches_the_files_it_could_not_write(tmp_path: Path, corpus: Path):
    """Files added and edited while another run holds the index: grep cannot write them back, so
    the index's candidates do not know them; it searches them, and answers as a scan does."""
    edit_all(corpus)  # for the paused run to write
    process = start_paused(tmp_path, corpus)
    try:
        (corpus / "added-zyzzyva.txt").write_text("Added\n\nA new word: zyzzyva.\n", encoding="utf-8")
        (corpus / "added-plain.txt").write_text("Added\n\nNothing to find here.\n", encoding="utf-8")
        edited = sorted(corpus.glob("0*.txt"))[0]
        edited.write_bytes(edited.read_bytes() + b"\nNow with zyzzyva too.\n")
        for args in (("grep", "-c", "zyzzyva", "--include-zero"), ("grep", "-c", "zyzzyva"), ("grep", "-l", "zyzzyva")):
            scanned = run(*args, "--corpus", str(corpus), "--no-index")
            indexed = run(*args, "--corpus", str(corpus))
            assert (indexed.stdout, indexed.exit_code) == (scanned.stdout, scanned.exit_code), args
            assert "zyzzyva" in indexed.stdout
    finally:
        kill(process)
