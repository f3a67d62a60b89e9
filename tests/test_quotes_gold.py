"""`corpus quotes` measured against hand-labelled quotations: precision, recall, speakers right.

tests/data/quotes_gold.jsonl labels the seeds' quotations (read from the articles, following the
rules in corpus_cli/analysis/quotes.py); tests/data/quotes_heldout_gold.jsonl labels nine short
articles in ABC News style (tests/data/heldout/) written and labelled after the first rules were
fixed, and measured once with them (speakers 0.76); the rules were then corrected on it, so it is
no longer held out; tests/data/heldout2/ and heldout3/ (six articles each) were each written and
labelled after the previous corrections and measured once before being corrected on in turn.
tests/data/README.md gives the figures and how doubtful cases were labelled.

A found quotation matches a labelled one of the same document when their words overlap with
F1 >= 0.8 (each matched once, best overlap first). Speakers are scored on the matched
quotations whose labelled speaker is named or a pronoun, compared ignoring case.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, run

from corpus_cli.text.tokens import tokens

DATA = Path(__file__).resolve().parent / "data"
MATCH_F1 = 0.8


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    speakers_right: float
    found: int
    labelled: int
    matched: int
    speakers_scored: int


def word_f1(one: str, other: str) -> float:
    """F1 of the two texts' bags of words (SQuAD's overlap measure)."""
    a, b = Counter(tokens(one)), Counter(tokens(other))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def score(found: list[dict[str, Any]], gold: list[dict[str, Any]]) -> Score:
    pairs = sorted(
        ((word_f1(f["quote"], g["quote"]), i, j) for i, f in enumerate(found) for j, g in enumerate(gold) if f["id"] == g["id"]),
        reverse=True,
    )
    used_found: set[int] = set()
    used_gold: set[int] = set()
    matches = []
    for f1, i, j in pairs:
        if f1 >= MATCH_F1 and i not in used_found and j not in used_gold:
            used_found.add(i)
            used_gold.add(j)
            matches.append((found[i], gold[j]))
    scored = [(f, g) for f, g in matches if g["speaker_kind"] in ("named", "pronoun")]
    right = sum(1 for f, g in scored if (f["speaker"] or "").casefold() == g["speaker"].casefold())
    return Score(
        precision=len(matches) / len(found) if found else 1.0,
        recall=len(matches) / len(gold) if gold else 1.0,
        speakers_right=right / len(scored) if scored else 1.0,
        found=len(found),
        labelled=len(gold),
        matched=len(matches),
        speakers_scored=len(scored),
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measured(corpus: Path, gold_file: str) -> Score:
    result = run("quotes", "--corpus", str(corpus), "--format", "jsonl", "--no-stdin")
    assert result.exit_code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    figures = score(found, read_jsonl(DATA / gold_file))
    print(f"{gold_file}: {figures}")  # shown with pytest -s: the figures the report quotes
    return figures


def test_the_scorer_counts_a_miss_a_false_quote_and_a_wrong_speaker():
    gold = [
        {"id": "a", "quote": "one two three four five", "speaker": "Ann Lee", "speaker_kind": "named"},
        {"id": "a", "quote": "six seven eight nine ten", "speaker": "Bo Ng", "speaker_kind": "pronoun"},
        {"id": "a", "quote": "never found at all here", "speaker": None, "speaker_kind": None},
    ]
    found = [
        {"id": "a", "quote": "one two three four five,", "speaker": "ann lee"},
        {"id": "a", "quote": "six seven eight nine", "speaker": "Ann Lee"},  # F1 0.89: a match, speaker wrong
        {"id": "b", "quote": "one two three four five", "speaker": None},  # another document: no match
    ]
    figures = score(found, gold)
    assert (figures.matched, figures.precision, figures.recall, figures.speakers_right) == (2, 2 / 3, 2 / 3, 0.5)


def test_the_seed_quotations_reach_the_targets():
    figures = measured(SEEDS, "quotes_gold.jsonl")
    assert figures.labelled >= 25
    assert figures.precision >= 0.90
    assert figures.recall >= 0.90
    assert figures.speakers_right >= 0.85


@pytest.mark.parametrize(
    ("folder", "gold_file"),
    [("heldout", "quotes_heldout_gold.jsonl"), ("heldout2", "quotes_heldout2_gold.jsonl"), ("heldout3", "quotes_heldout3_gold.jsonl")],
)
def test_held_out_articles_are_measured_and_stay_above_a_floor(folder: str, gold_file: str):
    """Written and labelled after the rules they were first measured with; the floor guards
    against a regression (the targets are the seeds'; the commit messages give the figures)."""
    figures = measured(DATA / folder, gold_file)
    assert figures.labelled >= 25
    assert min(figures.precision, figures.recall, figures.speakers_right) >= 0.75


@pytest.mark.parametrize(
    ("folder", "gold_file"),
    [
        (SEEDS, "quotes_gold.jsonl"),
        (DATA / "heldout", "quotes_heldout_gold.jsonl"),
        (DATA / "heldout2", "quotes_heldout2_gold.jsonl"),
        (DATA / "heldout3", "quotes_heldout3_gold.jsonl"),
    ],
    ids=["seeds", "heldout", "heldout2", "heldout3"],
)
def test_every_label_stands_in_its_article(folder: Path, gold_file: str):
    for label in read_jsonl(DATA / gold_file):
        text = (folder / f"{label['id']}.txt").read_text(encoding="utf-8")
        assert label["quote"] in text
        assert label["speaker_kind"] in ("named", "pronoun", "description", None)
