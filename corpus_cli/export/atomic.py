"""Atomic, no-clobber writing: a target appears whole or not at all, and is never overwritten
unless asked.

Everything is written to a hidden temporary beside the target (``.NAME.XXXXXXXX.tmp``), flushed
and fsynced, then moved into place in one step: `os.link` for a new file (it refuses an existing
target atomically, where checking first and renaming after would race), `os.replace` with
``force``. Any failure, Ctrl-C included, removes the temporary and leaves an old target as it
was. Only a process killed outright (``kill -9``, a power cut) can leave the hidden temporary
behind; the target is then untouched, and the temporary can be deleted.

A folder (the markdown export) is built the same way and renamed into place, with a marker file
(`FOLDER_MARKER`) in it. Replacing an existing folder takes two renames (the old one aside, the
new one in), so for an instant between them neither is at the target; a failure in between puts
the old one back. ``force`` replaces only a folder that holds the marker (or nothing at all), and
never one that is, holds or lies inside a `protected` folder (the corpus being read); and no file
is written where it would be a document of that corpus.

A character device or a FIFO is never replaced: `is_stream_target` tells the caller to write into
it as a stream, as the shell's ``>`` would; a database or a folder cannot go there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from corpus_cli.errors import CorpusError

# Filesystems without hard links (FAT, exFAT, some network mounts) answer os.link with these.
NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}
# Written into every folder an export makes: --force replaces a folder only when it holds this.
FOLDER_MARKER = ".corpus-export"


class TargetExists(CorpusError):
    """The target is already there and ``force`` was not given."""

    def __init__(self, target: Path) -> None:
        super().__init__(f"{target} already exists; use --force to overwrite it")


def is_stream_target(target: Path) -> bool:
    """True when `target` is a character device or a FIFO (through any symbolic link): written
    into as a stream, never replaced."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def check_target(target: Path, *, force: bool, folder: bool = False, protected: Path | None = None) -> None:
    """Fail early, before any work, when the target is in the way (`commit` checks again)."""
    if target.is_dir() and not folder:
        raise CorpusError(f"{target} is a folder; name a file to write")
    present = target.exists() or target.is_symlink()
    if present and not (target.is_dir() or target.is_file()):
        kind = "a folder" if folder else "a file"
        raise CorpusError(f"{target} is not a regular file or folder; {kind} cannot be written there (name another path)")
    if not folder and protected is not None and is_document_of(target, protected):
        raise CorpusError(f"{target} is a document of the corpus being exported; export never writes one (write the export elsewhere)")
    if present and not force:
        raise TargetExists(target)
    if present and folder:
        check_replaceable_folder(target, protected)


def is_document_of(target: Path, corpus: Path) -> bool:
    """Whether a file written at `target` would be (or replace) a document of `corpus`: a .txt file
    inside it. The entry itself counts, not what a link there points to (os.replace replaces the link)."""
    return target.name.lower().endswith(".txt") and (target.parent.resolve() / target.name).is_relative_to(corpus.resolve())


def check_replaceable_folder(target: Path, protected: Path | None) -> None:
    """Refuse to replace a folder an export did not write, or one that is, holds or lies inside
    `protected`: only what an earlier export made may be thrown away."""
    if protected is not None:
        here, corpus = target.resolve(), protected.resolve()
        relation = "is" if here == corpus else "holds" if corpus.is_relative_to(here) else "is inside"
        if relation != "is inside" or here.is_relative_to(corpus):
            raise CorpusError(f"{target} {relation} the corpus being exported; --force never replaces it (write the export elsewhere)")
    if target.is_symlink() or not target.is_dir():
        raise CorpusError(f"{target} is not a folder an export wrote; --force replaces only those (remove it yourself)")
    with guarded(target):
        marked = (target / FOLDER_MARKER).is_file()
        empty = not marked and next(os.scandir(target), None) is None
    if not (marked or empty):
        raise CorpusError(
            f"{target} was not written by 'corpus export' (no {FOLDER_MARKER} in it, and not empty); "
            "--force replaces only such folders (remove it yourself, or choose another folder)"
        )


@contextlib.contextmanager
def atomic_path(target: Path, *, force: bool = False, protected: Path | None = None) -> Iterator[Path]:
    """A temporary file path beside `target` for the caller to fill (sqlite writes by path);
    on a clean exit it is fsynced and moved to `target`, on any failure removed. Never a document
    of `protected` (the corpus being read)."""
    check_target(target, force=force, protected=protected)
    temporary = _reserve(target)
    try:
        with guarded(target):
            yield temporary
            _fsync_file(temporary)
        commit(temporary, target, force=force)
    except BaseException:
        _remove(temporary)
        raise


@contextlib.contextmanager
def atomic_file(target: Path, *, force: bool = False, protected: Path | None = None) -> Iterator[BinaryIO]:
    """A binary stream to write `target` through, atomically (see `atomic_path`)."""
    with atomic_path(target, force=force, protected=protected) as temporary, open(temporary, "wb") as stream:
        yield stream


@contextlib.contextmanager
def atomic_folder(target: Path, *, force: bool = False, protected: Path | None = None) -> Iterator[Path]:
    """A temporary folder beside `target` for the caller to fill; marked as an export's and moved
    to `target` at the end (with ``force``, over a folder an export wrote, outside `protected`)."""
    check_target(target, force=force, folder=True, protected=protected)
    with guarded(target):
        temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        with guarded(target):
            yield temporary
            (temporary / FOLDER_MARKER).write_bytes(b"Written by corpus export; corpus export --force may replace this folder.\n")
            os.chmod(temporary, 0o777 & ~_umask())
            for folder, _, names in os.walk(temporary):
                for name in names:
                    _fsync_file(Path(folder, name))
            _replace_folder(temporary, target, force=force, protected=protected)
            _fsync_folder(target.parent)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def commit(temporary: Path, target: Path, *, force: bool) -> None:
    """Move a finished temporary file to `target`: replacing it with `force`, else only if absent."""
    with guarded(target):
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


def _replace_folder(temporary: Path, target: Path, *, force: bool, protected: Path | None) -> None:
    present = target.exists() or target.is_symlink()
    if present and not force:
        raise TargetExists(target)
    if present:
        check_replaceable_folder(target, protected)  # again: it may have changed while we worked
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
    with guarded(target):
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(handle)
    return Path(name)


@contextlib.contextmanager
def guarded(target: Path) -> Iterator[None]:
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
