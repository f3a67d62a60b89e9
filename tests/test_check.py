"""`corpus check`: a record per finding, exit 1 when anything is found, 0 when the corpus is clean."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import run

from corpus_cli.analysis.check import CHECKS, FIELDS, check_corpus
from corpus_cli.source.config import load_config

ARTICLE = b" date 2024-01-25 An article with a date.\n"


def make_corpus(root: Path, files: dict[str, bytes], config: str | None = None) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    if config is not None:
        (root / "corpus.yaml").write_text(config)
    return root


def check(root: Path, *options: str) -> tuple[int, list[dict]]:
    result = run("check", "--corpus", str(root), "--format", "jsonl", *options)
    assert result.stderr == ""
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def summary(findings: list[dict]) -> list[tuple]:
    return [(finding["check"], finding["severity"], finding["id"]) for finding in findings]


def test_a_clean_corpus_passes_with_no_output(tmp_path):
    root = make_corpus(tmp_path, {"000_aa.txt": ARTICLE, "sub/001_bb.txt": b" date 2024-02-01 Another one.\n"})
    assert check(root) == (0, [])


def test_a_clean_corpus_says_so_on_a_table(tmp_path):
    root = make_corpus(tmp_path, {"000_aa.txt": ARTICLE}, config="name: tidy\n")
    result = run("check", "--corpus", str(root), "--format", "table")
    assert (result.exit_code, result.stdout) == (0, "no problems found in tidy\n")


def test_the_seeds_lack_three_dates(tmp_path):
    status, findings = check(Path(__file__).resolve().parent.parent / "seeds")
    assert status == 1
    assert [(finding["check"], finding["id"][:3]) for finding in findings] == [("date", "002"), ("date", "003"), ("date", "004")]
    assert set(findings[0]) == set(FIELDS)


def test_each_finding_is_a_record_with_the_file(tmp_path):
    root = make_corpus(
        tmp_path,
        {
            "000_aa.txt": ARTICLE,
            "001_bb.txt": ARTICLE,
            "002_cc.txt": b"\x89PNG\r\n\x1a\n\x00\x00",
            "003_dd.txt": "Caf\xe9 with no header.\n".encode("latin-1"),
            "004_ee.txt": b" date 2024-02-30 Not a day.\n",
            "005_ff.txt": b" date 2024-1-5 Not written right.\n",
            "006_ab.txt": b"",
            "Notes on things.txt": ARTICLE.replace(b"An", b"One"),
        },
    )
    status, findings = check(root)
    assert status == 1
    assert findings[0] == {
        "check": "duplicate",
        "severity": "error",
        "id": "001_bb",
        "path": "001_bb.txt",
        "message": f"same content as 000_aa (sha256 {hashlib.sha256(ARTICLE).hexdigest()[:16]})",
    }
    assert summary(findings[1:]) == [
        ("decode", "error", "002_cc"),
        ("decode", "warning", "003_dd"),
        ("date", "warning", "003_dd"),
        ("date", "error", "004_ee"),
        ("date", "error", "005_ff"),
        ("empty", "warning", "006_ab"),
        ("date", "warning", "006_ab"),
        ("name", "warning", "Notes on things"),
    ]
    messages = {(finding["id"], finding["check"]): finding["message"] for finding in findings}
    assert messages["003_dd", "decode"] == "invalid UTF-8 at byte 3; decoded as Windows-1252"
    assert messages["004_ee", "date"] == "header date 2024-02-30 is not a real date; the header is kept as text"
    assert messages["Notes on things", "name"] == "file name does not follow NNN_<hex>.txt"


def test_ids_that_clash(tmp_path):
    root = make_corpus(
        tmp_path,
        {"a/000_aa.txt": ARTICLE, "b/000_aa.txt": ARTICLE + b"More.\n", "001_Bb.txt": ARTICLE + b"B", "001_bB.txt": ARTICLE + b"b"},
    )
    status, findings = check(root, "--ignore", "name", "--ignore", "near-duplicate")  # 001_Bb and 001_bB are near-duplicates too
    assert status == 1
    assert summary(findings) == [
        ("id", "warning", None),
        ("id", "error", "001_Bb"),
        ("id", "error", "001_bB"),
        ("id", "error", "a/000_aa"),
        ("id", "error", "b/000_aa"),
    ]
    assert findings[1]["message"] == "id differs from 001_bB only in case; one file where case is ignored (macOS, Windows)"
    assert findings[3]["message"] == "another file is named 000_aa.txt; this one is addressed by its path, 'a/000_aa'"


def test_config_entries_that_name_no_file(tmp_path):
    config = "documents:\n  000_aa: {title: Kept}\n  999_zz: {title: Gone}\n  001_bb: {date: 2024-03-01}\n"
    root = make_corpus(tmp_path, {"000_aa.txt": ARTICLE, "001_bb.txt": b"No header, dated in corpus.yaml.\n"}, config=config)
    status, findings = check(root)
    assert status == 1
    assert findings == [
        {
            "check": "config",
            "severity": "error",
            "id": "999_zz",
            "path": str(root / "corpus.yaml"),
            "message": "corpus.yaml has an entry for '999_zz' but no document has that id",
        }
    ]


def test_links_and_unreadable_entries_are_file_findings(tmp_path):
    root = make_corpus(tmp_path / "corpus", {"000_aa.txt": ARTICLE})
    (root / "001_bb.txt").symlink_to(tmp_path / "missing.txt")
    status, findings = check(root)
    assert status == 1
    assert findings == [
        {"check": "file", "severity": "warning", "id": None, "path": None, "message": "001_bb.txt: broken symbolic link, skipped"}
    ]


def test_ignore_leaves_checks_out(tmp_path):
    root = make_corpus(tmp_path, {"free-name.txt": b"No date here.\n"})
    assert summary(check(root)[1]) == [("name", "warning", "free-name"), ("date", "warning", "free-name")]
    assert check(root, "--ignore", "name", "--ignore", "date") == (0, [])


@pytest.mark.parametrize("output_format", ["csv", "json", "tsv", "yaml", "table"])
def test_every_format_carries_the_findings(tmp_path, output_format):
    root = make_corpus(tmp_path, {"000_aa.txt": b" date 2024-02-30 x\n"})
    result = run("check", "--corpus", str(root), "--format", output_format)
    assert result.exit_code == 1
    assert "2024-02-30 is not a real date" in result.stdout


def test_a_bad_corpus_yaml_is_an_error_not_a_finding(tmp_path):
    root = make_corpus(tmp_path, {"000_aa.txt": ARTICLE}, config="documents: [not, a, mapping]\n")
    result = run("check", "--corpus", str(root))
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: ")


def test_check_corpus_is_a_library_call(tmp_path):
    root = make_corpus(tmp_path, {"000_aa.txt": ARTICLE, "001_bb.txt": ARTICLE}, config="name: lib\n")
    findings = list(check_corpus(load_config(root / "corpus.yaml")))
    assert [(finding.check, finding.id) for finding in findings] == [("duplicate", "001_bb")]
    assert list(check_corpus(load_config(root / "corpus.yaml"), skip=CHECKS)) == []
