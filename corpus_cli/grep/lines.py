"""Which lines a matcher selects in a text, and how many, as GNU grep counts them.

Lines are GNU grep's: ``\\n`` ends a line, a ``\\r`` before it is not searched, and a final
newline does not start an empty line. No I/O here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from itertools import islice

from corpus_cli.grep.matcher import Matcher, Span
from corpus_cli.grep.spec import SearchSpec


def lines(text: str) -> Iterator[Span]:
    """Every line of `text` as (start, end): end is before the newline and before a ``\\r`` that precedes it."""
    size, pos = len(text), 0
    while pos < size:
        newline = text.find("\n", pos)
        if newline < 0:
            yield pos, size
            return
        yield pos, newline - 1 if newline > pos and text[newline - 1] == "\r" else newline
        pos = newline + 1


def line_count(text: str) -> int:
    """How many lines GNU grep sees in `text` (a final newline does not start another)."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def selected_lines(matcher: Matcher, text: str, segments: list[Span] | None, invert: bool, whole: bool) -> Iterator[Span]:
    """The lines (or segments) that match, or with `invert` those that do not, in order.

    `whole` says that one search over the whole text may stand for a search of each line
    (see matcher.py); otherwise each line is searched as its own string.
    """
    finder = None if segments is not None else _finder(matcher, text, whole)
    if finder is not None:
        hits = _matching_lines(matcher, text, finder, whole)
        return _complement(lines(text), hits) if invert else hits
    return (span for span in (lines(text) if segments is None else segments) if (matcher.search(text[span[0] : span[1]]) is None) == invert)


def count_lines(matcher: Matcher, text: str, segments: list[Span] | None, invert: bool, limit: int | None, whole: bool) -> int:
    """How many lines `selected_lines` would give, at most `limit`, as fast as can be."""
    finder = None if segments is not None else _finder(matcher, text, whole)
    if invert and finder is not None:
        count = line_count(text) - sum(1 for _ in _matching_lines(matcher, text, finder, whole))
        return count if limit is None else min(count, limit)
    return sum(1 for _ in islice(selected_lines(matcher, text, segments, invert, whole), limit))


def _finder(matcher: Matcher, text: str, whole: bool) -> Callable[[int], int] | None:
    """How to jump to the next line that may match: by the needle, which is sound for every
    pattern, else by searching the whole text, which needs `whole`; None: line by line."""
    finder = matcher.text_candidates(text)
    if finder is None and whole:
        finder = functools.partial(matcher.candidate, text)
    return finder


def count_exact_lines_in_bytes(spec: SearchSpec, data: bytes, start: int) -> int | None:
    """`count_lines` on UTF-8 bytes from `start` (after a byte-order mark) for a matcher whose
    candidates are exact, counted by `Matcher.count_needle_lines`; None when only the text can say."""
    matched = spec.matcher.count_needle_lines(data, start)
    if matched is None:
        return None
    if spec.invert:
        matched = _line_count_in_bytes(data, start) - matched
    return matched if spec.max_count is None else min(matched, spec.max_count)


def count_lines_in_bytes(spec: SearchSpec, data: bytes, start: int, finder: Callable[[int], int]) -> int:
    """`count_lines` on UTF-8 bytes from `start` (after a byte-order mark), with `finder` from
    `Matcher.byte_candidates`: candidate lines are checked on the bytes where the matcher can
    (-w on a literal between ASCII characters), else as decoded text."""
    matcher, size, pos, matched = spec.matcher, len(data), start, 0
    limit = None if spec.invert else spec.max_count
    while pos < size and (limit is None or matched < limit):
        found = finder(pos)
        if found < 0:
            break
        line_end = data.find(b"\n", found)
        line_end = size if line_end < 0 else line_end
        matched += _candidate_line_matches(matcher, data, pos, found, line_end, finder)
        pos = line_end + 1
    if not spec.invert:
        return matched
    count = _line_count_in_bytes(data, start) - matched
    return count if spec.max_count is None else min(count, spec.max_count)


def _line_count_in_bytes(data: bytes, start: int) -> int:
    """`line_count` of the bytes from `start`."""
    return data.count(b"\n", start) + (1 if len(data) > start and not data.endswith(b"\n") else 0)


def _candidate_line_matches(matcher: Matcher, data: bytes, pos: int, found: int, line_end: int, finder: Callable[[int], int]) -> bool:
    """Whether the line of UTF-8 `data` that holds the candidate at `found` (and no newline
    between `pos` and it) matches: on the bytes where the matcher can tell, else as text."""
    previous = data.rfind(b"\n", pos, found)
    line_start = pos if previous < 0 else previous + 1
    end = line_end - 1 if line_end > line_start and data[line_end - 1 : line_end + 1] == b"\r\n" else line_end
    verdict = matcher.byte_line_matches(data, found, line_start, end, finder)
    return verdict if verdict is not None else matcher.line_matches(data[line_start:end].decode("utf-8"))


def _matching_lines(matcher: Matcher, text: str, finder: Callable[[int], int], whole: bool) -> Iterator[Span]:
    """Matching lines: jump from candidate to candidate and check each candidate line, within
    the text when `whole` allows, else as a string of its own."""
    size, pos = len(text), 0
    trusted = matcher.candidates_exact  # a literal without newlines cannot straddle lines
    while pos < size:
        start = finder(pos)
        if start < 0:
            return
        if start == size and text.endswith("\n"):
            return  # an empty match after the final newline: no line is there
        previous = text.rfind("\n", pos, start)
        line_start = pos if previous < 0 else previous + 1
        newline = text.find("\n", start)
        line_end = size if newline < 0 else newline
        pos = line_end + 1
        if not whole and line_end > line_start and newline >= 0 and text[line_end - 1] == "\r":
            line_end -= 1
        if trusted or (matcher.line_matches(text, line_start, line_end) if whole else matcher.line_matches(text[line_start:line_end])):
            yield line_start, line_end


def _complement(every: Iterator[Span], hits: Iterator[Span]) -> Iterator[Span]:
    """The lines of `every` that are not in `hits` (both in order)."""
    hit = next(hits, None)
    for span in every:
        if hit is not None and span[0] == hit[0]:
            hit = next(hits, None)
        else:
            yield span


def spans_on_line(matcher: Matcher, text: str, start: int, end: int, whole_text: bool) -> list[Span]:
    """The matches on the line ``text[start:end]``, as offsets in `text`."""
    if whole_text:
        return list(matcher.finditer(text, start, end))
    return [(start + a, start + b) for a, b in matcher.finditer(text[start:end])]


def shown_spans(spans: list[Span], only_matching: bool) -> list[Span]:
    """Empty matches are not shown (grep -o skips them), unless a line has nothing else to show."""
    solid = [span for span in spans if span[0] < span[1]]
    return solid if solid or only_matching else spans[:1]
