"""The commands' side of `corpus index --watch` (see index/watcher.py): a survey's stat of every
file, skipped while a watcher says that nothing changed.

The freshness check stats every file (git's way), and at 93,646 files that is most of a command's
time. git's fsmonitor shows the way past it: ask a process that watches the folders what changed.
Here the watcher only counts changes. A command asks it for its count *before* it surveys the
files; when the survey then finds every file as the index holds it, with nothing to warn about,
no symbolic link and no document with another name (a hard link), the command "vouches": it keeps the count in the index with the list of
files it found. A later command that gets the same count from the same watcher (nothing changed
since, not even a new folder) takes that list and skips the walk and the stat calls; any other
answer, an answer without a count, or none within `ANSWER_TIMEOUT`, and it surveys as without a
watcher.

What inotify does not report, a watcher cannot count: a file changed through a hard link from
outside the corpus, writes through a memory map. The README says so; a command with --no-index,
or a stopped watcher, reads the files as ever.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import time
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING

from corpus_cli.index import mounts, schema
from corpus_cli.index.lock import writer_lock
from corpus_cli.source.discover import collection_paused
from corpus_cli.source.files import SourceFile, Warn
from corpus_cli.source.survey import Survey, folder_of, survey

if TYPE_CHECKING:
    import socket

    from corpus_cli.index.view import Glance
    from corpus_cli.source.config import Corpus

SOCKET_NAME = "watch.sock"  # beside the index file
PROTOCOL = "1"
# A watcher that does not answer in this time (stopped, swamped) is not waited for: the survey
# it would have saved takes about half a second at 93,646 files.
ANSWER_TIMEOUT = 0.25
_ANSWER_LIMIT = 200  # bytes: an answer is one short line
VOUCHED = "watched"  # meta: "VERSION INSTANCE COUNT UPDATED_NS ENCODING UID:GROUPS" of the list below
VOUCHED_FILES = "watched_files"  # meta: each file's id and path, in the files' order, NUL-separated UTF-8
VOUCHED_FOLDERS = "watched_folders"  # meta: the top-level folders holding files ("" the root), the same way
VOUCH_VERSION = "1"
# Vouching waits no longer than this for readers of the index to finish: the next command vouches.
VOUCH_WAIT_MS = 200


def answer_line(instance: str, count: int | None, root: os.stat_result) -> bytes:
    """The watcher's answer: who it is, how many changes it has seen ("-": it cannot vouch for
    the files now), which folder it watches."""
    said = "-" if count is None else str(count)
    return f"corpus-watch {PROTOCOL} {instance} {said} {root.st_dev} {root.st_ino}\n".encode()


def socket_path(index: Path) -> Path:
    return index.parent / SOCKET_NAME


def ask(index: Path, root: Path) -> str | None:
    """The count of the watcher of the corpus folder `root` ("INSTANCE COUNT"); None when no
    watcher of that folder, run by this user, answers with one in time."""
    path = socket_path(index)
    try:
        if not stat.S_ISSOCK(os.lstat(path).st_mode):
            return None
        import socket  # only here: a command without a watcher never needs it

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(ANSWER_TIMEOUT)
            connection.connect(os.fspath(path))
            if not _trusted(connection):
                return None
            answer = _read_line(connection, time.monotonic() + ANSWER_TIMEOUT)
            identity = os.stat(root)
    except (OSError, ValueError):
        return None
    words = answer.split()
    if len(words) != 6 or words[:2] != ["corpus-watch", PROTOCOL] or words[4:] != [str(identity.st_dev), str(identity.st_ino)]:
        return None
    if words[3] == "-":
        return None  # the watcher cannot vouch for the files now
    if mounts.file_systems(os.path.realpath(root))[1]:
        return None  # a mount below the corpus, in this process's view: the watcher may not see it
    return f"{words[2]} {words[3]}"


def _trusted(connection: socket.socket) -> bool:
    """Whether the watcher runs as this user (whose index it is, see `location.in_use`): another
    user's process in its place could otherwise vouch for files it never watched."""
    import socket
    import struct

    credentials = getattr(socket, "SO_PEERCRED", None)
    if credentials is None:
        return False
    _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, credentials, struct.calcsize("3i")))
    return bool(uid == os.geteuid())


def _read_line(connection: socket.socket, deadline: float) -> str:
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or len(data) > _ANSWER_LIMIT:
            raise ValueError("no answer in time")
        connection.settimeout(remaining)
        part = connection.recv(_ANSWER_LIMIT)
        if not part:
            raise ValueError("the watcher hung up")
        data += part
    return data.decode("ascii")


