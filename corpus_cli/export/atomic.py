"""Atomic, no-clobber writing: a target appears whole or not at all, and is never overwritten
unless asked.

Everything is written to a hidden temporary beside the target (``.NAME.XXXXXXXX.tmp``), flushed
and fsynced, then moved into place in one step: `os.link` for a new file (it refuses an existing
target atomically, where checking first and renaming after would race), `os.replace` with
``force``. Any failure, Ctrl-C included, removes the temporary and leaves an old target as it
was. Only a process killed outright (``kill -9``, a power cut) can leave the hidden temporary
behind; the target is then untouched, and the temporary can be deleted.

A folder (the markdown export) is built the same way and renamed into place. Replacing an
existing folder takes two renames (the old one aside, the new one in), so for an instant between
them neither is at the target; a failure in between puts the old one back.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from corpus_cli.errors import CorpusError

# Filesystems without hard links (FAT, exFAT, some network mounts) answer os.link with these.
NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


class TargetExists(CorpusError):
    """The target is already there and ``force`` was not given."""

    def __init__(self, target: Path) -> None:
        super().__init__(f"{target} already exists; use --force to overwrite it")


def check_target(target: Path, *, force: bool, folder: bool = False) -> None:
    """Fail early, before any work, when the target is in the way (`commit` checks again)."""
    if target.is_dir() and not folder:
        raise CorpusError(f"{target} is a folder; name a file to write")
    if (target.exists() or target.is_symlink()) and not force:
        raise TargetExists(target)


@contextlib.contextmanager
def atomic_path(target: Path, *, force: bool = False) -> Iterator[Path]:
    """A temporary file path beside `target` for the caller to fill (sqlite writes by path);
    on a clean exit it is fsynced and moved to `target`, on any failure removed."""
    check_target(target, force=force)
    temporary = _reserve(target)
    try:
        with _guard(target):
            yield temporary
            _fsync_file(temporary)
        commit(temporary, target, force=force)
    except BaseException:
        _remove(temporary)
        raise


@contextlib.contextmanager
def atomic_file(target: Path, *, force: bool = False) -> Iterator[BinaryIO]:
    """A binary stream to write `target` through, atomically (see `atomic_path`)."""
    with atomic_path(target, force=force) as temporary, open(temporary, "wb") as stream:
        yield stream


@contextlib.contextmanager
def atomic_folder(target: Path, *, force: bool = False) -> Iterator[Path]:
    """A temporary folder beside `target` for the caller to fill; moved to `target` at the end."""
    check_target(target, force=force, folder=True)
    with _guard(target):
        temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        with _guard(target):
            yield temporary
            os.chmod(temporary, 0o777 & ~_umask())
            for folder, _, names in os.walk(temporary):
                for name in names:
                    _fsync_file(Path(folder, name))
            _replace_folder(temporary, target, force=force)
            _fsync_folder(target.parent)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def commit(temporary: Path, target: Path, *, force: bool) -> None:
    """Move a finished temporary file to `target`: replacing it with `force`, else only if absent."""
    with _guard(target):
        os.chmod(temporary, 0o666 & ~_umask())
        if force:
            os.replace(temporary, target)
        else:
            _link_new(temporary, target)
        _fsync_folder(target.parent)


def _link_new(temporary: Path, target: Path) -> None:
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise TargetExists(target) from None
    except OSError as error:
        if error.errno not in NO_HARD_LINKS:
            raise
        # No hard links here: check, then rename. Only a writer racing us in between could lose.
        if target.exists():
            raise TargetExists(target) from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


def _replace_folder(temporary: Path, target: Path, *, force: bool) -> None:
    present = target.exists() or target.is_symlink()
    if present and not force:
        raise TargetExists(target)
    if not present:
        os.rename(temporary, target)
        return
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    os.rmdir(aside)
    os.rename(target, aside)
    try:
        os.rename(temporary, target)
    except BaseException:
        os.rename(aside, target)
        raise
    if aside.is_dir() and not aside.is_symlink():
        shutil.rmtree(aside, ignore_errors=True)
    else:
        aside.unlink()


def _reserve(target: Path) -> Path:
    with _guard(target):
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(handle)
    return Path(name)


@contextlib.contextmanager
def _guard(target: Path) -> Iterator[None]:
    """Turn a failure to write (full disk, no permission, no such folder) into one clear error."""
    try:
        yield
    except TargetExists:
        raise
    except OSError as error:
        reason = error.strerror or str(error)
        raise CorpusError(f"cannot write {target}: {reason} (nothing was changed there)") from error


def _fsync_file(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every system can fsync a folder, which is no error."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _umask() -> int:
    """The process's umask (read by setting it, as POSIX offers no other way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
