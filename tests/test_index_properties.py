"""Hypothesis: for random literals and simple regular expressions, grep through the index gives
what grep without it gives (records, counts, status), on a corpus of seeds and hostile files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import SEEDS, run
from hypothesis import given
from hypothesis import strategies as st
from index_corpora import hostile_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = hostile_corpus(tmp_path_factory.mktemp("prop") / "c")
    assert run("index", "--corpus", str(root)).exit_code == 0
    return root


# The seeds' texts and the hostile files' (index_corpora), where the patterns are cut from.
TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
TEXTS += ["The \u017ftop sign and \u0130ce and \u212aelvin.", "Caf\xe9 society", "ICE on a line.\r\n"]


@st.composite
def literals(draw: st.DrawFn) -> str:
    """A piece of the corpus's text (so that it matches somewhere), maybe with its case changed."""
    text = draw(st.sampled_from(TEXTS))
    start = draw(st.integers(0, len(text) - 1))
    piece = text[start : start + draw(st.integers(1, 12))].split("\n")[0] or "ICE"
    return draw(st.sampled_from([piece, piece.upper(), piece.lower(), piece.swapcase()]))


@st.composite
def patterns(draw: st.DrawFn) -> tuple[str, ...]:
    literal = draw(literals())
    form = draw(st.sampled_from(["fixed", "escaped", "dot", "class", "alternation", "anchored", "star"]))
    if form == "fixed":
        pattern = ["-F", literal]
    elif form == "escaped":
        pattern = [re.escape(literal)]
    elif form == "dot":
        pattern = [re.escape(literal) + "."]
    elif form == "class":
        pattern = ["[A-Za-z]" + re.escape(literal)]
    elif form == "alternation":
        pattern = [f"(?:{re.escape(literal)}|{re.escape(draw(literals()))})"]
    elif form == "anchored":
        pattern = ["^" + re.escape(literal) if draw(st.booleans()) else re.escape(literal) + "$"]
    else:
        pattern = [re.escape(literal) + "\\w*"]
    switches = draw(st.lists(st.sampled_from(["-i", "-w", "-S", "-c", "-l", "-o"]), max_size=2, unique=True))
    if "-c" in switches and "-l" in switches:
        switches.remove("-l")
    if "-o" in switches and ("-c" in switches or "-l" in switches):
        switches.remove("-o")
    return (*switches, "-e", *pattern) if pattern[0] != "-F" else (*switches, *pattern)


@pytest.mark.slow
@given(patterns())
def test_indexed_grep_equals_a_scan(corpus: Path, pattern: tuple[str, ...]):
    args = ("grep", *pattern, "--corpus", str(corpus), "--format", "jsonl")
    scanned, indexed = run(*args, "--no-index"), run(*args)
    assert (indexed.stdout, indexed.stderr, indexed.exit_code) == (scanned.stdout, scanned.stderr, scanned.exit_code)
