"""`corpus stats` through the command line, checked against `list` and `show` on the seeds."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from pathlib import Path

import pytest
import yaml
from helpers import run

from corpus_cli.analysis import stats
from corpus_cli.text.tokens import default_stopwords


def jsonl(*args: str, input: str | None = None) -> list[dict]:
    result = run(*args, "--format", "jsonl", input=input)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def listed() -> list[dict]:
    return jsonl("list")


def counted_text() -> dict[str, list[str]]:
    """Each seed's headline and paragraphs, the text stats counts, from `show`."""
    ids = [record["id"] for record in listed()]
    return {r["id"]: ([r["title"]] if r["title_source"] == "headline" else []) + r["paragraphs"] for r in jsonl("show", *ids)}


def uses(term: str, texts: list[str]) -> int:
    """Uses of a word or phrase, any case, possessive or not ("ICE’s"), not inside a longer word
    ("anti-border"): a count independent of the tokenizer's, with anything but letters and digits
    between words, within one headline or paragraph."""
    words = r"[\W_]+".join(map(re.escape, term.split()))
    pattern = rf"(?<![^\W_])(?<![^\W_]['’\-]){words}(?:['’][sS])?(?![^\W_])(?!['’\-][^\W_])"
    return sum(len(re.findall(pattern, text, re.IGNORECASE)) for text in texts)


def test_the_summary_agrees_with_list() -> None:
    (summary,) = jsonl("stats")
    records = listed()
    words = [r["words"] for r in records]
    dates = sorted(r["date"] for r in records if r["date"])
    assert tuple(summary) == stats.MEASURE_FIELDS
    assert summary["documents"] == len(records)
    assert (summary["dated"], summary["undated"]) == (len(dates), len(records) - len(dates))
    assert (summary["first_date"], summary["last_date"]) == (dates[0], dates[-1])
    assert (summary["words"], summary["words_min"], summary["words_max"]) == (sum(words), min(words), max(words))
    assert summary["words_median"] == statistics.median(words)
    assert summary["words_mean"] == round(sum(words) / len(words), 2)
    assert summary["chars"] == sum(r["chars"] for r in records)
    assert summary["paragraphs"] == sum(len(r["paragraphs"]) for r in jsonl("show", *(r["id"] for r in records)))


def test_the_summary_is_one_object_in_json_and_yaml_and_a_row_in_csv() -> None:
    (expected,) = jsonl("stats")
    assert json.loads(run("stats", "--format", "json").stdout) == expected
    assert yaml.safe_load(run("stats", "--format", "yaml").stdout) == expected
    rows = list(csv.DictReader(io.StringIO(run("stats", "--format", "csv").stdout)))
    assert len(rows) == 1 and rows[0]["documents"] == str(expected["documents"])
    table = run("stats", "--format", "table").stdout
    assert re.search(rf"^words\s+{expected['words']}$", table, re.MULTILINE)


def test_an_empty_selection_has_zero_counts_and_null_measures() -> None:
    (summary,) = jsonl("stats", "--stdin", input="")
    assert (summary["documents"], summary["words"], summary["distinct_terms"]) == (0, 0, 0)
    assert summary["words_mean"] is None and summary["first_date"] is None


def test_by_doc_gives_each_documents_words_as_list_does() -> None:
    rows = jsonl("stats", "--by", "doc")
    assert [(row["id"], row["words"], row["chars"]) for row in rows] == [(r["id"], r["words"], r["chars"]) for r in listed()]
    assert sum(row["words"] for row in rows) == jsonl("stats")[0]["words"]


@pytest.mark.parametrize(("by", "key"), [("year", lambda r: r["date"] and r["date"][:4]), ("month", lambda r: r["date"] and r["date"][:7])])
def test_by_date_keeps_undated_documents_in_their_own_last_group(by: str, key) -> None:
    rows = jsonl("stats", "--by", by)
    expected: dict = {}
    for record in listed():
        expected.setdefault(key(record) or None, []).append(record["words"])
    assert [row[by] for row in rows] == [*sorted(k for k in expected if k), None]
    assert {row[by]: (row["documents"], row["words"]) for row in rows} == {k: (len(v), sum(v)) for k, v in expected.items()}
    assert rows[-1]["undated"] == rows[-1]["documents"] and rows[-1]["first_date"] is None


@pytest.mark.parametrize(("date", "week"), [("2024-12-30", "2025-W01"), ("0001-01-01", "0001-W01"), ("0999-06-15", "0999-W24")])
def test_weeks_are_iso_weeks_with_a_four_digit_year(date: str, week: str) -> None:
    from corpus_cli.analysis.stats import iso_week

    assert iso_week(date) == week


def test_by_credit_and_a_table_that_names_the_group_without_one() -> None:
    rows = jsonl("stats", "--by", "credit")
    credits = [r["credit"] for r in listed()]
    assert {row["credit"]: row["documents"] for row in rows} == {c: credits.count(c) for c in set(credits)}
    assert "(no credit)" in run("stats", "--by", "credit", "--format", "table", env={"COLUMNS": "100"}).stdout


def test_a_date_bound_leaves_undated_documents_out() -> None:
    rows = jsonl("stats", "--by", "year", "--since", "2024")
    assert [row["year"] for row in rows] == ["2024"]


