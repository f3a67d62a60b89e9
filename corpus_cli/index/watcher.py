"""`corpus index --watch`: a process that counts the changes below a corpus folder, so that a
command can tell that nothing changed without a `stat` of every file (index/watched.py is the
commands' side; git's fsmonitor is the model).

The watcher holds an inotify watch on every folder discovery may read (hidden ones are never
read, and are not watched) and listens on a Unix socket beside the index. To each connection it
answers one line, after draining the kernel's queue of events: its instance (new at each start),
the count of changes it has seen, and the device and inode of the folder it watches. Every event
for a name discovery may read counts, whatever the file. A new folder is watched before its
creation is counted, so nothing inside it can change unseen once a command has the count; when
the kernel's queue overflows, every folder is watched again and the overflow counts.

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
from corpus_cli.index import inotify, location
from corpus_cli.index.watched import answer_line, socket_path
from corpus_cli.source.config import Corpus

# The longest path a Unix socket may have (sun_path, less its NUL).
SOCKET_PATH_MAX = 107
# Reads of the event queue (64 KB each, about 2,000 events) before an answer goes out regardless.
DRAIN_READS = 16


class Watcher:
    """The watches on a corpus folder's tree and the count of changes seen below it."""

    def __init__(self, root: Path, socket: Path) -> None:
        self.root = os.path.realpath(root)
        self.socket = socket
        self.identity = os.stat(self.root)
        self.instance = secrets.token_hex(8)
        self.count = 0
        self.inotify = inotify.Inotify()
        self.folders: dict[int, str] = {}  # where each watched folder was when it was watched
        self.unwatched: set[str] = set()  # folders that could not be watched (unreadable to this user)
        self.mounts = _mount_table()
        self.root_watch = -1
        try:
            self.root_watch = self._watch_tree(self.root)
        except BaseException:
            self.inotify.close()
            raise
        if self.root_watch < 0:
            self.inotify.close()
            raise CorpusError(f"{self.root}: cannot watch the corpus folder")

    def _watch_tree(self, top: str) -> int:
        """Watch `top` and every folder below it that is not hidden and not a link; `top`'s watch
        (-1 when it cannot be watched). A folder that cannot be watched, or listed, and is still
        there, is kept in `unwatched`."""
        top_watch = -1
        stack = [top]
        while stack:
            folder = stack.pop()
            try:
                watch = self.inotify.watch(folder)
                with os.scandir(folder) as entries:
                    stack += [entry.path for entry in entries if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)]
            except OSError as error:
                if error.errno in (errno.ENOSPC, errno.ENOMEM):
                    raise CorpusError(
                        f"{folder}: cannot watch more folders ({error.strerror}); raise fs.inotify.max_user_watches"
                    ) from None
                if error.errno in (errno.ENOENT, errno.ENOTDIR):  # gone: nothing there to change
                    self.unwatched.discard(folder)
                else:
                    self.unwatched.add(folder)
                continue
            self.unwatched.discard(folder)
            self.folders[watch] = folder  # a folder moved in the tree keeps its watch, with its new path
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
            if event.name.startswith(".") and not event.mask & (inotify.OVERFLOW | inotify.IGNORED):
                if event.watch == self.root_watch and event.mask & (inotify.DELETE | inotify.MOVED_FROM) and not self.socket.exists():
                    # The index's folder, removed: so is the socket no command can reach now (and
                    # the lock held in it keeps the kernel from reporting the corpus folder gone).
                    raise CorpusError(f"{self.socket.parent}: the index's folder is gone; stopped watching")
                continue  # hidden: discovery never reads it
            self.count += 1
            if event.watch == self.root_watch and event.mask & (inotify.MOVE_SELF | inotify.IGNORED):
                raise CorpusError(f"{self.root}: the corpus folder was moved or removed; stopped watching")
            if event.mask & inotify.OVERFLOW:
                self._watch_tree(self.root)  # a new folder's creation may be among the events lost
            elif event.mask & inotify.IGNORED:
                self.folders.pop(event.watch, None)
            elif event.name and event.mask & inotify.ISDIR and event.mask & (inotify.CREATE | inotify.MOVED_TO | inotify.ATTRIB):
                parent = self.folders.get(event.watch)
                if parent is not None:
                    self._watch_tree(os.path.join(parent, event.name))

    def answer(self) -> bytes:
        """The line a command is sent, after the queue is drained and the watches checked: the
        corpus folder still where it was (a folder above it may move without an event), no mount
        made or removed (a mount sends no event either), every folder watched. A folder it cannot
        watch makes each answer a new count, so no command skips its survey meanwhile."""
        self.drain()
        try:
            here = os.stat(self.root)
        except OSError:
            here = None
        if here is None or (here.st_dev, here.st_ino) != (self.identity.st_dev, self.identity.st_ino):
            raise CorpusError(f"{self.root}: the corpus folder was moved or removed; stopped watching")
        mounts = _mount_table()
        if mounts != self.mounts:
            self.mounts = mounts
            self.count += 1
            self._watch_tree(self.root)
        for folder in sorted(self.unwatched):
            self._watch_tree(folder)
        if self.unwatched:
            self.count += 1
        return answer_line(self.instance, self.count, self.identity)

    def close(self) -> None:
        self.inotify.close()


