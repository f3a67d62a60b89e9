"""The tokenizer: the one definition of a word, used by `list` (words) and `stats` alike."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
