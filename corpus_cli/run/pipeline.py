"""The shared pipeline: find the files, pick by id, read and parse, pick by date."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from corpus_cli.run.parallel import ordered_map, ordered_parts, plan
from corpus_cli.run.progress import Tick, no_tick
from corpus_cli.run.selection import Selection
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import FileBatches, SourceFile, Warn
from corpus_cli.source.read import read_document
from corpus_cli.text.document import Document

Result = TypeVar("Result")
Packed = TypeVar("Packed")


def documents(corpus: Corpus, files: Sequence[SourceFile], selection: Selection, warn: Warn, tick: Tick = no_tick) -> Iterator[Document]:
    """The selected documents, parsed, in id order (or in the order of the ids from stdin)."""
    return _read(corpus, selection.pick(files), selection, warn, tick)


def _read(corpus: Corpus, picked: Sequence[SourceFile], selection: Selection, warn: Warn, tick: Tick) -> Iterator[Document]:
    """The documents of the files picked by id, those in the selection's dates; `tick(1)` for each file read."""
    for source in picked:
        document = read_document(corpus, source, warn)
        tick(1)
        if document is not None and selection.admits_date(document.date):
            yield document


def mapped(
    corpus: Corpus,
    files: Sequence[SourceFile],
    selection: Selection,
    warn: Warn,
    function: Callable[[Document], Result],
    processes: int | None = None,
    tick: Tick = no_tick,
) -> Iterator[Result]:
    """``function(document)`` for the selected documents, in their order; on every core for a
    large corpus. Parsing is most of the work and happens in the workers, which send back only
    what `function` makes (a record, say), with the warnings, printed here in document order.
    `tick(n)` is told of every `n` files read (a progress bar).
    """
    picked = selection.pick(files)
    ranges, processes = plan(len(picked), processes)
    if processes <= 1:
        yield from map(function, _read(corpus, picked, selection, warn, tick))
        return
    task = functools.partial(_map_files, corpus, selection, function, FileBatches(picked, ranges))
    for batch in ordered_parts(task, range(len(ranges)), processes=processes):
        tick(len(batch))
        for warnings, result in batch:
            for message in warnings:
                warn(message)
            if not isinstance(result, _LeftOut):
                yield result
        del batch, result  # let go of this part before the next comes in


class _LeftOut:
    """Stands for the result of a document left out (unreadable, or outside the dates), so the
    parent can tell it from any result `function` makes, None included."""


_LEFT_OUT = _LeftOut()


# A worker sends a task's results in parts of the results of this much text (256 K characters), as each is made: a
# task's files may be large, and all of a task's full records (each holding its text thrice),
# made and pickled before any was sent, took 64 MB a worker at 500 MB of 5 KB articles.
PART_CHARS = 1 << 18


def _map_files(
    corpus: Corpus, selection: Selection, function: Callable[[Document], Result], batches: FileBatches, number: int
) -> Iterator[list[tuple[list[str], Result | _LeftOut]]]:
    """In a worker: (warnings, function(document) or _LEFT_OUT) for task `number`'s files, in
    parts of the results of about PART_CHARS characters of text."""
    results: list[tuple[list[str], Result | _LeftOut]] = []
    chars = 0
    for source in batches[number]:
        warnings: list[str] = []
        document = read_document(corpus, source, warnings.append)
        keep = document is not None and selection.admits_date(document.date)
        results.append((warnings, function(document) if document is not None and keep else _LEFT_OUT))
        chars += 0 if document is None else len(document.text)
        if chars >= PART_CHARS:
            yield results
            results, chars = [], 0
    if results:
        yield results


def packed(
    corpus: Corpus,
    files: Sequence[SourceFile],
    selection: Selection,
    warn: Warn,
    function: Callable[[Document], Result],
    pack: Callable[[Iterator[Result]], Packed],
    per_task: int | None = None,
    processes: int | None = None,
    tick: Tick = no_tick,
) -> Iterator[Packed]:
    """``pack`` of the ``function(document)`` results of each task (`per_task` files, by default
    the plan's `FILES_PER_TASK`), in order: for results that a worker can turn into something
    compact before it sends them (Arrow data for Parquet), so that the parent never holds them as
    Python objects, which weigh several times as much. `pack` takes the results as they are made,
    so it need hold only a few at a time. A task's warnings are given before its pack.
    """
    picked = selection.pick(files)
    ranges, processes = plan(len(picked), processes, per_task)
    # A task is its number; its files are packed before the workers are forked (see FileBatches).
    task = functools.partial(_pack_files, corpus, selection, function, pack, FileBatches(picked, ranges))
    for (start, end), (warnings, result) in zip(ranges, ordered_map(task, range(len(ranges)), processes=processes)):
        for message in warnings:
            warn(message)
        tick(end - start)
        yield result


def _pack_files(
    corpus: Corpus,
    selection: Selection,
    function: Callable[[Document], Result],
    pack: Callable[[Iterator[Result]], Packed],
    batches: FileBatches,
    number: int,
) -> tuple[list[str], Packed]:
    """In a worker (or this process): the warnings and the pack of task `number`'s files."""
    warnings: list[str] = []
    files = batches[number]
    return warnings, pack(map(function, _read(corpus, files, selection, warnings.append, no_tick)))
