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
import os
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from corpus_cli.corpus import SourceFile, read_bytes
from corpus_cli.decode import BinaryFile, decode
from corpus_cli.document import Metadata, document_date
from corpus_cli.matcher import Matcher, Span
from corpus_cli.parallel import ordered_map, plan
from corpus_cli.parser import Article, header_date, parse
from corpus_cli.select import Selection

MATCH_FIELDS = ("id", "path", "date", "line", "column", "start", "end", "match", "before", "after")
COUNT_FIELDS = ("id", "path", "count")
FILE_FIELDS = ("id", "path")
SEARCH_FIELDS = ("text", "title", "body")

DEFAULT_TIME_LIMIT = 2.0  # seconds per document; a 5 KB article takes well under a millisecond
FILES_PER_TASK = 500  # measured: 200 cost the parent twice the time (0.10 s) on the 100 MB bench


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


def search_documents(
    spec: SearchSpec, sources: Sequence[SourceFile], processes: int | None = None
) -> Generator[DocumentResult, None, None]:
    """The results for `sources`, in their order; by several processes for large corpora.

    Close the generator when stopping early: that ends the worker processes at once.
    """
    # The sources go to each worker once, with the function (a forked worker has them already);
    # a task is a range of them, and a result comes back as a tuple of the fields the parent does
    # not know: both cost far less to send than file names or dataclasses, 18,726 times.
    # Tasks are small even in one process, so that -q, -l and a closed pipe stop the search soon.
    ranges, processes = plan(len(sources), FILES_PER_TASK, processes)
    batches = ordered_map(functools.partial(_search_task, spec, sources), ranges, processes=processes)
    with closing(batches):
        for (start, end), batch in zip(ranges, batches):
            for source, outcome in zip(sources[start:end], batch):
                yield DocumentResult(source.id, source.path, *outcome)


def _search_task(spec: SearchSpec, sources: Sequence[SourceFile], span: tuple[int, int]) -> list[tuple[Any, ...]]:
    """Search ``sources[start:end]``; each result as its fields after id and path."""
    start, end = span
    with _deadline(spec.time_limit) as arm:
        results = [_search_file(spec, source.id, source.path, source.location, arm) for source in sources[start:end]]
    return [(result.date, result.searched, result.count, result.records, result.lines, result.warnings) for result in results]


def _search_file(
    spec: SearchSpec, doc_id: str, path: str, location: str | os.PathLike[str], arm: Callable[[float | None], None] | None
) -> DocumentResult:
    """Read, decode and search one file."""
    try:
        data = read_bytes(location)
    except OSError as error:
        return DocumentResult(doc_id, path, searched=False, warnings=(f"{path}: cannot read: {error.strerror or error}",))
    try:
        decoded = decode(data)
    except BinaryFile as error:
        return DocumentResult(doc_id, path, searched=False, warnings=(f"{path}: {error}; skipped",))
    text = decoded.text
    warnings = [f"{path}: {decoded.warning}"] if decoded.warning else []
    article = parse(text) if spec.scope != "text" else None
    found_date, messages = (article.date, article.warnings) if article is not None else header_date(text)
    warnings.extend(f"{path}: {message}" for message in messages)
    date = document_date(spec.metadata.get(doc_id), found_date)
    if not spec.dates.admits_date(date):
        return DocumentResult(doc_id, path, date, searched=False, warnings=tuple(warnings))
    segments = None if article is None else field_segments(text, article, spec.scope)
    finder = (
        spec.matcher.byte_candidates(data) if spec.mode == "count" and segments is None and decoded.encoding.startswith("utf-8") else None
    )
    try:
        if arm is not None:
            arm(spec.time_limit + len(text) / 1_000_000 if spec.time_limit else None)
        if finder is not None:
            count = count_lines_in_bytes(spec, data, 3 if decoded.encoding == "utf-8-sig" else 0, finder)
            return DocumentResult(doc_id, path, date, count=count, warnings=tuple(warnings))
        result = search_text(spec, text, doc_id=doc_id, path=path, date=date, segments=segments, crlf=_has_crlf(data, decoded.encoding))
    except SearchTimeout:
        warnings.append(
            f"{path}: the pattern ran past the time limit ({spec.time_limit:g} s) on this document, "
            "as a regex that backtracks may; skipped (simplify the pattern, or raise --timeout)"
        )
        return DocumentResult(doc_id, path, date, searched=False, warnings=tuple(warnings))
    finally:
        if arm is not None:
            arm(None)
    return dataclasses.replace(result, warnings=tuple(warnings)) if warnings else result


def _has_crlf(data: bytes, encoding: str) -> bool | None:
    """Whether the text holds "\r\n", read from its bytes where it can be (None: not known).

    Both finds are many times faster on bytes than on text with wide characters, and a lone "\r"
    goes by memchr, where a two-byte needle is compared byte by byte (5 µs on a 5 KB file).
    """
    if encoding not in ("utf-8", "utf-8-sig", "windows-1252"):
        return None
    return b"\r" in data and b"\r\n" in data


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


def count_lines_in_bytes(spec: SearchSpec, data: bytes, start: int, finder: Callable[[int], int]) -> int:
    """`count_lines` on UTF-8 bytes from `start` (after a byte-order mark), with `finder` from
    `Matcher.byte_candidates`: candidate lines are checked on the bytes where the matcher can
    (an exact needle, -w on a literal between ASCII characters), else as decoded text."""
    matcher, size, pos, matched = spec.matcher, len(data), start, 0
    exact = matcher.candidates_exact
    limit = None if spec.invert else spec.max_count
    while pos < size and (limit is None or matched < limit):
        found = finder(pos)
        if found < 0:
            break
        line_end = data.find(b"\n", found)
        line_end = size if line_end < 0 else line_end
        matched += 1 if exact else _candidate_line_matches(matcher, data, pos, found, line_end, finder)
        pos = line_end + 1
    if not spec.invert:
        return matched
    lines_in_data = data.count(b"\n", start) + (1 if size > start and not data.endswith(b"\n") else 0)
    count = lines_in_data - matched
    return count if spec.max_count is None else min(count, spec.max_count)


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
    """Yield `arm(limit)`, which gives the document about to be searched `limit` seconds (None: done).

    A timer ticks a few times a second (SIGALRM; Python's regex engine checks for signals as it
    runs) and raises `SearchTimeout` in a document that has run past its limit; arming is then
    only a clock reading, where setting a timer for each document costs two system calls.
    None when no limit can be set: none asked for, no SIGALRM (Windows), or not the main thread.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield None
        return
    deadline: float | None = None

    def arm(limit: float | None) -> None:
        nonlocal deadline
        deadline = None if limit is None else time.monotonic() + limit

    def tick(signum: int, frame: object) -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise SearchTimeout

    previous = signal.signal(signal.SIGALRM, tick)
    interval = min(0.25, seconds / 4)
    signal.setitimer(signal.ITIMER_REAL, interval, interval)
    try:
        yield arm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        arm(None)
        signal.signal(signal.SIGALRM, previous)
