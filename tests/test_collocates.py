"""`corpus collocates`: the scores against NLTK, the counts against a hand count and each other."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from helpers import generated_corpus, run
from hypothesis import given
from hypothesis import strategies as st

from corpus_cli.analysis import collocates
from corpus_cli.text.tokens import tokens

EVERYTHING = ("--no-stopwords", "--min-freq", "1", "--top", "100000")


def jsonl(*args: str) -> list[dict]:
    result = run(*args, "--format", "jsonl")
    assert result.exit_code in (0, 1), result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def paragraphs(*corpus: str) -> list[list[str]]:
    """Each headline and body paragraph's tokens, from `corpus show`: NLTK's documents."""
    ids = [record["id"] for record in jsonl("list", *corpus)]
    shown = jsonl("show", *ids, *corpus)
    texts = [text for r in shown for text in ([r["title"]] if r["title_source"] == "headline" else []) + r["paragraphs"]]
    return [words for text in texts if (words := tokens(text))]


def relative_difference(ours: float, theirs: float) -> float:
    return 0.0 if ours == theirs else abs(ours - theirs) / max(abs(ours), abs(theirs))


def assert_nltk_agrees(corpus: tuple[str, ...], nodes: list[str]) -> int:
    """For each node, every collocate one word to the right has NLTK's scores; returns the pairs checked."""
    # Imported here: NLTK takes seconds to import, which the quick test loop (-m "not slow") skips.
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    measures = {"mi": BigramAssocMeasures.pmi, "t": BigramAssocMeasures.student_t, "ll": BigramAssocMeasures.likelihood_ratio}
    measures["dice"] = BigramAssocMeasures.dice
    finder = BigramCollocationFinder.from_documents(paragraphs(*corpus))
    checked = 0
    for node in nodes:
        records = jsonl("collocates", node, "--left", "0", "--right", "1", *EVERYTHING, *corpus)
        expected = {second for (first, second) in finder.ngram_fd if first == node}
        assert {record["collocate"] for record in records} == expected, node
        for record in records:
            pair = (node, record["collocate"])
            assert record["cooccurrences"] == finder.ngram_fd[pair]
            assert (record["node_freq"], record["collocate_freq"]) == (finder.word_fd[node], finder.word_fd[pair[1]])
            for name, measure in measures.items():
                assert relative_difference(record[name], finder.score_ngram(measure, *pair)) < 1e-9, (pair, name)
            assert record["logdice"] == pytest.approx(14 + math.log2(record["dice"]), rel=1e-12)
            checked += 1
    return checked


@pytest.mark.slow
def test_scores_equal_nltks_bigram_measures_on_the_seeds():
    nodes = [row["term"] for row in jsonl("stats", "--top", "40", "--no-stopwords")] + ["mayorkas", "homeland"]
    assert assert_nltk_agrees((), nodes) > 200


@pytest.mark.slow
def test_scores_equal_nltks_bigram_measures_on_a_generated_corpus(tmp_path: Path):
    corpus = ("--corpus", str(generated_corpus(tmp_path / "generated", 0.3, seed=7)))
    nodes = [row["term"] for row in jsonl("stats", "--top", "25", "--no-stopwords", *corpus)]
    assert assert_nltk_agrees(corpus, nodes) > 500


def test_windows_count_by_hand_and_stop_at_a_paragraph(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Alpha beta gamma NODE delta eps.\n\nZeta NODE eta theta.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Headline with node\n\nIota node.\n", encoding="utf-8")
    records = jsonl("collocates", "node", "--left", "2", "--right", "1", *EVERYTHING, "--corpus", str(tmp_path))
    sides = {record["collocate"]: (record["left"], record["right"]) for record in records}
    # "with" ends the headline: "iota" starts a paragraph of its own, so no window joins them.
    assert sides == {
        "beta": (1, 0),
        "gamma": (1, 0),
        "delta": (0, 1),
        "zeta": (1, 0),
        "eta": (0, 1),
        "headline": (1, 0),
        "with": (1, 0),
        "iota": (1, 0),
    }
    assert {record["node_freq"] for record in records} == {4}


def test_a_phrase_node_has_its_window_outside_the_phrase(tmp_path: Path):
    (tmp_path / "a.txt").write_text("The Homeland Security secretary said homeland security matters.\n", encoding="utf-8")
    records = jsonl("collocates", "Homeland Security", "--left", "1", "--right", "1", *EVERYTHING, "--corpus", str(tmp_path))
    assert {record["collocate"]: (record["left"], record["right"]) for record in records} == {
        "the": (1, 0),
        "secretary": (0, 1),
        "said": (1, 0),
        "matters": (0, 1),
    }


def test_stopwords_leave_the_collocates_not_the_windows():
    with_all = {record["collocate"] for record in jsonl("collocates", "ICE", *EVERYTHING)}
    default = {record["collocate"] for record in jsonl("collocates", "ICE", "--min-freq", "1", "--top", "100000")}
    assert "the" in with_all and "the" not in default and default < with_all


def test_ranked_by_the_measure_asked_for():
    for measure in collocates.MEASURES:
        scores = [record[measure] for record in jsonl("collocates", "immigration", "--measure", measure, "--min-freq", "2")]
        assert scores and scores == sorted(scores, reverse=True)
    assert len(jsonl("collocates", "immigration", "--top", "3", "--min-freq", "1")) == 3


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("collocates", "’’"), 2, "holds no word"),
        (("collocates", "ICE", "--left", "0", "--right", "0"), 2, "window is empty"),
        (("collocates", "ICE", "--no-stopwords", "--stopwords", "README.md"), 2, "not both"),
        (("collocates", "ICE", "--measure", "zscore"), 2, "zscore"),
    ],
)
def test_bad_usage_is_one_line(args: tuple[str, ...], status: int, message: str, tmp_path: Path):
    (Path.cwd() / "README.md").write_text("the\n", encoding="utf-8")
    result = run(*args)
    assert result.exit_code == status
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("corpus: error:") and message in result.stderr


