"""The index in place of reading: the records `list` and `stats` ask the pipeline for, made from
fresh entries, with the same warnings, in the same order, as reading the files gives.

`ANSWERS` maps a function the pipeline would run on each `Document` to the function that makes
the same result from an entry; the pipeline asks `answerable` before reading anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import Any

from corpus_cli.analysis import stats
from corpus_cli.index import records, store
from corpus_cli.index.tally import DocumentTally, presence, uses_column
from corpus_cli.index.view import IndexView
from corpus_cli.run.selection import Selection
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile, Warn
from corpus_cli.source.read import read_document
from corpus_cli.text.document import Document, Metadata

Answer = Callable[[IndexView, Corpus, SourceFile, Any, "Metadata | None"], Any]


def _summary(view: IndexView, corpus: Corpus, source: SourceFile, entry: records.Entry | records.Listing, metadata: Metadata | None) -> Any:
    return records.summary(entry, source.id, metadata)


def _counted(
    view: IndexView, corpus: Corpus, source: SourceFile, entry: records.Entry | records.Counting, metadata: Metadata | None
) -> Any:
    if entry.path in view.indexed:  # read in this run and not written back: no tally in the index
        return records.counted(entry, source.id, metadata, view.indexed[entry.path].segments(), None)
    # A whole entry is one this run found changed (and wrote back, or found the same): its row is read since.
    row = entry if isinstance(entry, records.Counting) else view.counting.get(entry.path)
    tally = None if row is None or row.mask is None else DocumentTally(row.rowid, row.mask, view.terms)
    return records.counted(entry, source.id, metadata, records.LazySegments(_words_in_order, corpus, source), tally)


def _words_in_order(corpus: Corpus, source: SourceFile) -> Sequence[list[str]]:
    """A document's words in order, which the index does not keep: read from the file (fresh, as
    its entry was just found to be; its warnings were given with its entry)."""
    document = read_document(corpus, source, lambda message: None)
    return () if document is None else stats.counted(document).segments


def counted_columns(
    view: IndexView, corpus: Corpus, files: Sequence[SourceFile], warn: Warn, by: stats.Grouping | None, words: Sequence[str] = ()
) -> stats.Columns | None:
    """`stats.counted` of every one of `files` (all the corpus's, in order) at once, as
    `stats.Columns` grouped `by`, with each document's uses of `words` (single terms), with the
    warnings reading the files gives, in their order: when the survey found every file as the
    index holds it, and corpus.yaml gives no date or credit. None otherwise, with nothing said:
    the documents are answered one by one.
    """
    surveyed = view.surveyed()
    if surveyed is None or not surveyed.unchanged or view.indexed:
        return None
    if any(known.date or known.credit for known in corpus.metadata.values()):
        return None
    # Everything is read before a warning is given: an index found damaged meanwhile leaves the
    # documents to a scan, which gives them.
    masked = by is not None or bool(words)
    rows = store.counted_columns(view.connection, credits=by == "credit", masks=masked, tallies=bool(words))
    noted = store.noted(view.connection)
    # The whole corpus's distinct terms are the index's: each document's are needed only per group
    # (and a trend needs neither).
    in_use = view.terms.in_use() if by is None and not words else None
    dates, credits, counts, chars, paragraphs, masks, tallies = zip(*rows) if rows else ((),) * 7
    skipped = sum(1 for binary, _ in noted.values() if binary is not None)
    if len(rows) + skipped != len(files) or (masked and None in masks):
        return None  # not the index a survey that found nothing changed vouches for: an entry per file, a tally per document
    presences = list(map(presence, masks)) if masked else []
    uses = {word: uses_column(view.terms.number_of(word), presences, tallies) for word in words} if words else None
    records.warn_as_read(list(map(attrgetter("path"), files)), noted, warn)
    return stats.Columns(dates, credits, counts, chars, paragraphs, presences if by is not None else None, view.terms, in_use, uses)


ANSWERS: dict[Callable[..., Any], Answer] = {Document.summary: _summary, stats.counted: _counted}


def answerable(function: Callable[..., Any]) -> bool:
    return function in ANSWERS


def answered(
    view: IndexView,
    corpus: Corpus,
    files: Sequence[SourceFile],
    picked: Sequence[SourceFile],
    selection: Selection,
    warn: Warn,
    function: Callable[..., Any],
) -> Iterator[Any]:
    """``function(document)`` for the picked documents in the selection's dates, from the index."""
    answer = ANSWERS[function]
    metadata, every_date = corpus.metadata, not selection.by_date
    for source, entry in view.fresh(picked, files, warn, "counting" if answer is _counted else "listing"):
        if entry is None:
            continue
        if entry.binary is not None or entry.warnings != "[]":  # (most entries have nothing to say)
            for message in records.read_warnings(entry):
                warn(message)
            if entry.binary is not None:
                continue
        known = metadata.get(source.id)
        if every_date or selection.admits_date(records.entry_date(entry, known)):
            yield answer(view, corpus, source, entry, known)
