"""Every subcommand, in each of its modes, gives byte-identical output (stdout, stderr, status)
with a fresh index, with a stale one (files edited, added, deleted, touched) and with --no-index:
on a corpus of hostile files and on a generated corpus large enough for the parallel paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import generated_corpus, run
from index_corpora import hostile_corpus, make_stale

COMMANDS = [
    ("list",),
    ("list", "--since", "2024-01", "--until", "2024-06"),
    ("list", "--sort", "title", "--reverse", "--format", "csv"),
    ("list", "--id", "00*", "--format", "json"),
    ("show", "--format", "jsonl", "--stdin"),
    ("stats",),
    ("stats", "--by", "doc"),
    ("stats", "--by", "year"),
    ("stats", "--by", "month", "--format", "csv"),
    ("stats", "--by", "credit"),
    ("stats", "--top", "10"),
    ("stats", "--top", "5", "--ngram", "2", "--by", "year"),
    ("stats", "--top", "5", "--no-stopwords"),
    ("stats", "--term", "ICE", "--term", "border patrol", "--by", "month"),
    ("grep", "ICE"),
    ("grep", "-w", "ICE"),
    ("grep", "-i", "mayorkas"),
    ("grep", "-S", "stop"),
    ("grep", "-i", "ICE"),
    ("grep", "-i", "kelvin"),
    ("grep", "-c", "-w", "ICE", "--include-zero"),
    ("grep", "-c", "Mayorkas"),
    ("grep", "-l", "Biden"),
    ("grep", "-q", "deport"),
    ("grep", "-v", "ICE"),
    ("grep", "-o", "-e", "Mayorkas", "-e", "Biden"),
    ("grep", "-C", "1", "Mayorkas"),
    ("grep", "-m", "1", "the"),
    ("grep", "-F", "(Headline USA)"),
    ("grep", "Secretar(y|ies)"),
    ("grep", "Mayorkas$"),
    ("grep", "--field", "title", "-i", "border"),
    ("grep", "--field", "body", "-c", "ICE"),
    ("grep", "--kwic", "20", "--sort", "right", "ICE"),
    ("grep", "-c", "ICE", "--since", "2024"),
    ("grep", "zyzzyva-nowhere"),
    ("grep", "\\w+ly", "-c"),
    ("export", "--format", "jsonl"),
    ("export", "--format", "csv"),
    ("check",),
    ("stats", "--term", "ICE", "--dispersion", "--by", "year"),
    ("stats", "--term", "border patrol", "--dispersion", "--by", "year"),
    ("dispersion", "Mayorkas", "ICE"),
    ("collocates", "ICE"),
    ("keyness", "--id", "00[01]*"),
]


def outcome(corpus: Path, args: tuple[str, ...], *extra: str) -> tuple[str, str, int]:
    stdin = None
    if args[0] == "show":
        stdin = run("list", "--corpus", str(corpus), "--no-index").stdout  # every id, as records
    result = run(*args, "--corpus", str(corpus), *extra, input=stdin)
    return result.stdout, result.stderr, result.exit_code


def assert_all_same(corpus: Path) -> None:
    for args in COMMANDS:
        scanned = outcome(corpus, args, "--no-index")
        assert outcome(corpus, args) == scanned, args


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["hostile", "generated"])
def test_fresh_stale_and_no_index_agree(tmp_path: Path, kind: str):
    corpus = hostile_corpus(tmp_path / "c") if kind == "hostile" else generated_corpus(tmp_path / "c", 1.5)
    if kind == "generated":
        hostile_corpus(tmp_path / "h")
        for path in (tmp_path / "h").glob("*.txt"):  # hostile files among many generated ones
            path.rename(corpus / path.name)
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    assert len(run("list", "--corpus", str(corpus)).stdout.splitlines()) > (200 if kind == "generated" else 10)
    assert_all_same(corpus)
    make_stale(corpus)
    assert_all_same(corpus)
    status = json.loads(run("index", "--status", "--corpus", str(corpus), "--format", "json").stdout)
    assert status["stale"] == 0  # the commands above wrote what they re-read back


@pytest.mark.parametrize("args", [args for args in COMMANDS if args[0] in ("list", "stats")])
def test_list_or_stats_first_to_meet_changed_files_answers_as_a_scan(tmp_path: Path, args: tuple[str, ...]):
    """list and stats read a few columns of each fresh entry, and changed files whole: the first
    run after files changed re-reads them, writes them back (when the index answers it), and
    answers as a scan does."""
    corpus = hostile_corpus(tmp_path / "c")
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    make_stale(corpus)
    first = outcome(corpus, args)
    assert first == outcome(corpus, args, "--no-index")
    assert outcome(corpus, args) == first
