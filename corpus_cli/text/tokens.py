"""The tokenizer: the one definition of a word, used by `list` (words) and `stats` alike."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import overload

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
    return POSSESSIVE.sub("", term_prefix(word))


def term_prefix(word: str) -> str:
    """The start of a term as a word's start is written ("U.S" of u.s., "Anti-" of anti-okapi):
    case-folded, ’ as ', not split where the word would be. A search's ``prefix*``; a term is one
    with its possessive dropped."""
    return word.casefold().replace("’", "'")


def tokens(text: str) -> list[str]:
    """The terms of `text`, in order: `term` of each word."""
    joined = terms_text(text)
    return joined.split("\n") if joined else []


# A text longer than this is tokenized a piece at a time, so that the list of its words (a
# Python string each, some 60 bytes a word) never holds more than a piece's.
TOKENIZE_PIECE_CHARS = 1 << 20
_SPACE = re.compile(r"\s")


def terms_text(text: str) -> str:
    """The terms of `text`, in order, a line each: `tokens` without a Python object per term.

    The words are folded in one string, a line each, rather than one call per word: case folding
    maps each character on its own, so the result is the same, three times faster. No term holds
    a newline (a word is letters, digits, apostrophes, hyphens and dots).
    """
    if len(text) <= TOKENIZE_PIECE_CHARS:
        return _fold("\n".join(TOKEN.findall(text)))
    return "\n".join(folded for start, end in _pieces(text) if (folded := _fold("\n".join(TOKEN.findall(text, start, end)))))


def each_term(text: str) -> Iterator[str]:
    """The terms of `tokens(text)` one by one, made a piece of the text at a time."""
    if len(text) <= TOKENIZE_PIECE_CHARS:
        yield from tokens(text)
        return
    for start, end in _pieces(text):
        if folded := _fold("\n".join(TOKEN.findall(text, start, end))):
            yield from folded.split("\n")


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """[start, end) pieces of `text` of TOKENIZE_PIECE_CHARS or a little more, cut at white space,
    which no word holds or borders on (the pattern's look-behind and look-ahead see white space
    there, or the end: the same words either way)."""
    start = 0
    while start < len(text):
        space = _SPACE.search(text, start + TOKENIZE_PIECE_CHARS)
        end = len(text) if space is None else space.start()
        yield start, end
        start = end


def _fold(words: str) -> str:
    """`term` of each line of `words`."""
    return POSSESSIVE.sub("", term_prefix(words)) if words else ""


class PackedTerms(Sequence[list[str]]):
    """The terms of a document's segments (its headline and paragraphs), each segment kept as one
    string (`terms_text`) and split only when read: a term as a Python string costs some 60
    bytes and a pickled list of them far more, where here a term costs its length and a newline."""

    __slots__ = ("lines",)

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.lines = lines  # no empty line: a segment without terms is left out

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> list[str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[str]]: ...

    def __getitem__(self, index: int | slice) -> list[str] | list[list[str]]:
        if isinstance(index, slice):
            return [line.split("\n") for line in self.lines[index]]
        return self.lines[index].split("\n")

    def __iter__(self) -> Iterator[list[str]]:
        return (line.split("\n") for line in self.lines)

    def each_term(self) -> Iterator[str]:
        """Every term of every segment, in order, split a piece of a long segment at a time."""
        for line in self.lines:
            start = 0
            while start < len(line):
                end = line.find("\n", start + TOKENIZE_PIECE_CHARS)
                end = len(line) if end < 0 else end
                yield from line[start:end].split("\n")
                start = end + 1

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like a list

    def __reduce__(self) -> tuple[type[PackedTerms], tuple[tuple[str, ...]]]:
        return PackedTerms, (self.lines,)

    def __repr__(self) -> str:
        return f"PackedTerms({self.lines!r})"


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
