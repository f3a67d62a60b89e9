"""`corpus list` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import yaml
from helpers import SEEDS, run
from hypothesis import given
from hypothesis import strategies as st

from corpus_cli.text.document import SUMMARY_FIELDS

SEED_IDS = sorted(path.stem for path in SEEDS.glob("*.txt"))


def records(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_jsonl_is_the_default_when_piped_with_stable_keys():
    rows = records(run("list"))
    assert [row["id"] for row in rows] == SEED_IDS
    assert all(tuple(row) == SUMMARY_FIELDS for row in rows)


def test_fields_of_the_seeds():
    rows = {row["id"][:3]: row for row in records(run("list"))}
    assert (rows["000"]["date"], rows["001"]["date"], rows["002"]["date"]) == ("2024-01-25", "2024-03-15", None)
    assert rows["001"]["credit"] == "Headline USA"
    assert rows["002"]["byline"] == "Melissa Fine"
    assert rows["002"]["title"].startswith("In the face of growing criticism")
    assert rows["004"]["chars"] == len(next(SEEDS.glob("004_*")).read_text(encoding="utf-8"))


def test_since_and_until_are_inclusive_and_drop_undated():
    assert [row["id"][:3] for row in records(run("list", "--since", "2024-01-25"))] == ["000", "001"]
    assert [row["id"][:3] for row in records(run("list", "--until", "2024-02"))] == ["000"]
    assert [row["id"][:3] for row in records(run("list", "--since", "2024-03-16"))] == []


def test_id_glob():
    assert [row["id"][:3] for row in records(run("list", "--id", "00[24]*"))] == ["002", "004"]


def test_sort_reverse_limit_fields():
    rows = records(run("list", "--sort", "words", "--reverse", "--limit", "2", "--fields", "id,words"))
    assert rows == [{"id": "004_b26c48024a5263f5", "words": 767}, {"id": "002_8558860120d3c356", "words": 652}]  # U.S. thrice


def test_sort_by_date_puts_undated_last_either_way():
    forward = [row["id"][:3] for row in records(run("list", "--sort", "date", "--fields", "id"))]
    backward = [row["id"][:3] for row in records(run("list", "--sort", "date", "--reverse", "--fields", "id"))]
    assert forward == ["000", "001", "002", "003", "004"]
    assert backward == ["001", "000", "002", "003", "004"]


def test_json_round_trip_equals_jsonl():
    result = run("list", "--format", "json")
    assert json.loads(result.stdout) == records(run("list"))


def test_csv_and_tsv_round_trip():
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.DictReader(io.StringIO(run("list", "--format", fmt).stdout), delimiter=delimiter))
        assert [row["id"] for row in rows] == SEED_IDS
        assert rows[2]["title"].startswith("In the face")
        assert rows[0]["words"] == "307"


def test_yaml_round_trip():
    assert yaml.safe_load(run("list", "--format", "yaml").stdout) == records(run("list"))


def test_empty_results_are_valid_output():
    empty = ("--since", "2030")
    assert run("list", *empty, "--format", "json").stdout == "[]\n"
    assert run("list", *empty, "--format", "jsonl").stdout == ""
    assert run("list", *empty, "--format", "csv").stdout == ",".join(SUMMARY_FIELDS) + "\n"
    assert yaml.safe_load(run("list", *empty, "--format", "yaml").stdout) == []


@pytest.mark.parametrize("width", [50, 60, 80, 100])
def test_table_fits_the_width_given(width):
    result = run("list", "--format", "table", env={"COLUMNS": str(width)})
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "date", "words", "credit", "title/lede"]
    assert max(map(len, lines)) <= width
    assert "…" in result.stdout


def test_a_table_cuts_titles_before_ids():
    lines = run("list", "--format", "table", env={"COLUMNS": "70"}).stdout.splitlines()
    assert lines[4].startswith("002_8558860120d3c356 ")
    assert "In the fa" in lines[4] and "…" in lines[4]


def test_csv_cells_that_would_run_as_formulas_are_defused(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a_1.txt").write_text('=HYPERLINK("http://x")\n\nBody text here.\n', encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("list", "--format", "csv", "--corpus", str(tmp_path / "c")).stdout)))
    assert rows[0]["title"] == '\'=HYPERLINK("http://x")'


def test_ids_on_stdin_select_and_order():
    feed = '{"id": "003_4e5a870071d63da7"}\n\n{"id": "000_602cce6e2114fdb8", "line": 3}\n{"id": "003_4e5a870071d63da7"}\n'
    assert [row["id"][:3] for row in records(run("list", "--stdin", input=feed))] == ["003", "000"]


def test_a_byte_order_mark_on_stdin_is_ignored():
    feed = '\ufeff{"id": "003_4e5a870071d63da7"}\n'
    assert [row["id"][:3] for row in records(run("list", "--stdin", input=feed.encode()))] == ["003"]


def test_empty_stdin_selects_nothing():
    assert run("list", "--stdin", input="").stdout == ""


def test_bad_stdin_names_the_line():
    result = run("list", "--stdin", input='{"id": "000_602cce6e2114fdb8"}\nnot json\n')
    assert (result.exit_code, result.stderr) == (
        2,
        "corpus: error: stdin line 2: not a JSON record (Expecting value); expected JSON Lines with an id"
        " (stdin is read when it is a pipe or a file: add --no-stdin to ignore it)\n",
    )
    result = run("list", "--stdin", input='{"name": "x"}\n')
    assert result.exit_code == 2 and 'stdin line 1: record has no string "id"' in result.stderr
    result = run("list", "--stdin", input='{"id": "000_602cce6e2114fdb8"}\n{"id": "nope"}\n')
    assert result.exit_code == 2 and "stdin line 2: no document 'nope' in this corpus" in result.stderr


def test_bad_options_are_one_line_and_exit_2():
    for args, message in (
        (("--since", "2024-02-30"), "'2024-02-30' is not a real date"),
        (("--since", "soon"), "'soon' is not a date"),
        (("--fields", "id,colour"), "unknown field 'colour'"),
        (("--sort", "colour"), "'colour' is not one of"),
    ):
        result = run("list", *args)
        assert result.exit_code == 2
        assert result.stderr.startswith("corpus: error: ") and message in result.stderr
        assert len(result.stderr.splitlines()) == 1


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "words": st.one_of(st.none(), st.integers(0, 5)),
                "title": st.one_of(st.none(), st.text(max_size=3)),
                "tags": st.lists(st.text(max_size=2)),
            }
        ),
        max_size=12,
    ),
    st.sampled_from(["words", "title"]),
    st.booleans(),
)
def test_sorted_records_come_out_as_a_plain_sort_puts_them(rows: list[dict[str, Any]], key: str, reverse: bool) -> None:
    """Records kept packed while sorting come back equal, by key then id, those lacking the key last."""
    from corpus_cli.commands.list import sort_records

    records = [{"id": f"d{number:02d}", **row} for number, row in enumerate(rows)]
    present = sorted(
        (record for record in records if record[key] is not None), key=lambda record: (record[key], record["id"]), reverse=reverse
    )
    expected = present + [record for record in records if record[key] is None]
    assert list(sort_records(iter(records), key, reverse)) == expected
