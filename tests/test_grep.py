"""`corpus grep` through the real entry point: records, views, switches, selection, errors, pipes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SEEDS, run

from corpus_cli.grep.records import LineView
from corpus_cli.grep.spec import MATCH_FIELDS
from corpus_cli.output.views import render_grep_lines
from corpus_cli.text.tokens import tokens

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def records(*args: str, input: str | None = None) -> list[dict]:
    result = run("grep", "--format", "jsonl", *args, input=input)
    assert result.exit_code in (0, 1), result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Three documents: dated, dated later, undated with a headline."""
    root = tmp_path / "small"
    root.mkdir()
    write(root, "a.txt", " date 2023-05-01 The border wall.\nNothing here.\nA wall again, and a WALL.\n")
    write(root, "b.txt", " date 2024-02-10 Border patrol agents.\n\nNo match on this line.\n")
    write(root, "c.txt", "Wall Street headline\n\nThe body talks of walls.\nRead the original article here\nwall of text\n")
    return root


def test_exit_status_is_0_on_a_match_1_on_none_2_on_a_bad_pattern() -> None:
    assert run("grep", "ICE").exit_code == 0
    assert run("grep", "no such words anywhere").exit_code == 1
    bad = run("grep", "a(b")
    assert bad.exit_code == 2
    assert bad.stderr.strip().splitlines() == [
        "corpus: error: invalid regular expression 'a(b': missing ), unterminated subpattern at position 1 "
        "(use -F to search for the text as it is)"
    ]


@pytest.mark.parametrize(
    ("pattern", "advice"), [("[[:alpha:]]+", r"write [^\W\d_] for [[:alpha:]]"), ("x[[:digit:]]", r"write \d for [[:digit:]]")]
)
def test_a_posix_class_is_one_error_line_with_the_python_spelling(pattern: str, advice: str) -> None:
    result = run("grep", pattern)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"corpus: error: invalid regular expression {pattern!r}: Python syntax has no POSIX classes ({advice})"
    ]


@pytest.mark.parametrize("pattern", ["[[a]", "[a--b]", "[a&&b]", "[a||b]", "[a~~b]"])
def test_a_pattern_python_warns_about_is_refused_in_one_line(pattern: str) -> None:
    result = run("grep", pattern)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"corpus: error: ambiguous regular expression {pattern!r}: possible ")


def test_match_records_have_exactly_the_contract_keys_in_order() -> None:
    found = records("-w", "Mayorkas")
    assert found
    assert all(list(record) == list(MATCH_FIELDS) for record in found)
    assert all(record["match"] == "Mayorkas" for record in found)


def test_count_and_files_with_matches_records(small: Path) -> None:
    counts = records("--corpus", str(small), "-c", "-i", "wall")
    assert counts == [
        {"id": "a", "path": "a.txt", "count": 2},
        {"id": "c", "path": "c.txt", "count": 3},
    ]
    with_zero = records("--corpus", str(small), "-c", "-iw", "wall", "--include-zero")
    assert [(r["id"], r["count"]) for r in with_zero] == [("a", 2), ("b", 0), ("c", 2)]
    assert records("--corpus", str(small), "-l", "-i", "border") == [{"id": "a", "path": "a.txt"}, {"id": "b", "path": "b.txt"}]


def test_quiet_prints_nothing_and_sets_the_status(small: Path) -> None:
    hit = run("grep", "--corpus", str(small), "-q", "wall")
    assert (hit.exit_code, hit.stdout) == (0, "")
    miss = run("grep", "--corpus", str(small), "-q", "zebra")
    assert (miss.exit_code, miss.stdout) == (1, "")


def test_max_count_invert_and_only_matching(small: Path) -> None:
    assert [r["line"] for r in records("--corpus", str(small), "-i", "-m", "1", "wall", "--id", "a")] == [1]
    inverted = records("--corpus", str(small), "-v", "wall", "--id", "a")
    assert [(r["line"], r["match"], r["column"]) for r in inverted] == [(2, "Nothing here.", 1)]
    only = records("--corpus", str(small), "-o", "-i", "wall", "--id", "a")
    assert [(r["line"], r["match"], r["before"], r["after"]) for r in only] == [
        (1, "wall", "", ""),
        (3, "wall", "", ""),
        (3, "WALL", "", ""),
    ]


