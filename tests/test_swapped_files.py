"""A file swapped after the corpus was scanned (time of check to time of use): replaced by a
symbolic link to a file outside the corpus, or by a FIFO. It is skipped with a warning; nothing
outside the corpus is read, and nothing blocks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run

import corpus_cli.run.discovery as discovery_module
from corpus_cli.source.files import SourceFile

SECRET = "SECRET-OUTSIDE-CORPUS"


def swap_after_discovery(monkeypatch: pytest.MonkeyPatch, swap: Callable[[Path], None]) -> None:
    """Discover as usual, then swap the file victim.txt before anything reads it."""
    discover = discovery_module.discover

    def discover_then_swap(*args: object, **kwargs: object) -> list[SourceFile]:
        found = discover(*args, **kwargs)  # type: ignore[arg-type]
        victim = next(Path(source.location) for source in found if source.id == "victim")
        victim.unlink()
        swap(victim)
        return found

    monkeypatch.setattr(discovery_module, "discover", discover_then_swap)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "fine.txt").write_text("An ICE article.\n")
    (root / "victim.txt").write_text("An ICE article too.\n")
    (tmp_path / "secret.txt").write_text(f"ICE {SECRET}\n")
    return root


@pytest.mark.parametrize("command", [("export",), ("grep", "ICE"), ("list",)], ids=" ".join)
@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_a_file_swapped_after_discovery_is_skipped(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, kind: str, command: tuple[str, ...]
) -> None:
    secret = corpus.parent / "secret.txt"
    swap_after_discovery(monkeypatch, (lambda victim: victim.symlink_to(secret)) if kind == "symlink" else os.mkfifo)
    result = run(*command, "--corpus", str(corpus), "--format", "jsonl")
    assert SECRET not in result.stdout
    assert '"fine"' in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "victim.txt" in line]
    assert len(warnings) == 1 and warnings[0].startswith("corpus: warning: victim.txt: ")
    assert "regular file" in warnings[0] or "symbolic link" in warnings[0]


def test_a_symbolic_link_inside_the_corpus_is_still_read(corpus: Path) -> None:
    (corpus / "link.txt").symlink_to(corpus / "fine.txt")
    result = run("grep", "-c", "ICE", "--corpus", str(corpus), "--format", "jsonl")
    assert '"link"' in result.stdout and result.stderr == ""
