"""`corpus export`: every format read back by the tool a user would open it with."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from helpers import run

from corpus_cli.export import formats as export

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def listed() -> list[dict]:
    """The seeds as `corpus list` sees them: the reference every export is checked against."""
    result = run("list", "--format", "jsonl")
    return [json.loads(line) for line in result.stdout.splitlines()]


def texts() -> dict[str, str]:
    """Each seed's full text, from `show`."""
    result = run("show", *[record["id"] for record in listed()], "--format", "jsonl")
    return {record["id"]: record["text"] for record in map(json.loads, result.stdout.splitlines())}


def exported(*args: str) -> Path:
    result = run("export", "-o", "out", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    return Path("out")


def unguard(cell: str) -> str:
    """A CSV cell as it was before the formula-injection guard prefixed it with '."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES) else cell


def test_jsonl_round_trip_keeps_ids_dates_and_text() -> None:
    records = [json.loads(line) for line in exported().read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["date"], r["words"]) for r in records] == [(r["id"], r["date"], r["words"]) for r in listed()]
    assert {r["id"]: r["text"] for r in records} == texts()
    assert all(r["paragraphs"] and "furniture" in r for r in records)


def test_json_and_yaml_hold_the_same_full_records_as_jsonl() -> None:
    as_jsonl = [json.loads(line) for line in exported().read_text(encoding="utf-8").splitlines()]
    Path("out").unlink()
    assert json.loads(exported("--format", "json").read_text(encoding="utf-8")) == as_jsonl
    assert yaml.safe_load(exported("--format", "yaml", "--force").read_text(encoding="utf-8")) == as_jsonl


@pytest.mark.parametrize(("format", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_read_back_with_the_csv_module(format: str, delimiter: str) -> None:
    with exported("--format", format).open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter=delimiter))
    assert tuple(rows[0]) == export.FLAT_FIELDS
    assert [(row["id"], row["date"] or None) for row in rows] == [(r["id"], r["date"]) for r in listed()]
    assert {row["id"]: unguard(row["text"]) for row in rows} == texts()


def test_csv_cells_that_a_spreadsheet_would_run_are_guarded(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text('=HYPERLINK("http://x")\n\nbody text\n', encoding="utf-8")
    result = run("export", "--corpus", str(corpus), "--format", "csv")
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["title"] == "'" + '=HYPERLINK("http://x")'
    assert row["text"].startswith("'=")


def test_markdown_is_a_folder_of_documents_with_yaml_front_matter() -> None:
    folder = exported("--format", "markdown")
    reference = {r["id"]: r for r in listed()}
    assert sorted(os.listdir(folder)) == sorted([".corpus-export", *(f"{doc_id}.md" for doc_id in reference)])
    for doc_id, record in reference.items():
        _, front, body = (folder / f"{doc_id}.md").read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        assert (meta["id"], meta["date"], meta["title"], meta["words"]) == (doc_id, record["date"], record["title"], record["words"])
        assert body.startswith(f"\n# {record['title']}\n") if record["title"] else not body.lstrip().startswith("#")


def test_sqlite_has_documents_paragraphs_and_a_full_text_index() -> None:
    database = exported("--format", "sqlite")
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT id, date, text, words FROM documents ORDER BY id").fetchall()
        assert rows == [(r["id"], r["date"], texts()[r["id"]], r["words"]) for r in listed()]
        expected = {doc_id for doc_id, text in texts().items() if "mayorkas" in text.casefold()}
        found = db.execute(
            "SELECT d.id FROM documents_fts f JOIN documents d ON d.rowid = f.rowid WHERE documents_fts MATCH 'mayorkas'"
        ).fetchall()
        assert {doc_id for (doc_id,) in found} == expected and expected
        shown = json.loads(run("show", "002", "--format", "json").stdout)[0]
        paragraphs = db.execute("SELECT text FROM paragraphs WHERE document_id = ? ORDER BY position", (shown["id"],)).fetchall()
        assert [text for (text,) in paragraphs] == shown["paragraphs"]
        # FTS5's default tokenizer splits words at any character that is not a letter or digit.
        word = re.compile(r"(?<![^\W_])ice(?![^\W_])", re.IGNORECASE)
        records = [json.loads(line) for line in run("show", *texts(), "--format", "jsonl").stdout.splitlines()]
        expected = {(r["id"], i) for r in records for i, text in enumerate(r["paragraphs"], 1) if word.search(text)}
        query = "SELECT p.document_id, p.position FROM paragraphs_fts f JOIN paragraphs p ON p.rowid = f.rowid WHERE paragraphs_fts MATCH ?"
        assert set(db.execute(query, ("ICE",)).fetchall()) == expected and expected
        assert json.loads(db.execute("SELECT tags FROM documents LIMIT 1").fetchone()[0]) == []


def test_sqlite_export_goes_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "BATCH_SIZE", 2)
    with sqlite3.connect(exported("--format", "sqlite")) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (len(listed()),)


def test_the_selection_applies_and_stdin_records_choose_the_documents() -> None:
    result = run("export", "--stdin", input='{"id": "003_4e5a870071d63da7"}\n\n{"id": "000_602cce6e2114fdb8"}\n')
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["003_4e5a870071d63da7", "000_602cce6e2114fdb8"]
    result = run("export", "--since", "2024-02", "--format", "csv")
    assert [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))] == ["001_487be5ddedc07bcd"]


@pytest.mark.parametrize(("format", "empty"), [("jsonl", ""), ("json", "[]\n"), ("csv", ",".join(export.FLAT_FIELDS) + "\n")])
def test_an_empty_selection_exports_nothing_in_valid_form(format: str, empty: str) -> None:
    assert run("export", "--stdin", "--format", format, input="").stdout == empty


def test_an_empty_selection_makes_an_empty_database() -> None:
    result = run("export", "--stdin", "--format", "sqlite", "-o", "empty.db", input="")
    assert result.exit_code == 0
    with sqlite3.connect("empty.db") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (0,)


def test_dash_writes_to_stdout() -> None:
    result = run("export", "-o", "-", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [r["id"] for r in listed()]
    assert not list(Path().iterdir())


@pytest.mark.parametrize("format", ["jsonl", "sqlite", "markdown"])
def test_an_existing_target_is_kept_without_force_and_replaced_with_it(format: str) -> None:
    target = Path("out")
    target.mkdir() if format == "markdown" else target.write_bytes(b"precious")
    result = run("export", "--format", format, "-o", "out")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "corpus: error: out already exists; use --force to overwrite it\n"
    assert target.exists() and (format == "markdown" or target.read_bytes() == b"precious")
    assert run("export", "--format", format, "-o", "out", "--force").exit_code == 0
    assert target.is_dir() if format == "markdown" else target.read_bytes() != b"precious"
    assert sorted(p.name for p in Path().iterdir()) == ["out"]


@pytest.mark.parametrize("format", ["markdown", "sqlite"])
def test_folder_and_database_formats_need_a_path(format: str) -> None:
    for args in ((), ("-o", "-")):
        result = run("export", "--format", format, *args)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"corpus: error: --format {format} writes a") and "-o PATH" in result.stderr


def test_a_missing_folder_is_one_error_line_and_exit_2() -> None:
    result = run("export", "-o", "no/such/folder/out.jsonl")
    assert result.exit_code == 2
    assert result.stderr == "corpus: error: cannot write no/such/folder/out.jsonl: No such file or directory (nothing was changed there)\n"


def test_a_full_disk_during_sqlite_export_is_one_error_line_and_the_old_file_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    connect = sqlite3.connect

    def tiny_disk(path: object, **kwargs: object) -> sqlite3.Connection:
        connection = connect(path, **kwargs)
        connection.execute("PRAGMA max_page_count = 20")  # room for the tables, not for the rows
        return connection

    monkeypatch.setattr(export.sqlite3, "connect", tiny_disk)
    Path("out.db").write_bytes(b"old")
    result = run("export", "--format", "sqlite", "-o", "out.db", "--force")
    assert result.exit_code == 2
    assert result.stderr == "corpus: error: cannot write out.db: database or disk is full (nothing was changed there)\n"
    assert Path("out.db").read_bytes() == b"old"
    assert sorted(p.name for p in Path().iterdir()) == ["out.db"]


def test_no_progress_bar_when_not_on_a_terminal(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpus_cli.run import progress

    monkeypatch.setattr(progress, "PROGRESS_MIN_DOCUMENTS", 1)
    result = run("export", "--corpus", str(seeds_copy), "-o", "out.jsonl")
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_progress_bar_on_a_terminal_for_a_long_export(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpus_cli.run import progress  # the one mechanism every command uses (real terminals: test_progress.py)

    monkeypatch.setattr(progress, "PROGRESS_MIN_DOCUMENTS", 1)
    monkeypatch.setattr(progress, "is_terminal", lambda stream=None: True)
    result = run("export", "--corpus", str(seeds_copy), "-o", "out.jsonl")
    assert result.exit_code == 0 and "Exporting" in result.stderr


def test_the_export_is_deterministic() -> None:
    first = run("export", "--format", "csv").stdout_bytes
    assert first == run("export", "--format", "csv").stdout_bytes


def test_strict_fails_before_the_file_is_put_in_place(seeds_copy: Path) -> None:
    (seeds_copy / "999_ff.txt").write_bytes(b"\x00binary")
    result = run("export", "--corpus", str(seeds_copy), "--strict", "-o", "out.jsonl")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "corpus: error: 1 warning(s) and --strict is set"
    assert not Path("out.jsonl").exists() and not list(Path().glob(".out.jsonl.*"))
