"""LSH banding: the candidate pairs of near-duplicate detection, from the documents' MinHash
signatures (see corpus_cli.analysis.dupes), and the first pass's signatures kept packed.

LSH banding (`bands` bands of `rows` rows) makes candidates of the pairs whose signatures agree
on a whole band: a pair of similarity s is a candidate with probability 1 - (1 - s**rows)**bands.
Banding is chosen so that a pair at the threshold is missed with probability under 0.1 %
(`banding`); below about 0.103 no banding of 64 permutations can, and every pair is compared
instead (`every_pair`, for selections small enough); for 0.8 it is 16 bands of 4 rows:

    similarity   0.1      0.3      0.5      0.7      0.8        0.9
    candidate    0.16 %   12.2 %   64.4 %   98.8 %   99.978 %   99.999996 %

so a pair just at 0.8 is missed with probability 0.022 %, and one at 0.85 with 0.0007 %.

A band is coarse: documents that share many runs without being copies (long boilerplate, or a
generated corpus remixing a small vocabulary) meet in its buckets by the thousand. So a banded
pair is compared only when its signatures agree on at least `least_agreeing(threshold)` of the
64 minimums (30 at 0.8), which a pair at the threshold fails with probability under
`FILTER_MISS` (one in a billion): at 30 MB of generated text, 156 pairs compared instead of 108,988.

Pairs one article carries inside a longer one (`--reuse`) have a low Jaccard index, which banding
does not find; they come from an index of a fixed sample of shingles (those whose hash is 0
modulo `dupes.SAMPLE_EVERY`) instead: articles sharing sampled shingles are candidates.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Any

from corpus_cli.analysis.dupes import PERMUTATIONS, Sketch

if TYPE_CHECKING:
    import numpy as np

MISS_AT_THRESHOLD = 0.001
FILTER_MISS = 1e-9  # see least_agreeing: the chance that a banded pair at the threshold is left out unread
COMMON_SAMPLE = 100  # --reuse leaves out sampled shingles in more documents than this: boilerplate, not a story
# Below `lowest_banded_threshold` every pair is compared: affordable up to this many documents
# (two million pairs; each document's shingle set is held while its pairs are compared).
EVERY_PAIR_MAX_DOCUMENTS = 2000
_SIGNATURE_BYTES = PERMUTATIONS * 4


class Sketches:
    """The first pass's sketches, kept packed: a document's signature is 256 bytes of one buffer
    (a `Sketch` each took about 450 bytes with its objects; 93,646 of them, 42 MB)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.dates: list[str | None] = []
        self.shingles = array("q")
        self.signatures = bytearray()  # _SIGNATURE_BYTES a document (zeros for one without shingles)
        self.samples: list[tuple[int, ...]] = []

    @classmethod
    def of(cls, sketches: Iterable[Sketch]) -> Sketches:
        packed = cls()
        for item in sketches:
            packed.ids.append(item.id)
            packed.dates.append(None if item.date is None else sys.intern(item.date))  # few dates, many documents
            packed.shingles.append(item.shingles)
            packed.signatures += item.signature or bytes(_SIGNATURE_BYTES)
            packed.samples.append(item.sample)
        return packed

    def __len__(self) -> int:
        return len(self.ids)

    def matrix(self) -> np.ndarray:
        """The signatures as a documents x PERMUTATIONS array (a view of the buffer, not a copy)."""
        import numpy as np

        return np.frombuffer(self.signatures, dtype="<u4").reshape(len(self), PERMUTATIONS)


def banding(threshold: float, permutations: int = PERMUTATIONS, miss: float = MISS_AT_THRESHOLD) -> tuple[int, int] | None:
    """(bands, rows): the most rows a band (fewest false candidates) that still miss a pair at
    `threshold` with probability under `miss`; None when no banding can (below
    `lowest_banded_threshold`): then only comparing every pair keeps the promise."""
    best = None
    for rows in range(1, permutations + 1):
        bands = permutations // rows
        if candidate_probability(threshold, bands, rows) >= 1 - miss:
            best = (bands, rows)
    return best


def lowest_banded_threshold(permutations: int = PERMUTATIONS, miss: float = MISS_AT_THRESHOLD) -> float:
    """The lowest threshold (to 3 places, rounded up) that a banding serves: bands of one row are
    the most lenient, and they miss a pair of similarity s with probability (1 - s)**permutations."""
    lowest: float = 1 - miss ** (1 / permutations)
    return math.ceil(lowest * 1000) / 1000


