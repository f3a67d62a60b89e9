"""Drive a matcher over documents: which lines are selected, their matches, and the counts.

Lines are GNU grep's: ``\\n`` ends a line, a ``\\r`` before it is not searched, and a final
newline does not start an empty line. Each file is read as bytes and decoded as the corpus
decodes it, but parsed only as far as the search needs: the date header (for ``date`` and
--since/--until), or the whole article when --field title or body asks for its structure.
Offsets, line numbers and columns are always the file's, in characters of the decoded text.

A pattern that backtracks without end is stopped by a time limit per document (SIGALRM: the
regex engine checks for signals as it runs); the document is skipped with a warning.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from corpus_cli.corpus import SourceFile
from corpus_cli.decode import BinaryFile, decode
from corpus_cli.document import Metadata
from corpus_cli.matcher import Matcher, Span
from corpus_cli.parallel import available_cores, chunks, ordered_map
from corpus_cli.parser import HEADER, MALFORMED_HEADER, Article, parse, valid_iso_date
from corpus_cli.select import Selection

MATCH_FIELDS = ("id", "path", "date", "line", "column", "start", "end", "match", "before", "after")
COUNT_FIELDS = ("id", "path", "count")
FILE_FIELDS = ("id", "path")
SEARCH_FIELDS = ("text", "title", "body")
MODES = ("count", "records", "lines")

DEFAULT_TIME_LIMIT = 2.0  # seconds per document; a 5 KB article takes well under a millisecond
PARALLEL_MIN_FILES = 1000  # below this a second process costs more than it saves (bench/grep_bench.py)
FILES_PER_TASK = 200
_NONBLANK = re.compile(r"\S")


@dataclass(frozen=True)
class SearchSpec:
    """What to search for and what to report; it is sent to worker processes, so it must pickle.

    `mode` says what each document's result carries: "count" only the number of selected lines,
    "records" the match records, "lines" the selected (and context) lines for the grep-style view.
    """

    matcher: Matcher
    mode: str = "records"
    invert: bool = False
    max_count: int | None = None
    scope: str = "text"  # --field: text, title or body
    before: int = 0
    after: int = 0
    kwic: int | None = None
    only_matching: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    dates: Selection = field(default_factory=Selection)
    metadata: Mapping[str, Metadata] = field(default_factory=dict)


@dataclass(frozen=True)
class LineView:
    """A line for the grep-style view: `spans` are relative to `text`; context lines are not `selected`."""

    number: int
    text: str
    spans: tuple[Span, ...]
    selected: bool
    gap: bool = False  # a "--" goes before it: it does not follow the line shown before


@dataclass(frozen=True)
class DocumentResult:
    """One document's outcome. `searched` is False when it was skipped or left out by date."""

    id: str
    path: str
    date: str | None = None
    searched: bool = True
    count: int = 0
    records: tuple[dict[str, Any], ...] = ()
    lines: tuple[LineView, ...] = ()
    warnings: tuple[str, ...] = ()


class SearchTimeout(Exception):
    """The time limit for one document ran out."""


def search_documents(spec: SearchSpec, sources: Sequence[SourceFile], processes: int | None = None) -> Iterator[DocumentResult]:
    """The results for `sources`, in their order; by several processes for large corpora."""
    if processes is None:
        processes = available_cores() if len(sources) >= PARALLEL_MIN_FILES else 1
    size = FILES_PER_TASK if processes > 1 else max(1, len(sources))
    for batch in ordered_map(functools.partial(search_files, spec), chunks(sources, size), processes=processes):
        yield from batch


def search_files(spec: SearchSpec, sources: Sequence[SourceFile]) -> list[DocumentResult]:
    """Search each file (the work one process does for one task)."""
    with _deadline(spec.time_limit) as arm:
        return [search_file(spec, source, arm) for source in sources]


