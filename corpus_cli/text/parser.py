"""Text to article: the date header, headline, credit, byline, site furniture and paragraphs.

`parse` is pure and total: it accepts any string and never raises. It keeps the text it was
given, derives fields only from what stands in it (a field that is not there is None, never a
guess), and puts every line after the header in exactly one place: the headline, the body or the
furniture. The shapes come from the seed corpus:

- a header ``" date YYYY-MM-DD "`` at the very start, the body going on on the same line;
- a headline: a short first line, followed by a blank line (only in documents without a header,
  whose first line is the lede);
- a credit in parentheses at the start of the body: ``(Headline USA) Top Biden ...``;
- site furniture: "Read the original article here" wherever it stands, and at the end a block
  of "Comment", a comment policy, "Latest Articles" and the like, with the author's name
  (the byline) just before it;
- paragraphs separated by blank lines or by single newlines.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from corpus_cli.text.lede import lede
from corpus_cli.text.tokens import count_words

HEADER = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|(?=\r?\n)|\Z)")
# What a header with a date written some other way looks like: " date 24-1-5 ", " date 2024/01/05 ".
MALFORMED_HEADER = re.compile(r"[ \t]*date[ \t]+(\d[\d\-/.]*)(?=\s|\Z)")
CREDIT = re.compile(r"\(([^\W\d_][^()\n]{0,59})\)(?=\s|\Z)")

HEADLINE_MAX_CHARS = 200
HEADLINE_MAX_WORDS = 30
BYLINE_MAX_CHARS = 60

# Lines of site furniture that may stand anywhere in a document.
_FURNITURE_ANYWHERE = (
    r"(read the original article( here)?|click here to read the (full|original) (article|story)"
    r"|view (the )?original article)[.:!]?"
)
FURNITURE_ANYWHERE = re.compile(_FURNITURE_ANYWHERE, re.IGNORECASE)
# Lines of site furniture that close a page after the article.
_FURNITURE_TRAILING = (
    r"(latest articles|related articles|recommended|you may also like|more stories"
    r"|comments?|\d+ comments?|leave a (comment|reply)|share this( article| story)?|advertisement"
    r"|we have no tolerance for comments.*|comment policy.*|comments are moderated.*)[.:!]?"
)
FURNITURE_TRAILING = re.compile(_FURNITURE_TRAILING, re.IGNORECASE)
# A line of either furniture from where it begins (its first non-blank character) to its end:
# one match where cutting the line out and stripping it took as long as all else in `header_date`.
_FURNITURE_LINE = re.compile(rf"(?:{_FURNITURE_ANYWHERE}|{_FURNITURE_TRAILING})[^\S\n]*(?:\n|\Z)", re.IGNORECASE)
# Where a line that FURNITURE_ANYWHERE may match begins: one search of the text finds the few
# lines worth matching, rather than a match tried on every line.
FURNITURE_ANYWHERE_START = re.compile(r"(?im)^[^\S\n]*(?:read the original article|click here to read the|view (?:the )?original article)")
# A name on a line of its own: "Melissa Fine", "By Jane Q. Doe".
BYLINE = re.compile(r"(?:[Bb]y\s+)?[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|de|van|von|da|di|la|le)){1,4}")
BY_PREFIX = re.compile(r"[Bb]y\s+")
_NONBLANK = re.compile(r"\S")


@dataclass(frozen=True)
class Article:
    """What the parser found in a text. Every string field is a piece of `text`, stripped.

    The body and its paragraphs are made from `text` when asked for, not kept: they are most of
    the text again (twice), and most commands never ask (`corpus list` needs only the counts).
    """

    text: str  # the text parsed, unchanged
    header: str | None  # the header as it stands, e.g. " date 2024-01-25 "
    date: str | None  # ISO date from a valid header
    title: str | None  # the headline
    credit: str | None  # the credit at the start of the body, without parentheses
    byline: str | None  # the author's name, without "By"
    body_runs: tuple[tuple[int, int], ...]  # where the body's lines stand in `text`: runs of whole lines, [start, end)
    furniture: tuple[str, ...]  # lines of site furniture, in document order
    lede: str | None  # the body's first sentence, after the credit (see lede.py)
    words: int  # words of the headline and the body
    warnings: tuple[str, ...]  # why something was not taken (an impossible date, say)

    @property
    def body(self) -> str:
        """The article's lines after header and headline, without furniture, joined and stripped."""
        text, runs = self.text, self.body_runs
        if len(runs) == 1:
            start, end = _stripped(text, *runs[0])
            return text[start:end]
        return "".join(text[start:end] for start, end in runs).strip()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body's paragraphs: its lines that hold more than white space, stripped."""
        return tuple(_paragraphs(self.text, self.body_runs))

    def each_paragraph(self) -> Iterator[str]:
        """The body's paragraphs one at a time, none kept (`paragraphs` holds them all)."""
        return _paragraphs(self.text, self.body_runs)


