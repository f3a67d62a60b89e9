"""The README's DuckDB recipes, run as written on the Parquet export, give the numbers `corpus` gives.

Each `duckdb -c "SQL"` line of the README's DuckDB section follows a comment ending in
``as: CORPUS COMMAND``; the SQL runs in DuckDB's Python package, the command through the real
entry point, and every column DuckDB returns must equal that key of the command's records, row
for row. The `corpus ...` lines of the section run first, as a reader would run them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, generated_corpus, run
from test_docs import readme_section

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

pytestmark = pytest.mark.slow  # DuckDB and pyarrow take seconds to import and run each recipe

Record = dict[str, Any]


def recipe_lines() -> list[tuple[str, str]]:
    """(kind, text) for the section's lines: ("comment", ...), ("corpus", command) or ("sql", SQL)."""
    section = readme_section("DuckDB")
    block = re.search(r"^```sh\n(.*?)^```", section, re.S | re.M)
    assert block, "the DuckDB section has no sh block"
    lines = []
    for line in block.group(1).splitlines():
        if line.startswith("#"):
            lines.append(("comment", line.lstrip("# ")))
        elif line.startswith("duckdb "):
            argv = shlex.split(line)
            assert argv[:2] == ["duckdb", "-c"] and len(argv) == 3, line
            lines.append(("sql", argv[2]))
        elif line.strip():
            assert line.startswith("corpus "), line
            lines.append(("corpus", line))
    return lines


def corpus_pipeline(line: str) -> list[Record]:
    """Run `corpus A | corpus B > FILE` through the entry point; the records of the last command."""
    command, _, redirect = line.partition(" > ")
    stdout = None
    for position, stage in enumerate(command.split(" | ")):
        argv = shlex.split(stage)
        assert argv[0] == "corpus", stage
        stdin = ("--stdin",) if position else ()
        result = run(*argv[1:], *stdin, input=stdout)
        assert result.exit_code == 0, (stage, result.stderr)
        stdout = result.stdout
    assert stdout is not None
    if redirect:
        Path(redirect.strip()).write_text(stdout, encoding="utf-8")
    return [json.loads(text) for text in stdout.splitlines() if text.strip()]


def duckdb_rows(sql: str) -> list[Record]:
    relation = duckdb.sql(sql)
    return [
        {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in zip(relation.columns, row)}
        for row in relation.fetchall()
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("generated"), 0.3)


@pytest.fixture(params=["seeds", "generated"])
def corpus(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = SEEDS if request.param == "seeds" else request.getfixturevalue("generated")
    monkeypatch.setenv("CORPUS_PATH", str(path))
    return path


def test_the_readme_has_recipes_for_months_terms_regexp_matches_and_a_grep_join() -> None:
    sql = " ".join(text for kind, text in recipe_lines() if kind == "sql")
    for piece in ("strftime(date, '%Y-%m')", "regexp_matches(", "read_json_auto(", "per_10k", "JOIN"):
        assert piece in sql


def test_every_recipe_gives_the_numbers_of_the_corpus_command_it_names(corpus: Path) -> None:
    checked = 0
    comment = ""
    for kind, text in recipe_lines():
        if kind == "comment":
            comment = text
        elif kind == "corpus":
            corpus_pipeline(text)
        else:
            reference = comment.rpartition("as: ")[2]
            assert reference.startswith("corpus "), f"the comment before a recipe names no command: {comment!r}"
            expected = corpus_pipeline(reference)
            rows = duckdb_rows(text)
            assert rows and expected, f"{reference} gave nothing to compare"
            assert set(rows[0]) <= set(expected[0]), f"columns that {reference} does not print"
            assert rows == [{name: record[name] for name in rows[0]} for record in expected], reference
            checked += 1
    assert checked == 5
