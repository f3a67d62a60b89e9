"""--timeout bounds the pattern's work on a document (a regex that backtracks), not the printing of
what it found; a limit too short to run with is refused."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import run

from corpus_cli.output import writers


def test_a_limit_too_short_to_tick_is_refused() -> None:
    result = run("grep", "--timeout", "1e-5", "ICE")
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: Invalid value for '--timeout': 1e-05 is below the shortest limit, 0.01 s")
    assert result.stderr.count("\n") == 1
    assert run("grep", "--timeout", "0", "-q", "ICE").exit_code == 0  # 0 still means no limit


def test_the_clock_stops_while_matches_are_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document with thousands of matches goes out in pieces; printing them slowly (a slow
    reader at the other end of the pipe) does not count against the pattern's time limit."""
    (tmp_path / "many.txt").write_text("ICE here\n" * 3000)
    write = writers.JsonLinesWriter.write
    printed = []

    def slow_write(self: writers.JsonLinesWriter, record: dict[str, object]) -> None:
        if self.count % 1000 == 999:
            printed.append(record["line"])
            time.sleep(0.15)  # the reader dawdles: 0.45 s in all, against a limit of 0.3 s
        write(self, record)

    monkeypatch.setattr(writers.JsonLinesWriter, "write", slow_write)
    # The search itself takes a few milliseconds: the limit leaves it a hundred times that.
    result = run("grep", "--corpus", str(tmp_path), "--format", "jsonl", "--timeout", "0.3", "ICE")
    assert printed == [1000, 2000, 3000]  # the reader did dawdle
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 3000
    assert json.loads(result.stdout.splitlines()[-1])["line"] == 3000
