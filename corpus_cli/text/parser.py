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
FURNITURE_ANYWHERE = re.compile(
    r"(?i)(read the original article( here)?|click here to read the (full|original) (article|story)"
    r"|view (the )?original article)[.:!]?"
)
# Lines of site furniture that close a page after the article.
FURNITURE_TRAILING = re.compile(
    r"(?i)(latest articles|related articles|recommended|you may also like|more stories"
    r"|comments?|\d+ comments?|leave a (comment|reply)|share this( article| story)?|advertisement"
    r"|we have no tolerance for comments.*|comment policy.*|comments are moderated.*)[.:!]?"
)
# A name on a line of its own: "Melissa Fine", "By Jane Q. Doe".
BYLINE = re.compile(r"(?:[Bb]y\s+)?[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|de|van|von|da|di|la|le)){1,4}")
BY_PREFIX = re.compile(r"[Bb]y\s+")
_NONBLANK = re.compile(r"\S")


@dataclass(frozen=True)
class Article:
    """What the parser found in a text. Every string field is a piece of `text`, stripped."""

    text: str  # the text parsed, unchanged
    header: str | None  # the header as it stands, e.g. " date 2024-01-25 "
    date: str | None  # ISO date from a valid header
    title: str | None  # the headline
    credit: str | None  # the credit at the start of the body, without parentheses
    byline: str | None  # the author's name, without "By"
    body: str  # the article's lines after header and headline, without furniture
    furniture: tuple[str, ...]  # lines of site furniture, in document order
    paragraphs: tuple[str, ...]  # the body's paragraphs
    lede: str | None  # the body's first sentence, after the credit (see lede.py)
    words: int  # words of the headline and the body
    warnings: tuple[str, ...]  # why something was not taken (an impossible date, say)


def parse(text: str) -> Article:
    """Parse a document's text into an `Article`; total on every string."""
    match, date, warnings = _header(text)
    header, rest = (None, text) if match is None else (match.group(0), text[match.end() :])
    lines = _split_lines(rest)
    kinds = ["body"] * len(lines)
    title = None if header is not None else _find_headline(lines, kinds)
    byline = _mark_furniture(lines, kinds)
    body_lines = [line for line, kind in zip(lines, kinds) if kind == "body"]
    body = "".join(body_lines).strip()
    furniture = tuple(line.strip() for line, kind in zip(lines, kinds) if kind in ("furniture", "byline"))
    paragraphs = tuple(stripped for line in body_lines if (stripped := line.strip()))
    credit_match = CREDIT.match(body)
    if not text.strip():
        warnings.append("empty document" if not text else "the document holds only white space")
    elif header is not None and not body and title is None:
        warnings.append("a date header and no text after it")
    return Article(
        text=text,
        header=header,
        date=date,
        title=title,
        credit=credit_match.group(1).strip() if credit_match else None,
        byline=byline,
        body=body,
        furniture=furniture,
        paragraphs=paragraphs,
        lede=lede(paragraphs, credit_match.end() if credit_match else 0),
        words=count_words(title or "") + count_words(body),
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
    header, date, warnings = _header(text)
    rest = 0 if header is None else header.end()
    first = _NONBLANK.search(text, rest)
    if first is None:
        return date, parse(text).warnings
    if header is not None:
        # The body is empty only if its first line is furniture (a byline needs more body).
        line_start = max(rest, text.rfind("\n", 0, first.start()) + 1)
        line_end = text.find("\n", first.start())
        line = text[line_start : len(text) if line_end < 0 else line_end].strip()
        if FURNITURE_ANYWHERE.fullmatch(line) or FURNITURE_TRAILING.fullmatch(line):
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


def _split_lines(text: str) -> list[str]:
    """Lines as GNU grep sees them: each ends at a newline, which it keeps."""
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def _find_headline(lines: list[str], kinds: list[str]) -> str | None:
    """Mark a short first line followed by a blank line (and more text) as the headline."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or first + 1 >= len(lines) or lines[first + 1].strip():
        return None
    if not any(line.strip() for line in lines[first + 2 :]):
        return None
    candidate = lines[first].strip()
    if len(candidate) > HEADLINE_MAX_CHARS or count_words(candidate) > HEADLINE_MAX_WORDS:
        return None
    if candidate.endswith((".", ",", ";", ":")) or CREDIT.match(candidate):
        return None
    kinds[first] = "title"
    return candidate


def _mark_furniture(lines: list[str], kinds: list[str]) -> str | None:
    """Mark furniture lines and the byline; return the byline's name, if any."""
    for i, line in enumerate(lines):
        if kinds[i] == "body" and FURNITURE_ANYWHERE.fullmatch(line.strip()):
            kinds[i] = "furniture"
    block_start = _mark_trailing_block(lines, kinds)
    if block_start is not None:
        byline_at = _previous_nonblank(lines, block_start)
        if byline_at is not None and _is_byline(lines, kinds, byline_at) and _previous_nonblank(lines, byline_at) is not None:
            return _take_byline(lines, kinds, byline_at)
    first = next((i for i, kind in enumerate(kinds) if kind == "body" and lines[i].strip()), None)
    if first is not None and BY_PREFIX.match(lines[first].strip()) and _is_byline(lines, kinds, first):
        has_more_body = any(kind == "body" and line.strip() for line, kind in zip(lines[first + 1 :], kinds[first + 1 :]))
        if has_more_body:
            return _take_byline(lines, kinds, first)
    return None


def _mark_trailing_block(lines: list[str], kinds: list[str]) -> int | None:
    """Mark the furniture that closes the page; return where that block starts."""
    block_start = None
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i].strip()
        if kinds[i] == "title":
            break
        if stripped and kinds[i] != "furniture" and not FURNITURE_TRAILING.fullmatch(stripped):
            break
        if stripped:
            kinds[i] = "furniture"
            block_start = i
    return block_start


def _take_byline(lines: list[str], kinds: list[str], index: int) -> str:
    kinds[index] = "byline"
    return BY_PREFIX.sub("", lines[index].strip(), count=1)


def _previous_nonblank(lines: list[str], index: int) -> int | None:
    return next((i for i in range(index - 1, -1, -1) if lines[i].strip()), None)


def _is_byline(lines: list[str], kinds: list[str], index: int) -> bool:
    stripped = lines[index].strip()
    return kinds[index] == "body" and len(stripped) <= BYLINE_MAX_CHARS and BYLINE.fullmatch(stripped) is not None
