"""What a person at a terminal sees: tables and text by default, colour unless NO_COLOR."""

from __future__ import annotations

import os
import subprocess
import sys


def on_a_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """Run corpus with stdout on a pseudo-terminal and return what it printed."""
    leader, follower = os.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CORPUS_PATH")} | {"COLUMNS": "100", "TERM": "xterm"}
    done = subprocess.run(
        [sys.executable, "-m", "corpus_cli", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=environ | (env or {}),
        timeout=60,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_list_prints_a_table_on_a_terminal():
    lines = on_a_terminal("list").splitlines()
    assert lines[0].split() == ["id", "date", "words", "credit", "title/lede"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + 5
    assert max(map(len, lines)) <= 100


def test_show_is_coloured_on_a_terminal_unless_no_color():
    assert "\x1b[" in on_a_terminal("show", "002")
    plain = on_a_terminal("show", "002", env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain
    assert plain.startswith("002_8558860120d3c356  002_8558860120d3c356.txt\n")