def test_a_node_that_never_occurs_finds_nothing():
    result = run("collocates", "xylophone", "--format", "jsonl")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")


def test_bars_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch):
    assert "█" not in run("collocates", "ICE", "--format", "table").stdout
    monkeypatch.setattr("corpus_cli.commands.collocates.is_terminal", lambda: True)
    assert "█" in run("collocates", "ICE", "--format", "table").stdout
    assert "█" not in run("collocates", "ICE", "--format", "csv").stdout


# --- the counts' properties, on the library ------------------------------------------------------

WORDS = st.lists(st.sampled_from("abcde"), max_size=30)
SEGMENTS = st.lists(WORDS, max_size=4)


@given(SEGMENTS, st.sampled_from("abcde"), st.sampled_from("abcde"), st.integers(1, 6))
def test_cooccurrence_is_symmetric(segments: list[list[str]], first: str, second: str, reach: int):
    """`first` within `reach` words of `second` as often as `second` within `reach` of `first`."""
    window = collocates.Window(reach, reach)
    one = collocates.count_segments(segments, (first,), window)
    other = collocates.count_segments(segments, (second,), window)
    assert one.left[second] + one.right[second] == other.left[first] + other.right[first]
    assert one.left[second] == other.right[first]  # second before first, seen from either side


@given(st.lists(SEGMENTS, max_size=4), st.sampled_from("abcde"), st.integers(0, 4), st.integers(0, 4))
def test_counts_add_up_over_documents(documents: list[list[list[str]]], node: str, left: int, right: int):
    window = collocates.Window(left, right)
    total = collocates.CollocateCounts()
    for segments in documents:
        total.add(collocates.count_segments(segments, (node,), window))
    together = collocates.count_segments([words for segments in documents for words in segments], (node,), window)
    assert total == together


def g2_of_cells(cells: list[int]) -> float:
    """G2 of a 2x2 table given as [a, b, c, d] (rows a b / c d), from its margins: a recount."""
    total = sum(cells)
    rows, columns = (cells[0] + cells[1], cells[2] + cells[3]), (cells[0] + cells[2], cells[1] + cells[3])
    expected = [rows[i // 2] * columns[i % 2] / total for i in range(4)]
    return 2 * sum(cell * math.log(cell / guess) for cell, guess in zip(cells, expected) if cell)


def test_ll_counts_a_word_in_two_overlapping_windows_once(tmp_path: Path):
    """'alpha' is used once, between two close uses of the node: two pairs, one word. As pairs its
    table had a negative cell and a null ll, which ranked the strongest collocate last."""
    filler = " ".join(f"w{number % 40}" for number in range(400))
    (tmp_path / "a.txt").write_text(f"{filler}\n\nNode alpha node beta gamma.\n\nDelta node.\n", encoding="utf-8")
    records = {
        r["collocate"]: r for r in jsonl("collocates", "node", "--left", "1", "--right", "1", *EVERYTHING, "--corpus", str(tmp_path))
    }
    words = 400 + 5 + 2
    # The windows: of "Node" (position 0) -1 and 1, of "node" (2) 1 and 3, of the last "node" 0 and 2
    # in its paragraph: 3 + 2 distinct positions; alpha, beta and delta are in them once each.
    positions = 5
    for collocate, inside in (("alpha", 1), ("beta", 1), ("delta", 1)):
        record = records[collocate]
        assert record["ll"] == pytest.approx(
            g2_of_cells([inside, positions - inside, 1 - inside, words - positions - 1 + inside]), rel=1e-12
        )
    assert records["alpha"]["cooccurrences"] == 2 and records["alpha"]["collocate_freq"] == 1
    ranked = [
        r["collocate"]
        for r in jsonl("collocates", "node", "--left", "1", "--right", "1", *EVERYTHING, "--measure", "ll", "--corpus", str(tmp_path))
    ]
    assert ranked[0] == "alpha"
