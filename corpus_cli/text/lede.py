"""The lede: the first sentence of an article's body, found by a small sentence rule. No I/O.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets after it)
followed by white space or the end of the paragraph, unless what follows starts in lower case
(``9 a.m. on Monday``, ``(D-Calif.) voted``) or the full stop closes a title or a usual
abbreviation (``Mr.``, ``Sen.``, ``Jan.``) or a single letter (an initial, ``U.S.``). The lede is
never invented: it is always a piece of the text as it stands, cut at a word within
`LEDE_MAX_CHARS` when the sentence is longer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LEDE_MAX_CHARS = 200

_SENTENCE_END = re.compile(r"[.!?…]+[\"'’”)\]]*(?=\s|\Z)")
_WORD_BEFORE = re.compile(r"(\w+)\.[\"'’”)\]]*\Z")
_NEXT = re.compile(r"\s*(\S)")
# Abbreviations that stand before a capital or a number inside a sentence, as news writes them:
# titles before names, "St. Louis", months before days. Those that often end a sentence ("Inc.",
# "etc.", "No.") are left out: before a lower-case word the rule above already goes on.
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "sgt", "cmdr", "adm"}
_OTHERS = {"st", "jr", "sr", "rev", "hon", "pres", "supt", "vs"}
_MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
_ABBREVIATIONS = frozenset(_TITLES | _OTHERS | _MONTHS)
# How far back from a full stop its word is looked for: past every abbreviation's length, so a
# word cut short there is too long to be one, as the whole word is.
_WORD_LOOKED_AT = 32


def lede(paragraphs: Iterable[str], skip: int = 0) -> str | None:
    """The first sentence of the first paragraph that has text after `skip` characters (a credit,
    in the first paragraph only), at most `LEDE_MAX_CHARS` long; None when there is no text."""
    for index, paragraph in enumerate(paragraphs):
        text = paragraph[skip:].strip() if index == 0 else paragraph.strip()
        if text:
            return _cut(text[: _sentence_end(text)])
    return None


def _sentence_end(text: str) -> int:
    """Where the first sentence of `text` ends (its length when no end is found)."""
    for end in _SENTENCE_END.finditer(text):
        following = _NEXT.match(text, end.end())
        if following is not None and following.group(1).islower():
            continue
        # Only the last few characters can hold an abbreviation: a search from 0 would read the
        # whole text again at each full stop (a roll call of 6,000 "Sen." took 11 s).
        before = _WORD_BEFORE.search(text, max(0, end.start() - _WORD_LOOKED_AT), end.end())
        if before is not None and end.group().startswith(".") and _abbreviated(before.group(1)):
            continue
        return end.end()
    return len(text)


def _abbreviated(word: str) -> bool:
    """True for an initial (one letter) or a known abbreviation before a full stop."""
    return (len(word) == 1 and word.isalpha()) or word.casefold() in _ABBREVIATIONS


def _cut(sentence: str) -> str | None:
    """The sentence, or its start cut at the last white space within the limit."""
    if len(sentence) <= LEDE_MAX_CHARS:
        return sentence
    space = max(sentence.rfind(" ", 0, LEDE_MAX_CHARS + 1), sentence.rfind("\t", 0, LEDE_MAX_CHARS + 1))
    cut = sentence[:space].rstrip() if space > 0 else sentence[:LEDE_MAX_CHARS].rstrip()
    return cut or None
