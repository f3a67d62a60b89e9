"""`corpus index --status`: where the index is, how big, how many documents, when built, and how
many files have changed since (added, changed, deleted), found as a command would find them."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Sequence
from typing import Any

from corpus_cli.index import location, schema, store, watched
from corpus_cli.index.build import rechecked
from corpus_cli.index.freshness import check
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile

STATUS_FIELDS = (
    *("location", "corpus", "exists", "usable", "problem", "bytes", "documents", "built", "updated"),
    *("stale", "added", "changed", "deleted", "watched"),
)


def index_status(corpus: Corpus, files: Sequence[SourceFile]) -> dict[str, Any]:
    """The status record of `corpus`'s index (nulls where there is no usable index to say)."""
    path = location.planned(corpus.root)
    record: dict[str, Any] = dict.fromkeys(STATUS_FIELDS)
    record |= {"location": os.fspath(path), "corpus": os.fspath(corpus.root.resolve()), "exists": path.is_file(), "usable": False}
    if not path.is_file():
        if path.is_dir():
            record["problem"] = "a folder is where the index file belongs; move it away"
        return record
    record["bytes"] = path.stat().st_size
    if not location.owned(path):
        record["problem"] = f"another user owns it (uid {path.stat().st_uid}): commands answer only from their own user's index"
        return record
    record["watched"] = watched.ask(path, corpus.root) is not None
    try:
        connection = schema.connect(path, writable=os.access(path.parent, os.W_OK | os.X_OK))
    except schema.IndexUnusable as error:
        record["problem"] = str(error)
        return record
    try:
        other = schema.other_limit(connection, corpus.max_document_mb)
        if other is not None:
            record["problem"] = f"{other}: commands read the files; 'corpus index' builds it anew"
            return record
        stored = store.load(connection)
        built, updated = (schema.get_meta(connection, key) for key in ("built_ns", "updated_ns"))
    except sqlite3.DatabaseError as error:
        record["problem"] = str(schema.unreadable(error, "it is damaged"))  # or held by another process
        return record
    finally:
        connection.close()
    paths = {source.path for source in files}
    suspects = check(stored, files).suspects
    added = sum(1 for source in suspects if source.path not in stored)
    changed = sum(1 for result in rechecked([s for s in suspects if s.path in stored], stored) if result.same is None)
    deleted = len(set(stored) - paths)
    record |= {
        "usable": True,
        "documents": sum(1 for known in stored.values() if known.entry.binary is None),
        "built": _iso(built),
        "updated": _iso(updated),
        "stale": added + changed + deleted,
        "added": added,
        "changed": changed,
        "deleted": deleted,
    }
    return record


def _iso(nanoseconds: str | None) -> str | None:
    if nanoseconds is None:
        return None
    moment = dt.datetime.fromtimestamp(int(nanoseconds) / 1e9, tz=dt.timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