def watch(corpus: Corpus, announce: Callable[[str], None]) -> None:
    """Keep watch over the corpus for its index until stopped (Ctrl-C, SIGTERM); `announce` is
    told when commands may rely on it."""
    index = location.existing(corpus.root)
    if index is None:
        raise CorpusError("no index to keep watch for: run 'corpus index' first")
    path = socket_path(index)
    if len(os.fsencode(os.path.abspath(path))) > SOCKET_PATH_MAX:  # as commands that name the corpus in full reach it
        raise CorpusError(f"{path}: too long a path for a socket; set XDG_CACHE_HOME to a shorter folder")
    lock = _watch_lock(index)
    try:
        watcher = Watcher(corpus.root, path)
        try:
            listener = _listen(path)
            bound = os.lstat(path).st_ino
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


def _mount_table() -> bytes:
    """This process's mount table (Linux): mounting a file system inside the corpus sends no event."""
    try:
        with open("/proc/self/mountinfo", "rb") as table:
            return table.read()
    except OSError:
        return b""


def _lock_path(index: Path) -> Path:
    return Path(f"{index}.watch.lock")


def _watch_lock(index: Path) -> int:
    """The lock that makes this the index's only watcher (the kernel drops it when the holder dies)."""
    descriptor = os.open(_lock_path(index), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    if not _locked(descriptor):
        os.close(descriptor)
        raise CorpusError(f"another watcher is keeping watch for {index}")
    return descriptor


def _locked(descriptor: int) -> bool:
    """Whether the watchers' lock was taken (without waiting)."""
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_leftovers(index: Path) -> None:
    """Remove what a watcher left beside `index` once it stopped (its lock file; the socket of one
    killed outright), so that `corpus index --drop` leaves no folder behind; nothing while one runs."""
    try:
        descriptor = os.open(_lock_path(index), os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return  # no watcher ever ran here
    try:
        if _locked(descriptor):
            path = socket_path(index)
            if path.is_socket():
                path.unlink()
            _lock_path(index).unlink()
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _listen(path: Path) -> socket.socket:
    """A listening socket at `path`, in place of any a killed watcher left (this one holds the lock)."""
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
    except OSError as error:
        listener.close()
        raise CorpusError(f"{path}: cannot listen for commands ({error.strerror or error})") from None
    return listener


def _serve(watcher: Watcher, listener: socket.socket) -> None:
    poller = select.poll()
    poller.register(watcher.inotify.fd, select.POLLIN)
    poller.register(listener.fileno(), select.POLLIN)
    while True:
        for descriptor, _ in poller.poll():
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