def parse(text: str) -> Article:
    """Parse a document's text into an `Article`; total on every string.

    The text is never split into a list of lines (each a copy): lines are read as spans of it,
    one at a time, so parsing a document costs little more memory than its text.
    """
    match, date, warnings = _header(text)
    header = None if match is None else match.group(0)
    lines = _Lines(text, 0 if match is None else match.end())
    kinds = ["body"] * len(lines)
    title = None if header is not None else _find_headline(lines, kinds)
    byline = _mark_furniture(lines, kinds)
    runs = _body_runs(lines, kinds)
    furniture = tuple(lines[i].strip() for i, kind in enumerate(kinds) if kind in ("furniture", "byline"))
    first = _first_nonblank(text, runs)
    credit_match = None if first is None else CREDIT.match(text, first[0], first[1])
    if _NONBLANK.search(text) is None:
        warnings.append("empty document" if not text else "the document holds only white space")
    elif header is not None and first is None and title is None:
        warnings.append("a date header and no text after it")
    skip = 0 if credit_match is None or first is None else credit_match.end() - first[0]
    return Article(
        text=text,
        header=header,
        date=date,
        title=title,
        credit=credit_match.group(1).strip() if credit_match else None,
        byline=byline,
        body_runs=runs,
        furniture=furniture,
        lede=lede(_paragraphs(text, runs), skip),
        # A word never spans two lines, so the runs' words are the joined body's.
        words=count_words(title or "") + sum(count_words(text[start:end]) for start, end in runs),
        warnings=tuple(warnings),
    )


def valid_iso_date(candidate: str) -> bool:
    """True when `candidate` is a real calendar date written YYYY-MM-DD (fromisoformat alone also
    takes 20240101 and the week date 2024-W01-1)."""
    if len(candidate) != 10 or candidate[4] != "-" or candidate[7] != "-" or not candidate.replace("-", "").isdigit():
        return False
    try:
        dt.date.fromisoformat(candidate)
    except ValueError:
        return False
    return True


def header_date(text: str) -> tuple[str | None, tuple[str, ...]]:
    """The date and the warnings `parse(text)` gives, without parsing the article after the header.

    The warnings concern the header (a date written otherwise, or not a real date) and a text
    without words (blank, or a header with nothing but furniture after it); only when the text
    may be one of those is it parsed whole. `corpus grep` reads every file's date this way.
    """
    if text and text[0] != "d" and not text[0].isspace():
        return None, ()  # no header can start here, and the text is not blank: most files, in one test
    header, date, warnings = _header(text)
    rest = 0 if header is None else header.end()
    first = _NONBLANK.search(text, rest)
    if first is None:
        return date, parse(text).warnings
    # The body is empty only if its first line is furniture (a byline needs more body).
    if header is not None and _FURNITURE_LINE.match(text, first.start()):
        return date, parse(text).warnings
    return date, tuple(warnings)


def _header(text: str) -> tuple[re.Match[str] | None, str | None, list[str]]:
    """The header (None when there is none, or its date is not a real one), its date, and the
    warnings about it; an impossible or malformed date leaves the header as text."""
    match = HEADER.match(text)
    if match is None:
        malformed = MALFORMED_HEADER.match(text)
        if malformed is not None:
            return None, None, [f"header date {malformed.group(1)} is not written YYYY-MM-DD; the header is kept as text"]
        return None, None, []
    date = match.group(1)
    if not valid_iso_date(date):
        return None, None, [f"header date {date} is not a real date; the header is kept as text"]
    return match, date, []


class _Lines:
    """The lines of `text` from `start`, as GNU grep sees them (each ends at a newline, which it
    keeps), read one at a time: a line is made only when asked for."""

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        starts = array("q", [start])
        find = text.find
        newline = find("\n", start)
        while newline >= 0:
            starts.append(newline + 1)
            newline = find("\n", newline + 1)
        if starts[-1] == len(text):  # nothing after the last newline: no line there
            starts.pop()
        starts.append(len(text))
        self.starts = starts  # line i is text[starts[i]:starts[i + 1]]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> str:
        return self.text[self.starts[index] : self.starts[index + 1]]

    def blank(self, index: int) -> bool:
        return _NONBLANK.search(self.text, self.starts[index], self.starts[index + 1]) is None

    def starting_with(self, pattern: re.Pattern[str]) -> Iterator[int]:
        """The lines where `pattern` (anchored with ^, in MULTILINE mode) may match, in order: the
        first line always (after a header it starts inside a line of the text, where ^ does not match)."""
        starts = self.starts
        if len(starts) > 1:
            yield 0
        for found in pattern.finditer(self.text, starts[0], starts[-1]):
            if found.start() > starts[0]:
                yield bisect_right(starts, found.start()) - 1

    def short_stripped(self, index: int, most: int) -> str:
        """Line `index` stripped when that is at most `most` characters long, else "" (no pattern
        that looks for a short line matches it); a long line is not copied whole."""
        start, end = _stripped(self.text, self.starts[index], self.starts[index + 1])
        return self.text[start:end] if end - start <= most else ""


