"""stats --top holds a bounded number of distinct terms: past it the least used are dropped, the
counts are marked approximate (a warning with the most a count may be short by), and the most
used terms still come out right, checked against an independent exact count."""

from __future__ import annotations

import gc
import random
import weakref
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import run

from corpus_cli.analysis import stats, terms


class Segments(list[list[str]]):
    """A document's segments that a weak reference can follow (a Counted is a tuple, which none can)."""


def counted(doc_id: str, words: list[str]) -> stats.Counted:
    return stats.Counted(id=doc_id, date=None, credit=None, words=len(words), chars=0, paragraphs=1, segments=Segments([words]))


def test_past_the_ceiling_counts_are_approximate_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terms, "MAX_DISTINCT_TERMS", 200)
    rng = random.Random(5)
    frequent = [f"common{n}" for n in range(5)]
    documents = []
    for number in range(300):
        # Five terms used often, and a long tail of terms used once or twice.
        words = [rng.choice(frequent) for _ in range(20)] + [f"rare{rng.randrange(5000)}" for _ in range(30)]
        documents.append(counted(f"d{number}", words))
    exact = Counter(word for document in documents for words in document.segments for word in words)
    reported: list[tuple[str | None, int]] = []
    rows = list(terms.top_terms(documents, 5, approximate=lambda group, short: reported.append((group, short))))
    assert len(reported) == 1 and reported[0][0] is None and reported[0][1] > 0
    short_by = reported[0][1]
    assert [row["term"] for row in rows] == [term for term, _ in exact.most_common(5)]
    for row in rows:
        assert exact[row["term"]] - short_by <= row["count"] <= exact[row["term"]]


def test_under_the_ceiling_counts_are_exact_and_nothing_is_said() -> None:
    documents = [counted("a", ["x", "y", "x"]), counted("b", ["x"])]
    reported: list[tuple[str | None, int]] = []
    rows = list(terms.top_terms(documents, 2, approximate=lambda group, short: reported.append((group, short))))
    assert reported == []
    assert [(row["term"], row["count"], row["doc_freq"]) for row in rows] == [("x", 3, 2), ("y", 1, 1)]


def test_the_command_warns_that_counts_are_approximate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terms, "MAX_DISTINCT_TERMS", 20)
    for number in range(5):
        (tmp_path / f"{number}.txt").write_text(" ".join(f"word{number}x{n}" for n in range(30)) + " border border\n")
    result = run("stats", "--corpus", str(tmp_path), "--top", "1", "--format", "jsonl")
    assert result.exit_code == 0
    assert '"term": "border"' in result.stdout
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("corpus: warning: over 20 distinct terms in the selection")
    assert "approximate" in warnings[0]


@pytest.mark.parametrize(("ngram", "by"), [(1, None), (3, None), (1, "year")])
def test_top_terms_let_go_of_each_document_once_counted(ngram: int, by: str | None) -> None:
    """Counting streams: a document read from the files is not kept (all were, for --top alone)."""
    alive: list[weakref.ref[Segments]] = []  # each document's words, which only the document holds
    kept_too_long = []

    def documents() -> Iterator[stats.Counted]:
        for number in range(50):
            if number >= 2:
                gc.collect()
                kept_too_long.extend(number - 2 for ref in alive[number - 2 : number - 1] if ref() is not None)
            document = counted(f"d{number}", ["border", "wall", f"w{number}", "agents", "border"])
            alive.append(weakref.ref(document.segments))  # type: ignore[arg-type]
            yield document

    gc.freeze()  # the collections look at what the test makes, not at every object of the test run (7 s a test)
    try:
        rows = list(terms.top_terms(documents(), 2, ngram=ngram, by=by))  # type: ignore[arg-type]
    finally:
        gc.unfreeze()
    assert rows and kept_too_long == []


def test_dropping_the_least_used_gives_back_their_room() -> None:
    """A dictionary never shrinks when entries are deleted: the counts are made anew at a drop,
    so their tables stay the size of what is kept, however many terms pass through."""
    import sys

    counts = terms.TermCounts(capacity=1000)
    for number in range(200):
        counts.add([f"once{number}x{n}" for n in range(100)] + ["kept"] * 3)
    assert counts.short_by > 0 and counts.count["kept"] == 600
    for counter in (counts.count, counts.doc_freq):  # no bigger than a copy of what it holds
        assert sys.getsizeof(counter) <= 2 * sys.getsizeof(Counter(dict(counter)))
