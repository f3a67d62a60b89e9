"""The tokenizer: the one definition of a word, used by `list` (words) and `stats` alike."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# A word is a run of Unicode letters or digits, with inner apostrophes or hyphens kept
# ("don't", "anti-border"), or a dotted initialism: two or more single letters, each followed by
# a period ("U.S.", "D.C.", "a.m."), as NLTK's tokenizer keeps them, possessive included
# ("U.S.'s"). A term is a word case-folded, with ’ written ' and a possessive 's dropped, so
# "ICE", "ice" and "ICE’s" are one term, and "U.S." and "U.S.’s" are "u.s."; "anti-border" stays
# one term.
TOKEN = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.){2,}(?:['’][sS](?![^\W_]))?|[^\W_]+(?:['’\-][^\W_]+)*")
POSSESSIVE = re.compile(r"'s$", re.MULTILINE)


def term(word: str) -> str:
    """The term a word counts as: case-folded, ’ as ', without a possessive 's."""
    return POSSESSIVE.sub("", word.casefold().replace("’", "'"))


def tokens(text: str) -> list[str]:
    """The terms of `text`, in order: `term` of each word.

    The words are folded in one string, a line each, rather than one call per word: case folding
    maps each character on its own, so the result is the same, three times faster.
    """
    words = TOKEN.findall(text)
    if not words:
        return []
    return POSSESSIVE.sub("", "\n".join(words).casefold().replace("’", "'")).split("\n")


def count_words(text: str) -> int:
    """How many words `text` holds, without a Python object per word (subn counts in C)."""
    return TOKEN.subn("", text)[1]


def ngrams(words: Sequence[str], n: int) -> Iterator[tuple[str, ...]]:
    """The runs of `n` consecutive words, in order (none when there are fewer than `n`)."""
    for start in range(len(words) - n + 1):
        yield tuple(words[start : start + n])


def parse_stopwords(text: str) -> frozenset[str]:
    """Stopwords from a list: one word a line, ``#`` starts a comment; made terms as `tokens` makes them."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(term(word) for word in words if word)


def default_stopwords() -> frozenset[str]:
    """The English stopword list that ships inside the package (corpus_cli/text/stopwords.txt)."""
    from importlib.resources import files

    return parse_stopwords(files("corpus_cli.text").joinpath("stopwords.txt").read_text(encoding="utf-8"))
