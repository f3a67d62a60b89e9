"""Near-duplicate articles: word shingles, MinHash signatures, LSH banding, the exact similarity.

An article's shingles are its runs of `SHINGLE_WORDS` consecutive terms (the tokenizer's, over the
headline and body: the date header, site furniture, white space and line endings do not count).
Two articles' similarity is the Jaccard index of their shingle sets; `contained` is the share of
the shorter one's shingles found in the other (an update cut short, a bulletin carrying a story).

Comparing every pair is quadratic, so a MinHash signature (`PERMUTATIONS` minimums of universal
hashes of the shingles) stands for each article, and LSH banding (`bands` bands of `rows` rows)
makes candidates of the pairs that agree on a whole band: a pair of similarity s is a candidate
with probability 1 - (1 - s**rows)**bands. Banding is chosen so that a pair at the threshold is
missed with probability under 0.1 % (`banding`); below about 0.103 no banding of 64 permutations can,
and every pair is compared instead (`every_pair`, for selections small enough); for 0.8 it is 16 bands of 4 rows:

    similarity   0.1      0.3      0.5      0.7      0.8        0.9
    candidate    0.16 %   12.2 %   64.4 %   98.8 %   99.978 %   99.999996 %

so a pair just at 0.8 is missed with probability 0.022 %, and one at 0.85 with 0.0007 %.

A band is coarse: documents that share many runs without being copies (long boilerplate, or a
generated corpus remixing a small vocabulary) meet in its buckets by the thousand. So a banded
pair is compared only when its signatures agree on at least `least_agreeing(threshold)` of the
64 minimums (30 at 0.8), which a pair at the threshold fails with probability under
`FILTER_MISS` (one in a billion): at 30 MB of generated text, 156 pairs compared instead of 108,988.

Every candidate is then compared exactly, on the sets of word runs themselves (not their
hashes), so a false candidate costs time but never shows in the output. Pairs one article
carries inside a longer one (`--reuse`) have a low Jaccard index, which banding does not find;
they come from an index of a fixed sample of shingles (those whose hash is 0 modulo
`SAMPLE_EVERY`) instead: articles sharing sampled shingles are candidates.

NumPy is imported inside the functions that need it: start-up time stays as it was.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from corpus_cli.text.document import Document
from corpus_cli.text.tokens import ngrams, tokens

if TYPE_CHECKING:
    import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 64
MISS_AT_THRESHOLD = 0.001
FILTER_MISS = 1e-9  # see least_agreeing: the chance that a banded pair at the threshold is left out unread
DEFAULT_THRESHOLD = 0.8
SAMPLE_EVERY = 8  # --reuse indexes one shingle in this many (by hash), ...
COMMON_SAMPLE = 100  # ... leaving out those in more documents than this: boilerplate, not a story
PAIR_FIELDS = ("a", "b", "jaccard", "contained", "shorter")
GROUP_FIELDS = ("group", "ids", "size")
_SEED = 20240125  # fixed, so every run picks the same hash functions and gives the same output
WORD_HASHES_KEPT = 200_000
SKETCH_BLOCK = 8192  # shingles hashed at once: a PERMUTATIONS x SKETCH_BLOCK matrix, 4 MB
# Below `lowest_banded_threshold` every pair is compared: affordable up to this many documents
# (two million pairs; each document's shingle set is held while its pairs are compared).
EVERY_PAIR_MAX_DOCUMENTS = 2000


def words_of(document: Document) -> list[str]:
    """The terms whose runs are shingled: the headline's and the body's."""
    return list(each_word(document))


def each_word(document: Document) -> Iterator[str]:
    """`words_of`, a paragraph at a time (no word spans two lines of the body)."""
    article = document.article
    if article.title:
        yield from tokens(article.title)
    for paragraph in article.each_paragraph():
        yield from tokens(paragraph)


def shingle_set(words: Sequence[str]) -> set[tuple[str, ...]]:
    """The runs of `SHINGLE_WORDS` terms; an article shorter than that is one shingle (or none)."""
    if len(words) < SHINGLE_WORDS:
        return {tuple(words)} if words else set()
    return set(ngrams(words, SHINGLE_WORDS))


def similarity(one: set[tuple[str, ...]], other: set[tuple[str, ...]]) -> tuple[float, float]:
    """Jaccard index of two shingle sets, and the share of the smaller set found in the other."""
    if not one or not other:
        return 0.0, 0.0
    common = len(one & other)
    return common / (len(one) + len(other) - common), common / min(len(one), len(other))


@dataclass(frozen=True, slots=True)  # slots: the first pass keeps one per document
class Sketch:
    """What the first pass keeps of a document: small, whatever the article's length."""

    id: str
    date: str | None
    shingles: int
    signature: bytes  # PERMUTATIONS little-endian uint32 minimums
    sample: tuple[int, ...] = ()  # sampled shingle hashes, for --reuse


def sketch(document: Document, with_sample: bool = False) -> Sketch:
    """A document's MinHash signature (and its sampled shingle hashes when `with_sample`)."""
    import numpy as np

    hashes = shingle_hashes(each_word(document))
    if hashes.size == 0:
        return Sketch(document.id, document.date, 0, b"")
    a, b = _hash_family()
    # Multiply-shift hashing (Dietzfelbinger): the high 32 bits of a*x + b mod 2**64 are a universal
    # family. A block of shingles at a time: all at once is a PERMUTATIONS x shingles matrix.
    signature = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, hashes.size, SKETCH_BLOCK):
        block = hashes[None, start : start + SKETCH_BLOCK]
        np.minimum(signature, ((a[:, None] * block + b[:, None]) >> np.uint64(32)).min(axis=1), out=signature)
    signature = signature.astype("<u4")
    sample = tuple(int(value) for value in hashes[hashes % SAMPLE_EVERY == 0]) if with_sample else ()
    return Sketch(document.id, document.date, int(hashes.size), signature.tobytes(), sample)


