"""The tokenizer: the one definition of a word, used by `list` (words) and `stats` alike."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# A word is a run of Unicode letters or digits, with inner apostrophes or hyphens kept
# ("don't", "anti-border", "ICE’s"); case is folded so "ICE" and "ice" are one term.
TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def tokens(text: str) -> list[str]:
    """The case-folded words of `text`, in order."""
    return [match.group().casefold() for match in TOKEN.finditer(text)]


def iter_tokens(text: str) -> Iterator[str]:
    """The case-folded words of `text`, lazily."""
    for match in TOKEN.finditer(text):
        yield match.group().casefold()


def count_words(text: str) -> int:
    """How many words `text` holds, without building the list."""
    return sum(1 for _ in TOKEN.finditer(text))


def ngrams(words: Sequence[str], n: int) -> Iterator[tuple[str, ...]]:
    """The runs of `n` consecutive words, in order (none when there are fewer than `n`)."""
    for start in range(len(words) - n + 1):
        yield tuple(words[start : start + n])


def parse_stopwords(text: str) -> frozenset[str]:
    """Stopwords from a list: one word a line, ``#`` starts a comment; folded as `tokens` folds.

    Each word is also kept with ’ for ' and the reverse, since the tokenizer keeps either.
    """
    words = set()
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().casefold()
        if word:
            words.update((word, word.replace("'", "’"), word.replace("’", "'")))
    return frozenset(words)


def default_stopwords() -> frozenset[str]:
    """The English stopword list that ships inside the package (corpus_cli/stopwords.txt)."""
    from importlib.resources import files

    return parse_stopwords(files("corpus_cli").joinpath("stopwords.txt").read_text(encoding="utf-8"))
