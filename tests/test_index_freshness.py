"""Freshness, as a library: what `check` takes on stat alone and what it sends to be read again."""

from __future__ import annotations

import os
import time
from pathlib import Path

from corpus_cli.index.freshness import RACY_NS, Stored, check, recheck
from corpus_cli.index.records import index_file
from corpus_cli.source.files import SourceFile


def stored_entry(path: Path, read_ns: int) -> Stored:
    data = path.read_bytes()
    return Stored(1, index_file(path.name, path.stat(), data, read_ns).entry)


def source(path: Path) -> SourceFile:
    return SourceFile(id=path.stem, path=path.name, location=str(path))


def test_an_entry_read_well_after_its_mtime_is_fresh_by_stat(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("Headline\n\nBody.\n", encoding="utf-8")
    status = path.stat()
    known = stored_entry(path, status.st_mtime_ns + RACY_NS + 1)
    checked = check({"a.txt": known}, [source(path)])
    assert list(checked.fresh) == ["a.txt"] and checked.suspects == []


def test_a_racy_entry_is_read_again_even_when_stat_agrees(tmp_path: Path):
    """Written in the same clock tick as it was read: an edit in that tick could keep the mtime."""
    path = tmp_path / "a.txt"
    path.write_text("Headline\n\nBody.\n", encoding="utf-8")
    known = stored_entry(path, path.stat().st_mtime_ns)
    checked = check({"a.txt": known}, [source(path)])
    assert checked.fresh == {} and checked.suspects == [source(path)]
    same = recheck(source(path), known.entry)
    assert same.same is not None and same.indexed is None  # the content is unchanged: no re-parse
    path.write_text("Headline\n\nBodx.\n", encoding="utf-8")  # same size
    os.utime(path, ns=(known.entry.mtime_ns, known.entry.mtime_ns))
    changed = recheck(source(path), known.entry)
    assert changed.indexed is not None and changed.indexed.entry.hash != known.entry.hash


def test_a_new_or_vanished_file_is_a_suspect(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    known = stored_entry(path, time.time_ns() + RACY_NS * 2)
    gone = tmp_path / "b.txt"
    checked = check({"a.txt": known, "b.txt": known._replace(entry=known.entry._replace(path="b.txt"))}, [source(path), source(gone)])
    assert checked.suspects == [source(gone)]
    assert recheck(source(gone), None).warning == "b.txt: cannot read: No such file or directory"