def every_pair(sketches: Sketches) -> set[tuple[int, int]]:
    """Index pairs (i < j) of all documents with shingles: the candidates when no banding serves."""
    return set(combinations([index for index, count in enumerate(sketches.shingles) if count], 2))


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """The S-curve: the chance that a pair of this similarity shares at least one whole band."""
    return 1 - (1 - similarity**rows) ** bands


def least_agreeing(threshold: float, permutations: int = PERMUTATIONS, miss: float = FILTER_MISS) -> int:
    """The fewest of the `permutations` minimums two signatures must share for their pair to be
    compared: a pair of similarity `threshold` shares fewer (a binomial count) with probability
    at most `miss`, and one of higher similarity less often still."""
    below = 0.0
    for agreeing in range(permutations + 1):
        below += math.comb(permutations, agreeing) * threshold**agreeing * (1 - threshold) ** (permutations - agreeing)
        if below > miss:
            return agreeing
    return permutations


def banded_candidates(sketches: Sketches, threshold: float, reuse: float | None = None) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose signatures agree on at least one band, and on enough of their
    minimums overall (`least_agreeing`) to be near the threshold, or with `reuse` near that
    containment; every pair when no banding keeps the promise at `threshold` (the caller
    decides whether it can afford that).

    A band is a coarse filter: documents that share many five-word runs without being copies
    (a corpus remixing a small vocabulary, long boilerplate) meet in its buckets by the
    thousand, and each pair compared exactly costs a read of both documents. The count of
    agreeing minimums estimates the similarity itself, and leaves out nearly all of those pairs
    while missing a pair at the threshold with probability under FILTER_MISS. Containment C
    of the smaller set (m shingles) in a pair of n shingles in all is the Jaccard index
    C m / (n - C m): a pair that may be `reuse` contained is kept at that lower index.

    A band's buckets are runs of equal rows once the documents are sorted by them (NumPy), not a
    dictionary of a key per document."""
    import numpy as np

    setting = banding(threshold)
    if setting is None:
        return every_pair(sketches)
    bands, rows = setting
    signed = np.flatnonzero(np.frombuffer(sketches.shingles, dtype=np.int64))
    signatures = sketches.matrix()
    sizes = np.frombuffer(sketches.shingles, dtype=np.int64).astype(np.float64)
    at_threshold = least_agreeing(threshold)
    # With reuse: least_agreeing at each Jaccard index, by thousandths rounded down (never too strict).
    least = np.array([least_agreeing(step / 1000) for step in range(int(threshold * 1000) + 1)]) if reuse is not None else None
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        keys = signatures[signed, band * rows : (band + 1) * rows]
        order = np.lexsort(keys.T[::-1])
        ordered = keys[order]
        starts = np.flatnonzero(np.concatenate(([True], np.any(ordered[1:] != ordered[:-1], axis=1), [True])))
        for start, end in pairwise(starts):
            if end - start < 2:
                continue
            members = np.sort(signed[order[start:end]])
            block = signatures[members]
            for first in range(len(members) - 1):
                agreeing = np.count_nonzero(block[first + 1 :] == block[first], axis=1)
                need: Any = at_threshold
                if least is not None and reuse is not None:
                    others = sizes[members[first + 1 :]]
                    smaller = np.minimum(others, sizes[members[first]]) * reuse
                    index_at_reuse = smaller / np.maximum(others + sizes[members[first]] - smaller, 1)
                    need = np.minimum(least[np.minimum(np.floor(index_at_reuse * 1000).astype(int), len(least) - 1)], at_threshold)
                for other in np.flatnonzero(agreeing >= need):
                    pairs.add((int(members[first]), int(members[first + 1 + other])))
    return pairs


def sampled_candidates(sketches: Sketches, reuse: float) -> set[tuple[int, int]]:
    """Index pairs sharing enough sampled shingles for the shorter to be `reuse` contained."""
    postings: dict[int, list[int]] = defaultdict(list)
    for index, sample in enumerate(sketches.samples):
        for value in sample:
            postings[value].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if len(members) <= COMMON_SAMPLE:
            for pair in combinations(members, 2):
                shared[pair] += 1
    pairs = set()
    for (i, j), count in shared.items():
        smaller = min(len(sketches.samples[i]), len(sketches.samples[j]))
        # Half the expected share: sampling one shingle in eight scatters the count of a short article.
        if count >= max(1, math.floor(0.5 * reuse * smaller)):
            pairs.add((i, j))
    return pairs
