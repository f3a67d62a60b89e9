"""Dispersion (`corpus dispersion`, `stats --dispersion`), clusters (`--containing`) and term families."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import run
from hypothesis import given
from hypothesis import strategies as st
from test_stats import counted_text, uses

from corpus_cli.analysis import dispersion
from corpus_cli.analysis.families import Family, mentions
from corpus_cli.text.tokens import tokens


def jsonl(*args: str, env: dict[str, str] | None = None) -> list[dict]:
    result = run(*args, "--format", "jsonl", env=env)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- corpus dispersion ---------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["Mayorkas", "ICE", "white house", "deportation"])
def test_each_hit_is_where_the_term_is(term: str):
    texts = counted_text()
    records = jsonl("dispersion", term)
    assert [record["id"] for record in records] == sorted(doc_id for doc_id, parts in texts.items() if uses(term, parts))
    for record in records:
        words = [word for part in texts[record["id"]] for word in tokens(part)]
        assert record["words"] == len(words)
        assert record["hits"] == uses(term, texts[record["id"]]) == len(record["positions"])
        assert record["positions"] == sorted(record["positions"]) and 0 <= record["positions"][0] <= record["positions"][-1] <= 1
        sought = tokens(term)
        for position in record["positions"]:
            start = round(position * (len(words) - 1))
            assert words[start : start + len(sought)] == sought


def test_the_strip_plot_fills_the_terminal_in_date_order():
    result = run("dispersion", "ICE", "Mayorkas", "--format", "text", env={"COLUMNS": "72"})
    assert result.exit_code == 0
    records = jsonl("dispersion", "ICE", "Mayorkas")
    *strips, ice_summary, mayorkas_summary = result.stdout.splitlines()
    assert len(strips) == len(records) and all(len(line) == 72 for line in strips)
    dates = [line.split()[1] for line in strips]
    assert dates == sorted(dates, key=lambda date: (date == "undated", date))
    for line in strips:
        hits = line.split()[3]
        strip = line.split("|")[1]
        assert 1 <= strip.count("│") + strip.count("┃") <= int(hits)
    for summary, term in ((ice_summary, "ice"), (mayorkas_summary, "mayorkas")):
        used = [record for record in records if record["term"] == term]
        assert summary == f"{term}: {sum(record['hits'] for record in used)} hits in {len(used)} of 5 documents"


def test_no_hit_is_exit_status_1():
    result = run("dispersion", "xylophone", "--format", "jsonl")
    assert (result.exit_code, result.stdout) == (1, "")


# --- range and dp --------------------------------------------------------------------------------


def deviation(hits: list[int], sizes: list[int]) -> float:
    """DP written another way: 1 - sum(min(v_i, s_i)), as both shares sum to 1."""
    return 1 - sum(min(hit / sum(hits), size / sum(sizes)) for hit, size in zip(hits, sizes))


@pytest.mark.parametrize("by", [None, "year"])
@pytest.mark.parametrize("term", ["Mayorkas", "ICE", "white house"])
def test_range_and_dp_recomputed_from_per_document_counts(term: str, by: str | None):
    per_doc = {row["id"]: row for row in jsonl("stats", "--term", term, "--by", "doc")}
    dates = {record["id"]: record["date"] for record in jsonl("list")}
    grouping = ("--by", by) if by else ()
    for row in jsonl("stats", "--term", term, "--dispersion", *grouping):
        members = [doc_id for doc_id in per_doc if by is None or (dates[doc_id] or "")[:4] == (row[by] or "")]
        hits, sizes = [per_doc[doc_id]["count"] for doc_id in members], [per_doc[doc_id]["words"] for doc_id in members]
        assert row["range"] == round(sum(1 for hit in hits if hit) / len(hits), 4)
        assert row["dp"] == (round(deviation(hits, sizes), 4) if sum(hits) else None)


@given(st.lists(st.integers(1, 500), min_size=1, max_size=12), st.integers(1, 5))
def test_dp_is_0_when_hits_follow_document_sizes(sizes: list[int], factor: int):
    hits = [size * factor for size in sizes]
    assert dispersion.dp(hits, sizes) == pytest.approx(0, abs=1e-12)
    assert dispersion.share_used(hits) == 1


@given(st.lists(st.integers(1, 500), min_size=2, max_size=12), st.data())
def test_dp_of_all_hits_in_one_document_is_1_minus_its_share(sizes: list[int], data: st.DataObject):
    where = data.draw(st.integers(0, len(sizes) - 1))
    hits = [7 if index == where else 0 for index in range(len(sizes))]
    assert dispersion.dp(hits, sizes) == pytest.approx(1 - sizes[where] / sum(sizes), abs=1e-12)
    assert dispersion.share_used(hits) == 1 / len(sizes)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 2000)), min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_dp_is_the_same_whatever_the_order_of_the_documents(parts: list[tuple[int, int]], shuffler: Any):
    """An index gives a group's documents in the order they were indexed, a scan in id order: the
    same dp either way, to the last bit (so to its last printed decimal)."""
    shuffled = list(parts)
    shuffler.shuffle(shuffled)
    hits, sizes = zip(*parts)
    shuffled_hits, shuffled_sizes = zip(*shuffled)
    assert dispersion.dp(shuffled_hits, shuffled_sizes) == dispersion.dp(hits, sizes)


def test_dispersion_goes_with_a_term():
    result = run("stats", "--dispersion")
    assert result.exit_code == 2 and "--dispersion goes with --term" in result.stderr


# --- clusters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "n"), [("ICE", 3), ("border", 2), ("deportation", 4)])
def test_clusters_are_the_ngrams_that_contain_the_word(word: str, n: int):
    every = jsonl("stats", "--top", "100000", "--ngram", str(n))
    expected = [(row["term"], row["count"], row["doc_freq"]) for row in every if tokens(word)[0] in row["term"].split()]
    clusters = jsonl("stats", "--top", "100000", "--ngram", str(n), "--containing", word)
    assert [(row["term"], row["count"], row["doc_freq"]) for row in clusters] == expected and expected
    assert [row["term"] for row in jsonl("stats", "--top", "3", "--ngram", str(n), "--containing", word)] == [t for t, _, _ in expected[:3]]


@pytest.mark.parametrize(
    "args", [("--containing", "ICE"), ("--top", "5", "--containing", "two words"), ("--top", "5", "--containing", "--")]
)
def test_containing_needs_top_and_one_word(args: tuple[str, ...]):
    result = run("stats", *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


# --- term families -------------------------------------------------------------------------------

ICE_FAMILY = "ICE: [ICE, Immigration and Customs Enforcement]\nMayorkas: [Mayorkas, Alejandro Mayorkas]\n"


def test_a_family_counts_each_mention_of_any_member_once(tmp_path: Path):
    terms = tmp_path / "terms.yaml"
    terms.write_text(ICE_FAMILY, encoding="utf-8")
    texts = counted_text()
    rows = {row["term"]: row for row in jsonl("stats", "--terms", str(terms))}
    assert set(rows) == {"ICE", "Mayorkas"}
    expected_ice = sum(uses("ICE", parts) + uses("Immigration and Customs Enforcement", parts) for parts in texts.values())
    assert rows["ICE"]["count"] == expected_ice
    # "Alejandro Mayorkas" holds "Mayorkas": the longest match counts, once.
    assert rows["Mayorkas"]["count"] == sum(uses("Mayorkas", parts) for parts in texts.values())
    picked = jsonl("stats", "--terms", str(terms), "--term", "ice", "--term", "border", "--by", "year")
    assert {row["term"] for row in picked} == {"ICE", "border"}
    hits = jsonl("dispersion", "ICE", "--terms", str(terms))
    assert sum(record["hits"] for record in hits) == expected_ice


def test_families_from_corpus_yaml(seeds_copy: Path):
    (seeds_copy / "corpus.yaml").write_text("name: seeds\nterms:\n  " + ICE_FAMILY.replace("\n", "\n  "), encoding="utf-8")
    rows = jsonl("stats", "--term", "Mayorkas", "--corpus", str(seeds_copy))
    assert [row["term"] for row in rows] == ["Mayorkas"]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("ICE: []\n", "ICE: the family has no members"),
        ("ICE: [ICE, '—']\n", "ICE: member '—' holds no word"),
        ("ICE: {a: 1}\n", "ICE: expected a list of words or phrases"),
        ("- ICE\n", "expected a mapping of family name"),
        ("ICE: [ICE\n", "invalid YAML"),
        ("ICE: [ICE]\nICE: [Mayorkas]\n", "invalid YAML: the key 'ICE' is given twice (lines 1 and 2)"),
        ("'': [ICE]\n", "a family needs a name (one is '')"),
    ],
)
def test_a_bad_family_file_is_one_line_naming_file_and_key(tmp_path: Path, text: str, complaint: str):
    terms = tmp_path / "terms.yaml"
    terms.write_text(text, encoding="utf-8")
    for command in (["stats"], ["dispersion", "ICE"]):
        result = run(*command, "--terms", str(terms))
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"corpus: error: {terms}") and complaint in result.stderr


def test_a_family_is_named_as_written_whatever_yaml_would_make_of_the_name(tmp_path: Path):
    """YAML 1.1 reads 1 and true as equal keys (one family was lost), ON as true and ~ as null."""
    terms = tmp_path / "terms.yaml"
    terms.write_text("1: [ICE]\ntrue: [Mayorkas]\nON: [border]\n~: [agents]\n", encoding="utf-8")
    rows = jsonl("stats", "--terms", str(terms))
    assert [row["term"] for row in rows] == ["1", "true", "ON", "~"]
    plain = jsonl("stats", "--term", "ICE", "--term", "Mayorkas", "--term", "border", "--term", "agents")
    assert [row["count"] for row in rows] == [row["count"] for row in plain]


def test_a_bad_terms_mapping_in_corpus_yaml_names_the_key(seeds_copy: Path):
    (seeds_copy / "corpus.yaml").write_text("terms:\n  ICE: []\n", encoding="utf-8")
    result = run("list", "--corpus", str(seeds_copy))
    assert result.exit_code == 2 and re.search(r"corpus\.yaml: terms: ICE: the family has no members", result.stderr)


@given(st.lists(st.sampled_from(["yasser", "arafat", "met", "plo", "leader"]), max_size=40))
def test_the_longest_member_counts_and_mentions_never_overlap(words: list[str]):
    family = Family.of("Arafat", ["Arafat", "Yasser Arafat", "PLO leader"])
    found = mentions(words, family)
    spans = []
    for start in found:
        member = next(member for member in family.members if tuple(words[start : start + len(member)]) == member)
        spans.append((start, start + len(member)))
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))
    # A recount: every "arafat" and every "plo leader" is one mention, a "yasser" before "arafat" is not another.
    expected = words.count("arafat") + sum(1 for a, b in itertools.pairwise(words) if (a, b) == ("plo", "leader"))
    assert len(found) == expected


# --- bars ----------------------------------------------------------------------------------------


def test_term_bars_by_year_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch):
    assert "█" not in run("stats", "--term", "ICE", "--by", "year", "--format", "table").stdout
    monkeypatch.setattr("corpus_cli.commands.stats.is_terminal", lambda: True)
    assert "█" in run("stats", "--term", "ICE", "--by", "year", "--format", "table").stdout
    assert "█" not in run("stats", "--term", "ICE", "--by", "doc", "--format", "table").stdout
    assert "█" not in run("stats", "--term", "ICE", "--by", "year", "--format", "csv").stdout


def test_grep_terms_finds_each_mention_with_its_family(tmp_path: Path):
    terms = tmp_path / "terms.yaml"
    terms.write_text(ICE_FAMILY + "Border: [border, southern border]\n", encoding="utf-8")
    counts = {row["term"]: row["count"] for row in jsonl("stats", "--terms", str(terms))}
    records = jsonl("grep", "--terms", str(terms))
    # On the seeds no mention stands in a header or the furniture, and none spans two lines.
    assert {family: sum(record["family"] == family for record in records) for family in counts} == counts
    members = {"ICE": [["ice"], ["immigration", "and", "customs", "enforcement"]], "Border": [["border"], ["southern", "border"]]}
    members["Mayorkas"] = [["mayorkas"], ["alejandro", "mayorkas"]]
    assert all(tokens(record["match"]) in members[record["family"]] for record in records)
    assert not any(record["match"].lower().startswith("anti-") for record in records)
    result = run("grep", "ICE", "--terms", str(terms))
    assert result.exit_code == 2 and "give no PATTERN" in result.stderr


def test_a_term_without_a_word_is_not_called_a_family_member():
    result = run("dispersion", "!!!")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "'!!!' holds no word to count" in result.stderr and "member" not in result.stderr
