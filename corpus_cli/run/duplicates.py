"""Near-duplicate pairs of the selected documents: the two passes that `corpus dupes` and
`--dedupe` share (the similarity itself is corpus_cli.analysis.dupes, pure).

The first pass sketches every document on all cores and keeps only its MinHash signature (a few
hundred bytes); the second reads again just the documents in candidate pairs and compares their
shingle sets exactly. Memory stays flat whatever the corpus's size.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from corpus_cli.analysis import dupes
from corpus_cli.run.session import Session
from corpus_cli.source.read import read_document


@dataclass(frozen=True)
class Duplicates:
    pairs: list[dupes.Pair]  # reported pairs, by (a, b)
    dates: dict[str, str | None]  # every selected document's date, by id
    order: list[str]  # the selected ids, in the selection's order
    candidates: int  # pairs compared exactly


def find_duplicates(session: Session, threshold: float = dupes.DEFAULT_THRESHOLD, reuse: float | None = None) -> Duplicates:
    """The pairs of selected documents with Jaccard >= threshold (or contained >= reuse)."""
    sketches = list(session.mapped(functools.partial(dupes.sketch, with_sample=reuse is not None)))
    candidates = dupes.banded_candidates(sketches, threshold)
    if reuse is not None:
        candidates |= dupes.sampled_candidates(sketches, reuse)
    shingles = _shingle_sets(session, {sketches[i].id for pair in candidates for i in pair})
    found = []
    for i, j in candidates:
        one, other = sketches[i].id, sketches[j].id
        if one in shingles and other in shingles:
            candidate = dupes.pair((one, shingles[one]), (other, shingles[other]))
            if dupes.reported(candidate, threshold, reuse):
                found.append(candidate)
    found.sort(key=lambda item: (item.a, item.b))
    return Duplicates(found, {item.id: item.date for item in sketches}, [item.id for item in sketches], len(candidates))


def _shingle_sets(session: Session, ids: set[str]) -> dict[str, set[tuple[str, ...]]]:
    """The exact shingle sets of the documents named (their warnings were given in the first pass)."""
    sets = {}
    for source in session.files:
        if source.id in ids:
            document = read_document(session.corpus, source, lambda message: None)
            if document is not None:
                sets[source.id] = dupes.shingle_set(dupes.words_of(document))
    return sets


def dropped_by_dedupe(session: Session) -> set[str]:
    """The ids `--dedupe` leaves out: every member of a group at the default threshold but its
    representative (earliest date, then smallest id)."""
    found = find_duplicates(session)
    dropped: set[str] = set()
    for group in dupes.groups(found.pairs, found.dates):
        dropped.update(item for item in group["ids"] if item != group["group"])
    return dropped
