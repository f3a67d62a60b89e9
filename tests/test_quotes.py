"""`corpus quotes` through the entry point, and properties of the extractor on any text."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, run
from hypothesis import given
from hypothesis import strategies as st
from test_schemas import assert_records_conform

from corpus_cli.analysis.quotes import quotation_records
from corpus_cli.text.parser import parse
from corpus_cli.text.tokens import count_words


def records(*args: str, input: str | None = None) -> list[dict[str, Any]]:
    result = run("quotes", *args, "--format", "jsonl", input=input)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def corpus_of(folder: Path, **articles: str) -> Path:
    folder.mkdir()
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_records_conform_to_the_schema_and_point_into_the_text():
    found = assert_records_conform(run("quotes", "--corpus", str(SEEDS), "--format", "jsonl", "--no-stdin").stdout, "quote")
    texts = {path.stem: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    for record in found:
        assert record["quote"].startswith(texts[record["id"]][record["start"] : record["end"]])


def test_speaker_glob_keeps_only_that_speaker_ignoring_case():
    everything = records("--corpus", str(SEEDS), "--no-stdin")
    mayorkas = records("--corpus", str(SEEDS), "--no-stdin", "--speaker", "*mayorkas")
    assert mayorkas == [record for record in everything if (record["speaker"] or "").endswith("Mayorkas")]
    assert mayorkas and {record["speaker"] for record in mayorkas} == {"Alejandro Mayorkas"}


def test_by_speaker_counts_quotes_words_and_documents_as_a_recount_of_the_records():
    everything = records("--corpus", str(SEEDS), "--no-stdin")
    expected: dict[str | None, list[Any]] = defaultdict(lambda: [0, 0, set()])
    for record in everything:
        row = expected[record["speaker"]]
        row[0] += 1
        row[1] += count_words(record["quote"])
        row[2].add(record["id"])
    rows = records("--corpus", str(SEEDS), "--no-stdin", "--by", "speaker")
    assert {row["speaker"]: [row["quotes"], row["words"], row["documents"]] for row in rows} == {
        speaker: [quotes, words, len(ids)] for speaker, (quotes, words, ids) in expected.items()
    }
    assert [row["quotes"] for row in rows if row["speaker"]] == sorted((row["quotes"] for row in rows if row["speaker"]), reverse=True)
    assert_records_conform("\n".join(json.dumps(row) for row in rows), "quote-speaker")


def test_records_on_stdin_select_the_documents():
    found = records("--corpus", str(SEEDS), "--stdin", input=json.dumps({"id": "003_4e5a870071d63da7"}) + "\n")
    assert found and {record["id"] for record in found} == {"003_4e5a870071d63da7"}
    assert records("--corpus", str(SEEDS), "--stdin", input="") == []


def test_a_quote_over_paragraphs_is_one_record_and_an_interrupted_quote_two_with_one_speaker(tmp_path: Path):
    text = (
        'Council news\n\nMayor Jane Doe spoke on Monday.\n\n"We will open the pool in June. It has taken years\n\n'
        '"and we thank everyone who helped," Ms Doe said.\n\n"The rates," she said, "will not rise this year."\n\n'
        'Residents called the plan "visionary".\n'
    )
    found = records("--corpus", str(corpus_of(tmp_path / "c", a=text)), "--no-stdin")
    assert [(record["quote"], record["speaker"], record["speaker_kind"], record["paragraph"]) for record in found] == [
        ("We will open the pool in June. It has taken years and we thank everyone who helped,", "Jane Doe", "named", 2),
        ("The rates,", "Jane Doe", "pronoun", 4),
        ("will not rise this year.", "Jane Doe", "pronoun", 4),
    ]
    assert text[found[0]["start"] : found[0]["end"]] == "We will open the pool in June. It has taken years"


def test_a_table_on_a_terminal_names_the_columns(tmp_path: Path):
    result = run("quotes", "--corpus", str(SEEDS), "--no-stdin", "--format", "table")
    assert result.exit_code == 0
    assert result.stdout.split()[:4] == ["id", "speaker", "cue", "quote"]


def test_an_empty_selection_is_valid_output():
    assert run("quotes", "--corpus", str(SEEDS), "--no-stdin", "--id", "none*", "--format", "json").stdout == "[]\n"


def test_a_bad_option_is_one_line_and_status_2():
    result = run("quotes", "--corpus", str(SEEDS), "--by", "paragraph")
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error:") and len(result.stderr.splitlines()) == 1


PIECES = st.sampled_from(
    ['"', "“", "”", "‘", "’", "'", "\n", "\n\n", " ", ",", ".", " said ", " he ", "Smith", "Mr Lee", "(RELATED: x)", "a b c d"]
)


@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join))
def test_the_extractor_never_raises_and_its_offsets_hold(text: str):
    article = parse(text)
    found = list(quotation_records("x", None, text, article.paragraphs))
    previous_end = -1
    for record in found:
        assert record["quote"].startswith(text[record["start"] : record["end"]])
        assert record["end"] > record["start"] > previous_end, "quotations overlap or go backwards"
        previous_end = record["end"]
        assert record["speaker_kind"] in ("named", "pronoun", "description", None)
        assert (record["speaker"] is None) == (record["speaker_kind"] is None) or record["speaker_kind"] == "pronoun"


@pytest.mark.parametrize(
    ("text", "speaker", "kind"),
    [
        ('"We will win the seat back," said Mr Howard.', "Howard", "named"),
        ('Senator Jane Roe spoke. "We will win the seat back," she told reporters.', "Jane Roe", "pronoun"),
        ('"We will win the seat back," a party spokeswoman said.', "a party spokeswoman", "description"),
        ('According to the Daily Bugle, "the seat is lost for good this time."', "Daily Bugle", "named"),
        ('Trade grew in the United States, "by a record amount this year," figures show.', None, None),
        ('Nobody knows. "It could go either way now," he said.', None, "pronoun"),
    ],
    ids=["said-name", "pronoun", "description", "according-to", "states-is-no-cue", "pronoun-unresolved"],
)
def test_attribution_shapes(text: str, speaker: str | None, kind: str | None):
    [record] = quotation_records("x", None, text, parse(text).paragraphs)
    assert (record["speaker"], record["speaker_kind"]) == (speaker, kind)


name_pieces = st.sampled_from(
    [
        "Sen. Ann Lee",
        "Bob Marsh",
        "she",
        "He",
        " said",
        " spoke",
        " was",
        " “We go,” ",
        '"Yes." ',
        ". ",
        "! ",
        "\n",
        "\n\n",
        " the",
        "It",
        ", ",
    ]
)


@given(st.lists(name_pieces, max_size=30).map("".join), st.data())
def test_the_last_sentence_subject_before_a_place_is_that_of_the_text_cut_there(text: str, data: st.DataObject) -> None:
    """`SentenceSubjects.last_before`, which reads each sentence once, against the subjects of the
    sentences of the slice, which a pronoun's attribution used to read whole each time."""
    from corpus_cli.analysis.speakers import SENTENCE, SentenceSubjects, _subject_at

    def sentence_subjects(sliced: str) -> list[tuple[int, str]]:
        return [found for sentence in SENTENCE.finditer(sliced) if (found := _subject_at(sentence.group(0), sentence.start())) is not None]

    subjects = SentenceSubjects(text)
    for start in data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=3)):
        for end in data.draw(st.lists(st.integers(start, len(text)), min_size=1, max_size=4)):
            sliced = sentence_subjects(text[start:end])
            expected = (start + sliced[-1][0], sliced[-1][1]) if sliced else None
            assert subjects.last_before(start, end) == expected
