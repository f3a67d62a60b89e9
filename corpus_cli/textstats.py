"""The tokenizer: the one definition of a word, used by `list` (words) and `stats` alike."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# A word is a run of Unicode letters or digits, with inner apostrophes or hyphens kept
# ("don't", "anti-border"). A term is a word case-folded, with ’ written ' and a possessive
# 's dropped, so "ICE", "ice" and "ICE’s" are one term; "anti-border" stays one term.
TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
POSSESSIVE = re.compile(r"'s$")


def term(word: str) -> str:
    """The term a word counts as: case-folded, ’ as ', without a possessive 's."""
    return POSSESSIVE.sub("", word.casefold().replace("’", "'")) or word.casefold()


def tokens(text: str) -> list[str]:
    """The terms of `text`, in order."""
    return [term(match.group()) for match in TOKEN.finditer(text)]


def count_words(text: str) -> int:
    """How many words `text` holds, without building the list."""
    return sum(1 for _ in TOKEN.finditer(text))


def ngrams(words: Sequence[str], n: int) -> Iterator[tuple[str, ...]]:
    """The runs of `n` consecutive words, in order (none when there are fewer than `n`)."""
    for start in range(len(words) - n + 1):
        yield tuple(words[start : start + n])


def parse_stopwords(text: str) -> frozenset[str]:
    """Stopwords from a list: one word a line, ``#`` starts a comment; made terms as `tokens` makes them."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(term(word) for word in words if word)


def default_stopwords() -> frozenset[str]:
    """The English stopword list that ships inside the package (corpus_cli/stopwords.txt)."""
    from importlib.resources import files

    return parse_stopwords(files("corpus_cli").joinpath("stopwords.txt").read_text(encoding="utf-8"))