def test_stdin_records_select_the_documents() -> None:
    picked = run("list", "--id", "00[01]*", "--format", "jsonl").stdout
    (summary,) = jsonl("stats", "--stdin", input=picked)
    assert summary["documents"] == 2
    assert summary["words"] == sum(r["words"] for r in map(json.loads, picked.splitlines()))


def test_top_terms_leave_out_stopwords_and_count_as_an_independent_count_does() -> None:
    rows = jsonl("stats", "--top", "15")
    text = counted_text()
    assert [row["rank"] for row in rows] == list(range(1, 16))
    assert [row["count"] for row in rows] == sorted((row["count"] for row in rows), reverse=True)
    assert not {row["term"] for row in rows} & default_stopwords()
    for row in rows:
        assert row["count"] == sum(uses(row["term"], t) for t in text.values())
        assert row["doc_freq"] == sum(1 for t in text.values() if uses(row["term"], t))


def test_no_stopwords_counts_every_word_and_a_file_replaces_the_list(tmp_path: Path) -> None:
    text = [segment for segments in counted_text().values() for segment in segments]
    assert jsonl("stats", "--top", "1", "--no-stopwords")[0] == {
        "rank": 1,
        "term": "the",
        "count": uses("the", text),
        "doc_freq": len(listed()),
    }
    stoplist = tmp_path / "stop.txt"
    stoplist.write_text("# mine\nthe\nICE\n", encoding="utf-8")
    terms = [row["term"] for row in jsonl("stats", "--top", "10", "--stopwords", str(stoplist))]
    assert "the" not in terms and "ice" not in terms and "of" in terms


def test_ngrams_are_phrases_that_neither_begin_nor_end_with_a_stopword() -> None:
    rows = jsonl("stats", "--top", "10", "--ngram", "2")
    text = [segment for segments in counted_text().values() for segment in segments]
    for row in rows:
        first, last = row["term"].split(" ")
        assert first not in default_stopwords() and last not in default_stopwords()
        assert row["count"] == uses(row["term"], text)


def test_term_trends_give_counts_and_rates_per_period_for_every_term() -> None:
    rows = jsonl("stats", "--term", "ICE", "--term", "Homeland Security", "--term", "ice", "--by", "year")
    by_year: dict = {}
    text = counted_text()
    for record in listed():
        by_year.setdefault(record["date"] and record["date"][:4], []).append(record)
    assert [(row["year"], row["term"]) for row in rows] == [(y, t) for y in ("2024", None) for t in ("ice", "homeland security")]
    for row in rows:
        group = by_year[row["year"]]
        count = sum(uses(row["term"], text[r["id"]]) for r in group)
        words = sum(r["words"] for r in group)
        assert (row["count"], row["documents"], row["words"]) == (count, len(group), words)
        assert row["per_10k"] == round(count * 10_000 / words, 2)
    assert any(row["count"] for row in rows)


def test_a_term_without_by_is_one_row_over_everything_even_for_no_documents() -> None:
    assert jsonl("stats", "--term", "ICE", "--stdin", input="") == [
        {"term": "ice", "count": 0, "doc_freq": 0, "documents": 0, "words": 0, "per_10k": None}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--term", "ICE", "--top", "3"), "--term and --top (or --ngram) answer different questions"),
        (("--term", "ICE", "--ngram", "2"), "--term and --top (or --ngram) answer different questions"),
        (("--no-stopwords",), "--stopwords and --no-stopwords go with --top N"),
        (("--top", "3", "--no-stopwords", "--stopwords", "/dev/null"), "not both"),
        (("--term", "!!!"), "holds no word to count"),
        (("--top", "0"), "0 is not in the range x>=1"),
        (("--by", "fortnight"), "'fortnight' is not one of"),
    ],
)
def test_bad_usage_is_one_error_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run("stats", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("corpus: error: ") and message in result.stderr and result.stderr.count("\n") == 1


def test_a_stopword_file_that_is_not_text_is_one_error_line(tmp_path: Path) -> None:
    stoplist = tmp_path / "stop.txt"
    stoplist.write_bytes(b"\xff\xfe\x00bad")
    result = run("stats", "--top", "3", "--stopwords", str(stoplist))
    assert (result.exit_code, result.stderr) == (2, f"corpus: error: {stoplist}: stopword list is not UTF-8 text\n")


STOPWORD_COMMANDS = [
    ("stats", "--top", "40"),
    ("collocates", "ICE"),
    ("keyness", "--id", "000*", "--negative", "--min-freq", "1", "--top", "999"),
]


@pytest.mark.parametrize("command", STOPWORD_COMMANDS, ids=lambda command: command[0])
def test_a_stopword_file_with_a_byte_order_mark_leaves_out_its_first_word(tmp_path: Path, command: tuple[str, ...]) -> None:
    """Notepad writes UTF-8 with a mark: it is not part of the first word."""
    plain, marked = tmp_path / "plain.txt", tmp_path / "marked.txt"
    plain.write_text("the\nof\n", encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    with_plain, with_marked = (run(*command, "--format", "jsonl", "--stopwords", str(path)) for path in (plain, marked))
    assert with_marked.exit_code == 0 and with_marked.stdout == with_plain.stdout
    assert '"the"' not in with_marked.stdout and '"the"' in run(*command, "--format", "jsonl", "--no-stopwords").stdout
