"""`corpus index --watch`: a process that counts the changes below a corpus folder, so that a
command can tell that nothing changed without a `stat` of every file (index/watched.py is the
commands' side; git's fsmonitor is the model).

The watcher holds an inotify watch on every folder discovery may read (hidden ones are never
read, and are not watched) and listens on a Unix socket beside the index. To each connection it
answers one line, after draining the kernel's queue of events: its instance (new at each start),
the count of changes it has seen, and the device and inode of the folder it watches. Every event
for a name discovery may read counts, whatever the file. A new folder is watched before its
creation is counted, so nothing inside it can change unseen once a command has the count; when
the kernel's queue overflows, every folder is watched again and the overflow counts. Of hidden
names only new ones count (made or renamed to): one may be another name of a document. While it
cannot see every change (a folder it may not watch, a file system mounted below the corpus), it
answers without a count.

One watcher an index: a second one is refused while the first holds its lock. The socket is
removed when the watcher stops (Ctrl-C, SIGTERM); one left by a watcher killed outright refuses
connections, so commands survey the files, and the next watcher replaces it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import select
import socket
from collections.abc import Callable
from pathlib import Path

from corpus_cli.errors import CorpusError
from corpus_cli.index import inotify, location, mounts
from corpus_cli.index.lock import taken
from corpus_cli.index.watched import answer_line, socket_path
from corpus_cli.source.config import Corpus

# The longest path a Unix socket may have (sun_path, less its NUL).
SOCKET_PATH_MAX = 107
# Reads of the event queue (64 KB each, about 2,000 events) before an answer goes out regardless.
DRAIN_READS = 16
# How often an idle watcher checks that commands can still reach it (its socket, the index's folder).
REACHABLE_CHECK_MS = 5000


class Watcher:
    """The watches on a corpus folder's tree and the count of changes seen below it.

    Folders are named relative to a descriptor of the corpus folder (``/proc/self/fd/N/...``),
    not by absolute paths: a folder above the corpus may be renamed with no event here, and a
    path kept from before would then name another folder, or none."""

    def __init__(self, root: Path, socket: Path) -> None:
        self.root = os.path.realpath(root)
        self.socket = socket
        self.identity = os.stat(self.root)
        kind, _ = mounts.file_systems(self.root)
        if kind in mounts.REMOTE_FILE_SYSTEMS or (kind or "").startswith("fuse"):
            raise CorpusError(f"{self.root}: a {kind} file system, whose changes made elsewhere no watcher is told of; not watched")
        self.instance = secrets.token_hex(8)
        self.count = 0
        self.folders: dict[int, str] = {}  # each watch's folder, relative to the corpus folder ("" itself)
        self.unwatched: set[str] = set()  # folders that could not be watched (unreadable to this user)
        self.bound: int | None = None  # the inode of the socket commands reach it by, once listening
        self.inotify = inotify.Inotify()
        try:
            self.top = os.open(self.root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        except BaseException:
            self.inotify.close()
            raise
        try:
            self.root_watch = self._watch_tree("")
            if self.root_watch < 0:
                raise CorpusError(f"{self.root}: cannot watch the corpus folder")
        except BaseException:
            self.close()
            raise

    def _at(self, folder: str) -> str:
        """Where the folder `folder` (relative to the corpus folder) is now."""
        return f"/proc/self/fd/{self.top}/{folder or '.'}"  # "." so that the descriptor's own link is followed

    def _watch_tree(self, top: str) -> int:
        """Watch the folder `top` and every folder below it that is not hidden and not a link;
        `top`'s watch (-1 when it cannot be watched). A folder that cannot be watched, or listed,
        and is still there, is kept in `unwatched`."""
        top_watch = -1
        stack = [top]
        while stack:
            folder = stack.pop()
            try:
                watch = self.inotify.watch(self._at(folder))
                with os.scandir(self._at(folder)) as entries:
                    stack += [
                        os.path.join(folder, entry.name)
                        for entry in entries
                        if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)
                    ]
            except OSError as error:
                if error.errno in (errno.ENOSPC, errno.ENOMEM):
                    where = os.path.join(self.root, folder) if folder else self.root
                    raise CorpusError(f"{where}: cannot watch more folders ({error.strerror}); raise fs.inotify.max_user_watches") from None
                if error.errno in (errno.ENOENT, errno.ENOTDIR):  # gone: nothing there to change
                    self.unwatched.discard(folder)
                else:
                    self.unwatched.add(folder)
                continue
            self.unwatched.discard(folder)
            self.folders[watch] = folder  # a folder moved in the tree keeps its watch, with its new name
            if folder == top:
                top_watch = watch
        return top_watch

    def drain(self) -> None:
        """Count the events queued now, watching the folders that appeared (each is counted
        before it is acted on: a failure then cannot leave a change uncounted). Events that
        keep coming past `DRAIN_READS` reads count as one more change, and are read next time."""
        events, complete = self.inotify.read(DRAIN_READS)
        if not complete:
            self.count += 1
        for event in events:
            hidden = event.name.startswith(".") and not event.mask & (inotify.OVERFLOW | inotify.IGNORED)
            if hidden and event.mask & (inotify.DELETE | inotify.MOVED_FROM):
                self.reachable()  # the index's folder, removed with the socket?
            if hidden and not event.mask & (inotify.CREATE | inotify.MOVED_TO):
                continue  # discovery never reads it; but a new name counts: it may be another name of a document
            self.count += 1
            if event.watch == self.root_watch and event.mask & (inotify.MOVE_SELF | inotify.IGNORED):
                raise self._gone()
            if event.mask & inotify.OVERFLOW:
                self._watch_tree("")  # a new folder's creation may be among the events lost
            elif event.mask & inotify.IGNORED:
                self.folders.pop(event.watch, None)
            elif event.mask & inotify.ISDIR and event.mask & (inotify.CREATE | inotify.MOVED_TO | inotify.ATTRIB):
                parent = None if hidden or not event.name else self.folders.get(event.watch)
                if parent is not None:
                    self._watch_tree(os.path.join(parent, event.name))

    def answer(self) -> bytes:
        """The line a command is sent, after the queue is drained: without a count while a
        folder cannot be watched (unreadable to the watcher's user; tried again each time) or
        another file system is mounted below the corpus (mounting sends no event, nor do changes
        made through a mount's source), so that no command skips its survey meanwhile. The
        watcher stops when the corpus folder is no longer where it was: a folder above it may
        move with no event."""
        self.drain()
        try:
            here = os.stat(self.root)
        except OSError:
            here = None
        if here is None or (here.st_dev, here.st_ino) != (self.identity.st_dev, self.identity.st_ino):
            raise self._gone()
        for folder in sorted(self.unwatched):
            self._watch_tree(folder)
        _, mounted_below = mounts.file_systems(self.root)
        vouching = not self.unwatched and not mounted_below
        return answer_line(self.instance, self.count if vouching else None, self.identity)

    def _gone(self) -> CorpusError:
        return CorpusError(f"{self.root}: the corpus folder was moved or removed; stopped watching")

    def reachable(self) -> None:
        """Stop (one line) when commands can no longer reach the watcher: its socket (of inode
        `bound`) removed, or the index's folder with it. Nothing else tells the watcher so: the
        descriptors it holds keep the kernel from reporting a removed corpus folder gone."""
        if self.bound is None:
            return
        if not self.socket.parent.is_dir():
            raise CorpusError(f"{self.socket.parent}: the index's folder is gone; stopped watching")
        try:
            here = os.lstat(self.socket).st_ino
        except OSError:
            here = None
        if here != self.bound:
            raise CorpusError(f"{self.socket}: the socket was removed; stopped watching")

    def close(self) -> None:
        self.inotify.close()
        os.close(self.top)


def watch(corpus: Corpus, announce: Callable[[str], None]) -> None:
    """Keep watch over the corpus for its index until stopped (Ctrl-C, SIGTERM); `announce` is
    told when commands may rely on it."""
    index = location.existing(corpus.root)
    if index is None:
        raise CorpusError("no index to keep watch for: run 'corpus index' first")
    if not location.owned(index):
        raise CorpusError(f"{index}: another user owns this index, and commands answer only from their own user's")
    path = socket_path(index)
    if len(os.fsencode(os.path.abspath(path))) > SOCKET_PATH_MAX:  # as commands that name the corpus in full reach it
        shorter = "move the corpus" if index == location.in_corpus(corpus.root) else "set XDG_CACHE_HOME"
        raise CorpusError(f"{path}: too long a path for a socket ({SOCKET_PATH_MAX} bytes at most); {shorter} to a shorter folder")
    lock = _watch_lock(index)
    try:
        watcher = Watcher(corpus.root, path)
        try:
            listener, bound = _listen(path)
            watcher.bound = bound
            try:
                announce(f"corpus: watching {len(watcher.folders)} folder(s) of {watcher.root} (Ctrl-C to stop)")
                _serve(watcher, listener)
            finally:
                listener.close()
                _remove_socket(path, bound)
        finally:
            watcher.close()
    finally:
        os.close(lock)


def _lock_path(index: Path) -> Path:
    return Path(f"{index}.watch.lock")


def _watch_lock(index: Path) -> int:
    """The lock that makes this the index's only watcher (the kernel drops it when the holder dies)."""
    descriptor = os.open(_lock_path(index), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if taken(descriptor):
            return descriptor
        message = f"another watcher is keeping watch for {index}"
    except OSError as error:
        message = f"cannot lock out a second watcher ({error.strerror or error})"
    os.close(descriptor)
    raise CorpusError(message)


def remove_leftovers(index: Path) -> None:
    """Remove what a watcher left beside `index` once it stopped (its lock file; the socket of one
    killed outright), so that `corpus index --drop` leaves no folder behind; nothing while one runs."""
    try:
        descriptor = os.open(_lock_path(index), os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return  # no watcher ever ran here
    try:
        if taken(descriptor):
            path = socket_path(index)
            if path.is_socket():
                path.unlink()
            _lock_path(index).unlink()
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _listen(path: Path) -> tuple[socket.socket, int]:
    """A listening socket at `path`, in place of any a killed watcher left (this one holds the
    lock), and the inode of its file."""
    try:
        if path.is_socket():
            path.unlink()
    except OSError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(os.fspath(path))
        listener.listen(64)
        listener.setblocking(False)
        return listener, os.lstat(path).st_ino
    except OSError as error:
        listener.close()
        raise CorpusError(f"{path}: cannot listen for commands ({error.strerror or error})") from None


def _serve(watcher: Watcher, listener: socket.socket) -> None:
    poller = select.poll()
    poller.register(watcher.inotify.fd, select.POLLIN)
    poller.register(listener.fileno(), select.POLLIN)
    while True:
        ready = poller.poll(REACHABLE_CHECK_MS)
        if not ready:
            watcher.reachable()
        for descriptor, _ in ready:
            if descriptor == watcher.inotify.fd:
                watcher.drain()
            else:
                _answer(watcher, listener)


def _answer(watcher: Watcher, listener: socket.socket) -> None:
    try:
        connection, _ = listener.accept()
    except OSError:  # the command gave up meanwhile
        return
    with connection:
        line = watcher.answer()
        with contextlib.suppress(OSError):  # a command that does not read is not waited for
            connection.settimeout(1.0)
            connection.sendall(line)


def _remove_socket(path: Path, bound: int) -> None:
    """Remove the socket (the file of inode `bound`), unless another watcher's took its place."""
    try:
        if os.lstat(path).st_ino == bound:
            path.unlink()
    except OSError:
        pass
