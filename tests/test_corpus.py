"""Finding the corpus (precedence, corpus.yaml) and its files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SEEDS, run


def ids(result) -> list[str]:
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_seeds_are_the_default_anywhere():
    result = run("list", "--format", "jsonl")
    assert ids(result) == sorted(path.stem for path in SEEDS.glob("*.txt"))


def test_corpus_option_beats_environment_and_config(tmp_path, isolated):
    write(tmp_path / "opt" / "a_1.txt", "a")
    write(tmp_path / "env" / "b_1.txt", "b")
    write(isolated / "corpus.yaml", "path: .\n")
    write(isolated / "c_1.txt", "c")
    env = {"CORPUS_PATH": str(tmp_path / "env")}
    assert ids(run("list", "--format", "jsonl", "--corpus", str(tmp_path / "opt"), env=env)) == ["a_1"]
    assert ids(run("list", "--format", "jsonl", env=env)) == ["b_1"]
    assert ids(run("list", "--format", "jsonl")) == ["c_1"]


def test_corpus_yaml_is_found_in_a_parent_folder(isolated, monkeypatch):
    write(isolated / "corpus.yaml", "name: Test\npath: docs\n")
    write(isolated / "docs" / "x_1.txt", "x")
    (isolated / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(isolated / "deep" / "er")
    assert ids(run("list", "--format", "jsonl")) == ["x_1"]


def test_corpus_yaml_corrects_and_adds_metadata(seeds_copy):
    write(
        seeds_copy / "corpus.yaml",
        "name: Seeds\ndocuments:\n"
        "  002_8558860120d3c356:\n    date: 2022-07-01\n    source: American Wire\n    tags: [ice, dhs]\n"
        "  003_4e5a870071d63da7:\n    title: Mayorkas echoes Trump\n    url: https://example.org/a\n",
    )
    result = run("show", "002", "003", "--format", "jsonl", "--corpus", str(seeds_copy))
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert (first["date"], first["date_source"], first["source"], first["tags"]) == (
        "2022-07-01",
        "config",
        "American Wire",
        ["ice", "dhs"],
    )
    assert first["title_source"] == "headline"
    assert (second["title"], second["title_source"], second["url"]) == ("Mayorkas echoes Trump", "config", "https://example.org/a")
    assert (seeds_copy / "003_4e5a870071d63da7.txt").read_bytes() == next(SEEDS.glob("003_*")).read_bytes()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("name: !!python/object/apply:os.system ['touch pwned']\n", "corpus.yaml: invalid YAML: could not determine a constructor"),
        ("documents:\n  a_1:\n    date: 2024-02-30\n", "documents: a_1: date: '2024-02-30' is not a real date"),
        (
            "documents:\n  a_1:\n    date: 2024-01-01T23:30:00-05:00\n",
            "a_1: date: '2024-01-01T23:30:00-05:00' is not a real date written YYYY-MM-DD",
        ),
        ("documents:\n  a_1:\n    date: '2024-02-30'\n", "documents: a_1: date: '2024-02-30' is not a real date"),
        ("documents:\n  a_1:\n    colour: red\n", "documents: a_1: unknown field 'colour'"),
        ("documents: [a, b]\n", "documents: expected a mapping of document id to fields"),
        ("- just\n- a list\n", "expected a mapping with name, path and documents"),
    ],
)
def test_a_bad_corpus_yaml_is_one_error_line(isolated, config, message):
    """Loaded with yaml.safe_load: a !!python tag is an error, never code that runs."""
    write(isolated / "corpus.yaml", config)
    result = run("list")
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert not (isolated / "pwned").exists()


def test_sub_folders_hidden_files_and_other_extensions(tmp_path):
    write(tmp_path / "c" / "2020" / "b_2.txt", "b")
    write(tmp_path / "c" / "a_1.txt", "a")
    write(tmp_path / "c" / "notes.md", "not a document")
    write(tmp_path / "c" / ".hidden.txt", "hidden")
    write(tmp_path / "c" / ".git" / "x.txt", "vcs")
    result = run("list", "--format", "jsonl", "--corpus", str(tmp_path / "c"))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["path"]) for r in records] == [("a_1", "a_1.txt"), ("b_2", "2020/b_2.txt")]


def test_clashing_stems_are_addressed_by_path(tmp_path):
    write(tmp_path / "c" / "one" / "a.txt", "first")
    write(tmp_path / "c" / "two" / "a.txt", "second")
    result = run("list", "--format", "jsonl", "--corpus", str(tmp_path / "c"))
    assert ids(result) == ["one/a", "two/a"]
    assert (
        result.stderr
        == "corpus: warning: 1 file name(s) are used by more than one file; those 2 files are addressed by their paths (e.g. one/a)\n"
    )


def test_files_come_by_id_where_the_walk_finds_them_in_another_order(tmp_path):
    """Discovery goes through a folder's files by name, then its sub-folders: "c-d.txt" before
    "c.txt", the root's files before any folder's; the files still come sorted by id."""
    for name in ("c-d.txt", "c.txt", "m.txt", "x/a.txt", "x/y/b.txt", "z/n.txt"):
        write(tmp_path / "c" / name, "text")
    result = run("list", "--format", "jsonl", "--corpus", str(tmp_path / "c"))
    assert ids(result) == sorted(["c-d", "c", "m", "a", "b", "n"])
    assert result.stderr == ""


def test_names_that_differ_only_in_the_case_of_txt_keep_apart(tmp_path):
    write(tmp_path / "c" / "a.txt", "top")
    write(tmp_path / "c" / "y" / "a.txt", "first")
    write(tmp_path / "c" / "y" / "a.TXT", "second")
    result = run("list", "--format", "jsonl", "--corpus", str(tmp_path / "c"))
    assert ids(result) == ["a", "y/a", "y/a.TXT"]
    assert "1 file name(s) are used by more than one file; those 3 files" in result.stderr
    assert exported_texts(tmp_path / "c") == [("a", "a.txt", "top"), ("y/a", "y/a.txt", "first"), ("y/a.TXT", "y/a.TXT", "second")]


def test_each_file_is_read_from_where_it_was_found(tmp_path):
    """Files in nested folders, with .TXT endings and through a link inside the corpus."""
    write(tmp_path / "c" / "x" / "y" / "deep.TXT", "deep")
    write(tmp_path / "c" / "x" / "top.txt", "top")
    (tmp_path / "c" / "link.txt").symlink_to(tmp_path / "c" / "x" / "top.txt")
    assert exported_texts(tmp_path / "c") == [("deep", "x/y/deep.TXT", "deep"), ("link", "link.txt", "top"), ("top", "x/top.txt", "top")]


def exported_texts(corpus):
    """(id, path, text) of each document `corpus export` gives."""
    exported = run("export", "--corpus", str(corpus)).stdout.splitlines()
    return [(record["id"], record["path"], record["text"]) for record in map(json.loads, exported)]


def test_missing_corpus_folder_is_one_error_line(tmp_path):
    result = run("list", "--corpus", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr == f"corpus: error: corpus folder not found: {tmp_path / 'nope'} (from --corpus)\n"


def test_missing_corpus_from_environment_names_its_origin(tmp_path):
    result = run("list", env={"CORPUS_PATH": str(tmp_path / "gone")})
    assert result.exit_code == 2
    assert "(from $CORPUS_PATH)" in result.stderr
