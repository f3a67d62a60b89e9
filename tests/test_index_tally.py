"""The term tallies and vocabulary totals that stats reads from the index: the bit layers give
back every count, and the totals stay exact (the whole vocabulary, not only the top few) as files
are edited, added and deleted, round after round."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run
from hypothesis import given
from hypothesis import strategies as st
from index_corpora import hostile_corpus, make_stale

from corpus_cli.index import location, tally
from corpus_cli.index.lock import writer_lock


@given(st.dictionaries(st.integers(0, 5000), st.integers(1, 100_000), max_size=200))
def test_a_tally_gives_back_every_count(counts: dict[int, int]):
    mask, stored = tally.encode(list(counts), list(counts.values()))
    assert dict(zip(sorted(counts), tally.decode(stored))) == counts
    assert len(tally.decode(stored)) == len(counts)
    assert tally.presence(mask) == sum(1 << number for number in counts)


STATS = [
    ("stats", "--top", "100000", "--no-stopwords"),  # every term: the totals, all of them
    ("stats", "--top", "100000"),
    ("stats", "--by", "doc"),
    ("stats", "--id", "00*", "--top", "50", "--no-stopwords"),  # a selection: counted per document
    ("stats", "--term", "ICE", "--term", "zyzzyva", "--term", "border patrol", "--by", "year", "--dispersion"),
]


def _same(corpus: Path) -> None:
    for args in STATS:
        indexed = run(*args, "--corpus", str(corpus), "--format", "jsonl")
        scanned = run(*args, "--corpus", str(corpus), "--format", "jsonl", "--no-index")
        assert indexed.exit_code == 0, indexed.output
        assert (indexed.stdout, indexed.stderr) == (scanned.stdout, scanned.stderr), args


@pytest.mark.slow
def test_totals_stay_exact_through_rounds_of_changes(tmp_path: Path):
    corpus = hostile_corpus(tmp_path / "c")
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    _same(corpus)
    make_stale(corpus)
    _same(corpus)
    (corpus / "added.txt").write_text("Added again\n\nA zyzzyva, a new word, and ICE ICE ICE.\n", encoding="utf-8")
    (corpus / "empty.txt").write_text("No longer empty\n\nIt names ICE and the Border Patrol.\n", encoding="utf-8")
    (corpus / "traps.txt").unlink()
    _same(corpus)
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    _same(corpus)


@pytest.mark.slow
def test_files_read_again_but_not_written_back_are_counted_with_the_others(tmp_path: Path):
    """While another writer holds the index, changed files are counted from their words, the
    others from their tallies, and a term both use is one distinct term."""
    corpus = hostile_corpus(tmp_path / "c")
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    index = location.existing(corpus)
    assert index is not None
    with writer_lock(index) as held:
        assert held
        make_stale(corpus)
        (corpus / "new-word.txt").write_text("New words\n\nA zyzzyva and the ICE of Mayorkas.\n", encoding="utf-8")
        _same(corpus)
        for by in ("month", "year", "credit"):
            indexed = run("stats", "--by", by, "--corpus", str(corpus), "--format", "jsonl")
            assert indexed.stdout == run("stats", "--by", by, "--corpus", str(corpus), "--format", "jsonl", "--no-index").stdout
        indexed = run("stats", "--corpus", str(corpus), "--format", "jsonl")
        assert indexed.stdout == run("stats", "--corpus", str(corpus), "--format", "jsonl", "--no-index").stdout
