"""What a person at a terminal sees: tables and text by default, colour unless NO_COLOR."""

from __future__ import annotations

from helpers import on_a_terminal


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
