"""Every record writer gives back any text it was given: JSON Lines, JSON, YAML, CSV and TSV,
read by the parser a user would read them with (json, yaml.safe_load, Python's csv)."""

from __future__ import annotations

import csv
import io
import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

from corpus_cli.grep.spec import COUNT_FIELDS
from corpus_cli.output.terminal import write_text
from corpus_cli.output.writers import FORMULA_PREFIXES, RecordWriter, count_line

FIELDS = ("id", "title", "body")
# Any text, and text made of the characters that break line-based readers most often.
awkward = st.text(alphabet="a,\t\"'=\r\n\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e\x00 ")
texts = st.one_of(st.text(), awkward)
records = st.lists(st.fixed_dictionaries({name: texts for name in FIELDS}), max_size=4)


def written(format: str, rows: list[dict[str, str]]) -> str:
    stream = io.BytesIO()
    with RecordWriter(format, FIELDS, stream) as writer:
        writer.write_all(rows)
    return stream.getvalue().decode("utf-8")


def unguard(cell: str) -> str:
    """A cell as it was before the formula guard put a ' before it."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES) else cell


@given(records)
def test_json_lines_round_trip(rows: list[dict[str, str]]) -> None:
    assert [json.loads(line) for line in written("jsonl", rows).split("\n") if line] == rows


@given(records)
def test_json_round_trip(rows: list[dict[str, str]]) -> None:
    assert json.loads(written("json", rows)) == rows


@given(records)
def test_yaml_round_trip(rows: list[dict[str, str]]) -> None:
    assert yaml.safe_load(written("yaml", rows)) == rows


@given(records)
def test_csv_and_tsv_round_trip(rows: list[dict[str, str]]) -> None:
    for format, delimiter in (("csv", ","), ("tsv", "\t")):
        read = list(csv.reader(io.StringIO(written(format, rows), newline=""), delimiter=delimiter))
        assert read[0] == list(FIELDS)
        assert [dict(zip(FIELDS, map(unguard, row))) for row in read[1:]] == rows


def test_a_bare_carriage_return_is_quoted_in_csv_and_tsv() -> None:
    for format, delimiter in (("csv", ","), ("tsv", "\t")):
        text = written(format, [{"id": "a", "title": "one\rtwo", "body": "x"}])
        assert list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1] == ["a", "one\rtwo", "x"]


def test_json_keeps_unicode_line_separators_inside_strings() -> None:
    text = written("json", [{"id": "a", "title": "one\u2028two\u2029three\u0085four", "body": ""}])
    assert json.loads(text)[0]["title"] == "one\u2028two\u2029three\u0085four"


values = st.one_of(texts, st.none(), st.integers(), st.floats(allow_nan=False), st.lists(texts, max_size=3))


def json_lines_with_large_values_from(large: int, rows: list[dict[str, object]]) -> str:
    """`written` JSON Lines, a string longer than `large` characters sending a record down the
    value-at-a-time way."""
    from corpus_cli.output import writers

    original = writers.LARGE_VALUE_CHARS
    writers.LARGE_VALUE_CHARS = large
    try:
        return written("jsonl", rows)  # type: ignore[arg-type]
    finally:
        writers.LARGE_VALUE_CHARS = original


@given(st.lists(st.fixed_dictionaries({name: values for name in FIELDS}), max_size=3), st.integers(0, 8))
def test_json_lines_of_records_with_long_values_are_the_same_lines(rows: list[dict[str, object]], large: int) -> None:
    """A record with a string past LARGE_VALUE_CHARS is written a value at a time: the same bytes."""
    expected = "".join(json.dumps({name: row[name] for name in FIELDS}, ensure_ascii=False) + "\n" for row in rows)
    assert json_lines_with_large_values_from(large, rows) == expected


@given(st.lists(st.dictionaries(st.sampled_from((*FIELDS, "extra")), values, max_size=4), max_size=3), st.integers(0, 8))
def test_json_lines_write_the_fields_in_order_whatever_the_record_holds(rows: list[dict[str, object]], large: int) -> None:
    """A record may hold its keys in another order, miss some or have others: the line holds the
    writer's fields, in order, a missing one null, by either way of writing it."""
    expected = "".join(json.dumps({name: row.get(name) for name in FIELDS}, ensure_ascii=False) + "\n" for row in rows)
    assert json_lines_with_large_values_from(large, rows) == expected


@given(texts, texts, st.integers(min_value=0))
def test_grep_counts_line_is_the_json_lines_writers_line(doc_id: str, path: str, count: int) -> None:
    stream = io.BytesIO()
    with RecordWriter("jsonl", COUNT_FIELDS, stream) as writer:
        writer.write({"id": doc_id, "path": path, "count": count})
    line = io.BytesIO()
    write_text(count_line(doc_id, path, count), line)
    assert line.getvalue() == stream.getvalue()