def search_file(spec: SearchSpec, source: SourceFile, arm: Callable[[float | None], None] | None = None) -> DocumentResult:
    """Read, decode and search one file; problems are warnings in the result, never exceptions."""
    try:
        with open(source.location, "rb") as stream:
            data = stream.read()
    except OSError as error:
        return DocumentResult(source.id, source.path, searched=False, warnings=(f"{source.path}: cannot read: {error.strerror or error}",))
    try:
        decoded = decode(data)
    except BinaryFile as error:
        return DocumentResult(source.id, source.path, searched=False, warnings=(f"{source.path}: {error}; skipped",))
    text = decoded.text
    warnings = [f"{source.path}: {decoded.warning}"] if decoded.warning else []
    article = parse(text) if spec.scope != "text" else None
    header_date = article.date if article is not None else _header_date(text, source.path, warnings)
    metadata = spec.metadata.get(source.id)
    date = (metadata.date if metadata is not None else None) or header_date
    if not spec.dates.admits_date(date):
        return DocumentResult(source.id, source.path, date, searched=False, warnings=tuple(warnings))
    segments = None if article is None else field_segments(text, article, spec.scope)
    # Looking for "\r\n" in the bytes is several times faster than in text with wide characters.
    crlf = b"\r\n" in data if decoded.encoding in ("utf-8", "utf-8-sig", "windows-1252") else None
    try:
        if arm is not None:
            arm(spec.time_limit + len(text) / 1_000_000 if spec.time_limit else None)
        result = search_text(spec, text, doc_id=source.id, path=source.path, date=date, segments=segments, crlf=crlf)
    except SearchTimeout:
        warnings.append(
            f"{source.path}: the pattern ran past the time limit ({spec.time_limit:g} s) on this document, "
            "as a regex that backtracks may; skipped (simplify the pattern, or raise --timeout)"
        )
        return DocumentResult(source.id, source.path, date, searched=False, warnings=tuple(warnings))
    finally:
        if arm is not None:
            arm(None)
    return dataclasses.replace(result, warnings=tuple(warnings))


def search_text(
    spec: SearchSpec,
    text: str,
    *,
    doc_id: str = "-",
    path: str = "-",
    date: str | None = None,
    segments: list[Span] | None = None,
    crlf: bool | None = None,
) -> DocumentResult:
    """Search one decoded text (all of it, or only `segments` of it); no time limit here.

    `crlf` says whether the text holds "\r\n" when the caller knows it already.
    """
    # A \r before a newline is not searched, so "$" must see the line's end there: line by line.
    whole = segments is None and spec.matcher.line_safe and not ("\r\n" in text if crlf is None else crlf)
    matcher = spec.matcher
    if spec.mode == "count":
        return DocumentResult(doc_id, path, date, count=count_lines(matcher, text, segments, spec.invert, spec.max_count, whole))
    selected = list(islice(selected_lines(matcher, text, segments, spec.invert, whole), spec.max_count))
    if spec.mode == "lines":
        return DocumentResult(doc_id, path, date, count=len(selected), lines=tuple(_line_views(spec, text, selected, whole)))
    records = tuple(_records(spec, text, selected, whole, doc_id, path, date))
    return DocumentResult(doc_id, path, date, count=len(selected), records=records)


def _header_date(text: str, path: str, warnings: list[str]) -> str | None:
    """The date of a ``date YYYY-MM-DD`` header, without parsing the rest of the text.

    The parser's warnings (an impossible or malformed header date, a header with nothing after
    it, an empty document) all concern the start or the emptiness of the text: only when one of
    those looks possible is the text parsed, for the same warnings `list` gives.
    """
    header = HEADER.match(text)
    date = header.group(1) if header is not None and valid_iso_date(header.group(1)) else None
    if header is not None:
        doubtful = date is None or _NONBLANK.search(text, header.end()) is None
    else:
        doubtful = not text or text.isspace() or MALFORMED_HEADER.match(text) is not None
    if doubtful:
        warnings.extend(f"{path}: {message}" for message in parse(text).warnings)
    return date


