"""The shared pipeline: find the files, pick by id, read and parse, pick by date."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from corpus_cli.corpus import Corpus, SourceFile, Warn, read_document
from corpus_cli.document import Document
from corpus_cli.parallel import available_cores, ordered_map
from corpus_cli.select import Selection

Result = TypeVar("Result")

# Measured on the bench corpora: below about a thousand files a second process costs more
# than it saves; a task of 200 files keeps both workers busy and the parent's share small.
PARALLEL_MIN_FILES = 1000
FILES_PER_TASK = 200


def documents(corpus: Corpus, files: Sequence[SourceFile], selection: Selection, warn: Warn) -> Iterator[Document]:
    """The selected documents, parsed, in id order (or in the order of the ids from stdin)."""
    for source in selection.pick(files):
        document = read_document(corpus, source, warn)
        if document is not None and selection.admits_date(document.date):
            yield document


def mapped(
    corpus: Corpus,
    files: Sequence[SourceFile],
    selection: Selection,
    warn: Warn,
    function: Callable[[Document], Result],
    processes: int | None = None,
) -> Iterator[Result]:
    """``function(document)`` for the selected documents, in their order; on every core for a
    large corpus. Parsing is most of the work and happens in the workers, which send back only
    what `function` makes (a record, say), with the warnings, printed here in document order.
    """
    picked = selection.pick(files)
    if processes is None:
        processes = available_cores() if len(picked) >= PARALLEL_MIN_FILES else 1
    if processes <= 1:
        yield from map(function, documents(corpus, files, selection, warn))
        return
    ranges = [(start, min(start + FILES_PER_TASK, len(picked))) for start in range(0, len(picked), FILES_PER_TASK)]
    task = functools.partial(_map_range, corpus, picked, selection, function)
    for batch in ordered_map(task, ranges, processes=processes):
        for warnings, kept, result in batch:
            for message in warnings:
                warn(message)
            if kept:
                yield result


def _map_range(
    corpus: Corpus, picked: Sequence[SourceFile], selection: Selection, function: Callable[[Document], Result], span: tuple[int, int]
) -> list[tuple[list[str], bool, Result | None]]:
    """In a worker: (warnings, kept, function(document) if kept) for the files picked[start:end]."""
    results = []
    for source in picked[span[0] : span[1]]:
        warnings: list[str] = []
        document = read_document(corpus, source, warnings.append)
        keep = document is not None and selection.admits_date(document.date)
        results.append((warnings, keep, function(document) if keep else None))
    return results
