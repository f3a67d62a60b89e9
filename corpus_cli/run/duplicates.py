"""Near-duplicate pairs of the selected documents: the two passes that `corpus dupes` and
`--dedupe` share (the similarity itself is corpus_cli.analysis.dupes, pure).

The first pass sketches every document on all cores and keeps only its MinHash signature (a few
hundred bytes); the second reads again just the documents in candidate pairs, one pair at a
time, and compares their shingle sets exactly.
"""

from __future__ import annotations

import functools
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from corpus_cli.analysis import dupes, lsh
from corpus_cli.errors import CorpusError
from corpus_cli.run.session import Session
from corpus_cli.source.files import SourceFile
from corpus_cli.source.read import read_document

PROGRESS_LABEL = "Finding near-duplicates"


@dataclass(frozen=True)
class Duplicates:
    pairs: list[dupes.Pair]  # reported pairs, by (a, b)
    dates: dict[str, str | None]  # every selected document's date, by id
    order: list[str]  # the selected ids, in the selection's order
    candidates: int  # pairs compared exactly


def find_duplicates(
    session: Session, threshold: float = dupes.DEFAULT_THRESHOLD, reuse: float | None = None, progress: str | None = None
) -> Duplicates:
    """The pairs of selected documents with Jaccard >= threshold (or contained >= reuse); the
    sketch pass shows a progress bar labelled `progress` on a terminal (nothing is printed during it)."""
    # numpy before the sketch pass forks its workers: they share its pages rather than each
    # importing it (some 6 MB a worker of their own); the banding needs it here anyway.
    import numpy  # noqa: F401

    sketches = lsh.Sketches.of(session.mapped(functools.partial(dupes.sketch, with_sample=reuse is not None), progress=progress))
    if lsh.banding(threshold) is None and len(sketches) > lsh.EVERY_PAIR_MAX_DOCUMENTS:
        lowest = lsh.lowest_banded_threshold()
        raise CorpusError(
            f"--threshold {threshold:g}: below {lowest:g} every pair must be compared, which only {lsh.EVERY_PAIR_MAX_DOCUMENTS} "
            f"documents or fewer afford ({len(sketches)} selected); use --threshold {lowest:g} or more, or select fewer documents"
        )
    candidates = lsh.banded_candidates(sketches, threshold, reuse)
    if reuse is not None:
        candidates |= lsh.sampled_candidates(sketches, reuse)
    sources = {source.id: source for source in session.files}
    # A document's shingle set (about 100 KB) is read when a pair first needs it and dropped after
    # its last pair: holding every candidate's set at once took 400 MB at 500 MB of text. At
    # most HELD_SHINGLES are kept meanwhile, the least recently used set going first (and read
    # again should a later pair need it): many documents in many pairs cost time, not memory.
    uses = Counter(index for pair in candidates for index in pair)
    ids = sketches.ids
    held = _HeldSets(lambda index: _shingle_set(session, sources[ids[index]]))
    found = []
    for i, j in sorted(candidates):
        one, other = held.get(i), held.get(j)
        if one is not None and other is not None:
            candidate = dupes.pair((ids[i], one), (ids[j], other))
            if dupes.reported(candidate, threshold, reuse):
                found.append(candidate)
        for index in (i, j):
            uses[index] -= 1
            if not uses[index]:
                held.drop(index)
        held.trim(keep=(i, j))
    found.sort(key=lambda item: (item.a, item.b))
    return Duplicates(found, dict(zip(ids, sketches.dates)), ids, len(candidates))


# The shingles held at once (a shingle in a set costs about 150 bytes): about 100 articles'
# sets, 16 MB. (At 250,000, `dupes` and `check` peaked at 161 MB for the whole process tree at
# 500 MB of text, all of it in the parent, which holds the file list and the signatures too.)
HELD_SHINGLES = 100_000

ShingleSet = set[tuple[str, ...]]


class _HeldSets:
    """Shingle sets by document index, read on demand, the least recently used let go past
    HELD_SHINGLES."""

    def __init__(self, read: Callable[[int], ShingleSet | None]) -> None:
        self.read = read
        self.sets: OrderedDict[int, ShingleSet | None] = OrderedDict()
        self.shingles = 0

    def get(self, index: int) -> ShingleSet | None:
        if index in self.sets:
            self.sets.move_to_end(index)
            return self.sets[index]
        found = self.sets[index] = self.read(index)
        self.shingles += len(found or ())
        return found

    def drop(self, index: int) -> None:
        self.shingles -= len(self.sets.pop(index, None) or ())

    def trim(self, keep: tuple[int, ...]) -> None:
        """Let go of the least recently used sets, but those of `keep`, until within HELD_SHINGLES."""
        if self.shingles <= HELD_SHINGLES:
            return
        for index in [index for index in self.sets if index not in keep]:
            self.drop(index)
            if self.shingles <= HELD_SHINGLES:
                return


def _shingle_set(session: Session, source: SourceFile) -> set[tuple[str, ...]] | None:
    """A document's exact shingle set, read again (its warnings were given in the first pass)."""
    document = read_document(session.corpus, source, lambda message: None)
    return None if document is None else dupes.shingle_set(dupes.words_of(document))


def dropped_by_dedupe(session: Session) -> set[str]:
    """The ids `--dedupe` leaves out: every member of a group at the default threshold but its
    representative (earliest date, then smallest id)."""
    # The command reads the same documents again and reports their warnings then: once each.
    found = find_duplicates(session.unreported(), progress=PROGRESS_LABEL)
    dropped: set[str] = set()
    for group in dupes.groups(found.pairs, found.dates):
        dropped.update(item for item in group["ids"] if item != group["group"])
    return dropped
