"""`corpus dupes`: planted edited copies are found, nothing else is; the similarity is exact."""

from __future__ import annotations

import itertools
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, run
from hypothesis import given
from hypothesis import strategies as st
from test_schemas import assert_records_conform

from corpus_cli.analysis import dupes, lsh

ORIGINALS = sorted(path.stem for path in SEEDS.glob("*.txt"))


def records(*args: str) -> list[dict[str, Any]]:
    result = run("dupes", *args, "--format", "jsonl", "--no-stdin")
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def body_of(path: Path) -> str:
    return re.sub(r"^ date \d{4}-\d{2}-\d{2} ", "", path.read_text(encoding="utf-8"))


def edited(text: str, rng: random.Random, how: str) -> str:
    """A copy that keeps the story, changed in one of the ways wire copy is."""
    if how == "words":  # up to 2 % of the words replaced
        words = text.split(" ")
        for index in rng.sample(range(len(words)), max(1, len(words) // 60)):
            words[index] = "changed"
        return " ".join(words)
    if how == "drop":  # a sentence dropped
        sentences = text.split(". ")
        del sentences[len(sentences) // 2]
        return ". ".join(sentences)
    if how == "add":  # a sentence added
        return text.replace("\n", "\nThe agency did not respond to a request for comment on Friday afternoon.\n", 1)
    if how == "header":  # another date header, furniture, Windows line endings
        return " date 2025-01-01 " + text.replace("\n", "\r\n") + "\r\n\r\nRead the original article here\r\n"
    raise ValueError(how)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str]]]:
    """The seeds, an edited copy of each (four kinds of edit), and the pairs that must be found."""
    root = tmp_path_factory.mktemp("planted")
    shutil.copytree(SEEDS, root, dirs_exist_ok=True)
    rng = random.Random(7)
    expected = set()
    for number, (original, how) in enumerate(zip(ORIGINALS, ["words", "drop", "add", "header", "words"])):
        copy = f"9{number:02d}_copy_{how}"
        (root / f"{copy}.txt").write_text(edited(body_of(SEEDS / f"{original}.txt"), rng, how), encoding="utf-8")
        expected.add((original, copy))
    return root, expected


def test_the_seeds_have_no_near_duplicates():
    result = run("dupes", "--corpus", str(SEEDS), "--no-stdin", "--format", "json")
    assert result.exit_code == 0 and result.stdout == "[]\n"


def test_every_planted_copy_is_paired_with_its_original_and_nothing_else(planted: tuple[Path, set[tuple[str, str]]]):
    root, expected = planted
    found = records("--corpus", str(root))
    assert {(pair["a"], pair["b"]) for pair in found} == expected
    assert found == sorted(found, key=lambda pair: (pair["a"], pair["b"]))


def exact(path_a: Path, path_b: Path) -> tuple[float, float]:
    """An independent recount: 5-word runs of lower-cased words, for files of plain ASCII words."""

    def runs(path: Path) -> set[tuple[str, ...]]:
        text = body_of(path).replace("Read the original article here", "")
        words = re.findall(r"[a-z0-9]+(?:['’\-][a-z0-9]+)*", text.lower().replace("’s", "").replace("'s", ""))
        return set(zip(*(words[i:] for i in range(5))))

    a, b = runs(path_a), runs(path_b)
    return len(a & b) / len(a | b), len(a & b) / min(len(a), len(b))


def test_each_reported_similarity_is_the_exact_value(planted: tuple[Path, set[tuple[str, str]]]):
    root, _ = planted
    for pair in records("--corpus", str(root)):
        jaccard, contained = exact(root / f"{pair['a']}.txt", root / f"{pair['b']}.txt")
        assert pair["jaccard"] == pytest.approx(jaccard, abs=0.02)  # the recount's tokenizer is not the tool's
        assert pair["contained"] == pytest.approx(contained, abs=0.02)
        assert 0 < pair["jaccard"] <= pair["contained"] <= 1


def test_groups_name_the_earliest_document(planted: tuple[Path, set[tuple[str, str]]]):
    root, expected = planted
    found = records("--corpus", str(root), "--groups")
    assert_records_conform("\n".join(json.dumps(group) for group in found), "dupe-group")
    assert {tuple(group["ids"]) for group in found} == expected
    by_ids = {tuple(group["ids"]): group["group"] for group in found}
    # The header copy is dated 2025-01-01, after its original (dated 2024-...)? 003 has no date: the copy wins.
    assert by_ids[("003_4e5a870071d63da7", "903_copy_header")] == "903_copy_header"
    assert by_ids[("000_602cce6e2114fdb8", "900_copy_words")] == "000_602cce6e2114fdb8"
    assert all(group["size"] == len(group["ids"]) for group in found)


