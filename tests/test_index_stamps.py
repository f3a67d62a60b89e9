"""Folder stamps: a corpus whose files were last changed long before they were indexed (no entry
racy, so every folder is stamped) is told unchanged from its stamps, and every change a stamp
must catch still reaches the answer."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from helpers import run
from index_corpora import hostile_corpus, make_stale
from test_index import QUICK, index_of, same_as_scan, status

from corpus_cli.index import store
from corpus_cli.index.view import glance
from corpus_cli.source.config import Corpus
from corpus_cli.source.discover import discover
from corpus_cli.source.survey import survey

HOUR_NS = 3600 * 1_000_000_000


def aged(root: Path) -> Path:
    """Every file's mtime an hour back, so that no entry is racy when indexed."""
    past = time.time_ns() - HOUR_NS
    for path in root.rglob("*.txt"):
        os.utime(path, ns=(past, past))
    return root


@pytest.fixture
def stamped(tmp_path: Path) -> Path:
    """The hostile corpus with a nested folder and a second top-level one, aged and indexed."""
    root = hostile_corpus(tmp_path / "hostile")
    (root / "a" / "deep").mkdir()
    (root / "a" / "deep" / "nested.txt").write_text("Nested\n\nA nested file on ICE.\n", encoding="utf-8")
    (root / "c").mkdir()
    (root / "c" / "other.txt").write_text("Other\n\nAnother folder, Mayorkas.\n", encoding="utf-8")
    index_of(aged(root))
    return root


def reads(root: Path) -> str:
    """What `corpus index` says it read and removed."""
    result = run("index", "--corpus", str(root))
    assert result.exit_code == 0, result.stderr
    return result.stderr.split(", ", 1)[1].split(":")[0]


def test_every_folder_is_stamped_and_an_unchanged_corpus_reads_nothing(stamped: Path):
    with sqlite3.connect(stamped / ".corpus" / "index.sqlite") as connection:
        keys = {key for (key,) in connection.execute("SELECT key FROM meta WHERE key LIKE 'stamp:%'")}
    assert keys == {"stamp:", "stamp:a", "stamp:b", "stamp:c"}
    assert reads(stamped) == "0 read, 0 removed"
    corpus = Corpus(root=stamped, name="hostile")
    seen = glance(corpus)
    assert seen is not None and survey(corpus, lambda _: None, 1, seen.stamps).unchanged
    (stamped / "c" / "other.txt").touch()
    assert not survey(corpus, lambda _: None, 1, seen.stamps).unchanged


@pytest.mark.parametrize("args", QUICK, ids=" ".join)
def test_stamped_index_fresh_and_stale_give_the_scans_output(stamped: Path, args: tuple[str, ...]):
    same_as_scan(stamped, *args)
    make_stale(stamped)
    same_as_scan(stamped, *args)


def test_a_survey_names_the_folders_whose_entries_the_check_must_read(stamped: Path):
    """Those with files that no longer match their stamp, those stamped and gone, and the root
    (its files are compared one by one): the check reads no other folder's entries."""
    corpus = Corpus(root=stamped, name="hostile")
    seen = glance(corpus)
    assert seen is not None and seen.stamps is not None
    assert survey(corpus, lambda _: None, 1, seen.stamps).unvouched == {""}
    (stamped / "a" / "deep" / "nested.txt").write_text("Nested\n\nEdited.\n", encoding="utf-8")
    shutil.rmtree(stamped / "c")
    found = survey(corpus, lambda _: None, 1, seen.stamps)
    assert (found.unvouched, found.fresh) == ({"", "a", "c"}, frozenset(seen.stamps) - {"a", "c"})
    for args in (("list",), ("stats",), ("grep", "-c", "ICE", "--include-zero")):
        same_as_scan(stamped, *args)


