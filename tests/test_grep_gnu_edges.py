"""grep's edge cases where GNU grep is the reference: leftmost-longest among several patterns,
-o with -v, and the group separator of -C 0 (issue 10, item 1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run

from corpus_cli.grep.spec import MATCH_FIELDS

GREP = shutil.which("grep")
HAS_GNU_GREP = GREP is not None and b"GNU" in subprocess.run([GREP, "--version"], capture_output=True, stdin=subprocess.DEVNULL).stdout


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("Australia and Aust, an Australian.\nx\n\ny\nAust again\nz\n", encoding="ascii")
    (root / "b.txt").write_text("one\ntwo abcd\n", encoding="ascii")
    return root


def grep_records(root: Path, *args: str) -> list[dict]:
    result = run("grep", "--corpus", str(root), "--no-stdin", "--format", "jsonl", *args)
    assert result.exit_code in (0, 1), result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def grep_text(root: Path, *args: str) -> str:
    result = run("grep", "--corpus", str(root), "--no-stdin", "--format", "text", *args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize("order", [("Aust", "Australia"), ("Australia", "Aust")])
@pytest.mark.parametrize("flags", [["-F"], [], ["-i"], ["-F", "-w"]], ids=" ".join)
def test_several_literals_take_the_longest_at_the_leftmost_position(corpus: Path, order: tuple[str, str], flags: list[str]) -> None:
    patterns = [arg for pattern in order for arg in ("-e", pattern)]
    found = grep_records(corpus, "-o", *flags, *patterns)
    matches = [(record["line"], record["match"], record["end"] - record["start"]) for record in found]
    if "-w" in flags:  # "Australian" is no word match of either
        assert matches == [(1, "Australia", 9), (1, "Aust", 4), (5, "Aust", 4)]
    else:
        assert matches == [(1, "Australia", 9), (1, "Aust", 4), (1, "Australia", 9), (5, "Aust", 4)]


def test_several_regexes_take_the_longest_match_at_the_leftmost_position(corpus: Path) -> None:
    for patterns in (["ab", "abc|a"], ["abc|a", "ab"], ["a", "ab", "b?abcd?"]):
        args = [arg for pattern in patterns for arg in ("-e", pattern)]
        found = [record["match"] for record in grep_records(corpus, "--id", "b", "-o", *args)]
        longest = max((m for p in patterns for m in _python_matches_at(p, "abcd")), key=len)
        assert found == [longest], patterns


def _python_matches_at(pattern: str, text: str) -> list[str]:
    import re

    return [found.group() for alternative in pattern.split("|") if (found := re.match(alternative, text))]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "text"])
def test_only_matching_with_invert_prints_nothing_as_gnu_grep_does(corpus: Path, fmt: str) -> None:
    result = run("grep", "--corpus", str(corpus), "--no-stdin", "--format", fmt, "-o", "-v", "Aust")
    assert result.exit_code == 0  # lines were selected, as GNU grep's status says
    assert result.stdout == {"jsonl": "", "json": "[]\n", "csv": ",".join(MATCH_FIELDS) + "\n", "text": ""}[fmt]


def test_context_0_separates_groups_that_do_not_touch(corpus: Path) -> None:
    first, second = "a:1:Australia and Aust, an Australian.\n", "a:5:Aust again\n"
    assert grep_text(corpus, "-C", "0", "-e", "Aust", "-e", "two") == f"{first}--\n{second}--\nb:2:two abcd\n"
    assert grep_text(corpus, "-A", "0", "Aust") == "a:1:Australia and Aust, an Australian.\n--\na:5:Aust again\n"
    assert grep_text(corpus, "Aust") == "a:1:Australia and Aust, an Australian.\na:5:Aust again\n"


def test_the_match_schema_says_what_match_is_with_invert() -> None:
    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "grep-match.json").read_text())
    description = schema["properties"]["match"]["description"]
    assert "whole selected line" in description and "empty with -v" not in description


@pytest.mark.slow
@pytest.mark.skipif(not HAS_GNU_GREP, reason="needs GNU grep")
@pytest.mark.parametrize(
    "args",
    [
        ["-F", "-o", "-e", "Aust", "-e", "Australia"],
        ["-F", "-o", "-e", "an", "-e", "Australian", "-e", "Austral"],
        ["-o", "-i", "-e", "aust", "-e", "AUSTRALIA"],
        ["-o", "-v", "Aust"],
        ["-C", "0", "-e", "Aust", "-e", "two"],
        ["-A", "0", "Aust"],
    ],
    ids=" ".join,
)
def test_the_text_view_equals_gnu_grep(corpus: Path, args: list[str]) -> None:
    gnu = subprocess.run(
        [GREP or "grep", "-n", *args, "a.txt", "b.txt"],
        capture_output=True,
        cwd=corpus,
        env={**os.environ, "LC_ALL": "C"},
        stdin=subprocess.DEVNULL,
        check=False,
    ).stdout.decode()
    ours = grep_text(corpus, *args)
    assert ours == gnu.replace(".txt:", ":")


@pytest.mark.skipif(not HAS_GNU_GREP, reason="needs GNU grep")
@pytest.mark.parametrize("pattern", ["Aust|Australia", "Australia|Aust", "a|an", "(Aust)(ralia)?"])
def test_an_alternation_in_one_pattern_is_perls_as_grep_p_says(corpus: Path, pattern: str) -> None:
    """The README: one pattern's alternation takes its first branch that matches, as `grep -P`."""
    assert GREP is not None
    found = [record["match"] for record in grep_records(corpus, "-o", "-e", pattern)]
    gnu = subprocess.run([GREP, "-oP", "-e", pattern, str(corpus / "a.txt"), str(corpus / "b.txt")], capture_output=True, text=True)
    assert found == [line.partition(":")[2] for line in gnu.stdout.splitlines()]
