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

import functools
import importlib
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

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
_GLOBAL_FLAGS = re.compile(r"(?:\(\?[aiLmsux]+\))+")
# A POSIX class as grep writes it inside brackets; Python reads "[[:alpha:]]" as a set and a "]".
_POSIX_CLASS = re.compile(r"\[:([a-z]+):\]")
# What to write in Python for each POSIX class (ASCII ranges where Unicode has no plain class).
_POSIX_EQUIVALENTS = {
    "alpha": r"[^\W\d_]",
    "digit": r"\d",
    "alnum": r"[^\W_]",
    "upper": "[A-Z]",
    "lower": "[a-z]",
    "space": r"\s",
    "blank": r"[ \t]",
    "word": r"\w",
    "xdigit": "[0-9A-Fa-f]",
}
# The characters that Python's re, ignoring case, takes for an ASCII letter but bytes.lower() does
# not map to it (found by trying every code point): ı and İ for "i", ſ for "s", the Kelvin sign for
# "k". Each with its UTF-8 lead byte, which memchr finds at once, so the rest is looked for rarely.
_FOLD_TRAPS = {
    "i": ((b"\xc4", b"\xc4\xb0"), (b"\xc4", b"\xc4\xb1")),
    "s": ((b"\xc5", b"\xc5\xbf"),),
    "k": ((b"\xe2\x84", b"\xe2\x84\xaa"),),
}


# Which ASCII bytes ``\\w`` matches, by value.
_ASCII_WORD = bytes(chr(byte).isalnum() or byte == ord("_") for byte in range(128))


class PatternError(CorpusError):
    """A pattern that does not compile; the message says where it is wrong."""


