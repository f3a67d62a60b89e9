"""Properties of the counting, over generated documents: additive over documents, and one
tokenizer behind `list`'s words, `stats`' words and the term counts."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from helpers import run
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_cli.analysis import stats, terms
from corpus_cli.text.document import Document
from corpus_cli.text.parser import parse

# Pieces in the shapes the parser knows, and words the tokenizer must treat with care.
PIECES = (
    *("ICE", "ICE’s", "don't", "anti-border", "café", "naïve", "2024", "U.S.", "the", "of", "a"),
    *(" ", " ", " ", "\n", "\n\n", "\r\n", ", ", ". ", " — ", "(", ")", "'", "-", "_", "’"),
    *("(Headline USA) ", "Comment", "Latest Articles", "Read the original article here", "By Jane Doe"),
)
texts = st.builds(
    lambda header, pieces: header + "".join(pieces),
    st.sampled_from(["", " date 2024-01-25 ", " date 2023-12-01 ", " date 2024-02-30 ", "Short headline\n\n"]),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=60),
)


def document(index: int, text: str) -> stats.Counted:
    return stats.counted(Document(id=f"{index:03d}", path=f"{index:03d}.txt", encoding="utf-8", article=parse(text)))


def term_counts(documents: list[stats.Counted], n: int) -> tuple[Counter[str], Counter[str]]:
    """Uses and document frequency of every phrase of `n` words."""
    counts = terms.TermCounts()
    for doc in documents:
        counts.add(terms.phrases(doc, n, frozenset()))
    return counts.count, counts.doc_freq


@given(st.lists(texts, max_size=6), st.lists(texts, max_size=6), st.integers(1, 3))
def test_counts_are_additive_over_documents(first: list[str], second: list[str], n: int) -> None:
    a = [document(i, text) for i, text in enumerate(first)]
    b = [document(len(first) + i, text) for i, text in enumerate(second)]
    (count_a, freq_a), (count_b, freq_b) = term_counts(a, n), term_counts(b, n)
    assert term_counts(a + b, n) == (count_a + count_b, freq_a + freq_b)
    whole, parts = stats.summarize(a + b), (stats.summarize(a), stats.summarize(b))
    for key in ("documents", "dated", "undated", "words", "chars", "paragraphs"):
        assert whole[key] == parts[0][key] + parts[1][key]
    assert whole["distinct_terms"] <= parts[0]["distinct_terms"] + parts[1]["distinct_terms"]


@given(st.lists(texts, max_size=6))
def test_terms_counted_are_the_words_counted(corpus: list[str]) -> None:
    documents = [document(i, text) for i, text in enumerate(corpus)]
    summary = stats.summarize(documents)
    count, _ = term_counts(documents, 1)
    assert sum(count.values()) == summary["words"]
    assert len(count) == summary["distinct_terms"]
    by_doc = list(stats.summarize_by(documents, "doc"))
    assert sum(row["words"] for row in by_doc) == summary["words"]
    assert [row["words"] for row in by_doc] == [doc.words for doc in documents]


@given(st.lists(texts, max_size=6), st.sampled_from(["year", "month", "credit"]))
def test_groups_partition_the_documents(corpus: list[str], by: str) -> None:
    documents = [document(i, text) for i, text in enumerate(corpus)]
    rows = list(stats.summarize_by(documents, by))
    summary = stats.summarize(documents)
    assert sum(row["documents"] for row in rows) == summary["documents"]
    assert sum(row["words"] for row in rows) == summary["words"]


@settings(max_examples=25)
@given(st.lists(texts, min_size=1, max_size=5))
def test_stats_by_doc_words_equal_list_words_and_sum_to_the_total(corpus: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for index, text in enumerate(corpus):
            Path(folder, f"{index:03d}.txt").write_text(text, encoding="utf-8", newline="")
        common = ("--corpus", folder, "--format", "jsonl")
        # JSON Lines split on "\n" only: a lede may hold U+0085, which str.splitlines() splits on.
        listed = [json.loads(line) for line in run("list", *common).stdout.split("\n") if line]
        by_doc = [json.loads(line) for line in run("stats", "--by", "doc", *common).stdout.splitlines()]
        (summary,) = [json.loads(line) for line in run("stats", *common).stdout.splitlines()]
    assert [(row["id"], row["words"]) for row in by_doc] == [(record["id"], record["words"]) for record in listed]
    assert sum(row["words"] for row in by_doc) == summary["words"]
