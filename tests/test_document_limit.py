"""A document file over the size limit (--max-document-mb, max_document_mb: in corpus.yaml, 10 MB
by default) is skipped by every command with one warning naming it, its size and the limit, and
counts for --strict, as a binary file does; the other documents' records are those of a corpus
without it. `show --raw` still prints it whole."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from helpers import run

BIG = "big.txt"
LIMIT_WORDS = "over the 10 MB limit for a document (--max-document-mb raises it); skipped"


@pytest.fixture
def with_big(seeds_copy: Path) -> Path:
    """The seeds and an 11 MB file (sparse: made at once, and never read)."""
    with open(seeds_copy / BIG, "wb") as big:
        big.truncate(11 * (1 << 20))
    return seeds_copy


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("corpus: warning: ")]


@pytest.mark.parametrize(
    "args",
    [("list",), ("stats",), ("stats", "--top", "5"), ("grep", "-c", "ICE"), ("export",), ("collocates", "ICE"), ("show", "big")],
    ids=["list", "stats", "stats --top", "grep -c", "export", "collocates", "show"],
)
def test_a_document_over_the_limit_is_skipped_with_one_warning(with_big: Path, seeds_copy: Path, args: tuple[str, ...]) -> None:
    result = run(*args, "--corpus", str(with_big), "--format", "jsonl", "--no-index")
    assert result.exit_code == (1 if args[0] == "show" else 0)  # an id named that shows nothing is status 1
    assert warnings_of(result.stderr) == [f"corpus: warning: {BIG}: cannot read: 11.0 MB, {LIMIT_WORDS}"]
    (with_big / BIG).unlink()
    without = run(*args, "--corpus", str(seeds_copy), "--format", "jsonl", "--no-index")
    assert result.stdout == without.stdout  # the other documents' records, unchanged


def test_strict_fails_on_a_document_over_the_limit(with_big: Path) -> None:
    result = run("export", "--corpus", str(with_big), "--strict", "-o", str(with_big.parent / "out.jsonl"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "corpus: error: 1 warning(s) and --strict is set"
    assert not (with_big.parent / "out.jsonl").exists()


def test_check_reports_a_document_over_the_limit(with_big: Path) -> None:
    result = run("check", "--corpus", str(with_big), "--format", "jsonl", "--ignore", "name", "--ignore", "date")
    assert result.exit_code == 1
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert findings == [{"check": "file", "severity": "error", "id": "big", "path": BIG, "message": f"cannot read: 11.0 MB, {LIMIT_WORDS}"}]


def test_show_raw_prints_a_document_over_the_limit_whole(with_big: Path) -> None:
    result = run("show", "big", "--raw", "--corpus", str(with_big))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout_bytes == (with_big / BIG).read_bytes()


def test_the_option_and_corpus_yaml_set_the_limit(seeds_copy: Path) -> None:
    """A limit under the size of a seed skips it; the option wins over corpus.yaml."""
    sizes = {path.stem: path.stat().st_size for path in seeds_copy.glob("*.txt")}
    largest = max(sizes, key=sizes.__getitem__)
    limit_mb = (max(sizes.values()) - 1) / (1 << 20)
    expected = sorted(doc_id for doc_id in sizes if doc_id != largest)

    def listed(*args: str) -> tuple[list[str], list[str]]:
        result = run("list", "--corpus", str(seeds_copy), "--format", "jsonl", *args)
        assert result.exit_code == 0
        return [json.loads(line)["id"] for line in result.stdout.splitlines()], warnings_of(result.stderr)

    ids, warnings = listed("--max-document-mb", f"{limit_mb!r}")
    assert ids == expected
    assert len(warnings) == 1 and warnings[0].startswith(f"corpus: warning: {largest}.txt: cannot read: ")
    assert f"over the {limit_mb:g} MB limit for a document" in warnings[0]
    (seeds_copy / "corpus.yaml").write_text(f"max_document_mb: {limit_mb!r}\n")
    assert listed() == (expected, warnings)
    assert listed("--max-document-mb", "1") == (sorted(sizes), [])


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "ten"])
def test_a_bad_limit_on_the_command_line_is_a_usage_error(value: str) -> None:
    result = run("list", "--max-document-mb", value)
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: Invalid value for '--max-document-mb'") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        *(("ten", "in decimal (10, 0.5), not 'ten'"), ("true", "not 'true'"), ("0x10", "not '0x10'"), ("[5]", "not a list")),
        *(("0", "above 0, not 0"), ("-2.5", "above 0, not -2.5"), (".nan", "not '.nan'"), ("!!float .nan", "above 0, not nan")),
        *(("1" + "0" * 400, "above 0, not a number that large"), ("!!int 1" + "0" * 400, "above 0, not a number that large")),
        *(("١٠", "in decimal (10, 0.5), not '١٠'"), ("５", "not '５'")),
    ],
)
def test_a_bad_limit_in_corpus_yaml_is_one_line_naming_the_key(isolated: Path, value: str, problem: str) -> None:
    (isolated / "corpus.yaml").write_text(f"max_document_mb: {value}\n")
    result = run("list", "--format", "jsonl")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "corpus.yaml: max_document_mb: expected a number of megabytes" in result.stderr and problem in result.stderr


def test_an_index_skips_a_document_over_the_limit_as_a_scan_does(with_big: Path) -> None:
    assert run("index", "--corpus", str(with_big)).exit_code == 0
    for args in (("list",), ("stats", "--top", "3"), ("grep", "-c", "ICE")):
        scanned = run(*args, "--corpus", str(with_big), "--format", "jsonl", "--no-index")
        indexed = run(*args, "--corpus", str(with_big), "--format", "jsonl")
        assert (indexed.stdout, indexed.stderr, indexed.exit_code) == (scanned.stdout, scanned.stderr, scanned.exit_code)


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    from corpus_cli.source.files import TooLarge, read_bytes

    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 2000)
    assert read_bytes(path, 2000 / (1 << 20)) == b"x" * 2000
    with pytest.raises(TooLarge):
        read_bytes(path, 1999 / (1 << 20))
    os.truncate(path, 0)
    assert read_bytes(path, 1e-9) == b""


def test_under_another_limit_the_index_gives_way_to_a_scan(seeds_copy: Path) -> None:
    """The index is made under the default limit here: under another, its entries for files the
    limit leaves out (or lets in) must not answer."""
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    limit = f"{(max(path.stat().st_size for path in seeds_copy.glob('*.txt')) - 1) / (1 << 20)!r}"
    for args in (("list",), ("stats", "--top", "3"), ("grep", "-c", "ICE")):
        scanned = run(*args, "--corpus", str(seeds_copy), "--format", "jsonl", "--max-document-mb", limit, "--no-index")
        indexed = run(*args, "--corpus", str(seeds_copy), "--format", "jsonl", "--max-document-mb", limit)
        assert len(warnings_of(scanned.stderr)) == 1
        assert (indexed.stdout, indexed.stderr, indexed.exit_code) == (scanned.stdout, scanned.stderr, scanned.exit_code)


def test_a_limit_past_any_file_size_is_no_limit(seeds_copy: Path) -> None:
    """1e308 MB is finite, but past what a byte count can hold: it read every file, not "internal error"."""
    listed = run("list", "--corpus", str(seeds_copy), "--format", "jsonl", "--max-document-mb", "1e308")
    assert (listed.exit_code, listed.stderr) == (0, "")
    assert len(listed.stdout.splitlines()) == len(list(seeds_copy.glob("*.txt")))
    (seeds_copy / "corpus.yaml").write_text("max_document_mb: 1.0e+308\n", encoding="utf-8")
    assert run("list", "--corpus", str(seeds_copy), "--format", "jsonl").exit_code == 0


def answers_as_a_scan(corpus: Path, *limit: str) -> None:
    for args in (("list",), ("stats",), ("stats", "--term", "agents"), ("grep", "-c", "ICE")):
        indexed = run(*args, *limit, "--corpus", str(corpus), "--format", "jsonl")
        scanned = run(*args, *limit, "--corpus", str(corpus), "--format", "jsonl", "--no-index")
        assert (indexed.exit_code, indexed.stdout, indexed.stderr) == (scanned.exit_code, scanned.stdout, scanned.stderr), (args, limit)


def index_reads(corpus: Path, *limit: str) -> str:
    """What `corpus index` says it did, with any warning before it."""
    result = run("index", *limit, "--corpus", str(corpus))
    assert result.exit_code == 0, result.stderr
    return result.stderr


def test_the_index_is_made_under_the_runs_limit_and_answers_runs_under_it(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """corpus.yaml's max_document_mb: 0.05 leaves out a 68 KB file: the index holds the others, and
    answers as a scan does. Under another limit (the default, which lets the file in) a command
    reads the files, as without an index; `corpus index` under another limit builds the index
    anew, with one warning saying why. An index that kept no limit was made under the default one."""
    import sqlite3

    from corpus_cli.index import schema, view

    (seeds_copy / "long.txt").write_text("ICE agents were there.\n" * 3_000, encoding="utf-8")  # 68 KB
    (seeds_copy / "corpus.yaml").write_text("max_document_mb: 0.05\n", encoding="utf-8")
    skipped = "corpus: warning: long.txt: cannot read: 0.066 MB, " + LIMIT_WORDS.replace("10 MB", "0.05 MB")
    assert "6 read" in index_reads(seeds_copy)  # kept as skipped, as a binary file is
    assert warnings_of(run("list", "--corpus", str(seeds_copy)).stderr) == [skipped]
    answers_as_a_scan(seeds_copy)
    opened, index_view = [], view.IndexView
    monkeypatch.setattr(view, "IndexView", lambda *a: opened.append(1) or index_view(*a))
    answers_as_a_scan(seeds_copy, "--max-document-mb", "10")
    assert opened == []  # another limit's run never uses the index
    status = json.loads(run("index", "--status", "--format", "json", "--max-document-mb", "10", "--corpus", str(seeds_copy)).stdout)
    assert not status["usable"] and status["problem"].startswith("made under a 0.05 MB limit for a document, not 10 MB")
    index = seeds_copy / ".corpus" / "index.sqlite"
    rebuilt = index_reads(seeds_copy, "--max-document-mb", "10")
    assert warnings_of(rebuilt) == [f"corpus: warning: {index}: made under a 0.05 MB limit for a document, not 10 MB; building a new index"]
    assert "6 document(s), 6 read" in rebuilt
    answers_as_a_scan(seeds_copy, "--max-document-mb", "10")
    monkeypatch.undo()
    with sqlite3.connect(index) as connection:
        connection.execute("DELETE FROM meta WHERE key = ?", (schema.LIMIT_KEY,))
    connection.close()
    assert "0 read" in index_reads(seeds_copy, "--max-document-mb", "10")  # the default: nothing to build anew
    assert warnings_of(index_reads(seeds_copy))[0].endswith("made under a 10 MB limit for a document, not 0.05 MB; building a new index")


def test_a_file_over_the_limit_is_kept_in_the_index_as_skipped(with_big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index keeps the file as skipped, as it keeps a binary file, so it vouches for it:
    `--status` finds nothing stale once indexed (the file stayed "added" for ever), a summary is
    made from the index's columns, and every command still warns as a scan does."""
    from corpus_cli.index import store

    hour_ago = time.time_ns() - 3600 * 10**9  # so that no entry is "racy", which is checked file by file
    for path in with_big.glob("*.txt"):
        os.utime(path, ns=(hour_ago, hour_ago))
    index = run("index", "--corpus", str(with_big))
    assert index.exit_code == 0 and "5 document(s), 6 read" in index.stderr
    status = json.loads(run("index", "--status", "--format", "json", "--corpus", str(with_big)).stdout)
    assert (status["stale"], status["documents"]) == (0, 5)
    read, counted_columns = [], store.counted_columns
    monkeypatch.setattr(store, "counted_columns", lambda *a, **k: read.append(1) or counted_columns(*a, **k))
    for args in (("stats",), ("list",), ("grep", "-c", "ICE"), ("grep", "-w", "zyzzyva"), ("stats", "--term", "ICE", "--by", "year")):
        indexed = run(*args, "--corpus", str(with_big), "--format", "jsonl")
        scanned = run(*args, "--corpus", str(with_big), "--format", "jsonl", "--no-index")
        assert (indexed.stdout, indexed.stderr, indexed.exit_code) == (scanned.stdout, scanned.stderr, scanned.exit_code), args
        assert warnings_of(indexed.stderr) == [f"corpus: warning: {BIG}: cannot read: 11.0 MB, {LIMIT_WORDS}"]
    assert read == [1, 1]


