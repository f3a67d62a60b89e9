"""`corpus search`: the selected documents that match a query, best first, as records with a
snippet. The ranking is FTS5's BM25 over the index's words; the snippet is made from the file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from corpus_cli.analysis.snippet import snippet
from corpus_cli.errors import CorpusError
from corpus_cli.index import queries, records, schema, store
from corpus_cli.index.freshness import ROWID
from corpus_cli.index.records import Entry
from corpus_cli.index.view import IndexView
from corpus_cli.run.selection import Selection
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile, Warn
from corpus_cli.source.read import read_document

SEARCH_FIELDS = ("rank", "id", "path", "date", "title", "score", "snippet")


def search(
    view: IndexView,
    corpus: Corpus,
    picked: Sequence[SourceFile],
    files: Sequence[SourceFile],
    selection: Selection,
    query: str,
    limit: int,
    warn: Warn,
) -> list[dict[str, Any]]:
    """The `limit` best of the picked documents in the selection's dates, as search records; the
    warnings reading them gives (as `list` gives them) first. Files found changed that could not
    be written to the index (it is busy, or cannot be written) cannot be ranked: an error, as is a
    query FTS5 cannot read, which is told before any file is read."""
    searched = queries.parsed(query)
    outcome = view.freshen(picked, files)
    if view.indexed:
        raise CorpusError(
            f"{len(view.indexed)} changed file(s) could not be written to the index (another run is writing it, or it "
            "cannot be written), and search ranks only what the index holds: run 'corpus index', then search again"
        )
    records.warn_as_read(list(map(attrgetter("path"), picked)), store.noted(view.connection), warn, outcome)
    surveyed = view.surveyed()
    if surveyed is not None and surveyed.unchanged:
        # Each file is in the index as it is, and nothing else: the few rows ranked are named by
        # a lookup each, and the rowids of every file (a fifth of a second at 93,646) are not read.
        admit, left_out = _looked_up(view, picked), len(files) - len(picked)
    else:
        admitted = _admitted(view, picked, outcome)
        admit, left_out = admitted.get, len(view.known) - len(admitted)
    dated = selection.by_date
    # Among the best `limit` + (documents left out) rows are the `limit` best admitted ones; the
    # dates are known only entry by entry, so a selection by date reads every match.
    enough = None if dated else limit + left_out
    # The ranking and the lookups of the rows ranked read one state of the index: another run that
    # writes it meanwhile (a file indexed anew gets a new rowid) changes nothing here.
    with schema.one_state(view.connection):
        return _ranked_records(view, corpus, searched, admit, selection, enough, limit)


def _ranked_records(
    view: IndexView,
    corpus: Corpus,
    searched: queries.Parsed,
    admit: Callable[[int], SourceFile | None],
    selection: Selection,
    enough: int | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The search records of the best `limit` rows of those ranked that `admit` lets in."""
    dated = selection.by_date
    results: list[dict[str, Any]] = []
    for rowid, score in queries.ranked(view.connection, searched, enough):
        source = admit(rowid)
        if source is None:
            continue
        stored = view.entries([source.path]).get(source.path)
        if stored is None or stored.entry.binary is not None:
            continue
        metadata = corpus.metadata.get(source.id)
        if dated and not selection.admits_date(records.entry_date(stored.entry, metadata)):
            continue
        record = records.summary(stored.entry, source.id, metadata)
        results.append(
            {
                "rank": len(results) + 1,
                "id": source.id,
                "path": source.path,
                "date": record["date"],
                "title": record["title"],
                "score": float(f"{score:.6g}"),
                "snippet": snippet(_passages(corpus, source), searched.terms, searched.prefixes),
            }
        )
        if len(results) >= limit:
            break
    return results


def _admitted(view: IndexView, picked: Sequence[SourceFile], outcome: Mapping[str, Entry | str]) -> dict[int, SourceFile]:
    """The picked files the index holds as they are, by rowid (not those that cannot be read now)."""
    admitted: dict[int, SourceFile] = {}
    for source in picked:
        found = view.known.get(source.path)
        if found is not None and not isinstance(outcome.get(source.path), str):
            admitted[found[ROWID]] = source
    return admitted


def _looked_up(view: IndexView, picked: Sequence[SourceFile]) -> Callable[[int], SourceFile | None]:
    """The picked file of a rowid, looked up in the index when asked for (a corpus found unchanged)."""
    by_path = {source.path: source for source in picked}

    def admit(rowid: int) -> SourceFile | None:
        row = view.connection.execute("SELECT path FROM files WHERE rowid = ?", (rowid,)).fetchone()
        return None if row is None else by_path.get(row[0])

    return admit


def _passages(corpus: Corpus, source: SourceFile) -> list[str]:
    """The headline and paragraphs of a document (none when it cannot be read now)."""
    document = read_document(corpus, source, lambda message: None)  # its warnings were given with its entry
    if document is None:
        return []
    return ([document.article.title] if document.article.title else []) + list(document.article.paragraphs)
