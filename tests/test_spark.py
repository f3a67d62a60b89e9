"""The Spark job in local mode (local[2]) gives the records `corpus` gives, row for row.

Slow: one Spark session for the module (about 10 s to start) and a job per test, plus one run of
`python -m corpus_cli.spark` in a process of its own. Skipped without pyspark or Java; `.ci/run`
installs both.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, generated_corpus, run

from corpus_cli.spark import cli

pytestmark = pytest.mark.slow
pyspark = pytest.importorskip("pyspark")
pq = pytest.importorskip("pyarrow.parquet")
if shutil.which("java") is None:
    pytest.skip("no Java (the Spark job needs Java 17 or newer; .ci/run installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The JVM keeps the working folder it starts in: a scratch one, never the repository.
    started_in = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("spark-jvm"))

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # the loopback only, never the network
    session = (
        SparkSession.builder.master("local[2]")
        .appName("corpus tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.files.openCostInBytes", str(64 * 1024))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")  # several batches a task
        .getOrCreate()
    )
    os.chdir(started_in)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus in sub-folders, plus a shared file name, upper-case .TXT, Windows-1252,
    UTF-16, a binary file and an impossible date."""
    corpus = generated_corpus(tmp_path_factory.mktemp("generated") / "corpus", 0.3)
    extra = corpus / "extra"
    extra.mkdir(exist_ok=True)
    first = next(corpus.glob("000/*.txt"))
    (extra / first.name).write_bytes(b" date 2023-07-04 The same name, another file.\n")
    (extra / "LOUD.TXT").write_bytes(b"Shouted headline\n\nA body in a file named in capitals.\n")
    (extra / "latin.txt").write_bytes("Café, “quoted”, in Windows-1252.\n".encode("cp1252"))
    (extra / "wide.txt").write_bytes("\ufeff date 2022-02-02 UTF-16 text.\n".encode("utf-16-le"))
    (extra / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (extra / "leap.txt").write_bytes(b" date 2023-02-29 Not a day.\n")
    return corpus


def cli_rows(corpus: Path) -> list[dict[str, Any]]:
    result = run("export", "--corpus", str(corpus), "--format", "parquet", "-o", "cli.parquet", "--force")
    assert result.exit_code == 0, result.stderr
    return pq.read_table("cli.parquet").to_pylist()


def spark_export(*args: str) -> Path:
    assert cli.main(["export", *args]) == 0
    return Path(args[1])


def spark_stats(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> list[dict[str, Any]]:
    capsysbinary.readouterr()
    assert cli.main(["stats", *args]) == 0
    return [json.loads(line) for line in io.BytesIO(capsysbinary.readouterr().out)]


def shards(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet"))


def test_the_seeds_export_equals_corpus_export_row_for_row_with_the_same_schema(spark: Any) -> None:
    folder = spark_export(str(SEEDS), "spark.parquet")
    expected = cli_rows(SEEDS)
    assert sorted(pq.read_table(folder).to_pylist(), key=lambda row: row["id"]) == expected
    written = pq.read_schema(shards(folder)[0]).remove_metadata()
    assert written == pq.read_schema("cli.parquet/part-00000.parquet").remove_metadata()
    assert (folder / "_SUCCESS").exists()


def test_a_generated_corpus_sorted_and_sharded_equals_corpus_export(spark: Any, awkward: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = spark_export(str(awkward), "spark.parquet", "--sort", "--shard-rows", "10")
    assert capsys.readouterr().err == "corpus: warning: 1 binary file(s) (NUL byte in the first 8 KB) skipped\n"
    rows = [row for shard in shards(folder) for row in pq.read_table(shard).to_pylist()]
    expected = cli_rows(awkward)
    assert rows == expected  # in id order across the files
    assert all(pq.read_metadata(shard).num_rows <= 10 for shard in shards(folder))
    ids = {row["id"] for row in rows}
    assert {"LOUD", "latin", "wide", "leap"} <= ids and any(row_id.startswith("extra/") for row_id in ids)
    assert {row["encoding"] for row in rows} >= {"windows-1252", "utf-16-le", "utf-8"}
    assert any(row["date"] == dt.date(2023, 7, 4) for row in rows)


@pytest.mark.parametrize("by", ["month", None, "credit"])
def test_term_statistics_equal_corpus_stats(spark: Any, awkward: Path, capsysbinary: pytest.CaptureFixture[bytes], by: str | None) -> None:
    options = ["--term", "ICE", "--term", "border", "--term", "White House"] + (["--by", by] if by else [])
    rows = spark_stats(capsysbinary, str(awkward), *options)
    result = run("stats", "--corpus", str(awkward), *options, "--format", "jsonl")
    assert rows == [json.loads(line) for line in result.stdout.splitlines()]
    assert sum(row["count"] for row in rows) > 0


def test_a_corpus_yaml_overlay_gives_dates_and_titles(spark: Any, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    corpus = tmp_path / "overlaid"
    shutil.copytree(SEEDS, corpus)
    config = corpus / "corpus.yaml"
    config.write_text("documents:\n  002_8558860120d3c356: {date: 2023-12-01, title: Set here, tags: [a, b]}\n", encoding="utf-8")
    folder = spark_export(str(corpus), "overlaid.parquet", "--config", str(config))
    assert sorted(pq.read_table(folder).to_pylist(), key=lambda row: row["id"]) == cli_rows(corpus)
    options = ["--term", "deport", "--by", "month"]
    result = run("stats", "--corpus", str(corpus), *options, "--format", "jsonl")
    expected = [json.loads(line) for line in result.stdout.splitlines()]
    assert spark_stats(capsysbinary, str(corpus), *options, "--config", str(config)) == expected


def test_an_existing_output_is_kept_without_force_and_a_stranger_folder_even_with_it(
    spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    spark_export(str(SEEDS), "out.parquet")
    capsys.readouterr()
    assert cli.main(["export", str(SEEDS), "out.parquet"]) == 2
    assert capsys.readouterr().err == "corpus: error: out.parquet already exists; use --force to overwrite it\n"
    assert cli.main(["export", str(SEEDS), "out.parquet", "--force"]) == 0
    Path("mine").mkdir()
    (Path("mine") / "notes.txt").write_text("keep me")
    assert cli.main(["export", str(SEEDS), "mine", "--force"]) == 2
    assert "mine is not a Parquet export (it holds 'notes.txt')" in capsys.readouterr().err
    assert (Path("mine") / "notes.txt").read_text() == "keep me"


def test_a_missing_input_is_one_error_line(spark: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["stats", "no/such/folder", "--term", "ice"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("corpus: error: ") and "no/such/folder" in err


def test_python_dash_m_runs_the_job_in_a_process_of_its_own(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "corpus_cli.spark", "stats", str(SEEDS), "--term", "ice", "--by", "year", "--master", "local[1]"]
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    expected = run("stats", "--term", "ice", "--by", "year", "--format", "jsonl").stdout
    assert result.stdout == expected
