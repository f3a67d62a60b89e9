"""Compiled patterns → match spans. No I/O: the search module drives this over documents.

A `Matcher` is built from the user's patterns and switches (-F, -i, -S, -w, several -e) and
answers two questions about a piece of text: where the leftmost match starting at or after a
position is (`search`), and where every non-overlapping match is (`finditer`). Offsets are
character offsets in the `str` given.

GNU grep matches within a line. Searching every line as its own string is exact but slow in
Python, so a matcher also says whether it is `line_safe`: whether a search over a whole text
(compiled with MULTILINE, so ``^`` and ``$`` are line anchors) finds a match on every line that
has one when searched alone. That holds unless the pattern looks past the line's edges
(lookaround, ``\\A``/``\\Z``) or commits to what it consumed (atomic groups, possessive
quantifiers); the check is textual and errs towards "not safe", which costs speed, never results.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence

from corpus_cli.errors import CorpusError

Span = tuple[int, int]

# Constructs after which a whole-text search may miss a line's match (see the module docstring).
_LINE_UNSAFE = re.compile(r"\\[AZ]|\(\?<?[=!]|\(\?>|[*+?}]\+")
# Constructs that break when patterns are joined with "|": numbered or named back-references,
# named groups (duplicates), conditionals, and inline flags (which must open the whole pattern).
_UNJOINABLE = re.compile(r"\\[1-9]|\(\?P[<=]|\(\?<\w|\(\?\(|\(\?[aiLmsux]+\)")
_REGEX_SPECIALS = frozenset(".^$*+?{}[]\\|()")
# A backslash escape, skipped when smart case looks for upper-case letters (\S, \W, \D are classes).
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_WORD_WRAP = r"(?<!\w)(?:{})(?!\w)"


class PatternError(CorpusError):
    """A pattern that does not compile; the message says where it is wrong."""


def has_upper(pattern: str) -> bool:
    """True when `pattern` holds an upper-case letter outside escapes (ripgrep's smart case)."""
    return any(char.isupper() for char in _ESCAPE.sub("", pattern))


def is_literal(pattern: str) -> bool:
    """True when a regular expression has no special character, so it matches itself only."""
    return not _REGEX_SPECIALS.intersection(pattern)


class Matcher:
    """The user's patterns compiled once; `search` and `finditer` over any text.

    `literal` is set when plain `str.find` gives exactly the matches (one case-sensitive literal
    without -w), which is several times faster than the regex engine.
    """

    def __init__(
        self,
        patterns: Sequence[str],
        *,
        fixed: bool = False,
        ignore_case: bool = False,
        smart_case: bool = False,
        word: bool = False,
    ) -> None:
        # As in GNU grep, a pattern with newlines is several patterns, one a line.
        patterns = [piece for pattern in patterns for piece in pattern.split("\n")]
        if not patterns:
            raise PatternError("no pattern given")
        sources = [re.escape(pattern) if fixed else pattern for pattern in patterns]
        if not ignore_case and smart_case:
            ignore_case = not any(has_upper(pattern) for pattern in patterns)
        self.patterns = tuple(patterns)
        self.ignore_case = ignore_case
        self.word = word
        flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
        for pattern, source in zip(patterns, sources):
            _compile(source, flags, pattern)  # each alone first, so an error names its pattern
        plain = patterns[0] if len(patterns) == 1 and (fixed or is_literal(patterns[0])) else None
        self.literal = plain if plain is not None and plain and not ignore_case and not word else None
        self.line_safe = not any(_LINE_UNSAFE.search(source) for source in patterns if not fixed)
        # Candidates: the patterns without -w's word test. The regex engine scans for a literal
        # prefix several times faster than it tests a lookbehind at every position, and every
        # match of the whole pattern starts where a candidate does.
        self._candidates = _compile_all(patterns, sources, flags)
        self._regexes = _compile_all(patterns, [_WORD_WRAP.format(source) for source in sources], flags) if word else self._candidates
        self.exact_candidates = not word

    def candidate(self, text: str, pos: int = 0) -> int | None:
        """Where the leftmost place that may start a match is, at or after `pos`; None if there is none."""
        if self.literal is not None:
            start = text.find(self.literal, pos)
            return None if start < 0 else start
        starts = [found.start() for regex in self._candidates if (found := regex.search(text, pos)) is not None]
        return min(starts) if starts else None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Span | None:
        """The leftmost match in ``text[pos:endpos]`` (earlier -e patterns win ties), or None."""
        if self.literal is not None:
            start = text.find(self.literal, pos, endpos)
            return None if start < 0 else (start, start + len(self.literal))
        best: Span | None = None
        for regex in self._regexes:
            found = regex.search(text, pos, endpos)
            if found is not None and (best is None or found.start() < best[0]):
                best = found.span()
        return best

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[Span]:
        """Every non-overlapping match in ``text[pos:endpos]``, left to right, as `re.finditer` gives them."""
        if len(self._regexes) == 1 and self.literal is None:
            for found in self._regexes[0].finditer(text, pos, endpos):
                yield found.span()
            return
        endpos = min(endpos, len(text))
        while pos <= endpos:
            span = self.search(text, pos, endpos)
            if span is None:
                return
            yield span
            pos = span[1] + (span[0] == span[1])


def _compile_all(patterns: Sequence[str], sources: Sequence[str], flags: int) -> list[re.Pattern[str]]:
    """One regex for all the patterns (an alternation), or one each where joining would change them."""
    if len(sources) == 1:
        return [_compile(sources[0], flags, patterns[0])]
    if any(_UNJOINABLE.search(source) for source in sources):
        return [_compile(source, flags, pattern) for pattern, source in zip(patterns, sources)]
    return [_compile("|".join(f"(?:{source})" for source in sources), flags, " | ".join(patterns))]


def _compile(source: str, flags: int, shown: str) -> re.Pattern[str]:
    try:
        return re.compile(source, flags)
    except re.error as error:
        where = f" at position {error.pos}" if error.pos is not None else ""
        raise PatternError(f"invalid regular expression {shown!r}: {error.msg}{where} (use -F to search for the text as it is)") from None
    except (OverflowError, RecursionError, ValueError) as error:
        raise PatternError(f"invalid regular expression {shown!r}: {error}") from None