def _body_runs(lines: _Lines, kinds: list[str]) -> tuple[tuple[int, int], ...]:
    """The body lines, as runs of consecutive lines: [start, end) in the text."""
    runs: list[tuple[int, int]] = []
    starts = lines.starts
    for index, kind in enumerate(kinds):
        if kind != "body":
            continue
        if runs and runs[-1][1] == starts[index]:
            runs[-1] = (runs[-1][0], starts[index + 1])
        else:
            runs.append((starts[index], starts[index + 1]))
    return tuple(runs)


def _first_nonblank(text: str, runs: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    """Where the body's first character stands, and the end of its run; None for a blank body."""
    for start, end in runs:
        found = _NONBLANK.search(text, start, end)
        if found is not None:
            return found.start(), end
    return None


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the white space at either end (as str.strip() takes it off)."""
    found = _NONBLANK.search(text, start, end)
    if found is None:
        return start, start
    start = found.start()
    while True:  # back from the end, a short piece at a time: white space at the end is short
        piece = text[max(start, end - 64) : end]
        kept = piece.rstrip()
        if kept:
            return start, end - (len(piece) - len(kept))
        end -= len(piece)


def _paragraphs(text: str, runs: tuple[tuple[int, int], ...]) -> Iterator[str]:
    """The body's lines that are not blank, stripped, one at a time."""
    find = text.find
    for run_start, run_end in runs:
        start = run_start
        while start < run_end:
            newline = find("\n", start, run_end)
            end = run_end if newline < 0 else newline + 1
            stripped = text[start:end].strip()
            if stripped:
                yield stripped
            start = end


def _find_headline(lines: _Lines, kinds: list[str]) -> str | None:
    """Mark a short first line followed by a blank line (and more text) as the headline."""
    first = next((i for i in range(len(lines)) if not lines.blank(i)), None)
    if first is None or first + 1 >= len(lines) or not lines.blank(first + 1):
        return None
    if all(lines.blank(i) for i in range(first + 2, len(lines))):
        return None
    candidate = lines[first].strip()
    if len(candidate) > HEADLINE_MAX_CHARS or count_words(candidate) > HEADLINE_MAX_WORDS:
        return None
    if candidate.endswith((".", ",", ";", ":")) or CREDIT.match(candidate):
        return None
    kinds[first] = "title"
    return candidate


# Furniture that may stand anywhere is a short line (FURNITURE_ANYWHERE matches at most 45
# characters): a longer one is not even made into a string to be matched.
FURNITURE_MAX_CHARS = 200


def _mark_furniture(lines: _Lines, kinds: list[str]) -> str | None:
    """Mark furniture lines and the byline; return the byline's name, if any."""
    for i in lines.starting_with(FURNITURE_ANYWHERE_START):
        if kinds[i] == "body" and FURNITURE_ANYWHERE.fullmatch(lines.short_stripped(i, FURNITURE_MAX_CHARS)):
            kinds[i] = "furniture"
    block_start = _mark_trailing_block(lines, kinds)
    if block_start is not None:
        byline_at = _previous_nonblank(lines, block_start)
        if byline_at is not None and _is_byline(lines, kinds, byline_at) and _previous_nonblank(lines, byline_at) is not None:
            return _take_byline(lines, kinds, byline_at)
    first = next((i for i, kind in enumerate(kinds) if kind == "body" and not lines.blank(i)), None)
    if (
        first is not None
        and _is_byline(lines, kinds, first)
        and BY_PREFIX.match(lines.short_stripped(first, BYLINE_MAX_CHARS))
        and any(kinds[i] == "body" and not lines.blank(i) for i in range(first + 1, len(lines)))
    ):
        return _take_byline(lines, kinds, first)
    return None


def _mark_trailing_block(lines: _Lines, kinds: list[str]) -> int | None:
    """Mark the furniture that closes the page; return where that block starts."""
    block_start = None
    for i in range(len(lines) - 1, -1, -1):
        if kinds[i] == "title":
            break
        if lines.blank(i):
            continue
        # Not short_stripped: "comment policy.*" and the like match a line of any length.
        if kinds[i] != "furniture" and not FURNITURE_TRAILING.fullmatch(lines[i].strip()):
            break
        kinds[i] = "furniture"
        block_start = i
    return block_start


def _take_byline(lines: _Lines, kinds: list[str], index: int) -> str:
    kinds[index] = "byline"
    return BY_PREFIX.sub("", lines[index].strip(), count=1)


def _previous_nonblank(lines: _Lines, index: int) -> int | None:
    return next((i for i in range(index - 1, -1, -1) if not lines.blank(i)), None)


def _is_byline(lines: _Lines, kinds: list[str], index: int) -> bool:
    if kinds[index] != "body":
        return False
    stripped = lines.short_stripped(index, BYLINE_MAX_CHARS)
    return bool(stripped) and BYLINE.fullmatch(stripped) is not None
