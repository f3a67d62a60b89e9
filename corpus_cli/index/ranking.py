"""`corpus search`: the selected documents that match a query, best first, as records with a
snippet. The ranking is FTS5's BM25 over the index's words; the snippet is made from the file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corpus_cli.analysis.snippet import snippet
from corpus_cli.index import queries, records
from corpus_cli.index.freshness import ROWID
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
    """The `limit` best of the picked documents in the selection's dates, as search records."""
    outcome = view.freshen(picked, files)
    if view.indexed:
        warn(f"{len(view.indexed)} changed file(s) could not be written to the index, so search leaves them out; run 'corpus index'")
    admitted: dict[int, SourceFile] = {}
    for source in picked:
        found = view.known.get(source.path)
        changed = outcome.get(source.path)
        if isinstance(changed, str):
            warn(changed)
        elif found is not None and source.path not in view.indexed:
            admitted[found[ROWID]] = source
    dated = selection.by_date
    results: list[dict[str, Any]] = []
    # Among the best `limit` + (documents left out) rows are the `limit` best admitted ones; the
    # dates are known only entry by entry, so a selection by date reads every match.
    enough = None if dated else limit + len(view.known) - len(admitted)
    for rowid, score in queries.ranked(view.connection, query, enough):
        if rowid not in admitted:
            continue
        source = admitted[rowid]
        stored = view.entries([source.path]).get(source.path)
        if stored is None or stored.entry.binary is not None:
            continue
        metadata = corpus.metadata.get(source.id)
        if dated and not selection.admits_date(records.entry_date(stored.entry, metadata)):
            continue
        record = records.summary(view.with_texts(stored.entry, one=True), source.id, metadata)
        results.append(
            {
                "rank": len(results) + 1,
                "id": source.id,
                "path": source.path,
                "date": record["date"],
                "title": record["title"],
                "score": float(f"{score:.6g}"),
                "snippet": snippet(_passages(corpus, source), query),
            }
        )
        if len(results) >= limit:
            break
    return results


def _passages(corpus: Corpus, source: SourceFile) -> list[str]:
    """The headline and paragraphs of a document (none when it cannot be read now)."""
    document = read_document(corpus, source, lambda message: None)  # its warnings were given with its entry
    if document is None:
        return []
    return ([document.article.title] if document.article.title else []) + list(document.article.paragraphs)
