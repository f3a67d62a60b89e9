"""What the Spark job's executors run, without Spark: Arrow batches of files in, records and term
counts out, equal to what `corpus export --format parquet` and `corpus stats --term` give.

Also the job's command line where it fails before Spark starts: usage errors and a missing pyspark.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from helpers import SEEDS, run

from corpus_cli.analysis import trends
from corpus_cli.spark import cli
from corpus_cli.spark.batches import Naming, record_batches, term_count_batches, trends_from_sums

pa = pytest.importorskip("pyarrow")

ROOT_URI = "file:/data/news"


def file_batch(files: dict[str, bytes]) -> Any:
    """A batch as Spark's binaryFile source gives it: the files' URIs and bytes."""
    return pa.RecordBatch.from_pydict({"path": [f"{ROOT_URI}/{name}" for name in files], "content": list(files.values())})


def seed_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))}


def test_ids_are_stems_unless_two_files_share_one() -> None:
    naming = Naming(root=ROOT_URI + "/", shared_stems=frozenset({"b"}))
    assert naming.source(f"{ROOT_URI}/x/a.txt").id == "a"
    assert naming.source(f"{ROOT_URI}/x/b.txt").id == "x/b"
    assert naming.source(f"{ROOT_URI}/y/b.TXT").id == "y/b.TXT"  # as discover names b.txt and b.TXT apart
    assert naming.source(f"{ROOT_URI}/x/a.txt").path == "x/a.txt"
    with pytest.raises(ValueError):
        naming.relative("file:/elsewhere/a.txt")


def test_records_equal_the_jsonl_export_and_binary_files_are_skipped() -> None:
    skipped: list[str] = []
    files = {**seed_files(), "zz_binary.txt": b"\x00\x01binary"}
    half = len(files) // 2
    batches = [file_batch(dict(list(files.items())[:half])), file_batch(dict(list(files.items())[half:]))]
    rows = [row for batch in record_batches(batches, Naming(ROOT_URI), skipped.append, rows=2) for row in batch.to_pylist()]
    for row in rows:
        row["date"] = row["date"] and row["date"].isoformat()
    expected = [json.loads(line) for line in run("export", "--format", "jsonl").stdout.splitlines()]
    assert rows == expected
    assert skipped == ["zz_binary.txt"]


@pytest.mark.parametrize("by", [None, "month", "year", "week", "day", "doc", "credit"])
def test_term_counts_of_separate_batches_add_up_to_corpus_stats(by: str | None) -> None:
    terms = ["ICE", "border wall", "Biden's"]
    wanted = trends.wanted_families(terms)
    files = list(seed_files().items())
    batches = [file_batch(dict(files[:2])), file_batch(dict(files[2:]))]
    sums: dict[tuple[str | None, str], list[int]] = {}
    for batch in term_count_batches(batches, Naming(ROOT_URI), wanted, by):
        for row in batch.to_pylist():
            total = sums.setdefault((row["group"], row["term"]), [0, 0, 0, 0])
            for i, name in enumerate(("count", "doc_freq", "documents", "words")):
                total[i] += row[name]
    rows = list(trends.trend_rows(trends_from_sums((group, term, *total) for (group, term), total in sums.items()), wanted, by))
    args = [arg for term in terms for arg in ("--term", term)] + (["--by", by] if by else [])
    expected = [json.loads(line) for line in run("stats", *args, "--format", "jsonl").stdout.splitlines()]
    assert rows == expected and any(row["count"] for row in rows)


def test_no_documents_still_give_one_row_a_term_when_not_grouped() -> None:
    rows = list(trends.trend_rows(trends_from_sums([]), trends.wanted_families(["ice"]), None))
    assert rows == [{"term": "ice", "count": 0, "doc_freq": 0, "documents": 0, "words": 0, "per_10k": None}]


def test_without_pyspark_one_line_names_the_install_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    assert cli.main(["stats", str(SEEDS), "--term", "ice"]) == 2
    assert capsys.readouterr().err == f"corpus: error: the Spark job needs pyspark, which is not installed: {cli.INSTALL_HINT}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: action"),
        (["export", "in"], "the following arguments are required: output"),
        (["stats", "in"], "the following arguments are required: --term"),
        (["export", "in", "out", "--shard-rows", "0"], "argument --shard-rows: 0 is not 1 or more"),
        (["stats", "in", "--term", "x", "--by", "fortnight"], "argument --by: invalid choice: 'fortnight'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"corpus: error: {message}")


def test_a_term_without_a_word_is_refused_before_spark_starts(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["stats", str(SEEDS), "--term", "..."]) == 2
    assert capsys.readouterr().err == "corpus: error: --term '...' holds no word to count\n"


def test_the_help_shows_examples_for_both_actions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "python -m corpus_cli.spark export" in out and "python -m corpus_cli.spark stats" in out and "spark-submit" in out
