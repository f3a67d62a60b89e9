"""The lede: the first sentence of the body, at most 200 characters, never invented (issue 10, item 4)."""

from __future__ import annotations

import json
import re

import pytest
from helpers import SEEDS, run
from hypothesis import given
from hypothesis import strategies as st

from corpus_cli.text.lede import LEDE_MAX_CHARS, lede
from corpus_cli.text.parser import parse

# Hand-labelled: a paragraph and the sentence a reader would call its first.
GOLD = [
    ("Mr. Smith went to Washington. He stayed.", "Mr. Smith went to Washington."),
    ("The U.S. border closed at 9 a.m. on Monday. Trucks waited.", "The U.S. border closed at 9 a.m. on Monday."),
    ("Sen. Jane Q. Doe (D-Calif.) voted no. Others did not.", "Sen. Jane Q. Doe (D-Calif.) voted no."),
    ("Is it over? Nobody knows.", "Is it over?"),
    ("He said: “We will not stop.” Then he left.", "He said: “We will not stop.”"),
    ("Prices rose 2.5 percent in May. Rents rose too.", "Prices rose 2.5 percent in May."),
    ("No full stop at all", "No full stop at all"),
    ("Wow! That was fast.", "Wow!"),
    ("Dr. Who arrived... and left. Later", "Dr. Who arrived... and left."),
    ("The agency, known as ICE, acted. Critics objected.", "The agency, known as ICE, acted."),
]


@pytest.mark.parametrize(("paragraph", "expected"), GOLD)
def test_the_lede_is_the_first_sentence(paragraph: str, expected: str) -> None:
    assert lede((paragraph,)) == expected


def test_the_gold_set_is_all_right() -> None:
    """Precision and recall over the hand-labelled set: every lede exactly the labelled sentence."""
    right = sum(lede((paragraph,)) == expected for paragraph, expected in GOLD)
    assert right / len(GOLD) == 1.0


def test_a_credit_is_not_the_lede_and_an_empty_body_has_none() -> None:
    assert parse("(Headline USA) Top officials met. More.").lede == "Top officials met."
    assert parse("(AP)\n\nThe vote failed. Again.").lede == "The vote failed."
    assert parse(" date 2024-01-02 (Reuters) Markets fell. Then rose.").lede == "Markets fell."
    assert parse("").lede is None
    assert parse("A headline\n\nRead the original article here").lede is None
    assert lede(()) is None


def test_a_long_first_sentence_is_cut_at_a_word_within_200_characters() -> None:
    sentence = " ".join(["word"] * 80) + "."
    cut = lede((sentence,))
    assert cut is not None and len(cut) <= LEDE_MAX_CHARS
    assert sentence.startswith(cut) and sentence[len(cut)] == " "


@given(st.text())
def test_a_lede_is_always_a_piece_of_the_text_within_the_limit(text: str) -> None:
    found = parse(text).lede
    assert found is None or (0 < len(found) <= LEDE_MAX_CHARS and found in text and found == found.strip())


def first_sentence_by_the_rule(text: str) -> str:
    """The module docstring's rule, written out with the whole text before each full stop."""
    for end in re.finditer(r"[.!?…]+[\"'’”)\]]*(?=\s|\Z)", text):
        following = text[end.end() :].lstrip()
        if following[:1].islower():
            continue
        word = re.search(r"(\w+)\.[\"'’”)\]]*$", text[: end.end()])
        letters = word.group(1) if word else ""
        abbreviated = (len(letters) == 1 and letters.isalpha()) or letters.lower() in ("mr", "sen", "jan", "st")
        if end.group().startswith(".") and abbreviated:
            continue
        return text[: end.end()]
    return text


pieces = st.sampled_from(
    ["Mr.", "Sen.", "U.", "S.", "Jan.", "St.", "x" * 40 + "Mr.", "Smith", "the", "vote", ".", "!", "”", " ", " ", "a.m."]
)


@given(st.lists(pieces, max_size=40).map("".join))
def test_the_word_before_a_full_stop_is_read_whole_however_long(text: str) -> None:
    text = text.strip()
    expected = first_sentence_by_the_rule(text)
    if text and len(expected) <= LEDE_MAX_CHARS:
        assert lede((text,)) == expected


def records(*args: str) -> list[dict]:
    result = run(*args, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_list_and_show_give_the_lede_of_each_seed() -> None:
    listed = {record["id"]: record for record in records("list")}
    shown = {record["id"]: record for record in records("show", *listed)}
    for doc_id, record in listed.items():
        assert record["lede"] == shown[doc_id]["lede"]
        body = shown[doc_id]["body"]
        assert record["lede"] and record["lede"] in body and len(record["lede"]) <= LEDE_MAX_CHARS
    seed = "001_487be5ddedc07bcd"
    assert listed[seed]["lede"] == (
        "Top Biden administration officials leading Immigration and Customs Enforcement met this week "
        "with a leftist organization that has called for the abolition of the agency."
    )
    assert (SEEDS / f"{seed}.txt").read_text(encoding="utf-8").count(listed[seed]["lede"]) == 1


def test_lede_is_a_fields_choice() -> None:
    rows = records("list", "--fields", "id,lede")
    assert rows and all(list(row) == ["id", "lede"] for row in rows)


def test_the_table_shows_the_lede_where_there_is_no_title() -> None:
    table = run("list", "--format", "table", env={"COLUMNS": "300"}).stdout
    header = table.splitlines()[0]
    assert "lede" in header
    ledes = {record["id"]: record for record in records("list")}
    for doc_id, record in ledes.items():
        row = next(line for line in table.splitlines() if line.startswith(doc_id))
        shown = record["title"] or record["lede"]
        assert shown[:40] in row
