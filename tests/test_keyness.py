"""`corpus keyness`: ll and log_ratio recomputed here from per-document counts; the two sides' sums."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers import SEEDS, run
from hypothesis import assume, given
from hypothesis import strategies as st

from corpus_cli.analysis import keyness

EVERY_TERM = ("--top", "100000", "--min-freq", "1")
TARGET = "00[01]*"
REST = "00[234]*"


def jsonl(*args: str) -> list[dict]:
    result = run(*args, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def both_directions(*args: str) -> dict[str, dict]:
    records = jsonl("keyness", *args, *EVERY_TERM) + jsonl("keyness", *args, *EVERY_TERM, "--negative")
    return {record["term"]: record for record in records}


def side(glob: str, *extra: str) -> tuple[Counter[str], int]:
    """Term counts and words of the documents matching `glob`, summed here from `stats --by doc`."""
    counts: Counter[str] = Counter()
    for row in jsonl("stats", "--by", "doc", "--top", "100000", "--id", glob, *extra):
        counts[row["term"]] += row["count"]
    words = sum(record["words"] for record in jsonl("list", "--id", glob))
    return counts, words


def g2(a: int, b: int, c: int, d: int) -> float:
    """Log-likelihood written another way: 2 [a ln(a/c) + b ln(b/d) - (a+b) ln((a+b)/(c+d))]."""

    def part(count: float, size: float) -> float:
        return count * math.log(count / size) if count else 0.0

    return 2 * (part(a, c) + part(b, d) - part(a + b, c + d))


def test_ll_and_log_ratio_recomputed_from_per_document_counts():
    (a_counts, c), (b_counts, d) = side(TARGET), side(REST)
    records = both_directions("--id", TARGET)
    assert set(records) == {term for term in a_counts | b_counts if a_counts[term] * d != b_counts[term] * c}
    for term, record in records.items():
        a, b = a_counts[term], b_counts[term]
        assert (record["target"], record["reference"]) == (a, b)
        assert record["ll"] == pytest.approx(g2(a, b, c, d), rel=1e-9, abs=1e-12)
        adjusted = math.log2(max(a, 0.5) / c) - math.log2(max(b, 0.5) / d)
        if (adjusted > 0) == (a / c > b / d):
            assert record["log_ratio"] == pytest.approx(adjusted, rel=1e-9, abs=1e-12)
        else:  # half a use, in a side of few words, would point the ratio the other way
            assert record["log_ratio"] is None and 0 in (a, b)
        assert record["direction"] == ("+" if a / c > b / d else "-")
        assert record["target_per_10k"] == round(a / c * 10_000, 2)


def test_target_and_the_rest_make_the_whole_corpus():
    whole = {row["term"]: row["count"] for row in jsonl("stats", "--top", "100000")}
    records = both_directions("--id", TARGET)
    for term, record in records.items():
        assert record["target"] + record["reference"] == whole[term]


def test_swapping_target_and_reference_flips_direction_and_keeps_ll():
    forward = both_directions("--id", TARGET)
    swapped = both_directions("--id", REST, "--ref-id", TARGET)
    assert forward.keys() == swapped.keys()
    for term, record in forward.items():
        other = swapped[term]
        assert (other["target"], other["reference"]) == (record["reference"], record["target"])
        assert other["ll"] == pytest.approx(record["ll"], rel=1e-12)
        assert other["direction"] != record["direction"]
        assert other["log_ratio"] == (None if record["log_ratio"] is None else pytest.approx(-record["log_ratio"], rel=1e-12))


def test_another_corpus_as_the_reference(tmp_path: Path):
    shutil.copytree(SEEDS, tmp_path / "other")
    against_rest = jsonl("keyness", "--id", TARGET)
    against_copy = jsonl("keyness", "--id", TARGET, "--ref-corpus", str(tmp_path / "other"), "--ref-id", REST)
    assert against_copy == against_rest


def test_ranked_by_ll_over_used_first_and_p_from_ll():
    records = jsonl("keyness", "--id", TARGET)
    assert len(records) == 20 and {record["direction"] for record in records} == {"+"}
    assert [record["ll"] for record in records] == sorted((record["ll"] for record in records), reverse=True)
    assert all(record["target"] + record["reference"] >= 3 for record in records)
    under = jsonl("keyness", "--id", TARGET, "--negative", "--top", "5")
    assert len(under) == 5 and {record["direction"] for record in under} == {"-"}
    # Critical values of chi-squared with one degree of freedom, from the tables.
    assert keyness.p_value(3.841458820694124) == pytest.approx(0.05, rel=1e-9)
    assert keyness.p_value(10.827566170662733) == pytest.approx(0.001, rel=1e-9)
    assert all(record["p"] == pytest.approx(keyness.p_value(record["ll"]), rel=1e-12) for record in records)


def test_phrases_with_ngram():
    records = jsonl("keyness", "--id", TARGET, "--ngram", "2", "--min-freq", "2")
    assert records and all(len(record["term"].split()) == 2 for record in records)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "2999"), "the target (the selected documents) has no documents"),
        (("--ref-since", "2999"), "the reference has no documents"),
        ((), "the reference has no documents"),  # the whole corpus leaves no rest
        (("--id", TARGET, "--ref-since", "2024-13"), "'--ref-since'"),
        (("--id", TARGET, "--ref-corpus", "nowhere"), "corpus folder not found: nowhere (from --ref-corpus)"),
        # Swapped reference dates are the usage error swapped --since and --until are.
        (("--ref-since", "2025", "--ref-until", "2024"), "--ref-since 2025 is later than --ref-until 2024"),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], message: str):
    result = run("keyness", *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("corpus: error:") and message in result.stderr


def test_bars_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch):
    assert "█" not in run("keyness", "--id", TARGET, "--format", "table").stdout
    monkeypatch.setattr("corpus_cli.commands.keyness.is_terminal", lambda: True)
    assert "█" in run("keyness", "--id", TARGET, "--format", "table").stdout


def test_families_are_compared_by_their_mentions(tmp_path: Path):
    terms = tmp_path / "terms.yaml"
    terms.write_text(
        "ICE: [ICE, Immigration and Customs Enforcement]\nTrump: [Trump, Donald Trump]\nMayorkas: Mayorkas\n", encoding="utf-8"
    )
    records = both_directions("--id", TARGET, "--terms", str(terms))
    target = {row["term"]: row["count"] for row in jsonl("stats", "--terms", str(terms), "--id", TARGET)}
    rest = {row["term"]: row["count"] for row in jsonl("stats", "--terms", str(terms), "--id", REST)}
    assert set(records) == {"ICE", "Trump", "Mayorkas"}
    for term, record in records.items():
        assert (record["target"], record["reference"]) == (target[term], rest[term])


@pytest.mark.parametrize(
    ("args", "message"), [(("--families",), "no term families"), (("--families", "--ngram", "2"), "--ngram counts phrases")]
)
def test_families_need_families(args: tuple[str, ...], message: str):
    result = run("keyness", "--id", TARGET, *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and message in result.stderr


def test_a_ref_corpus_yaml_that_is_not_corpus_yaml_is_what_corpus_says(tmp_path: Path):
    some = tmp_path / "some.yaml"
    some.write_text("name: x\n", encoding="utf-8")
    as_reference = run("keyness", "--id", TARGET, "--ref-corpus", str(some))
    as_corpus = run("list", "--corpus", str(some))
    assert as_reference.exit_code == as_corpus.exit_code == 2 and as_corpus.stderr.count("\n") == 1
    assert as_reference.stderr == as_corpus.stderr.replace("(from --corpus)", "(from --ref-corpus)")


def test_negative_numbers_stay_numbers_in_csv():
    rows = list(csv.DictReader(io.StringIO(run("keyness", "--id", TARGET, "--negative", "--format", "csv").stdout)))
    records = jsonl("keyness", "--id", TARGET, "--negative")
    assert [float(row["log_ratio"]) for row in rows] == [record["log_ratio"] for record in records]
    assert all(record["log_ratio"] < 0 for record in records)
    # A lone sign is no formula, so the direction column is the JSON one, not '- (CWE-1236).
    assert [row["direction"] for row in rows] == [record["direction"] for record in records]
    positive = run("keyness", "--id", TARGET, "--format", "csv").stdout
    assert {row["direction"] for row in csv.DictReader(io.StringIO(positive))} == {"+"}


def test_the_target_can_come_from_stdin():
    piped = run("keyness", "--stdin", "--format", "jsonl", input=run("list", "--id", TARGET, "--format", "jsonl").stdout)
    assert piped.exit_code == 0 and piped.stdout == run("keyness", "--id", TARGET, "--format", "jsonl").stdout


def test_log_ratio_never_points_against_direction_when_a_side_has_few_words(tmp_path: Path):
    """A term absent from a 3-word target, 3 times in 43 words: half a use in 3 words is a higher rate."""
    (tmp_path / "001_a.txt").write_text("cat dog fox\n", encoding="utf-8")
    (tmp_path / "002_b.txt").write_text(" ".join(["dog"] * 40 + ["bird"] * 3) + "\n", encoding="utf-8")
    for target, wanted in (("001*", "--negative"), ("002*", "--top")):
        options = (wanted,) if wanted == "--negative" else ("--top", "20")
        records = {row["term"]: row for row in jsonl("keyness", "--corpus", str(tmp_path), "--id", target, "--min-freq", "1", *options)}
        assert records["bird"]["log_ratio"] is None
        assert all(row["log_ratio"] is None or (row["log_ratio"] > 0) == (row["direction"] == "+") for row in records.values())


@given(st.integers(0, 50), st.integers(0, 50), st.integers(1, 10_000), st.integers(1, 10_000))
def test_log_ratio_leans_as_direction_or_is_null(a: int, b: int, c: int, d: int):
    assume(a <= c and b <= d and a + b > 0 and keyness.direction(a, b, c, d) is not None)
    ratio = keyness.log_ratio(a, b, c, d)
    assert (ratio is None and 0 in (a, b)) or (ratio is not None and (ratio > 0) == (keyness.direction(a, b, c, d) == "+"))