def test_limits_are_the_same_when_they_allow_the_same_bytes_and_told_apart_when_not(seeds_copy: Path) -> None:
    """10 and 10.000000000000002 MB allow the same largest document: the index made under one
    answers the other. 10.000001 allows one byte more: built anew, the message telling the two
    apart (not "10 MB, not 10 MB"). A limit kept that is not a number matches no run."""
    import sqlite3

    from corpus_cli.index import schema

    assert "5 read" in index_reads(seeds_copy, "--max-document-mb", "10.000000000000002")
    assert "0 read" in index_reads(seeds_copy)
    rebuilt = index_reads(seeds_copy, "--max-document-mb", "10.000001")
    index = seeds_copy / ".corpus" / "index.sqlite"
    told = "made under a 10.000000000000002 MB limit for a document, not 10.000001 MB"
    assert warnings_of(rebuilt) == [f"corpus: warning: {index}: {told}; building a new index"]
    with sqlite3.connect(index) as connection:
        connection.execute("UPDATE meta SET value = 'ten' WHERE key = ?", (schema.LIMIT_KEY,))
    connection.close()
    answers_as_a_scan(seeds_copy)
    rebuilt = index_reads(seeds_copy)
    told = "made under an unknown limit for a document, not 10 MB"
    assert warnings_of(rebuilt) == [f"corpus: warning: {index}: {told}; building a new index"]


def test_a_file_crossing_the_limit_either_way_is_seen_as_a_scan_sees_it(with_big: Path) -> None:
    """Kept as skipped, the file is looked at again when its stat changes: touched, it is the same
    (skipped for the same size); shrunk under the limit, it is read; a document grown past the
    limit is skipped. Each time every command answers as a scan does, and --status agrees."""
    assert run("index", "--corpus", str(with_big)).exit_code == 0
    big = with_big / BIG
    stamp = big.stat().st_mtime_ns + 5_000_000_000
    os.utime(big, ns=(stamp, stamp))
    answers_as_a_scan(with_big)
    assert json.loads(run("index", "--status", "--format", "json", "--corpus", str(with_big)).stdout)["changed"] == 0
    big.write_text("Small now\n\nICE agents were there.\n", encoding="utf-8")
    answers_as_a_scan(with_big)
    grown = sorted(with_big.glob("00*.txt"))[0]
    with open(grown, "ab") as stream:
        stream.truncate(11 * (1 << 20))
    answers_as_a_scan(with_big)
    skipped = f"corpus: warning: {grown.name}: cannot read: 11.0 MB, {LIMIT_WORDS}"
    assert warnings_of(run("list", "--corpus", str(with_big)).stderr) == [skipped]