# ---- which lines are selected -------------------------------------------------------------


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
    if whole:
        hits = _matching_lines(matcher, text)
        return _complement(lines(text), hits) if invert else hits
    return (span for span in (lines(text) if segments is None else segments) if (matcher.search(text[span[0] : span[1]]) is None) == invert)


def count_lines(matcher: Matcher, text: str, segments: list[Span] | None, invert: bool, limit: int | None, whole: bool) -> int:
    """How many lines `selected_lines` would give, at most `limit`, as fast as can be."""
    if invert and whole:
        count = line_count(text) - sum(1 for _ in _matching_lines(matcher, text))
        return count if limit is None else min(count, limit)
    return sum(1 for _ in islice(selected_lines(matcher, text, segments, invert, whole), limit))


def _matching_lines(matcher: Matcher, text: str) -> Iterator[Span]:
    """Matching lines by searching the whole text and checking each candidate line on its own."""
    size, pos = len(text), 0
    trusted = matcher.literal is not None  # a literal without newlines cannot straddle lines
    while pos < size:
        start = matcher.candidate(text, pos)
        if start is None:
            return
        if start == size and text.endswith("\n"):
            return  # an empty match after the final newline: no line is there
        previous = text.rfind("\n", pos, start)
        line_start = pos if previous < 0 else previous + 1
        line_end = text.find("\n", start)
        line_end = size if line_end < 0 else line_end
        if trusted or matcher.search(text, line_start, line_end) is not None:
            yield line_start, line_end
        pos = line_end + 1


def _complement(every: Iterator[Span], hits: Iterator[Span]) -> Iterator[Span]:
    """The lines of `every` that are not in `hits` (both in order)."""
    hit = next(hits, None)
    for span in every:
        if hit is not None and span[0] == hit[0]:
            hit = next(hits, None)
        else:
            yield span


def _spans(matcher: Matcher, text: str, start: int, end: int, whole_text: bool) -> list[Span]:
    """The matches on the line ``text[start:end]``, as offsets in `text`."""
    if whole_text:
        return list(matcher.finditer(text, start, end))
    return [(start + a, start + b) for a, b in matcher.finditer(text[start:end])]


def _shown_spans(spans: list[Span], only_matching: bool) -> list[Span]:
    """Empty matches are not shown (grep -o skips them), unless a line has nothing else to show."""
    solid = [span for span in spans if span[0] < span[1]]
    return solid if solid or only_matching else spans[:1]


# ---- records and views --------------------------------------------------------------------


def _records(
    spec: SearchSpec, text: str, selected: list[Span], whole: bool, doc_id: str, path: str, date: str | None
) -> Iterator[dict[str, Any]]:
    numbers = _LineNumbers(text)
    for start, end in selected:
        number = numbers.at(start)
        line_start = text.rfind("\n", 0, start) + 1
        spans = [(start, end)] if spec.invert else _shown_spans(_spans(spec.matcher, text, start, end, whole), spec.only_matching)
        for match_start, match_end in spans:
            if spec.kwic is not None:
                before = text[max(0, match_start - spec.kwic) : match_start]
                after = text[match_end : match_end + spec.kwic]
            elif spec.only_matching:
                before = after = ""
            else:
                before = text[context_start(text, start, spec.before) : match_start]
                after = text[match_end : context_end(text, end, spec.after)]
            yield {
                "id": doc_id,
                "path": path,
                "date": date,
                "line": number,
                "column": match_start - line_start + 1,
                "start": match_start,
                "end": match_end,
                "match": text[match_start:match_end],
                "before": before,
                "after": after,
            }


