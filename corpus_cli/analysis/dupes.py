"""Near-duplicate articles: word shingles, MinHash signatures, the exact similarity.

An article's shingles are its runs of `SHINGLE_WORDS` consecutive terms (the tokenizer's, over the
headline and body: the date header, site furniture, white space and line endings do not count).
Two articles' similarity is the Jaccard index of their shingle sets; `contained` is the share of
the shorter one's shingles found in the other (an update cut short, a bulletin carrying a story).

Comparing every pair is quadratic, so a MinHash signature (`PERMUTATIONS` minimums of universal
hashes of the shingles) stands for each article, and LSH banding (`corpus_cli.analysis.lsh`)
makes candidates of the pairs whose signatures agree enough. Every candidate is then compared
exactly, on the sets of word runs themselves (not their hashes), so a false candidate costs time
but never shows in the output.

NumPy is imported inside the functions that need it: start-up time stays as it was.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corpus_cli.text.document import Document
from corpus_cli.text.tokens import each_term, ngrams

if TYPE_CHECKING:
    import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 64
DEFAULT_THRESHOLD = 0.8
SAMPLE_EVERY = 8  # --reuse indexes one shingle in this many (by hash; see lsh.sampled_candidates)
PAIR_FIELDS = ("a", "b", "jaccard", "contained", "shorter")
GROUP_FIELDS = ("group", "ids", "size")
_SEED = 20240125  # fixed, so every run picks the same hash functions and gives the same output
WORD_HASHES_KEPT = 200_000
SKETCH_BLOCK = 8192  # shingles hashed at once: a PERMUTATIONS x SKETCH_BLOCK matrix, 4 MB


def words_of(document: Document) -> list[str]:
    """The terms whose runs are shingled: the headline's and the body's."""
    return list(each_word(document))


def each_word(document: Document) -> Iterator[str]:
    """`words_of`, a paragraph at a time (no word spans two lines of the body)."""
    article = document.article
    if article.title:
        yield from each_term(article.title)
    for paragraph in article.each_paragraph():
        yield from each_term(paragraph)


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