def test_reuse_finds_an_article_carried_inside_a_longer_one(tmp_path: Path):
    root = tmp_path / "c"
    shutil.copytree(SEEDS, root)
    half = body_of(SEEDS / "004_b26c48024a5263f5.txt")[:2500]
    (root / "bulletin.txt").write_text(body_of(SEEDS / "000_602cce6e2114fdb8.txt") + "\n\n" + half, encoding="utf-8")
    (root / "short.txt").write_text(half, encoding="utf-8")
    assert records("--corpus", str(root)) == []
    found = records("--corpus", str(root), "--reuse", "0.9")
    assert [(pair["a"], pair["b"], pair["shorter"]) for pair in found] == [
        ("000_602cce6e2114fdb8", "bulletin", "000_602cce6e2114fdb8"),  # the bulletin carries 000 whole
        ("004_b26c48024a5263f5", "short", "short"),  # an update cut short
        ("bulletin", "short", "short"),
    ]
    assert all(pair["contained"] >= 0.9 > pair["jaccard"] for pair in found)


def test_records_conform_and_a_bad_threshold_is_a_usage_error(planted: tuple[Path, set[tuple[str, str]]]):
    root, _ = planted
    assert_records_conform(run("dupes", "--corpus", str(root), "--no-stdin", "--format", "jsonl").stdout, "dupe-pair")
    result = run("dupes", "--corpus", str(root), "--threshold", "1.5")
    assert result.exit_code == 2 and result.stderr.startswith("corpus: error:")


def test_the_banding_meets_its_promise():
    for threshold in (0.5, 0.8, 0.9):
        bands, rows = lsh.banding(threshold)
        assert bands * rows <= dupes.PERMUTATIONS
        assert lsh.candidate_probability(threshold, bands, rows) >= 0.999
    assert lsh.banding(0.8) == (16, 4)


WORDS = st.lists(st.sampled_from(["ice", "border", "said", "the", "agency", "meeting", "policy", "migrants"]), max_size=40)


@given(WORDS, WORDS)
def test_the_similarity_is_symmetric_and_exact(one: list[str], other: list[str]):
    a, b = dupes.shingle_set(one), dupes.shingle_set(other)
    forward, backward = dupes.pair(("x", a), ("y", b)), dupes.pair(("y", b), ("x", a))
    assert forward == backward
    if a and b:
        assert forward.jaccard == len(a & b) / len(a | b)
        assert forward.contained == len(a & b) / min(len(a), len(b))
    assert (forward.jaccard == 1.0) == (bool(a) and a == b)


@given(WORDS)
def test_a_document_and_itself_always_share_every_band(words: list[str]):
    first, second = (dupes.shingle_hashes(words) for _ in range(2))
    assert first.tolist() == second.tolist()
    assert first.size == len(dupes.shingle_set(words))


# --- --dedupe and corpus check ------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("list",), ("stats", "--by", "doc"), ("grep", "-c", "--include-zero", "the"), ("export", "--format", "jsonl")],
    ids=["list", "stats", "grep", "export"],
)
def test_dedupe_keeps_a_subset_with_one_document_per_group(planted: tuple[Path, set[tuple[str, str]]], command: tuple[str, ...]):
    root, expected = planted
    groups = records("--corpus", str(root), "--groups")

    def ids(*extra: str) -> list[str]:
        result = run(*command, "--corpus", str(root), "--no-stdin", "--format", "jsonl", *extra)
        assert result.exit_code == 0, result.stderr
        return [json.loads(line)["id"] for line in result.stdout.splitlines()]

    everything, kept = ids(), ids("--dedupe")
    assert [doc_id for doc_id in everything if doc_id in kept] == kept, "a subset, in the same order"
    for group in groups:
        assert [doc_id for doc_id in group["ids"] if doc_id in kept] == [group["group"]]
    assert len(everything) - len(kept) == sum(group["size"] - 1 for group in groups) == len(expected)