def test_a_deleted_folder_whose_entries_were_racy_leaves_the_index(stamped: Path):
    """A folder added just now is indexed racy (its files are re-hashed until their mtime is well
    past); deleted, while another folder changes, its entries must still go."""
    (stamped / "z").mkdir()
    (stamped / "z" / "new.txt").write_text("Zed\n\nA new folder on ICE.\n", encoding="utf-8")
    same_as_scan(stamped, "list")  # written back: its entry is racy
    shutil.rmtree(stamped / "z")
    nested = stamped / "a" / "deep" / "nested.txt"
    nested.write_text("Nested\n\nEdited.\n", encoding="utf-8")
    past = time.time_ns() - HOUR_NS
    os.utime(nested, ns=(past, past))  # written back not racy: folder a is stamped again
    same_as_scan(stamped, "list")
    after = status(stamped)
    assert (after["stale"], after["documents"]) == (0, len(run("list", "--corpus", str(stamped), "--no-index").stdout.splitlines()))


def test_an_edit_in_a_nested_folder_keeping_size_and_mtime_is_seen(stamped: Path):
    nested = stamped / "a" / "deep" / "nested.txt"
    status = nested.stat()
    nested.write_text(nested.read_text(encoding="utf-8").replace("ICE", "XYZ"), encoding="utf-8")
    os.utime(nested, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert nested.stat().st_size == status.st_size
    same_as_scan(stamped, "grep", "-c", "XYZ")
    assert reads(stamped) == "0 read, 0 removed"  # the grep brought the index up to date


@pytest.mark.parametrize("change", ["folder deleted", "folder added", "folder emptied", "root file deleted"])
def test_a_folder_or_root_change_is_seen(stamped: Path, change: str):
    if change == "folder deleted":
        shutil.rmtree(stamped / "c")
    elif change == "folder added":
        (stamped / "d").mkdir()
        (stamped / "d" / "new.txt").write_text("New\n\nA new folder on ICE.\n", encoding="utf-8")
    elif change == "folder emptied":
        (stamped / "b" / "same.txt").unlink()
    else:
        (stamped / "empty.txt").unlink()
    for args in (("list",), ("stats",), ("grep", "-c", "ICE", "--include-zero")):
        same_as_scan(stamped, *args)


def test_stamps_from_before_the_last_change_are_not_used(stamped: Path):
    """A writer that does not keep the stamps (an older version) leaves them behind: they are
    for an index that is no more, and must not vouch for any file."""
    other = stamped / "c" / "other.txt"
    other.write_text("Changed\n\nChanged by hand, ICE.\n", encoding="utf-8")
    with sqlite3.connect(stamped / ".corpus" / "index.sqlite") as connection:
        connection.execute("UPDATE meta SET value = value + 1 WHERE key = 'updated_ns'")
    same_as_scan(stamped, "list")


def test_a_survey_finds_what_discovery_finds_with_the_same_warnings(stamped: Path):
    (stamped / "b" / "link.txt").symlink_to(stamped / "crlf.txt")
    (stamped / "b" / "out.txt").symlink_to(stamped.parent)
    (stamped / "b" / "folder-link").symlink_to(stamped / "a")
    corpus = Corpus(root=stamped, name="hostile")
    found: list[str] = []
    surveyed: list[str] = []
    assert survey(corpus, surveyed.append, processes=2).files == discover(corpus, found.append)
    assert surveyed == found and len(found) == 3


STATS_SUMMARIES = [("stats",), *(("stats", "--by", by) for by in ("year", "month", "week", "day", "credit")), ("stats", "--format", "csv")]
# Trends of single words (and of families of them): their uses are in the tallies.
TERM_TRENDS = [
    ("stats", "--term", "ICE"),
    ("stats", "--term", "ICE", "--term", "zyzzyva", "--term", "deport", "--by", "month"),
    ("stats", "--term", "agency", "--term", "removals", "--dispersion", "--by", "year"),
    ("stats", "--term", "enforcement", "--term", "ice", "--by", "credit", "--format", "csv"),
    ("stats", "--term", "enforcement", "--dispersion"),
    ("stats", "--term", "said", "--by", "week"),
]


@pytest.mark.parametrize("args", STATS_SUMMARIES + TERM_TRENDS, ids=" ".join)
def test_stats_of_an_unchanged_corpus_are_summed_from_the_index_as_a_scan_counts_them(
    stamped: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
):
    """With every file as the index holds it and no date or credit from corpus.yaml, a summary
    or a trend of single words is made from the index's columns at once, not a document at a
    time: the same records, and the same warnings (binary, cp1252, an impossible date) in the
    same order, as a scan's; also once files were deleted and edited, and terms are left that no
    document uses. The family "enforcement" is of single words (ICE twice: one use counted once)."""
    (stamped / "corpus.yaml").write_text("name: hostile\nterms:\n  enforcement: [ICE, Ice, deportation, agency]\n", encoding="utf-8")
    read = []
    counted_columns = store.counted_columns
    monkeypatch.setattr(store, "counted_columns", lambda *a, **k: read.append(1) or counted_columns(*a, **k))
    same_as_scan(stamped, *args)
    assert read == [1]
    assert "binary.txt: binary file" in run(*args, "--corpus", str(stamped)).stderr
    make_stale(stamped)  # a file deleted and one edited: terms that no document uses now
    index_of(aged(stamped))
    same_as_scan(stamped, *args)
    assert read == [1, 1, 1]


def test_stats_of_every_document_named_on_stdin_in_another_order_warn_in_that_order(stamped: Path):
    """Every id on stdin, last first: the documents (and their warnings) come in the order named,
    which a summary from the index's columns does not follow, so it is counted a document at a time."""
    (stamped / "corpus.yaml").write_text("name: hostile\n", encoding="utf-8")
    every = [*run("list", "--corpus", str(stamped), "--no-index").stdout.splitlines(), '{"id": "binary"}']  # (list skips it)
    for args in (("stats",), ("stats", "--by", "year")):
        named = "\n".join(reversed(every)) + "\n"
        scanned = run(*args, "--stdin", "--corpus", str(stamped), "--no-index", input=named)
        indexed = run(*args, "--stdin", "--corpus", str(stamped), input=named)
        assert scanned.stderr.index("binary.txt") < scanned.stderr.index("late-nul.txt") < scanned.stderr.index("baddate.txt")
        assert (indexed.stdout, indexed.stderr) == (scanned.stdout, scanned.stderr), args


COUNTED_ONE_BY_ONE = [
    ("stats",),
    ("stats", "--by", "month"),
    ("stats", "--since", "2024"),
    ("stats", "--id", "00*"),
    ("stats", "--term", "ICE", "--term", "border patrol", "--by", "year"),  # a phrase: its words in order are needed
    ("stats", "--term", "ICE", "--by", "doc"),
]


@pytest.mark.parametrize("args", COUNTED_ONE_BY_ONE, ids=" ".join)
def test_stats_the_index_cannot_sum_at_once_are_counted_a_document_at_a_time(
    stamped: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
):
    """A date from corpus.yaml, a file changed, a selection, a phrase's trend, a trend per
    document: the documents are counted one at a time, and the records are still the scan's."""
    if "--since" in args or "--id" in args or "--term" in args:
        (stamped / "corpus.yaml").write_text("name: hostile\n", encoding="utf-8")
    read = []
    counted_columns = store.counted_columns
    monkeypatch.setattr(store, "counted_columns", lambda *a, **k: read.append(1) or counted_columns(*a, **k))
    same_as_scan(stamped, *args)
    make_stale(stamped)
    same_as_scan(stamped, *args)
    assert read == []


def test_a_trends_dp_from_the_index_after_an_edit_is_the_scans(tmp_path: Path):
    """After an edit the file's row is the index's last, so the columns come in another order than
    a scan's documents; dp, summed over them, is still the scan's to its last decimal (here
    0.45325, on a rounding boundary)."""
    root = tmp_path / "parts"
    root.mkdir()
    for number, (size, hits) in enumerate([(142, 2), (853, 0), (973, 1), (445, 1), (1083, 1), (504, 0)]):
        (root / f"d{number}.txt").write_text(" ".join(["ICE"] * hits + ["aaa"] * (size - hits)) + "\n", encoding="utf-8")
    index_of(aged(root))
    edited = root / "d1.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("aaa", "bbb"), encoding="utf-8")
    index_of(aged(root))
    same_as_scan(root, "stats", "--term", "ICE", "--dispersion")
    assert '"dp": 0.4532' in run("stats", "--term", "ICE", "--dispersion", "--corpus", str(root), "--format", "jsonl").stdout
