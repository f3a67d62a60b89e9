"""Small things a user expects (issue 10, item 7): `corpus help`, stats defaults and groupings,
the readable show view, KWIC widths, corpus.yaml bylines and credits, dotted initialisms."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers import SEEDS, run

from corpus_cli.text.tokens import count_words, tokens

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def jsonl(*args: str) -> list[dict]:
    result = run(*args, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.split("\n") if line]


# ---- corpus help COMMAND ---------------------------------------------------------------------


def test_help_command_prints_a_command_s_help() -> None:
    for name in ("grep", "list", "stats"):
        result = run("help", name)
        assert result.exit_code == 0
        assert result.stdout == run(name, "--help").stdout
    assert run("help").stdout == run("--help").stdout


def test_help_for_an_unknown_command_is_one_error_line_with_a_suggestion() -> None:
    result = run("help", "gerp")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "gerp" in result.stderr and "grep" in result.stderr


# ---- stats ------------------------------------------------------------------------------------


def test_ngram_without_top_lists_the_top_20_phrases() -> None:
    assert jsonl("stats", "--ngram", "2") == jsonl("stats", "--ngram", "2", "--top", "20")
    assert len(jsonl("stats", "--ngram", "2")) == 20


@pytest.mark.parametrize(("by", "key"), [("day", "day"), ("week", "week")])
def test_stats_by_day_and_week_group_by_the_calendar(by: str, key: str) -> None:
    listed = jsonl("list")
    rows = jsonl("stats", "--by", by)
    expected: Counter[str | None] = Counter()
    for record in listed:
        if record["date"] is None:
            expected[None] += 1
        elif by == "day":
            expected[record["date"]] += 1
        else:
            year, week, _ = dt.date.fromisoformat(record["date"]).isocalendar()
            expected[f"{year}-W{week:02d}"] += 1
    assert {row[key]: row["documents"] for row in rows} == dict(expected)
    assert next(iter(rows[0])) == key
    dated = [row[key] for row in rows if row[key] is not None]
    assert dated == sorted(dated) and rows[-1][key] is None  # undated last
    trend = jsonl("stats", "--term", "ICE", "--by", by)
    assert [row[key] for row in trend] == [row[key] for row in rows]


# ---- show's readable view ---------------------------------------------------------------------


def test_the_readable_show_view_gives_the_encoding_and_the_warnings(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_bytes(" date 2024-02-30 Caf\xe9 owners met.\n".encode("latin-1"))
    shown = run("show", "a", "--corpus", str(root), "--format", "text")
    assert shown.exit_code == 0
    assert "encoding: windows-1252" in shown.stdout
    (record,) = jsonl("show", "a", "--corpus", str(root))
    assert len(record["warnings"]) == 2
    for warning in record["warnings"]:
        assert f"warning: {warning}" in shown.stdout
    plain = run("show", "002", "--format", "text").stdout
    assert "encoding: utf-8" in plain and "warning:" not in plain


# ---- KWIC -------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_kwic_lines_fit_the_terminal_width(columns: int) -> None:
    result = run("grep", "-i", "immigration", "--kwic", "50", "--format", "text", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0
    lines = ANSI.sub("", result.stdout).splitlines()
    assert lines and max(map(len, lines)) <= columns
    records = jsonl("grep", "-i", "immigration", "--kwic", "50")
    assert len(lines) == len(records)
    assert all(record["match"] in line for record, line in zip(records, lines))  # the match is never cut
    # A wide terminal leaves WIDTH as asked.
    wide = ANSI.sub("", run("grep", "-i", "immigration", "--kwic", "10", "--format", "text", env={"COLUMNS": "200"}).stdout)
    prefix = max(len(f"{record['id']}:{record['line']}:") for record in records)
    assert max(len(line) for line in wide.splitlines()) == prefix + 2 + 10 + 1 + len("immigration") + 1 + 10


# ---- corpus.yaml bylines and credits ----------------------------------------------------------


def test_corpus_yaml_sets_byline_and_credit(seeds_copy: Path) -> None:
    (seeds_copy / "corpus.yaml").write_text(
        "documents:\n  003_4e5a870071d63da7:\n    byline: Jane Doe\n    credit: New York Post\n", encoding="utf-8"
    )
    (record,) = [r for r in jsonl("list", "--corpus", str(seeds_copy)) if r["id"].startswith("003")]
    assert (record["byline"], record["credit"]) == ("Jane Doe", "New York Post")
    (full,) = jsonl("show", "003", "--corpus", str(seeds_copy))
    assert (full["byline"], full["credit"]) == ("Jane Doe", "New York Post")
    groups = {row["credit"]: row["documents"] for row in jsonl("stats", "--by", "credit", "--corpus", str(seeds_copy))}
    assert groups["New York Post"] == 1
    others = [r for r in jsonl("list", "--corpus", str(seeds_copy)) if r["id"].startswith("001")]
    assert others[0]["credit"] == "Headline USA"  # the text's credit stands where corpus.yaml says nothing


def test_a_wrong_byline_type_in_corpus_yaml_is_still_one_error_line(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "c")
    (tmp_path / "c" / "corpus.yaml").write_text("documents:\n  002_8558860120d3c356:\n    bylin: X\n", encoding="utf-8")
    result = run("list", "--corpus", str(tmp_path / "c"))
    assert result.exit_code == 2 and "byline" in result.stderr and result.stderr.count("\n") == 1


# ---- dotted initialisms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the U.S. border", ["the", "u.s.", "border"]),
        ("U.N. and D.C. at 9 a.m. today", ["u.n.", "and", "d.c.", "at", "9", "a.m.", "today"]),
        ("The U.S.'s role", ["the", "u.s.", "role"]),
        ("U.S", ["u", "s"]),  # no final period: not an initialism
        ("J. Smith", ["j", "smith"]),  # one letter is an initial, not an initialism
        ("e.g. this", ["e.g.", "this"]),
        ("U.S.A. now", ["u.s.a.", "now"]),
        ("2.2 million", ["2", "2", "million"]),
        ("Ms.Smith", ["ms", "smith"]),
    ],
)
def test_dotted_initialisms_are_one_word_and_one_term(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected
    assert count_words(text) == len(expected)


def test_stats_counts_us_as_one_term_as_list_counts_its_words() -> None:
    top = {row["term"]: row["count"] for row in jsonl("stats", "--top", "200")}
    seeds_text = " ".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt"))
    assert top.get("u.s.") == seeds_text.count("U.S.")
    assert "u" not in top and "s" not in top