def has_upper(pattern: str, fixed: bool = False) -> bool:
    """True when `pattern` holds an upper-case letter outside escapes (ripgrep's smart case); with
    `fixed` (-F) a backslash is text and escapes nothing, so every letter counts."""
    return any(char.isupper() for char in (pattern if fixed else _ESCAPE.sub("", pattern)))


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
            ignore_case = not any(has_upper(pattern, fixed) for pattern in patterns)
        self.patterns = tuple(patterns)
        self.ignore_case = ignore_case
        self.word = word
        flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
        for pattern, source in zip(patterns, sources):
            _compile(source, flags, pattern)  # each alone first, so an error names its pattern
        literal_set = len(patterns) > 1 and all(fixed or is_literal(pattern) for pattern in patterns)
        if literal_set:
            # GNU grep takes the longest match at the leftmost position; an alternation takes the
            # first alternative that matches there, so the longer literals go first.
            ordered = sorted(zip(patterns, sources), key=lambda pair: -len(pair[0]))
            patterns, sources = [pattern for pattern, _ in ordered], [source for _, source in ordered]
        plain = patterns[0] if len(patterns) == 1 and (fixed or is_literal(patterns[0])) else None
        if plain is not None and "\r" in plain:
            plain = None  # a \r might be found where a line ends, where it is not searchable
        self.literal = plain if plain and not ignore_case and not word else None
        self.line_safe = not any(_LINE_UNSAFE.search(source) for source in patterns if not fixed)
        # Candidates: the patterns without -w's word test. The regex engine scans for a literal
        # prefix several times faster than it tests a lookbehind at every position, and every
        # match of the whole pattern starts where a candidate does.
        self._candidates = _compile_all(patterns, sources, flags)
        self._regexes = _compile_all(patterns, [_word_wrapped(source) for source in sources], flags) if word else self._candidates
        # Several regexes: each one alone, to find the longest of their matches at the leftmost
        # start (GNU's rule; Python's alternation takes the first alternative that matches).
        self._alternatives = (
            [_compile(_word_wrapped(source) if word else source, flags, pattern) for pattern, source in zip(patterns, sources)]
            if len(patterns) > 1 and not literal_set
            else []
        )
        self._word_literal = word and plain is not None
        self._exact = bool(plain) and not word
        # A piece of text every match contains, and whether case is ignored in it.
        needle = (plain, ignore_case) if plain else (_required_literal(sources[0], flags) if len(sources) == 1 else None)
        self.needle = needle
        self._byte_needle = None if needle is None else _byte_needle(*needle)
        # grep -c of one literal: a regex that counts the lines holding it in one call (a loop of
        # bytes.find calls costs twice as much on news text, with a match every few lines).
        exact_needle = self._byte_needle[0] if self._exact and self._byte_needle is not None else None
        self._needle_lines = None if exact_needle is None else re.compile(re.escape(exact_needle) + rb"().*")
        # -w on one literal: its byte needle is the whole match, so word edges can be read in the bytes.
        self._byte_word_length = len(self._byte_needle[0]) if word and plain and self._byte_needle is not None else None

    def byte_candidates(self, data: bytes) -> Callable[[int], int] | None:
        """A finder of places in UTF-8 `data` within lines that may match (-1: none left), or None.

        The needle's UTF-8 bytes (ASCII-lowered with -i) are looked for in the bytes (lowered
        too), the fastest scan Python has. Under -i it stands only where no character folds into
        an ASCII letter other than by lowering ("ſ" is an "s" to Python's re, "ı" and "İ" are an
        "i", "K" is a "k"); then None, and the text is searched.
        """
        haystack = self._byte_haystack(data)
        return None if haystack is None or self._byte_needle is None else functools.partial(haystack.find, self._byte_needle[0])

    def count_needle_lines(self, data: bytes, start: int = 0) -> int | None:
        """How many lines of UTF-8 `data` from `start` hold the needle, when `candidates_exact`
        (each needle found is a match), counted on the bytes; None when only the text can say."""
        if self._needle_lines is None:
            return None
        haystack = self._byte_haystack(data)
        if haystack is None:
            return None
        # One match a line (the needle, then on to the line's end: "." stops at a newline); the
        # pattern's one empty group makes findall's list one of empty byte strings, not of lines.
        return len(self._needle_lines.findall(haystack, start))

    def _byte_haystack(self, data: bytes) -> bytes | None:
        """`data` as the byte needle is looked for in it (lowered under -i), or None when the
        bytes cannot stand for the text (see `byte_candidates`)."""
        if self._byte_needle is None:
            return None
        _, folded, traps = self._byte_needle
        if not folded:
            return data
        if any(lead in data and trap in data for lead, trap in traps):
            return None
        return data.lower()

    def byte_line_matches(self, data: bytes, found: int, line_start: int, line_end: int, finder: Callable[[int], int]) -> bool | None:
        """Whether the line ``data[line_start:line_end]`` matches, judged on the bytes, from the
        candidate at `found` (`finder` from `byte_candidates`); None when only the text can say.

        That is -w on a literal: each candidate on the line is a match when no word character
        stands either side. An ASCII byte there is its own character; a byte past ASCII belongs
        to a character only the decoded text can judge (``\\w`` is Unicode), hence None.
        """
        length = self._byte_word_length
        if length is None:
            return None
        while 0 <= found < line_end:
            before = data[found - 1] if found > line_start else 10
            after = data[found + length] if found + length < line_end else 10
            if before > 127 or after > 127:
                return None
            if not (_ASCII_WORD[before] or _ASCII_WORD[after]):
                return True
            found = finder(found + 1)
        return False

    def text_candidates(self, text: str) -> Callable[[int], int] | None:
        """A finder of places in `text` within lines that may match (-1: none left), by the
        case-sensitive needle; None when there is none (the caller may then use `candidate`)."""
        if self.needle is None or self.needle[1]:
            return None
        return functools.partial(text.find, self.needle[0])

    @property
    def candidates_exact(self) -> bool:
        """True when every candidate is a match: one literal (it cannot straddle lines), no -w."""
        return self._exact

    def candidate(self, text: str, pos: int = 0) -> int:
        """Where the leftmost place that may start a match is, at or after `pos`; -1 if there is none."""
        if self.literal is not None:
            return text.find(self.literal, pos)
        starts = [found.start() for regex in self._candidates if (found := regex.search(text, pos)) is not None]
        return min(starts) if starts else -1

    def line_matches(self, text: str, start: int = 0, end: int = sys.maxsize) -> bool:
        """Whether ``text[start:end]``, one line, holds a match (-w on a literal checks its
        neighbours by hand: far faster than the lookarounds)."""
        if not self._word_literal:
            return self.search(text, start, end) is not None
        end = min(end, len(text))
        regex, pos = self._candidates[0], start
        while pos <= end and (found := regex.search(text, pos, end)) is not None:
            match_start, match_end = found.span()
            if (match_start == start or not _is_word(text[match_start - 1])) and (match_end == end or not _is_word(text[match_end])):
                return True
            pos = match_start + 1
        return False

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Span | None:
        """The leftmost match in ``text[pos:endpos]``, the longest of the patterns' matches there
        (as GNU grep takes the leftmost-longest), or None."""
        if self.literal is not None:
            start = text.find(self.literal, pos, endpos)
            return None if start < 0 else (start, start + len(self.literal))
        best: Span | None = None
        for regex in self._regexes:
            found = regex.search(text, pos, endpos)
            if found is not None and (best is None or found.start() < best[0]):
                best = found.span()
        if best is not None and self._alternatives:
            at_start = (alone.end() for regex in self._alternatives if (alone := regex.match(text, best[0], endpos)) is not None)
            best = (best[0], max(at_start, default=best[1]))
        return best

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[Span]:
        """Every non-overlapping match in ``text[pos:endpos]``, left to right, as `re.finditer` gives them."""
        if len(self._regexes) == 1 and self.literal is None and not self._alternatives:
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


