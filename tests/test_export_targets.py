"""What `export -o PATH --force` may replace: a file, or a folder an earlier markdown export wrote;
never the corpus, a folder it did not make, a device or a FIFO."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
from helpers import SEEDS, run


def markdown_export(target: Path, *extra: str, corpus: Path = SEEDS) -> tuple[int, str]:
    result = run("export", "--corpus", str(corpus), "--format", "markdown", "-o", str(target), *extra)
    return result.exit_code, result.stderr


def test_force_replaces_a_folder_an_earlier_markdown_export_wrote(tmp_path: Path) -> None:
    target = tmp_path / "md"
    assert markdown_export(target) == (0, "")
    (target / "stale.md").write_text("left by an older export")
    assert markdown_export(target, "--force") == (0, "")
    assert not (target / "stale.md").exists()
    assert sorted(path.stem for path in target.glob("*.md")) == sorted(path.stem for path in SEEDS.glob("*.txt"))


def test_force_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    target = tmp_path / "notes"
    target.mkdir()
    (target / "NOTES.md").write_text("mine")
    status, errors = markdown_export(target, "--force")
    assert status == 2
    assert errors.startswith(f"corpus: error: {target} was not written by 'corpus export' (no .corpus-export in it, and not empty); ")
    assert errors.count("\n") == 1
    assert (target / "NOTES.md").read_text() == "mine"


@pytest.mark.parametrize("where", ["the corpus", "inside the corpus", "a parent of the corpus"])
def test_force_never_replaces_the_corpus_or_a_folder_around_or_in_it(tmp_path: Path, where: str) -> None:
    corpus = tmp_path / "parent" / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "NOTES.md").write_text("mine")
    inner = corpus / "inner"
    assert markdown_export(inner, corpus=corpus) == (0, "")  # a real earlier export, inside the corpus
    target = {"the corpus": corpus, "inside the corpus": inner, "a parent of the corpus": corpus.parent}[where]
    before = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*"))
    status, errors = markdown_export(target, "--force", corpus=corpus)
    assert status == 2
    assert errors.startswith(f"corpus: error: {target} ") and "corpus" in errors and errors.count("\n") == 1
    assert sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("format", ["jsonl", "csv", "sqlite"])
def test_force_never_replaces_a_file_inside_the_corpus(tmp_path: Path, format: str) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    document = next(iter(sorted(corpus.glob("*.txt"))))
    kept = document.read_bytes()
    result = run("export", "--corpus", str(corpus), "--format", format, "-o", str(document), "--force")
    refusal = f"corpus: error: {document} is a document of the corpus being exported; export never writes one"
    assert (result.exit_code, result.stderr) == (2, refusal + " (write the export elsewhere)\n")
    assert document.read_bytes() == kept
    new = run("export", "--corpus", str(corpus), "--format", format, "-o", str(corpus / "all.TXT"))
    assert (new.exit_code, new.stderr) == (2, refusal.replace(str(document), str(corpus / "all.TXT")) + " (write the export elsewhere)\n")
    assert sorted(path.name for path in corpus.iterdir()) == sorted(path.name for path in SEEDS.iterdir())


def test_an_export_beside_the_documents_may_be_replaced(tmp_path: Path) -> None:
    """A corpus.yaml in the working folder makes it the corpus: corpus.db there is no document."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    for _ in range(2):
        result = run("export", "--corpus", str(corpus), "--format", "sqlite", "-o", str(corpus / "corpus.db"), "--force")
        assert (result.exit_code, result.stderr) == (0, "")


def test_force_replaces_a_link_inside_the_corpus_to_a_file_elsewhere_never_the_file(tmp_path: Path) -> None:
    """What is replaced is the name given; a link outside the corpus to a document is replaced, the document kept."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    document = next(iter(sorted(corpus.glob("*.txt"))))
    kept = document.read_bytes()
    link = tmp_path / "latest.jsonl"
    link.symlink_to(document)
    result = run("export", "--corpus", str(corpus), "-o", str(link), "--force")
    assert (result.exit_code, result.stderr) == (0, "")
    assert not link.is_symlink() and link.read_text().count("\n") == len(list(SEEDS.glob("*.txt")))
    assert document.read_bytes() == kept


def test_force_replaces_an_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert markdown_export(target, "--force") == (0, "")
    assert any(target.glob("*.md"))


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_a_fifo_is_written_into_as_a_stream_never_replaced(tmp_path: Path, force: tuple[str, ...]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("export", "--corpus", str(SEEDS), "--format", "jsonl", "-o", str(fifo), *force)
    reader.join(timeout=30)
    assert (result.exit_code, result.stderr) == (0, "")
    assert received and received[0].count(b"\n") == len(list(SEEDS.glob("*.txt")))
    assert fifo.is_fifo()


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_a_character_device_is_written_into_never_replaced(tmp_path: Path, force: tuple[str, ...]) -> None:
    # A private twin of /dev/null: the real one must not be put at risk by a test (root could replace it).
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")
    result = run("export", "--corpus", str(SEEDS), "--format", "csv", "-o", str(device), *force)
    assert (result.exit_code, result.stderr) == (0, "")
    assert device.is_char_device()


@pytest.mark.parametrize("format", ["sqlite", "markdown"])
def test_a_database_or_folder_is_not_written_over_a_special_file(tmp_path: Path, format: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run("export", "--corpus", str(SEEDS), "--format", format, "-o", str(fifo), "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"corpus: error: {fifo} is not a regular file")
    assert fifo.is_fifo()
