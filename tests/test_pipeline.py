"""The shared pipeline on two processes gives what it gives on one: same records, order, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus_cli.run import parallel, pipeline
from corpus_cli.run.selection import Selection
from corpus_cli.source.config import Corpus
from corpus_cli.source.discover import discover
from corpus_cli.text.document import Document


@pytest.fixture
def mixed(tmp_path: Path) -> Corpus:
    """Thirty documents: dated and not, one binary, one in Windows-1252, one impossible date."""
    for number in range(30):
        text = f" date 2024-{number % 12 + 1:02d}-01 Article {number}.\n" if number % 3 else f"Article {number}, undated.\n"
        (tmp_path / f"{number:03d}_ab.txt").write_text(text, encoding="utf-8")
    (tmp_path / "007_ab.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "011_ab.txt").write_bytes(" date 2024-05-01 caf\xe9\n".encode("latin-1"))
    (tmp_path / "013_ab.txt").write_text(" date 2024-02-30 Impossible.\n", encoding="utf-8")
    return Corpus(root=tmp_path, name="mixed")


@pytest.mark.parametrize(
    "selection",
    [Selection(), Selection(since="2024-03-01", until="2024-09-30"), Selection(ids={"020_ab": 1, "004_ab": 2, "011_ab": 3, "007_ab": 4})],
    ids=["all", "dates", "stdin-order"],
)
def test_two_processes_give_what_one_gives(mixed: Corpus, selection: Selection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 4)  # several tasks, so order is really at stake
    files = discover(mixed, lambda message: None)
    runs = []
    for processes in (1, 2):
        warnings: list[str] = []
        records = list(pipeline.mapped(mixed, files, selection, warnings.append, Document.summary, processes=processes))
        runs.append((records, warnings))
    assert runs[0] == runs[1]
    records, warnings = runs[0]
    assert records and warnings
    if selection.ids:
        assert [record["id"] for record in records] == ["020_ab", "004_ab", "011_ab"]  # 007 is binary
        assert warnings == [
            "011_ab.txt: invalid UTF-8 at byte 20; decoded as Windows-1252",
            "007_ab.txt: binary file (NUL byte in the first 8 KB); skipped",
        ]


@pytest.mark.parametrize("selection", [Selection(), Selection(since="2024-03-01", until="2024-09-30")], ids=["all", "dates"])
@pytest.mark.parametrize("processes", [1, 2])
def test_packed_gives_each_tasks_results_in_one_pack(mixed: Corpus, selection: Selection, processes: int) -> None:
    files = discover(mixed, lambda message: None)
    expected_warnings: list[str] = []
    expected = list(pipeline.mapped(mixed, files, selection, expected_warnings.append, Document.summary, processes=1))
    warnings: list[str] = []
    packs = list(pipeline.packed(mixed, files, selection, warnings.append, Document.summary, list, per_task=7, processes=processes))
    assert len(packs) == -(-len(files) // 7)  # one pack a task of 7 files
    assert [record for pack in packs for record in pack] == expected
    assert warnings == expected_warnings