def test_several_patterns_with_e_and_smart_case(small: Path) -> None:
    both = records("--corpus", str(small), "-e", "patrol", "-e", "Street", "-o")
    assert [(r["id"], r["match"]) for r in both] == [("b", "patrol"), ("c", "Street")]
    assert len(records("--corpus", str(small), "-S", "-o", "wall")) == 6
    assert len(records("--corpus", str(small), "-S", "-o", "Wall")) == 1


def test_a_pattern_argument_and_e_together_are_a_usage_error() -> None:
    result = run("grep", "ICE", "-e", "DHS")
    assert result.exit_code == 2
    assert "either as one argument or each with -e" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "-l", "ICE"], "-c and -l contradict each other"),
        (["--sort", "left", "ICE"], "--sort orders the --kwic view"),
        (["--kwic", "ICE"], "'ICE' is not a width; write --kwic=WIDTH, or put --kwic after the pattern"),
        (["ICE", "--kwic", "-v"], "it does not combine with -v"),
        (["--include-zero", "ICE"], "--include-zero goes with -c"),
        ([], "give a PATTERN"),
    ],
)
def test_contradictory_switches_are_one_clear_error(args: list[str], message: str) -> None:
    result = run("grep", *args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_field_title_and_body_keep_the_file_s_line_numbers(small: Path) -> None:
    title = records("--corpus", str(small), "--field", "title", "-i", "wall")
    assert [(r["id"], r["line"], r["column"], r["match"]) for r in title] == [("c", 1, 1, "Wall")]
    body = records("--corpus", str(small), "--field", "body", "-i", "wall|original")
    assert [(r["id"], r["line"]) for r in body] == [("a", 1), ("a", 3), ("a", 3), ("c", 3), ("c", 5)]
    text = (small / "a.txt").read_text()
    assert all(text[r["start"] : r["end"]] == r["match"] for r in body if r["id"] == "a")
    whole = records("--corpus", str(small), "-l", "original article")
    assert [r["id"] for r in whole] == ["c"]  # furniture is searched with the default --field text


def test_selection_options_and_ids_on_stdin(small: Path) -> None:
    assert [r["id"] for r in records("--corpus", str(small), "-l", "-i", "border", "--since", "2024")] == ["b"]
    assert [r["id"] for r in records("--corpus", str(small), "-l", "-i", "wall", "--until", "2023-12")] == ["a"]
    piped = "\n".join(json.dumps({"id": doc_id}) for doc_id in ("c", "a")) + "\n"
    assert [r["id"] for r in records("--corpus", str(small), "--stdin", "-l", "-i", "wall", input=piped)] == ["c", "a"]
    nothing = run("grep", "--corpus", str(small), "--stdin", "wall", input="")
    assert (nothing.exit_code, nothing.stdout) == (1, "")


def test_the_text_view_prints_id_line_prefixes_and_context_groups(small: Path) -> None:
    result = run("grep", "--corpus", str(small), "--format", "text", "-i", "nothing|no match", "-A", "1")
    assert result.stdout.splitlines() == [
        "a:2:Nothing here.",
        "a-3-A wall again, and a WALL.",
        "--",
        "b:3:No match on this line.",
    ]
    assert not ANSI.search(result.stdout)  # not a terminal: no colour


def test_the_text_view_highlights_matches_when_colour_is_on() -> None:
    line = LineView(number=7, text="ICE and ice", spans=((0, 3),), selected=True)
    shown = render_grep_lines("001", [line], color=True, only_matching=False, separate=False)
    assert ANSI.sub("", shown) == "001:7:ICE and ice\n"
    assert "\x1b[1m\x1b[31mICE" in shown or "\x1b[31m\x1b[1mICE" in shown
    assert render_grep_lines("001", [line], color=False, only_matching=False, separate=False) == "001:7:ICE and ice\n"


def test_kwic_view_aligns_the_matches_in_one_column_and_sorts(small: Path) -> None:
    args = ("--corpus", str(small), "-i", r"\bwalls?\b", "--kwic=12", "--sort", "right")
    rows = run("grep", *args, "--format", "text").stdout.splitlines()
    matches = records(*args)
    assert len(rows) == len(matches) == 6
    column = len("a:1:") + 2 + 12 + 1  # the widest prefix, two spaces, WIDTH characters before, one space
    assert [row[column : column + len(r["match"])] for row, r in zip(rows, matches)] == [r["match"] for r in matches]
    followers = [tokens(r["after"]) for r in matches]  # the words right of the match, as the tokenizer reads them
    assert followers == sorted(followers) and followers[0] != followers[-1]
    as_records = records("--corpus", str(small), "-i", "wall", "--kwic", "5")
    text = (small / "c.txt").read_text()
    assert all(len(r["before"]) <= 5 and len(r["after"]) <= 5 for r in as_records)
    assert any("\n" in r["before"] for r in as_records if r["id"] == "c")  # the context crosses lines
    assert all(text[r["start"] - len(r["before"]) : r["start"]] == r["before"] for r in as_records if r["id"] == "c")


def test_binary_and_badly_encoded_files_are_warned_about(tmp_path: Path) -> None:
    write(tmp_path, "bin.txt", b"wall\x00\x01\x02")
    write(tmp_path, "latin.txt", "caf\xe9 wall\n".encode("latin-1"))
    result = run("grep", "--corpus", str(tmp_path), "--format", "jsonl", "wall")
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["latin"]
    assert "corpus: warning: bin.txt: binary file" in result.stderr
    assert "corpus: warning: latin.txt: invalid UTF-8" in result.stderr
    assert run("grep", "--corpus", str(tmp_path), "--strict", "wall").exit_code == 2


@pytest.mark.parametrize("field", ["text", "title", "body"])
def test_grep_warns_about_a_document_as_list_does(tmp_path: Path, field: str) -> None:
    write(tmp_path, "bad.txt", " date 2024-02-30 The wall.\n")
    write(tmp_path, "bare.txt", " date 2024-01-05 \nRead the original article here\n")
    write(tmp_path, "fine.txt", " date 2024-01-05 The wall.\n")
    grep = run("grep", "--corpus", str(tmp_path), "--field", field, "-c", "wall")
    listed = run("list", "--corpus", str(tmp_path), "--format", "jsonl")
    warnings = [line for line in listed.stderr.splitlines() if line.startswith("corpus: warning: ")]
    assert len(warnings) == 2
    assert [line for line in grep.stderr.splitlines() if line.startswith("corpus: warning: ")] == warnings


def test_a_runaway_pattern_is_skipped_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "slow.txt", "a" * 40 + "!\n")
    write(tmp_path, "fine.txt", "aaa\n")
    result = run("grep", "--corpus", str(tmp_path), "--format", "jsonl", "--timeout", "0.2", "(a+)+$")
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["fine"]
    assert "corpus: warning: slow.txt: the pattern ran past the time limit (0.2 s)" in result.stderr


def test_several_processes_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    for index in range(60):
        write(tmp_path, f"{index:03d}.txt", f"line {index}\nwall {index} wall\n" * (index % 4))
    one = run("grep", "--corpus", str(tmp_path), "--format", "jsonl", "-j", "1", "wall")
    two = run("grep", "--corpus", str(tmp_path), "--format", "jsonl", "-j", "2", "wall")
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == 2 * sum(index % 4 for index in range(60))


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly_with_status_0() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "corpus_cli", "grep", "--corpus", str(SEEDS), "--no-stdin", "--format", "jsonl", "e"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does, with well over 64 KB still to come
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert json.loads(first)["match"] == "e"
    assert stderr == b""


@pytest.mark.parametrize("args", [("zebra\udcff",), ("-F", "-w", "zebra\udcff"), ("-e", "ok", "-e", "(a|b)\udcff"), ("-c", "zebra\udcff")])
def test_a_pattern_of_bytes_that_are_not_utf8_is_one_usage_line(args: tuple[str, ...]):
    """A byte the shell passes that is not UTF-8 (Python keeps it as a surrogate) can match no
    decoded text: one line naming it, not an internal error."""
    result = run("grep", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "\\xff' is not UTF-8 text; documents are searched as text" in result.stderr
