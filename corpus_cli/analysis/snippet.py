"""The passage of a document that best shows a search's hits, with the hits marked. No I/O.

The words searched for come as the index holds them (the search's query parsed, see
`index.queries.parsed`: the tokenizer's terms, whole, and the prefixes written ``word*``); the
passages' words are compared as their terms, case-folded and without accents (FTS5's unicode61
removes them), and a prefix matches every word it begins. The passage is the headline or
the paragraph with the most distinct query words (then the most hits), cut to `width` words
around its hits, with "…" where it was cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from corpus_cli.text.tokens import TOKEN, term

MARK = "**"  # around each hit in the plain snippet (Markdown's bold)
_SPACE = re.compile(r"\s+")


def fold(word: str) -> str:
    """A word as unicode61 indexes it: case-folded, without accents."""
    if word.isascii():  # most words: nothing to decompose, and casefold is lower (10x faster)
        return word.lower()
    return "".join(char for char in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(char))


def normal(word: str) -> str:
    """A word as the index holds it: its term (see `text.tokens.term`), folded."""
    return fold(term(word))


def snippet(passages: Sequence[str], terms: Iterable[str], prefixes: Sequence[str], width: int = 32) -> str:
    """The best passage for a search of `terms` and `prefixes` (as the index holds them), hits
    between `MARK`s, cut to `width` words."""
    words = {fold(searched) for searched in terms}
    prefixes = tuple(fold(prefix) for prefix in prefixes)

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
