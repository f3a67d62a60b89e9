"""A document's file and how its bytes are read: the one place that opens a document file.

A file may change between the scan and the read (time of check to time of use): it is opened
without following a symbolic link and without blocking, and read only when the descriptor is a
regular file, so a file swapped for a link to outside the corpus, a FIFO or a device is refused.
A file larger than the corpus's limit for one document is refused too, before it is read.
"""

from __future__ import annotations

import errno
import os
import pickle
import stat
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from corpus_cli.errors import CorpusError
from corpus_cli.source.limits import DEFAULT_MAX_DOCUMENT_MB, describe_megabytes, document_limit

Warn = Callable[[str], None]


class SourceFile(NamedTuple):
    """A document's file: its id, its path relative to the root, and where it is on disk.

    A named tuple: a corpus of 100,000 files holds 100,000 of these, made while every command
    waits for discovery, and a frozen dataclass takes three times as long to make.
    """

    id: str
    path: str
    location: str  # a plain string: building a Path per file doubled discovery's time; a link's target
    max_mb: float = DEFAULT_MAX_DOCUMENT_MB  # the corpus's limit for one document

    def read_bytes(self) -> bytes:
        return read_bytes(self.location, self.max_mb)

    def read_chunks(self) -> Iterator[bytes]:
        return read_chunks(self.location)


class FileBatches:
    """A list of files cut into tasks for worker processes, each task's files packed (pickled as
    one tuple a field) into one byte string before the workers are forked; `batches[n]` is task
    n's files.

    A forked worker that took its files from the parent's list bumped each one's reference
    counts, and so copied every page of the list it went through (36 MB a worker at 93,646
    files); the bytes it unpacks here it only reads. A task goes down the pipe as its number:
    a task carrying its files could fill the pipe and stall a parent that waits to send while
    its worker waits to be read.
    """

    def __init__(self, files: Sequence[SourceFile], ranges: Sequence[tuple[int, int]], extras: Sequence[Any] | None = None) -> None:
        """`extras`, when given, holds something more a file (in `files`' order) for the workers,
        packed with the files (see `with_extras`)."""
        self._packed = [_packed(files[start:end], None if extras is None else extras[start:end]) for start, end in ranges]

    def __getitem__(self, number: int) -> list[SourceFile]:
        return self.with_extras(number)[0]

    def with_extras(self, number: int) -> tuple[list[SourceFile], Sequence[Any] | None]:
        """Task `number`'s files, and their extras (None when none were given)."""
        return _unpacked(self._packed[number])

    def __len__(self) -> int:
        return len(self._packed)


def _packed(files: Sequence[SourceFile], extras: Sequence[Any] | None) -> bytes:
    """A task's files as one tuple a field (with their extras), pickled: what a worker unpacks."""
    return pickle.dumps((tuple(zip(*files)), extras), protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(data: bytes) -> tuple[list[SourceFile], Sequence[Any] | None]:
    columns, extras = pickle.loads(data)
    return (list(map(SourceFile, *columns)) if columns else []), extras


class SpillFailed(CorpusError):
    """`SpilledBatches` could not store a task's files."""


class SpilledBatches:
    """Tasks' files packed as `FileBatches` packs them, into an anonymous file in memory (Linux's
    memfd) made before the workers fork: so files found after the fork reach them too, and a
    task still goes down the pipe as a pair of numbers (where its files are in the file, and
    how many bytes); `batches[place]` is the task's files. Close it when done."""

    def __init__(self) -> None:
        self._descriptor = os.memfd_create("corpus-tasks", os.MFD_CLOEXEC)
        self._end = 0

    def add(self, files: Sequence[SourceFile]) -> tuple[int, int]:
        """Pack `files` as one task; where they are, to send to a worker. `SpillFailed` when the
        memory file cannot take them (no room, a memory limit)."""
        data = _packed(files, None)
        start = self._end
        written = 0
        try:
            while written < len(data):
                written += os.pwrite(self._descriptor, data[written:], start + written)
        except OSError as error:  # not the output's fault, which an OSError without a file name is taken for
            raise SpillFailed(f"cannot hand files to the worker processes: {error.strerror or error}; try --jobs 1") from None
        self._end += len(data)
        return start, len(data)

    def __getitem__(self, place: tuple[int, int]) -> list[SourceFile]:
        start, size = place
        pieces = []
        while size > 0:
            piece = os.pread(self._descriptor, size, start)
            if not piece:
                raise EOFError("a task's files were cut short")
            pieces.append(piece)
            start, size = start + len(piece), size - len(piece)
        return _unpacked(b"".join(pieces))[0]

    def close(self) -> None:
        os.close(self._descriptor)


# O_NOFOLLOW and O_NONBLOCK are POSIX; where they are missing the checks after opening remain.
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path is no longer a regular file (a symbolic link, a FIFO, a device, a folder)."""


class TooLarge(OSError):
    """The file is larger than the limit for one document; it is not read."""

    def __init__(self, path: str | os.PathLike[str], size: int, max_mb: float) -> None:
        self.reason = f"{describe_megabytes(size)}, over the {max_mb:g} MB limit for a document (--max-document-mb raises it)"
        super().__init__(errno.EFBIG, f"{self.reason}; skipped", os.fspath(path))


def read_bytes(path: str | os.PathLike[str], max_mb: float = DEFAULT_MAX_DOCUMENT_MB) -> bytes:
    """A regular file's bytes, with fewer calls than `open().read()` makes (it shows on 20,000
    small files); `NotRegularFile` for anything else, which is never read, and `TooLarge` for a
    file of more than `max_mb` MB (read no further than the limit, should it grow meanwhile)."""
    limit = document_limit(max_mb)
    descriptor, size = _open_regular(path)
    try:
        if size > limit:
            raise TooLarge(path, size, max_mb)
        data = os.read(descriptor, size + 1)
        if len(data) <= size:
            return data
        pieces = [data]  # the file grew, or its size was not known (a special file)
        read = len(data)
        while piece := os.read(descriptor, 1 << 20):
            pieces.append(piece)
            read += len(piece)
            if read > limit:
                raise TooLarge(path, read, max_mb)
        return b"".join(pieces)
    finally:
        os.close(descriptor)


def read_chunks(path: str | os.PathLike[str], chunk_bytes: int = 1 << 20) -> Iterator[bytes]:
    """A regular file's bytes, a chunk at a time, whatever its size (``show --raw``); refused as
    `read_bytes` refuses anything but a regular file."""
    descriptor, _ = _open_regular(path)
    try:
        while chunk := os.read(descriptor, chunk_bytes):
            yield chunk
    finally:
        os.close(descriptor)


def _open_regular(path: str | os.PathLike[str]) -> tuple[int, int]:
    """An open descriptor of a regular file, not through a symbolic link, and its size."""
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            raise NotRegularFile(errno.ELOOP, "a symbolic link now (changed since the corpus was scanned?); not followed") from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file (changed since the corpus was scanned?); not read")
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor, status.st_size