def test_collocates_dedupe_counts_as_if_the_dropped_documents_were_not_there(planted: tuple[Path, set[tuple[str, str]]]):
    root, _ = planted
    kept = run("list", "--corpus", str(root), "--no-stdin", "--dedupe", "--format", "jsonl").stdout
    deduped = run("collocates", "ICE", "--corpus", str(root), "--no-stdin", "--dedupe", "--format", "jsonl")
    assert deduped.exit_code == 0
    assert deduped.stdout == run("collocates", "ICE", "--corpus", str(root), "--stdin", "--format", "jsonl", input=kept).stdout
    assert deduped.stdout != run("collocates", "ICE", "--corpus", str(root), "--no-stdin", "--format", "jsonl").stdout


def test_dedupe_works_within_the_selection_read_from_stdin(planted: tuple[Path, set[tuple[str, str]]]):
    root, _ = planted
    feed = "".join(json.dumps({"id": doc_id}) + "\n" for doc_id in ("902_copy_add", "001_487be5ddedc07bcd", "002_8558860120d3c356"))
    result = run("list", "--corpus", str(root), "--stdin", "--dedupe", "--format", "jsonl", input=feed)
    # 902 copies 002 (undated both): the smaller id stands for the group; stdin's order is kept.
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["001_487be5ddedc07bcd", "002_8558860120d3c356"]


def test_check_warns_of_near_duplicates_but_leaves_identical_files_to_duplicate(planted: tuple[Path, set[tuple[str, str]]], tmp_path: Path):
    root = tmp_path / "c"
    shutil.copytree(planted[0], root)
    shutil.copy(SEEDS / "001_487be5ddedc07bcd.txt", root / "950_same_bytes.txt")
    result = run("check", "--corpus", str(root), "--format", "jsonl", "--ignore", "name", "--ignore", "date")
    assert result.exit_code == 1
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    near = {(finding["id"], finding["message"].split()[2].rstrip(":")) for finding in findings if finding["check"] == "near-duplicate"}
    # 950 has 001's bytes: no near-duplicate finding with 001 ("duplicate" says it), one with 001's edited copy.
    assert near == {(b, a) for a, b in planted[1]} | {("950_same_bytes", "901_copy_drop")}
    assert all(finding["severity"] == "warning" for finding in findings if finding["check"] == "near-duplicate")
    assert [finding["id"] for finding in findings if finding["check"] == "duplicate"] == ["950_same_bytes"]
    ignored = run("check", "--corpus", str(root), "--format", "jsonl", "--ignore", "near-duplicate")
    assert "near-duplicate" not in ignored.stdout


def test_dedupe_reports_each_warning_once_and_strict_counts_each_file_once(tmp_path: Path):
    root = tmp_path / "c"
    shutil.copytree(SEEDS, root)
    for name in ("binary_one", "binary_two"):
        (root / f"{name}.txt").write_bytes(b"ICE\x00\x01\x02 binary")
    result = run("list", "--corpus", str(root), "--no-stdin", "--dedupe", "--format", "jsonl")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("corpus: warning:")]
    assert len(warnings) == len(set(warnings)) == 2, result.stderr
    strict = run("list", "--corpus", str(root), "--no-stdin", "--dedupe", "--strict", "--format", "jsonl")
    assert strict.exit_code == 2 and "corpus: error: 2 warning(s)" in strict.stderr


def test_a_threshold_below_what_banding_can_promise_compares_every_pair_of_a_small_selection():
    found = records("--corpus", str(SEEDS), "--threshold", "0.0005")
    recounted = {}
    for a, b in itertools.combinations(ORIGINALS, 2):
        recounted[(a, b)] = exact(SEEDS / f"{a}.txt", SEEDS / f"{b}.txt")[0]
    assert found and all(pair["jaccard"] >= 0.0005 for pair in found)
    # Every pair the recount puts clearly above the threshold is printed (the recount's tokenizer is not the tool's).
    assert {key for key, jaccard in recounted.items() if jaccard >= 0.002} <= {(pair["a"], pair["b"]) for pair in found}


def test_banding_never_returns_a_setting_that_breaks_the_promise():
    lowest = lsh.lowest_banded_threshold()
    assert lsh.banding(lowest) is not None
    for threshold in (0.0005, 0.05, lowest - 0.001):
        assert lsh.banding(threshold) is None
    for threshold in (lowest, 0.2, 0.5, 0.99):
        setting = lsh.banding(threshold)
        assert setting is not None and lsh.candidate_probability(threshold, *setting) >= 1 - lsh.MISS_AT_THRESHOLD


