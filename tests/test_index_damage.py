"""An index damaged past its first pages (where opening it looks): the command that meets the
damage before it has used anything it read says so in one warning and scans, later runs are told
at once, and `corpus index` builds a new index. Met after answers were used, it is one error line.
Each case damages one table of an index whose folders are stamped, so that nothing else reads it first."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest
from helpers import run
from test_index_stamps import stamped  # noqa: F401 -- the fixture

from corpus_cli.index.schema import is_damage, mark_damaged


def damage(index: Path, table: str) -> None:
    """Overwrite the root page of `table` (in these small indexes its only page) past its header."""
    with sqlite3.connect(index) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0]
    connection.close()
    with index.open("r+b") as file:
        file.seek((root - 1) * page_size + 12)
        file.write(b"\xff" * (page_size - 12))


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "index" in line]


MALFORMED = "database disk image is malformed"


def not_used(index: Path, found: str = "is", reason: str = MALFORMED) -> str:
    """The warning of a run that meets the damage (`found`: "is") or is told of it ("was found")."""
    return f"corpus: warning: {index}: index not used: it {found} damaged ({reason}); run 'corpus index' to rebuild it"


@pytest.mark.parametrize(
    ("table", "args"),
    [("files", ("list",)), ("files", ("stats", "--by", "month")), ("tallies", ("stats",))],
)
def test_damage_met_before_any_answer_is_one_warning_then_a_scan(stamped: Path, table: str, args: tuple[str, ...]):  # noqa: F811
    index = stamped / ".corpus" / "index.sqlite"
    damage(index, table)
    scanned = run(*args, "--corpus", str(stamped), "--no-index")
    first = run(*args, "--corpus", str(stamped))
    assert first.exit_code == scanned.exit_code == 0
    assert first.stdout == scanned.stdout
    assert warnings(first.stderr) == [
        f"corpus: warning: {index}: index not used: it is damaged (database disk image is malformed); run 'corpus index' to rebuild it"
    ]
    again = run(*args, "--corpus", str(stamped))  # told at once: the damage was marked
    assert again.stdout == scanned.stdout
    assert warnings(again.stderr) == [not_used(index, "was found")]


def test_corpus_index_builds_a_new_index_over_a_damaged_one(stamped: Path):  # noqa: F811
    index = stamped / ".corpus" / "index.sqlite"
    damage(index, "files")
    assert run("list", "--corpus", str(stamped)).exit_code == 0  # finds it and marks it
    rebuilt = run("index", "--corpus", str(stamped))
    assert rebuilt.exit_code == 0
    assert f"it was found damaged ({MALFORMED}); building a new index" in rebuilt.stderr
    assert "0 read" not in rebuilt.stderr
    listed = run("list", "--corpus", str(stamped))
    assert (listed.stdout, warnings(listed.stderr)) == (run("list", "--corpus", str(stamped), "--no-index").stdout, [])


def test_corpus_index_rebuilds_an_index_whose_damage_no_command_met(stamped: Path):  # noqa: F811
    """Damage that a full check of the entries finds, when the stamps cannot vouch for the folders."""
    index = stamped / ".corpus" / "index.sqlite"
    with sqlite3.connect(index) as connection:
        connection.execute("DELETE FROM meta WHERE key LIKE 'stamp%'")
    connection.close()
    damage(index, "files")
    rebuilt = run("index", "--corpus", str(stamped))
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert f"{index}: it is damaged ({MALFORMED}); building a new index" in rebuilt.stderr
    assert warnings(run("list", "--corpus", str(stamped)).stderr) == []


def test_damage_met_after_answers_were_used_is_one_error_line_and_marked(stamped: Path):  # noqa: F811
    """stats --top reads the vocabulary's totals after every document was counted from the index."""
    index = stamped / ".corpus" / "index.sqlite"
    damage(index, "vocab")
    failed = run("stats", "--top", "5", "--corpus", str(stamped))
    assert failed.exit_code == 2
    assert failed.stderr.splitlines()[-1] == (
        f"corpus: error: {index}: the index is damaged ({MALFORMED}); run 'corpus index' to rebuild it, or use --no-index"
    )
    scanned = run("stats", "--top", "5", "--corpus", str(stamped), "--no-index")
    assert run("stats", "--top", "5", "--corpus", str(stamped)).stdout == scanned.stdout  # marked: the next run scans


