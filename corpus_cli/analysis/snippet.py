"""The passage of a document that best shows a search's hits, with the hits marked. No I/O.

A query's words are compared as the index holds them: the tokenizer's terms, whole ("e-mail",
"U.S.", "don't"; a possessive 's dropped), case-folded and without accents (FTS5's unicode61
removes them); a word written ``prefix*`` matches every word it begins. The passage is the headline or
the paragraph with the most distinct query words (then the most hits), cut to `width` words
around its hits, with "…" where it was cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from corpus_cli.text.tokens import TOKEN, term, term_prefix

MARK = "**"  # around each hit in the plain snippet (Markdown's bold)
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
# A bareword right before "*" (as the query's normalizer reads a prefix).
_PREFIX = re.compile(r'([^\s"()*:^+{},]+)\*')
_SPACE = re.compile(r"\s+")


def fold(word: str) -> str:
    """A word as unicode61 indexes it: case-folded, without accents."""
    if word.isascii():  # most words: nothing to decompose, and casefold is lower (10x faster)
        return word.lower()
    return "".join(char for char in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(char))


def normal(word: str) -> str:
    """A word as the index holds it: its term (see `text.tokens.term`), folded."""
    return fold(term(word))


def query_words(query: str) -> tuple[set[str], tuple[str, ...]]:
    """The whole words and the prefixes (``word*``) of a query, as the index holds them; operators left out."""
    prefixes = tuple(fold(term_prefix(found)) for found in _PREFIX.findall(query))
    words = {normal(found) for found in TOKEN.findall(_PREFIX.sub(" ", query)) if found not in OPERATORS}
    return words, prefixes


def snippet(passages: Sequence[str], query: str, width: int = 32) -> str:
    """The best passage for `query`, hits between `MARK`s, cut to `width` words."""
    words, prefixes = query_words(query)

    def hit(word: str) -> bool:
        folded = normal(word)
        return folded in words or folded.startswith(prefixes) if prefixes else folded in words

    def spans_of(text: str) -> list[tuple[int, int, bool]]:
        return [(found.start(), found.end(), hit(found.group())) for found in TOKEN.finditer(text)]

    needles = (*words, *prefixes)
    best: tuple[int, int] | None = None
    best_passage, best_spans = "", []
    for passage in passages:
        text = _SPACE.sub(" ", passage).strip()
        if best is not None and text.isascii() and not any(needle in text.lower() for needle in needles):
            continue  # no hit can be in it: it scores nothing, and tokenizing it was most of the time
        spans = spans_of(text)
        hits = [normal(text[start:end]) for start, end, is_hit in spans if is_hit]
        score = (len(set(hits)), len(hits))
        if best is None or score > best:
            best, best_passage, best_spans = score, text, spans
    return _cut(best_passage, best_spans, width)


def _cut(text: str, spans: list[tuple[int, int, bool]], width: int) -> str:
    """`text` with its hits marked, cut to the window of `width` words holding the most hits."""
    first = 0
    if len(spans) > width:
        flags = [is_hit for _, _, is_hit in spans]
        counts = [sum(flags[start : start + width]) for start in range(len(spans) - width + 1)]
        first = max(range(len(counts)), key=lambda start: (counts[start], -start))
        first = max(0, min(first - 2 if first >= 2 else first, len(spans) - width))
    window = spans[first : first + width]
    if not window:
        return text
    begin = 0 if first == 0 else window[0][0]
    end = len(text) if first + width >= len(spans) else window[-1][1]
    pieces, position = [], begin
    for start, stop, is_hit in window:
        if is_hit:
            pieces.append(text[position:start] + MARK + text[start:stop] + MARK)
            position = stop
    pieces.append(text[position:end])
    return ("…" if begin > 0 else "") + "".join(pieces) + ("…" if end < len(text) else "")