def shingle_hashes(words: Iterable[str]) -> np.ndarray:
    """The distinct 32-bit hashes of the shingles, as uint64 (the width the hashing multiplies in)."""
    import numpy as np

    word_hashes = np.fromiter(map(_WORD_HASHES.__getitem__, words), dtype=np.uint64)
    if not word_hashes.size:
        return np.zeros(0, dtype=np.uint64)
    count = max(1, word_hashes.size - SHINGLE_WORDS + 1)
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(min(SHINGLE_WORDS, word_hashes.size)):
            combined = combined * np.uint64(1_000_003) + word_hashes[offset : offset + count]
        combined = (combined * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)
    return np.unique(combined)


class _WordHashes(dict[str, int]):
    """crc32 of each word, remembered: a word seen before costs one lookup in C (`map` over
    `__getitem__`), not a Python call; this was a third of the time of a sketch."""

    def __missing__(self, word: str) -> int:
        if len(self) >= WORD_HASHES_KEPT:  # a large corpus's vocabulary must not grow a worker without end
            self.clear()
        value = self[word] = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        return value


_WORD_HASHES = _WordHashes()


def _hash_family() -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


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


def every_pair(sketches: Sequence[Sketch]) -> set[tuple[int, int]]:
    """Index pairs (i < j) of all documents with shingles: the candidates when no banding serves."""
    return set(combinations([index for index, item in enumerate(sketches) if item.shingles], 2))


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


def banded_candidates(sketches: Sequence[Sketch], threshold: float, reuse: float | None = None) -> set[tuple[int, int]]:
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
    C m / (n - C m): a pair that may be `reuse` contained is kept at that lower index."""
    import numpy as np

    setting = banding(threshold)
    if setting is None:
        return every_pair(sketches)
    bands, rows = setting
    width = rows * 4
    signed = [index for index, item in enumerate(sketches) if item.shingles]
    signatures = np.frombuffer(b"".join(sketches[index].signature for index in signed), dtype="<u4").reshape(len(signed), PERMUTATIONS)
    sizes = np.array([sketches[index].shingles for index in signed], dtype=np.float64)
    at_threshold = least_agreeing(threshold)
    # With reuse: least_agreeing at each Jaccard index, by thousandths rounded down (never too strict).
    least = np.array([least_agreeing(step / 1000) for step in range(int(threshold * 1000) + 1)]) if reuse is not None else None
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for row, index in enumerate(signed):
            buckets[sketches[index].signature[band * width : (band + 1) * width]].append(row)
        for members in buckets.values():
            if len(members) < 2:
                continue
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
                    pairs.add((signed[members[first]], signed[members[first + 1 + int(other)]]))
    return pairs


def sampled_candidates(sketches: Sequence[Sketch], reuse: float) -> set[tuple[int, int]]:
    """Index pairs sharing enough sampled shingles for the shorter to be `reuse` contained."""
    postings: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(sketches):
        for value in item.sample:
            postings[value].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if len(members) <= COMMON_SAMPLE:
            for pair in combinations(members, 2):
                shared[pair] += 1
    pairs = set()
    for (i, j), count in shared.items():
        smaller = min(len(sketches[i].sample), len(sketches[j].sample))
        # Half the expected share: sampling one shingle in eight scatters the count of a short article.
        if count >= max(1, math.floor(0.5 * reuse * smaller)):
            pairs.add((i, j))
    return pairs


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    jaccard: float
    contained: float
    shorter: str

    def record(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "jaccard": round(self.jaccard, 4), "contained": round(self.contained, 4), "shorter": self.shorter}


def pair(one: tuple[str, set[tuple[str, ...]]], other: tuple[str, set[tuple[str, ...]]]) -> Pair:
    """The exact similarity of two documents given as (id, shingle set); `a` the smaller id."""
    (a, a_set), (b, b_set) = sorted((one, other), key=lambda item: item[0])
    jaccard, contained = similarity(a_set, b_set)
    return Pair(a, b, jaccard, contained, b if len(b_set) < len(a_set) else a)


def reported(candidate: Pair, threshold: float, reuse: float | None) -> bool:
    return candidate.jaccard >= threshold or (reuse is not None and candidate.contained >= reuse)


def groups(pairs: Iterable[Pair], dates: dict[str, str | None]) -> list[dict[str, Any]]:
    """Connected documents as groups: the representative (earliest date, undated last, then the
    smallest id), the ids in id order, and the size; groups in the order of their representative."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for found in pairs:
        parent[root(found.a)] = root(found.b)
    members: dict[str, list[str]] = defaultdict(list)
    for item in list(parent):
        members[root(item)].append(item)
    rows = []
    for ids in members.values():
        ids.sort()
        representative = min(ids, key=lambda item: (dates.get(item) is None, dates.get(item) or "", item))
        rows.append({"group": representative, "ids": ids, "size": len(ids)})
    return sorted(rows, key=lambda row: row["group"])