def test_only_a_damaged_file_counts_as_damage(tmp_path: Path):
    """A busy or locked index is not damaged: it must never be marked or rebuilt for that."""
    path = tmp_path / "x.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("SELECT * FROM t").fetchall()
    assert not is_damage(busy.value)
    holder.execute("ROLLBACK")
    holder.close()
    other.close()
    path.write_bytes(b"not a database at all, but long enough to look like a header" * 100)
    with pytest.raises(sqlite3.DatabaseError) as garbage:
        sqlite3.connect(path).execute("SELECT * FROM sqlite_schema").fetchall()
    assert is_damage(garbage.value)


def test_search_over_a_damaged_index_says_to_rebuild_it(stamped: Path):  # noqa: F811
    index = stamped / ".corpus" / "index.sqlite"
    damage(index, "files")
    assert run("list", "--corpus", str(stamped)).exit_code == 0  # finds it and marks it
    searched = run("search", "Mayorkas", "--corpus", str(stamped))
    assert searched.exit_code == 2
    assert searched.stderr.splitlines() == [
        not_used(index, "was found"),
        f"corpus: error: the index of {stamped} cannot be used now, as the warning says (search needs it)",
    ]


def test_marking_an_index_removed_meanwhile_makes_no_file(tmp_path: Path):
    """A run that meets damage records it in the index; an index removed since (corpus index
    --drop) stays removed: an empty file there would read as a foreign one."""
    gone = tmp_path / ".corpus" / "index.sqlite"
    gone.parent.mkdir()
    mark_damaged(gone, sqlite3.DatabaseError(MALFORMED))
    assert not gone.exists()


@pytest.mark.parametrize(("table", "reason"), [("grams_data", "vtable constructor failed: grams"), ("files", MALFORMED)])
def test_grep_through_a_damaged_index_warns_once_and_scans(stamped: Path, table: str, reason: str):  # noqa: F811
    """grep asks the trigrams for its candidates, then their entries: damage met in either is
    one warning (SQLite's full-text tables say it their own way), and the files are searched as
    without an index."""
    index = stamped / ".corpus" / "index.sqlite"
    damage(index, table)
    args = ("grep", "-c", "-w", "Mayorkas", "--include-zero", "--corpus", str(stamped))
    scanned = run(*args, "--no-index")
    first = run(*args)
    assert (first.stdout, first.exit_code) == (scanned.stdout, scanned.exit_code)
    assert warnings(first.stderr) == [not_used(index, "is", reason)]
    again = run(*args)
    assert (again.stdout, warnings(again.stderr)) == (scanned.stdout, [not_used(index, "was found", reason)])


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        (sqlite3.DatabaseError(MALFORMED), f"the index is damaged ({MALFORMED}): run 'corpus index' to rebuild it, or use --no-index"),
        (sqlite3.OperationalError("database is locked"), "the index could not be read (database is locked): try again, or use --no-index"),
    ],
)
def test_an_index_error_no_command_looked_for_is_one_line(
    stamped: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    raised: sqlite3.DatabaseError,
    said: str,
):
    """Met where no command expects it (here, search's ranking): one error line, exit 2, never
    "internal error" for what the index says."""
    import corpus_cli.index.ranking as ranking

    def failing(*args: object, **options: object) -> None:
        raise raised

    monkeypatch.setattr(ranking, "search", failing)
    result = run("search", "Mayorkas", "--corpus", str(stamped))
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (2, f"corpus: error: {said}")
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("table", "args"),
    [("files", ("stats",)), ("files", ("stats", "--by", "month")), ("tallies", ("stats", "--by", "year")), ("vocab", ("stats",))],
)
def test_damage_met_by_a_summary_from_the_index_columns_is_one_warning_then_a_scan(
    stamped: Path,  # noqa: F811
    table: str,
    args: tuple[str, ...],
):
    """A summary that the index's columns answer (nothing changed, no date from corpus.yaml)
    meets the damage before it gives anything: one warning, then the scan's answer."""
    (stamped / "corpus.yaml").write_text("name: hostile\n", encoding="utf-8")
    index = stamped / ".corpus" / "index.sqlite"
    damage(index, table)
    scanned = run(*args, "--corpus", str(stamped), "--no-index")
    first = run(*args, "--corpus", str(stamped))
    assert (first.stdout, first.exit_code) == (scanned.stdout, 0)
    assert first.stderr.replace(not_used(index) + "\n", "") == scanned.stderr  # each warning once


