"""`corpus export --format parquet`: typed shards that read back as the JSONL export, written atomically.

The reference is the JSONL export of the same corpus (every column of every row must equal its
key in the record), and for the text, the file's bytes decoded by the package's own `decode`.
pyarrow is an optional extra: these tests skip without it, except the one that checks what a
user without it is told.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, generated_corpus, run
from test_hostile import write_hostile_corpus

from corpus_cli.export import parquet
from corpus_cli.source.decode import BinaryFile, decode
from corpus_cli.text.document import FULL_FIELDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pq() -> Any:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet

    return pyarrow.parquet


def jsonl_records(*args: str) -> list[dict[str, Any]]:
    result = run("export", "--format", "jsonl", *args)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def parquet_rows(pq: Any, folder: Path) -> list[dict[str, Any]]:
    """The rows of every shard in name order, dates written back as JSON writes them."""
    rows = []
    for shard in sorted(folder.glob("*.parquet")):
        for row in pq.read_table(shard).to_pylist():
            row["date"] = row["date"].isoformat() if isinstance(row["date"], dt.date) else row["date"]
            rows.append(row)
    return rows


def export_parquet(*args: str, target: str = "out.parquet") -> Path:
    result = run("export", "--format", "parquet", "-o", target, *args)
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    return Path(target)


def test_seeds_read_back_equal_to_the_jsonl_export(pq: Any) -> None:
    folder = export_parquet()
    assert sorted(path.name for path in folder.iterdir()) == [".corpus-export", "part-00000.parquet"]  # the marker is hidden from readers
    rows = parquet_rows(pq, folder)
    assert rows == jsonl_records()
    assert all(list(row) == list(FULL_FIELDS) for row in rows)


def test_columns_are_typed_and_lists_are_lists_of_strings(pq: Any) -> None:
    schema = pq.read_schema(export_parquet() / "part-00000.parquet")
    types = {field.name: str(field.type) for field in schema}
    assert types["date"] == "date32[day]"
    assert types["words"] == types["chars"] == "int64"
    for name in ("tags", "paragraphs", "furniture", "warnings"):
        assert types[name].startswith("list<") and "string" in types[name]
    assert [field.name for field in schema if not field.nullable] == [c.name for c in parquet.COLUMNS if not c.nullable]
    metadata = pq.ParquetFile(export_parquet(target="again.parquet") / "part-00000.parquet").metadata
    assert {metadata.row_group(0).column(i).compression for i in range(metadata.num_columns)} == {"ZSTD"}


def test_a_generated_corpus_goes_into_shards_of_shard_rows_in_id_order(pq: Any, tmp_path: Path) -> None:
    corpus = generated_corpus(tmp_path / "generated", 0.2)
    records = jsonl_records("--corpus", str(corpus))
    folder = export_parquet("--corpus", str(corpus), "--shard-rows", "7")
    shards = sorted(folder.glob("*.parquet"))
    assert [path.name for path in shards] == [f"part-{n:05d}.parquet" for n in range(-(-len(records) // 7))]
    assert [pq.read_metadata(shard).num_rows for shard in shards[:-1]] == [7] * (len(shards) - 1)
    assert parquet_rows(pq, folder) == records
    assert len(records) > 20 and any(record["date"] is None for record in records)


@pytest.mark.slow  # a 5 MB line and twenty odd files: about 2 s
def test_the_hostile_corpus_keeps_every_column_and_the_text_exactly(pq: Any, tmp_path: Path) -> None:
    corpus = write_hostile_corpus(tmp_path / "hostile")
    records = jsonl_records("--corpus", str(corpus))
    rows = parquet_rows(pq, export_parquet("--corpus", str(corpus)))
    assert rows == records
    decoded = {}  # every regular file inside the corpus with a UTF-8 name, decoded unless binary
    for path in corpus.rglob("*.txt"):
        if path.is_file() and path.resolve().is_relative_to(corpus.resolve()) and str(path).isprintable():
            with contextlib.suppress(BinaryFile):
                decoded[path.relative_to(corpus).as_posix()] = decode(path.read_bytes()).text
    assert {row["path"]: row["text"] for row in rows} == decoded
    assert any("\x00" in row["text"] for row in rows) and any(len(row["text"]) >= 5_000_000 for row in rows)


def test_rows_from_worker_processes_are_regrouped_into_whole_row_groups(pq: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpus_cli.run import parallel

    # Two workers, tasks of 7 files sent as batches of 3 rows, row groups of 10, shards of 15: every
    # cut falls somewhere else, and --until leaves the undated documents out of their tasks.
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    monkeypatch.setattr(parquet, "FILES_PER_TASK", 7)
    monkeypatch.setattr(parquet, "CONVERT_ROWS", 3)
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 10)
    corpus = generated_corpus(tmp_path / "generated", 0.2)
    for selection in ((), ("--until", "2099")):
        records = jsonl_records("--corpus", str(corpus), *selection)
        folder = export_parquet("--corpus", str(corpus), "--shard-rows", "15", *selection, "--force")
        assert parquet_rows(pq, folder) == records
        cuts = sorted({*range(0, len(records), 10), *range(0, len(records), 15), len(records)})
        groups = [group for shard in sorted(folder.glob("*.parquet")) for group in row_group_rows(pq, shard)]
        assert groups == [end - start for start, end in itertools.pairwise(cuts)]


def row_group_rows(pq: Any, shard: Path) -> list[int]:
    metadata = pq.read_metadata(shard)
    return [metadata.row_group(number).num_rows for number in range(metadata.num_row_groups)]


def test_an_empty_selection_is_one_shard_with_the_schema_and_no_rows(pq: Any) -> None:
    result = run("export", "--stdin", "--format", "parquet", "-o", "empty.parquet", input="")
    assert result.exit_code == 0, result.stderr
    table = pq.read_table("empty.parquet/part-00000.parquet")
    assert table.num_rows == 0 and table.schema.names == list(FULL_FIELDS)


def test_an_existing_export_is_kept_without_force_and_replaced_with_it(pq: Any) -> None:
    folder = export_parquet("--id", "000*")
    result = run("export", "--format", "parquet", "-o", "out.parquet")
    assert (result.exit_code, result.stderr) == (2, "corpus: error: out.parquet already exists; use --force to overwrite it\n")
    assert len(parquet_rows(pq, folder)) == 1
    export_parquet("--force")
    assert len(parquet_rows(pq, folder)) == 5
    assert sorted(path.name for path in Path().iterdir()) == ["out.parquet"]


@pytest.mark.parametrize("content", ["notes.txt", "part-00000.parquet/"])
def test_force_refuses_a_folder_that_an_export_did_not_write(pq: Any, content: str) -> None:
    target = Path("mine")
    target.mkdir()
    (target / content).mkdir() if content.endswith("/") else (target / content).write_text("keep me")
    result = run("export", "--format", "parquet", "-o", "mine", "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: mine was not written by 'corpus export' (no .corpus-export in it, and not empty); ")
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in target.iterdir()) == [content.rstrip("/")]


@pytest.mark.parametrize("earlier", ["empty", "markdown"])
def test_force_replaces_an_empty_folder_or_an_earlier_markdown_export(pq: Any, earlier: str) -> None:
    """As the markdown export does, and as 'already exists; use --force' promises."""
    target = Path("out")
    if earlier == "markdown":
        assert run("export", "--format", "markdown", "-o", "out").exit_code == 0
    else:
        target.mkdir()
    assert run("export", "--format", "parquet", "-o", "out").stderr == "corpus: error: out already exists; use --force to overwrite it\n"
    folder = export_parquet("--force", target="out")
    assert len(parquet_rows(pq, folder)) == 5
    assert not list(target.glob("*.md"))


def test_force_refuses_a_file_in_the_way(pq: Any) -> None:
    Path("out.parquet").write_text("precious")
    result = run("export", "--format", "parquet", "-o", "out.parquet", "--force")
    refusal = "corpus: error: out.parquet is not a folder an export wrote; --force replaces only those (remove it yourself)\n"
    assert (result.exit_code, result.stderr) == (2, refusal)
    assert Path("out.parquet").read_text() == "precious"


def test_a_failed_export_leaves_no_folder_and_no_temporary(pq: Any, seeds_copy: Path) -> None:
    (seeds_copy / "999_ff.txt").write_bytes(b"\x00binary")
    result = run("export", "--corpus", str(seeds_copy), "--strict", "--format", "parquet", "-o", "out.parquet", "--shard-rows", "2")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "corpus: error: 1 warning(s) and --strict is set"
    assert list(Path().iterdir()) == []


def test_without_pyarrow_one_line_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what `import pyarrow` meets when it is not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = run("export", "--format", "parquet", "-o", "out.parquet")
    assert result.exit_code == 2
    assert result.stderr == f"corpus: error: --format parquet needs pyarrow, which is not installed: {parquet.INSTALL_HINT}\n"
    assert "pip install 'corpus-cli[parquet]'" in result.stderr
    assert list(Path().iterdir()) == []


@pytest.mark.parametrize("args", [(), ("-o", "-")])
def test_parquet_needs_a_folder_to_write(args: tuple[str, ...]) -> None:
    result = run("export", "--format", "parquet", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: --format parquet writes a folder: name it with -o PATH")


def test_shard_rows_goes_with_parquet_only() -> None:
    result = run("export", "--format", "jsonl", "--shard-rows", "5")
    assert result.exit_code == 2 and "--shard-rows goes with --format parquet" in result.stderr
    assert run("export", "--format", "parquet", "-o", "x", "--shard-rows", "0").exit_code == 2


def test_the_export_is_deterministic(pq: Any) -> None:
    first = (export_parquet(target="a") / "part-00000.parquet").read_bytes()
    assert first == (export_parquet(target="b") / "part-00000.parquet").read_bytes()


def test_batches_end_at_the_row_or_the_character_limit() -> None:
    records = [{"text": "x" * size} for size in (1, 2, 30, 1, 1, 1)]
    assert [len(batch) for batch in parquet.batches(records, rows=3, chars=10)] == [3, 3]
    assert [len(batch) for batch in parquet.batches(records, rows=100, chars=3)] == [2, 1, 3]
    assert list(parquet.batches([], rows=3)) == []


def test_the_schema_page_documents_every_column() -> None:
    """schemas/parquet.md's table lists the columns of `COLUMNS`, in order, with their types."""
    rows = re.findall(r"^\| `(\w+)` \| `([^`]+)` \| (yes|no) \|", (ROOT / "schemas" / "parquet.md").read_text(encoding="utf-8"), re.M)
    arrow = {"string": "string", "date": "date32", "int64": "int64", "list<string>": "list<string>"}
    assert rows == [(c.name, arrow[c.type], "yes" if c.nullable else "no") for c in parquet.COLUMNS]