def _line_views(spec: SearchSpec, text: str, selected: list[Span], whole: bool) -> Iterator[LineView]:
    """The selected lines with their matches, and with -A/-B their context lines, as grep shows them."""
    numbers = _LineNumbers(text)
    chosen: dict[int, tuple[Span, tuple[Span, ...]]] = {}
    for start, end in selected:
        spans = () if spec.invert else tuple(_shown_spans(_spans(spec.matcher, text, start, end, whole), spec.only_matching))
        chosen[numbers.at(start)] = ((start, end), tuple((a - start, b - start) for a, b in spans))
    if not (spec.before or spec.after):
        for number, ((start, end), spans) in chosen.items():
            yield LineView(number, text[start:end], spans, selected=True)
        return
    every = list(lines(text))
    wanted = sorted({n for number in chosen for n in range(max(1, number - spec.before), min(len(every), number + spec.after) + 1)})
    previous = None
    for number in wanted:
        gap = previous is not None and number != previous + 1
        if number in chosen:
            (start, end), spans = chosen[number]
            yield LineView(number, text[start:end], spans, selected=True, gap=gap)
        else:
            start, end = every[number - 1]
            yield LineView(number, text[start:end], (), selected=False, gap=gap)
        previous = number


class _LineNumbers:
    """1-based line numbers for increasing offsets, counting newlines only once."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.number = text, 0, 1

    def at(self, offset: int) -> int:
        self.number += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.number


def context_start(text: str, line_start: int, lines_back: int) -> int:
    """Where the line `lines_back` lines before the one starting at `line_start` starts."""
    pos = line_start
    for _ in range(lines_back):
        if pos == 0:
            break
        pos = text.rfind("\n", 0, pos - 1) + 1
    return pos


def context_end(text: str, line_end: int, lines_forward: int) -> int:
    """Where the line `lines_forward` lines after the one ending at `line_end` ends (before ``\\r\\n``)."""
    pos = line_end
    for _ in range(lines_forward):
        newline = text.find("\n", pos)
        if newline < 0 or newline + 1 >= len(text):
            break
        following = text.find("\n", newline + 1)
        pos = len(text) if following < 0 else following - (text[following - 1] == "\r")
    return pos


# ---- --field title|body -------------------------------------------------------------------


def field_segments(text: str, article: Article, name: str) -> list[Span]:
    """Where the title, or the body's lines without furniture, stand in `text`.

    The parser gives the body as its lines joined and stripped, so each of its lines is found
    again, in order, among the file's lines after the header and the headline.
    """
    if name == "title":
        if article.title is None:
            return []
        start = text.find(article.title)
        return [(start, start + len(article.title))]
    if not article.body:
        return []
    pos = len(article.header or "")
    if article.title is not None:
        title_line_end = text.find("\n", text.find(article.title))
        pos = len(text) if title_line_end < 0 else title_line_end + 1
    segments = []
    for piece in article.body.split("\n"):
        while pos <= len(text):
            newline = text.find("\n", pos)
            line_end = len(text) if newline < 0 else newline
            content = text[pos:line_end]
            pos = line_end + 1
            if content.strip() == piece.strip():
                start = pos - 1 - len(content) + content.find(piece)
                end = start + len(piece)
                segments.append((start, end - 1 if piece.endswith("\r") else end))
                break
    return segments


# ---- the time limit -----------------------------------------------------------------------


@contextmanager
def _deadline(seconds: float | None) -> Iterator[Callable[[float | None], None] | None]:
    """Yield `arm(limit)`, which starts a timer raising `SearchTimeout` (or with None stops it).

    None when no limit can be set: none asked for, no SIGALRM (Windows), or not the main thread.
    A signal that arrives just as the timer is stopped is ignored, so it cannot escape the search.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield None
        return
    armed = False

    def arm(limit: float | None) -> None:
        nonlocal armed
        armed = limit is not None
        signal.setitimer(signal.ITIMER_REAL, limit or 0)

    def time_is_up(signum: int, frame: object) -> None:
        if armed:
            raise SearchTimeout

    previous = signal.signal(signal.SIGALRM, time_is_up)
    try:
        yield arm
    finally:
        arm(None)
        signal.signal(signal.SIGALRM, previous)