def spoil_a_tally(index: Path, column: str, value: object = None) -> None:
    """Overwrite one document's stored mask or counts with `value`; by default bytes zlib cannot
    read, after the byte that says how the rest is stored (compressed; counts of type I)."""
    if value is None:
        value = (b"\x01" if column == "mask" else b"I") + b"not zlib"
    with sqlite3.connect(index) as connection:
        connection.execute(f"UPDATE tallies SET {column} = ? WHERE rowid = (SELECT min(rowid) FROM tallies)", (value,))
    connection.close()


SPOILED = "a stored tally is damaged (Error -3 while decompressing data: incorrect header check)"
# Stored values SQLite and zlib read, which are still no tally: each is damage, as SPOILED is.
SPOILED_OTHERWISE = [
    ("tally", b"B" + zlib.compress(b""), "a stored tally is damaged (0 counts for the term ranked"),
    ("tally", 5, "a stored tally is damaged ("),
    ("mask", 5, "a stored tally is damaged ("),
]


@pytest.mark.parametrize(
    ("column", "args"),
    [("mask", ("stats", "--by", "month")), ("mask", ("stats", "--by", "year")), ("tally", ("stats", "--term", "ICE", "--by", "year"))],
)
def test_a_tally_that_cannot_be_read_met_by_a_summary_or_a_trend_is_one_warning_then_a_scan(
    stamped: Path,  # noqa: F811
    column: str,
    args: tuple[str, ...],
):
    """A mask (or counts, of the first seed, which names ICE) that SQLite reads but zlib cannot
    is the index's damage too: one warning, the scan's answer, and the index marked for
    `corpus index` to rebuild."""
    (stamped / "corpus.yaml").write_text("name: hostile\n", encoding="utf-8")  # the columns answer
    index = stamped / ".corpus" / "index.sqlite"
    spoil_a_tally(index, column)
    scanned = run(*args, "--corpus", str(stamped), "--no-index")
    first = run(*args, "--corpus", str(stamped))
    assert (first.stdout, first.exit_code) == (scanned.stdout, 0)
    assert first.stderr.replace(not_used(index, reason=SPOILED) + "\n", "") == scanned.stderr
    assert warnings(run(*args, "--corpus", str(stamped)).stderr) == [not_used(index, "was found", SPOILED)]


@pytest.mark.parametrize(("column", "value", "reason"), SPOILED_OTHERWISE, ids=["too few counts", "number for counts", "number for mask"])
def test_a_tally_too_short_or_not_bytes_is_damage_not_an_internal_error(stamped: Path, column: str, value: object, reason: str):  # noqa: F811
    """Met before any answer (from the columns) or after (a document at a time, corpus.yaml giving
    a date): a warning and the scan's answer, or one error line; never "internal error"."""
    index = stamped / ".corpus" / "index.sqlite"
    spoil_a_tally(index, column, value)
    failed = run("stats", "--term", "ICE", "--corpus", str(stamped))
    assert failed.exit_code == 2 and failed.stdout == ""
    [error] = warnings(failed.stderr)
    assert error.startswith(f"corpus: error: {index}: the index is damaged ({reason}")
    assert run("index", "--corpus", str(stamped)).exit_code == 0  # built anew
    (stamped / "corpus.yaml").write_text("name: hostile\n", encoding="utf-8")  # the columns answer
    spoil_a_tally(index, column, value)
    scanned = run("stats", "--term", "ICE", "--by", "year", "--corpus", str(stamped), "--no-index")
    first = run("stats", "--term", "ICE", "--by", "year", "--corpus", str(stamped))
    assert (first.stdout, first.exit_code) == (scanned.stdout, 0)
    assert warnings(first.stderr)[0].startswith(f"corpus: warning: {index}: index not used: it is damaged ({reason}")


def test_counts_that_cannot_be_read_met_after_answers_were_used_is_one_error_line_and_marked(stamped: Path):  # noqa: F811
    index = stamped / ".corpus" / "index.sqlite"
    spoil_a_tally(index, "tally")
    failed = run("stats", "--term", "ICE", "--corpus", str(stamped))
    assert failed.exit_code == 2 and failed.stdout == ""
    assert warnings(failed.stderr) == [
        f"corpus: error: {index}: the index is damaged ({SPOILED}); run 'corpus index' to rebuild it, or use --no-index"
    ]
    scanned = run("stats", "--term", "ICE", "--corpus", str(stamped), "--no-index")
    assert run("stats", "--term", "ICE", "--corpus", str(stamped)).stdout == scanned.stdout  # marked: the next run scans