def test_a_low_threshold_on_a_selection_too_large_to_compare_every_pair_is_one_error_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(lsh, "EVERY_PAIR_MAX_DOCUMENTS", len(ORIGINALS) - 1)
    result = run("dupes", "--corpus", str(SEEDS), "--no-stdin", "--threshold", "0.05", "--format", "jsonl")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("corpus: error:") and result.stderr.count("\n") == 1
    assert f"{lsh.lowest_banded_threshold()}" in result.stderr
    at_lowest = run("dupes", "--corpus", str(SEEDS), "--no-stdin", "--threshold", str(lsh.lowest_banded_threshold()))
    assert at_lowest.exit_code == 0 and at_lowest.stderr == ""  # banding serves it, whatever the selection's size


def test_the_help_says_how_the_printed_figures_are_rounded_and_the_records_agree():
    help_text = " ".join(run("dupes", "--help").stdout.split())
    assert "rounded to 4 decimals" in help_text and "every jaccard printed is exact" not in help_text
    found = records("--corpus", str(SEEDS), "--threshold", "0.0005")
    assert found and all(pair[key] == round(pair[key], 4) for pair in found for key in ("jaccard", "contained"))


@pytest.mark.slow  # reads a generated corpus of 94 documents several times: about 2 s
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_few_banded_pairs_are_compared_and_the_same_pairs_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: float):
    """A generated corpus remixes one small vocabulary: its documents meet in the bands by the
    hundred. Counting the agreeing minimums leaves most of those pairs unread, and the pairs
    reported are still those every exact comparison finds."""
    from helpers import generated_corpus

    from corpus_cli.run.duplicates import find_duplicates
    from corpus_cli.run.session import open_session

    root = generated_corpus(tmp_path / "generated", 0.5)
    session = open_session(corpus_path=str(root), read_stdin=False, no_messages=True)
    found = find_duplicates(session, threshold)
    shingles = {document.id: dupes.shingle_set(dupes.words_of(document)) for document in session.documents()}
    exact = sorted(
        (a, b) for a, b in itertools.combinations(sorted(shingles), 2) if dupes.similarity(shingles[a], shingles[b])[0] >= threshold
    )
    assert [(pair.a, pair.b) for pair in found.pairs] == exact
    monkeypatch.setattr(lsh, "least_agreeing", lambda threshold: 0)  # the bands alone
    unfiltered = find_duplicates(session, threshold)
    assert unfiltered.pairs == found.pairs
    if threshold >= 0.8:  # far above the corpus's usual similarity (about 0.13): most pairs go
        assert found.candidates * 20 <= unfiltered.candidates


def test_a_small_budget_of_held_shingles_reads_again_and_finds_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Three copies of each of three seeds: every document is in two pairs. Held sets past the
    budget are let go of and read again; the pairs are the same."""
    from corpus_cli.run import duplicates

    for original in ORIGINALS[:3]:
        text = body_of(SEEDS / f"{original}.txt")
        for copy in range(3):  # the same text under another date: the header is not shingled
            (tmp_path / f"{original}_{copy}.txt").write_text(f" date 2024-01-0{copy + 1} {text}", encoding="utf-8")
    unbounded = records("--corpus", str(tmp_path))
    assert len(unbounded) == 9
    reads = []
    read = duplicates._shingle_set
    monkeypatch.setattr(duplicates, "_shingle_set", lambda session, source: reads.append(source.id) or read(session, source))
    monkeypatch.setattr(duplicates, "HELD_SHINGLES", 1)
    assert records("--corpus", str(tmp_path)) == unbounded
    assert len(reads) > len(set(reads)) == 9


@pytest.mark.slow  # two passes over 530 generated documents: a few seconds
def test_pairs_contained_past_reuse_that_the_bands_find_are_still_compared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """With --reuse a banded pair is kept when its signatures agree enough for the containment,
    not only for the threshold: the pairs are those of the bands alone."""
    from helpers import generated_corpus

    from corpus_cli.run.duplicates import find_duplicates
    from corpus_cli.run.session import open_session

    root = generated_corpus(tmp_path / "generated", 2.7, seed=3)
    session = open_session(corpus_path=str(root), read_stdin=False, no_messages=True)
    found = find_duplicates(session, 0.8, reuse=0.5)
    assert found.pairs
    monkeypatch.setattr(lsh, "least_agreeing", lambda threshold: 0)
    assert find_duplicates(session, 0.8, reuse=0.5).pairs == found.pairs