def vouched(connection: sqlite3.Connection) -> str | None:
    """The count the index was vouched at ("INSTANCE COUNT"), when the vouching is for the index
    as it is now, and was made by a process that reads the files as this one does (file-name
    encoding; user and groups, which decide what it may read); else None."""
    value = schema.get_meta(connection, VOUCHED)
    updated = schema.get_meta(connection, "updated_ns")
    if value is None or updated is None:
        return None
    words = value.split(" ")
    if len(words) != 6 or words[0] != VOUCH_VERSION or words[3:] != [updated, *_reader()]:
        return None
    return f"{words[1]} {words[2]}"


def _reader() -> list[str]:
    """What decides how this process finds and reads the files, besides the files themselves."""
    groups = ",".join(map(str, sorted({os.getegid(), *os.getgroups()})))
    return [sys.getfilesystemencoding(), f"{os.geteuid()}:{groups}"]


def surveyed(corpus: Corpus, seen: Glance, warn: Warn) -> Survey:
    """The corpus's files, with what `stat` says of them (source/survey.py), unless the watcher
    vouches that nothing changed since the index last held them all: then the files it held."""
    count = ask(seen.path, corpus.root)
    if count is not None and count == seen.watched:
        vouched_for = _vouched_files(seen.path, corpus, count)
        if vouched_for is not None:
            files, folders = vouched_for
            return Survey(files, {}, folders, unchanged=True)
    warned: list[str] = []

    def counted(message: str) -> None:
        warned.append(message)
        warn(message)

    found = survey(corpus, counted, seen.processes, seen.stamps, whole=count is not None)
    if count is not None and found.unchanged and not warned and not found.linked:
        _vouch(seen.path, corpus.root, count, seen.updated, found.files)
    return found


def _vouched_files(index: Path, corpus: Corpus, count: str) -> tuple[list[SourceFile], frozenset[str]] | None:
    """The files the index was vouched with at `count` (as the survey found them then) and their
    top-level folders; None when it was vouched again meanwhile, or cannot be read."""

    def looked(connection: sqlite3.Connection) -> tuple[bytes, bytes] | None:
        with schema.one_state(connection):  # the count and its lists from one state of the index
            if vouched(connection) != count:
                return None
            rows = dict(connection.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (VOUCHED_FILES, VOUCHED_FOLDERS)))
        files, folders = rows.get(VOUCHED_FILES), rows.get(VOUCHED_FOLDERS)
        return (files, folders) if isinstance(files, bytes) and isinstance(folders, bytes) else None

    found = schema.quick_look(index, looked, absent=None, unusable=None)
    if found is None:
        return None
    # Split and made in C, with the collector held off (see `collection_paused`): at 93,646
    # files, a list built in Python and the collections its 370,000 objects set off took 80 ms.
    with collection_paused():
        fields = found[0].decode("utf-8", "surrogateescape").split("\0") if found[0] else []
        ids, paths = fields[0::2], fields[1::2]
        base, count_of_files = os.path.join(os.fspath(corpus.root), ""), len(paths)
        locations = map(base.__add__, paths)
        files = list(map(tuple.__new__, repeat(SourceFile, count_of_files), zip(ids, paths, locations, repeat(corpus.max_document_mb))))
    folders = frozenset(found[1].decode("utf-8", "surrogateescape").split("\0")) if found[1] else frozenset()
    return files, folders


def _vouch(index: Path, root: Path, count: str, updated: str | None, files: list[SourceFile]) -> None:
    """Keep `count` in the index with `files` when each is where its path says (what the list
    keeps: a name not in the file-name encoding is found by other bytes, see
    `discover._utf8_name`) and the index is still as it was when the survey began (`updated`);
    quietly nothing otherwise."""
    base = os.path.join(os.fspath(root), "")
    if updated is None or any(source.location != base + source.path for source in files):
        return
    joined = "\0".join(chain.from_iterable((source.id, source.path) for source in files)).encode("utf-8", "surrogateescape")
    folders = "\0".join(sorted({folder_of(source.path) for source in files})).encode("utf-8", "surrogateescape")
    try:
        with writer_lock(index) as held:
            if not held:
                return
            connection = schema.connect(index, writable=True)
            try:
                connection.execute(f"PRAGMA busy_timeout = {VOUCH_WAIT_MS}")
                connection.execute("BEGIN IMMEDIATE")
                if schema.get_meta(connection, "updated_ns") == updated:
                    schema.set_meta(connection, VOUCHED, " ".join([VOUCH_VERSION, count, updated, *_reader()]))
                    connection.executemany(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [(VOUCHED_FILES, joined), (VOUCHED_FOLDERS, folders)]
                    )
                connection.execute("COMMIT")
            finally:
                connection.close()
    except (OSError, sqlite3.Error, schema.IndexUnusable):
        return  # the next survey vouches