def _word_wrapped(source: str) -> str:
    """The pattern with -w's test around it; inline flags such as (?i) stay at the very start. Under
    (?x) a "#" starts a comment that runs to the end of a line: the pattern's own line is ended
    before the test's closing parenthesis, which the comment would otherwise swallow."""
    flags = _GLOBAL_FLAGS.match(source)
    head = flags.group() if flags else ""
    body = source[len(head) :]
    return head + _WORD_WRAP.format(body + "\n" if "x" in head else body)


def _is_word(char: str) -> bool:
    """What ``\\w`` matches in a str pattern."""
    return char.isalnum() or char == "_"


def _required_literal(source: str, flags: int) -> tuple[str, bool] | None:
    """The longest run of plain characters that every match of the regex contains, if any, and
    whether it is matched ignoring case: `[Ss]ecretar(y|ies)` always holds "ecretar".

    It reads the regex with the standard library's own parser (a private module, so any
    surprise means "no needle", which only costs speed).
    """
    try:
        # Untyped on purpose: the module is private, and its shape is checked by use, not by stubs.
        sre_parser: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning here is "no needle", never a line on stderr
            parsed = sre_parser.parse(source, flags)
        ignore_case = bool(parsed.state.flags & re.IGNORECASE)
        best = run = ""
        for opcode, argument in parsed.data:
            if opcode is sre_parser.LITERAL:
                run += chr(argument)
            else:
                best, run = max(best, run, key=len), ""
        best = max(best, run, key=len)
    except Exception:
        return None
    return (best, ignore_case) if best and "\n" not in best and "\r" not in best else None


def _byte_needle(plain: str, ignore_case: bool) -> tuple[bytes, bool, tuple[tuple[bytes, bytes], ...]] | None:
    """The bytes to look for, whether to lower the data, and (lead byte, character) pairs whose
    presence forbids the byte scan under -i."""
    if not ignore_case:
        return plain.encode("utf-8"), False, ()
    if not plain.isascii():
        return None
    lowered = plain.lower()
    return lowered.encode("ascii"), True, tuple(trap for letter in sorted(set(lowered)) for trap in _FOLD_TRAPS.get(letter, ()))


def _compile_all(patterns: Sequence[str], sources: Sequence[str], flags: int) -> list[re.Pattern[str]]:
    """One regex for all the patterns (an alternation), or one each where joining would change them."""
    if len(sources) == 1:
        return [_compile(sources[0], flags, patterns[0])]
    if any(_UNJOINABLE.search(source) for source in sources):
        return [_compile(source, flags, pattern) for pattern, source in zip(patterns, sources)]
    return [_compile("|".join(f"(?:{source})" for source in sources), flags, " | ".join(patterns))]


def _compile(source: str, flags: int, shown: str) -> re.Pattern[str]:
    """Compile one regex; every complaint of the regex engine, warnings included, is a `PatternError`.

    Python warns (FutureWarning) about constructs whose meaning may change, such as a "[" inside
    a set: those patterns rarely mean what was meant, and a warning would print Python's own
    multi-line report on stderr, so they are refused with one line instead.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return re.compile(source, flags)
    except re.error as error:
        where = f" at position {error.pos}" if error.pos is not None else ""
        raise PatternError(f"invalid regular expression {shown!r}: {error.msg}{where} (use -F to search for the text as it is)") from None
    except Warning as warning:
        raise PatternError(_warning_message(shown, str(warning))) from None
    except (OverflowError, RecursionError, ValueError) as error:
        raise PatternError(f"invalid regular expression {shown!r}: {error}") from None


def _warning_message(shown: str, warning: str) -> str:
    """The error for a pattern Python warned about; a POSIX class gets its Python equivalent."""
    posix = _POSIX_CLASS.search(shown)
    if posix is not None:
        name = posix.group(1)
        known = name in _POSIX_EQUIVALENTS
        example = f"write {_POSIX_EQUIVALENTS[name if known else 'alpha']} for [[:{name if known else 'alpha'}:]]"
        return f"invalid regular expression {shown!r}: Python syntax has no POSIX classes ({example})"
    reason = warning[:1].lower() + warning[1:]
    return f"ambiguous regular expression {shown!r}: {reason} (escape a [ in a set, or a doubled -, &, ~ or |, with a backslash)"
