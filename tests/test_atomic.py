"""Atomic, no-clobber writing: the target appears whole or not at all, and stays as it was on failure."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from corpus_cli.errors import CorpusError
from corpus_cli.export import atomic
from corpus_cli.export.atomic import FOLDER_MARKER, TargetExists, atomic_file, atomic_folder, atomic_path


def leftovers(folder: Path) -> list[str]:
    """Hidden temporaries (or set-aside folders) left in `folder`."""
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


def test_a_new_file_appears_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_file(target) as stream:
        stream.write(b"hello")
        assert not target.exists()  # nothing visible until the end
    assert target.read_bytes() == b"hello"
    assert target.stat().st_mode & 0o777 == 0o666 & ~atomic._umask()
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_refused_before_any_work(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(TargetExists, match="already exists; use --force"), atomic_file(target):
        pytest.fail("the body must not run")
    assert target.read_bytes() == b"old"


def test_a_target_created_while_writing_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(TargetExists), atomic_file(target) as stream:
        stream.write(b"new")
        target.write_bytes(b"someone else's")
    assert target.read_bytes() == b"someone else's"
    assert leftovers(tmp_path) == []


def test_force_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with atomic_file(target, force=True) as stream:
        stream.write(b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_failure_midway_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path, failure: BaseException) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(type(failure)), atomic_file(target, force=True) as stream:
        stream.write(b"half")
        raise failure
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


class FullDisk:
    """A file that takes `room` bytes, then fails as a full disk does."""

    def __init__(self, path: Path, room: int) -> None:
        self.file = open(path, "wb")  # noqa: SIM115 - closed by __exit__
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.file.write(data)

    def flush(self) -> None:
        self.file.flush()

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def test_a_full_disk_is_one_clear_error_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "open", lambda path, mode: FullDisk(path, room=3), raising=False)
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(CorpusError, match=r"cannot write .*out.txt: No space left on device"), atomic_file(target, force=True) as stream:
        stream.write(b"abc")
        stream.write(b"more than fits")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_failed_fsync_is_reported_and_nothing_is_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(handle: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", no_space)
    target = tmp_path / "out.txt"
    with pytest.raises(CorpusError, match="No space left on device"), atomic_file(target) as stream:
        stream.write(b"data")
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_an_unwritable_folder_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(kwargs["dir"]))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
    with pytest.raises(CorpusError, match=r"cannot write .*out.txt: Permission denied"), atomic_file(tmp_path / "out.txt"):
        pytest.fail("the body must not run")


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="No such file or directory"), atomic_file(tmp_path / "absent" / "out.txt"):
        pytest.fail("the body must not run")


def test_without_hard_links_a_new_file_still_arrives_and_an_old_one_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "out.txt"
    with atomic_file(target) as stream:
        stream.write(b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(TargetExists), atomic_file(tmp_path / "late.txt") as stream:
        (tmp_path / "late.txt").write_bytes(b"first")
    assert (tmp_path / "late.txt").read_bytes() == b"first"
    assert leftovers(tmp_path) == []


def test_a_path_is_refused_when_it_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(CorpusError, match="is a folder"), atomic_path(tmp_path / "dir", force=True):
        pytest.fail("the body must not run")


def test_a_folder_appears_whole_and_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with atomic_folder(target) as folder:
        (folder / "a.md").write_text("a")
        assert not target.exists()
    assert (target / "a.md").read_text() == "a"
    with pytest.raises(TargetExists), atomic_folder(target):
        pytest.fail("the body must not run")
    assert leftovers(tmp_path) == []


def test_force_replaces_a_folder_and_a_failure_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with atomic_folder(target) as folder:
        (folder / "old.md").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(target, force=True) as folder:
        (folder / "new.md").write_text("new")
        raise RuntimeError("boom")
    assert sorted(os.listdir(target)) == [FOLDER_MARKER, "old.md"]
    with atomic_folder(target, force=True) as folder:
        (folder / "new.md").write_text("new")
    assert sorted(os.listdir(target)) == [FOLDER_MARKER, "new.md"]
    assert leftovers(tmp_path) == []