def test_an_index_another_process_holds_is_not_called_damaged(stamped: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    """A writer's exclusive lock held past the busy timeout: one warning that says so (no advice to
    rebuild what is not damaged), the scan's answer, and the index is not marked damaged."""
    from corpus_cli.index import schema

    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 50)
    index = stamped / ".corpus" / "index.sqlite"
    holder = sqlite3.connect(index, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        listed = run("list", "--corpus", str(stamped))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    scanned = run("list", "--no-index", "--corpus", str(stamped))
    assert listed.exit_code == 0
    assert listed.stderr == f"corpus: warning: {index}: index not used: another process holds it (database is locked)\n" + scanned.stderr
    assert listed.stdout == scanned.stdout
    assert run("index", "--status", "--corpus", str(stamped), "--format", "jsonl").stdout.count('"usable": true') == 1


def test_an_index_error_that_is_no_lock_is_not_called_held(stamped: Path):  # noqa: F811
    index = stamped / ".corpus" / "index.sqlite"
    with sqlite3.connect(index) as connection:
        connection.execute("DROP TABLE meta")
    listed = run("list", "--corpus", str(stamped))
    damaged = "it is damaged or not a database (no such table: meta)"
    assert listed.stderr.startswith(f"corpus: warning: {index}: index not used: {damaged}; run 'corpus index' to rebuild it\n")


def test_index_check_finds_damage_no_query_shows_and_marks_it(stamped: Path):  # noqa: F811
    """Zeroed trigram blocks read as no rows: grep through the index finds nothing, without a
    word. --check reads every block: exit 2 and one line, and the index is marked, so grep reads
    the files after one warning, and `corpus index` builds a new one that checks clean."""
    index = stamped / ".corpus" / "index.sqlite"
    clean = run("index", "--check", "--corpus", str(stamped))
    assert (clean.exit_code, clean.stderr) == (0, f"corpus: no damage found in the index of {documents(stamped)} document(s): {index}\n")
    scanned = run("grep", "-c", "Mayorkas", "--no-index", "--corpus", str(stamped))
    with sqlite3.connect(index) as connection:
        connection.execute("UPDATE grams_data SET block = zeroblob(length(block)) WHERE id > 10")
    assert run("grep", "-c", "Mayorkas", "--corpus", str(stamped)).stdout != scanned.stdout  # what --check is for
    checked = run("index", "--check", "--corpus", str(stamped))
    assert checked.exit_code == 2
    advice = "run 'corpus index' to rebuild it, or use --no-index"
    assert checked.stderr == f"corpus: error: {index}: the index is damaged ({MALFORMED}); {advice}\n"
    grepped = run("grep", "-c", "Mayorkas", "--corpus", str(stamped))
    assert grepped.stdout == scanned.stdout and not_used(index, "was found") in grepped.stderr
    assert run("index", "--corpus", str(stamped)).exit_code == 0
    assert run("index", "--check", "--corpus", str(stamped)).exit_code == 0


def test_index_check_without_an_index_is_one_line(seeds_copy: Path):
    checked = run("index", "--check", "--corpus", str(seeds_copy))
    assert (checked.exit_code, checked.stderr) == (2, f"corpus: error: no index for {seeds_copy}: run 'corpus index' first\n")


def documents(corpus: Path) -> int:
    return sum(1 for _ in corpus.rglob("*.txt") if ".corpus" not in _.parts)


def test_index_check_of_an_index_another_process_holds_is_one_line_and_marks_nothing(stamped: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    from corpus_cli.index import schema

    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 50)
    index = stamped / ".corpus" / "index.sqlite"
    holder = sqlite3.connect(index, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        checked = run("index", "--check", "--corpus", str(stamped))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    held = "the index cannot be used: another process holds it (database is locked)"
    assert (checked.exit_code, checked.stderr) == (2, f"corpus: error: {index}: {held}\n")
    assert run("index", "--check", "--corpus", str(stamped)).exit_code == 0


def test_the_status_of_an_index_another_process_holds_says_so(stamped: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    from corpus_cli.index import schema

    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(stamped / ".corpus" / "index.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        status = json.loads(run("index", "--status", "--corpus", str(stamped), "--format", "json").stdout)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (status["usable"], status["problem"]) == (False, "another process holds it (database is locked)")
