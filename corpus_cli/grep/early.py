"""grep's search begun while discovery still walks the corpus.

Discovery walks every folder before any file is searched: at 18,726 files, 35 ms on one core
while the other waits, a tenth of grep -c's time. Here the workers start once the walk has found
enough files for two processes, and each task of files found goes to them as soon as it is whole
(in the order the walk finds the files, each named by its stem), a few a worker, so the walk
and the first searches share the cores. The files reach workers forked before they were
found through an anonymous file in memory (see `SpilledBatches`).

Nothing is printed until discovery ends but discovery's own warnings, in their order. Then the
files sent ahead must be the first of the corpus's files exactly as discovery names and sorts
them (every stem its own, the walk's order the ids' order: the common case); when they are not,
the workers are stopped and the search starts again on the files found, as `search_documents`
does. Only a plain run takes this way: no selection by id (stdin, --id, --dedupe), no index,
several cores and Linux; any other goes to `search_documents` at once.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
from collections.abc import Generator, Iterator

from corpus_cli.grep.search import DocumentResult, collected, search_documents, search_task
from corpus_cli.grep.spec import SearchSpec
from corpus_cli.run import parallel
from corpus_cli.run.parallel import WorkerPool, available_cores, plan, worker_pool
from corpus_cli.run.session import Session
from corpus_cli.source.files import SourceFile, SpilledBatches, SpillFailed


def search_corpus(spec: SearchSpec, session: Session, processes: int | None = None) -> Generator[DocumentResult, None, None] | Begun:
    """`search_documents` of the session's files, the search begun while they are found when the
    run allows (see the module's docstring). The files are found now; the results come as the
    generator is read. Close it when stopping early: that ends the worker processes at once."""
    if not _plain(session, processes):
        return search_documents(spec, session.picked(), processes)
    stack = contextlib.ExitStack()
    try:
        ahead = _Ahead(spec, session.corpus.max_document_mb, processes or available_cores(), stack)
        session.discovery.walk(ahead.found)
        files = session.picked()
    except BaseException:
        stack.close()
        raise
    if ahead.pool is None or ahead.unable or files[: len(ahead.sent)] != ahead.sent:
        stack.close()  # the workers, if any: their files were not the corpus's first, or could not all be sent
        return search_documents(spec, files, processes)
    # The files found stay out of the collections the results set off, as they do when the
    # workers start after discovery (see run.parallel.worker_pool); all thawed when they stop.
    gc.freeze()
    return Begun(_rest(spec, files, ahead, stack), stack)


class Begun(Iterator[DocumentResult]):
    """The results of a search begun during discovery. `close` ends its workers and frees its
    memory file whether or not a result was read: a generator closed before it started runs no
    cleanup, and output that fails before the first result (a closed pipe) left them to exit."""

    def __init__(self, results: Generator[DocumentResult, None, None], stack: contextlib.ExitStack) -> None:
        self._results, self._stack = results, stack

    def __next__(self) -> DocumentResult:
        return next(self._results)

    def close(self) -> None:
        self._results.close()
        self._stack.close()  # (nothing left to do when the results were read to the end)


def _plain(session: Session, processes: int | None) -> bool:
    """Whether the run may begin its search before discovery ends."""
    if (processes or available_cores()) <= 1 or sys.platform != "linux" or not hasattr(os, "memfd_create"):
        return False
    if session.discovery.walked or session.index_answers or session.discovery.glance is not None:
        return False
    selection = session.selection  # reads the ids on stdin, as `picked` would first
    return selection.ids is None and selection.id_glob is None and not selection.excluded


# Tasks sent to each worker before discovery ends: more than the pool's window (whose results
# wait in the pipes meanwhile; a task is a pair of numbers, so the pipe never holds up the walk),
# since the workers went through their window's 3 tasks before a walk of 35 ms ended.
TASKS_AHEAD_PER_PROCESS = 8


class _Ahead:
    """Called after each folder the walk reads, with the files found so far: starts the workers
    once they are enough for two tasks, and sends each whole task of files, up to
    `TASKS_AHEAD_PER_PROCESS` a worker. `sent` holds the files sent, in order; `pool` is None
    while no worker started."""

    def __init__(self, spec: SearchSpec, max_mb: float, processes: int, stack: contextlib.ExitStack) -> None:
        self.spec, self.max_mb, self.processes, self.stack = spec, max_mb, processes, stack
        self.sent: list[SourceFile] = []
        self.pool: WorkerPool | None = None
        self.batches: SpilledBatches | None = None
        self.unable = False

    def found(self, found: list[tuple[str, str, str]]) -> None:
        per_task = parallel.FILES_PER_TASK
        if self.unable:
            return
        if self.pool is None:
            # Every worker asked for (--jobs, else one per core) has a task by then.
            if len(found) < max(parallel.PARALLEL_MIN_ITEMS, self.processes * per_task):
                return
            try:
                self.batches = SpilledBatches()
            except OSError:  # no memfd in this kernel (before Linux 3.17): the search waits for discovery
                self.unable = True
                return
            self.stack.callback(self.batches.close)
            task = functools.partial(search_task, self.spec, self.batches)
            self.pool = self.stack.enter_context(worker_pool(task, self.processes, in_parts=True))
        assert self.batches is not None
        while len(self.sent) < TASKS_AHEAD_PER_PROCESS * per_task * self.pool.size and len(found) - len(self.sent) >= per_task:
            start = len(self.sent)
            files = [SourceFile(stem, path, location, self.max_mb) for stem, path, location in found[start : start + per_task]]
            try:
                self.pool.send_ahead(self.batches.add(files))
            except SpillFailed:  # no room for them: the search waits for discovery (then fails in one line if still none)
                self.unable = True
                return
            self.sent += files


def _rest(spec: SearchSpec, files: list[SourceFile], ahead: _Ahead, stack: contextlib.ExitStack) -> Generator[DocumentResult, None, None]:
    """The results of `files`: the tasks sent ahead, then the rest, cut as `search_documents` cuts them."""
    with stack:
        batches, pool = ahead.batches, ahead.pool
        assert batches is not None and pool is not None
        ranges, _ = plan(len(files), ahead.processes)
        places = (batches.add(files[start:end]) for start, end in ranges[len(ahead.sent) // parallel.FILES_PER_TASK :])
        yield from collected(spec, files, pool.results(places))