@pytest.mark.slow
def test_ordinary_commands_do_not_import_pyarrow_or_pyspark() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from corpus_cli.cli import cli\n"
        "for args in (['list'], ['stats', '--term', 'ice', '--by', 'month'], ['export', '--format', 'jsonl']):\n"
        "    assert CliRunner().invoke(cli, [*args, '--corpus', sys.argv[1]]).exit_code == 0\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('pyarrow', 'pyspark', 'duckdb', 'pandas')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(SEEDS)], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


@pytest.mark.slow
def test_the_export_leaves_pandas_unimported_yet_to_pandas_still_works(pq: Any, tmp_path: Path) -> None:
    """pyarrow imports pandas (some 35 MB a process) on its first conversion of a list, when
    installed; the export withholds it, and a later call that needs pandas still gets it."""
    pytest.importorskip("pandas")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from corpus_cli.cli import cli\n"
        "argv = ['export', '--format', 'parquet', '-o', sys.argv[2], '--corpus', sys.argv[1]]\n"
        "assert CliRunner().invoke(cli, argv).exit_code == 0\n"
        "print('pandas' in sys.modules)\n"
        "import pyarrow.parquet\n"
        "print(len(pyarrow.parquet.read_table(sys.argv[2]).to_pandas()))\n"
    )
    argv = [sys.executable, "-c", code, str(SEEDS), str(tmp_path / "out.parquet")]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (0, f"False\n{len(jsonl_records())}\n"), result.stderr


def test_ci_installs_the_extras_and_java_and_the_readme_says_how() -> None:
    """The Parquet, DuckDB and Spark tests skip without their packages: CI must install them, and the
    quick start (two commands) says how to install them too."""
    from test_docs import code_lines, readme_section

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("uv sync --all-extras") for line in code_lines(readme_section("Quick start")))
    assert any(line.startswith("uv sync --all-extras") for line in ci)
    assert ci.index(next(line for line in ci if line.startswith("uv sync --all-extras"))) < ci.index("uv run pytest")
    assert any("apt-get install" in line and "openjdk-17-jre-headless" in line for line in ci)
