"""Drive a matcher over documents: read and decode each file as every command does, and report its
count, records or lines, on every core for a large corpus.

A file is parsed only as far as the search needs: the date header (for ``date`` and
--since/--until), or the whole article when --field title or body asks for its structure.
Offsets, line numbers and columns are always the file's, in characters of the decoded text.
"""

from __future__ import annotations

import functools
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from itertools import compress, islice
from operator import attrgetter
from typing import Any, NamedTuple

from corpus_cli.grep.counted import counted_on_bytes
from corpus_cli.grep.deadline import Arm, Budget, SearchTimeout, deadline
from corpus_cli.grep.fields import field_segments
from corpus_cli.grep.lines import count_exact_lines_in_bytes, count_lines, count_lines_in_bytes, selected_lines
from corpus_cli.grep.matcher import Span
from corpus_cli.grep.records import LineView, line_views, match_records
from corpus_cli.grep.spec import SearchSpec
from corpus_cli.run.parallel import ordered_parts, plan
from corpus_cli.source.files import FileBatches, SourceFile, SpilledBatches
from corpus_cli.source.read import read_decoded
from corpus_cli.text.document import document_date
from corpus_cli.text.parser import header_date, parse


class DocumentResult(NamedTuple):
    """One document's outcome. `searched` is False when it was skipped or left out by date.

    A named tuple: one is made per file, in the worker and again in the parent, and a frozen
    dataclass of eight fields takes three times as long to make (it shows in grep -c).
    """

    id: str
    path: str
    date: str | None = None
    searched: bool = True
    count: int = 0  # type: ignore[assignment]  # shadows tuple.count, which nothing calls on a result
    records: tuple[dict[str, Any], ...] = ()
    lines: tuple[LineView, ...] = ()
    warnings: tuple[str, ...] = ()


# Records go out in pieces of this many, so a document with a million matches streams (a closed
# pipe stops it at once) and its search is timed apart from the printing of what it found.
RECORDS_PER_PIECE = 1000
# A worker builds a task's records before it sends them; past this many it leaves the rest of its
# task to the parent, which searches those documents itself, streaming.
WORKER_RECORD_BUDGET = 20_000
# ... and sends them in parts of about this many, as they are made (see run.parallel.ordered_parts).
RECORDS_PER_PART = 2000


class Settled(NamedTuple):
    """grep's results the index knows without reading the files (see index/candidates.py): of the
    picked files, those in `searched` are read and searched; any other has its result in `known`,
    or none at all (nothing to print: most files, for a rare word). `silent` counts those.

    Sets and counts rather than a result (or None) for every file: at 93,646 files, three passes
    over such a table took a tenth of a second for the 470 files a rare word leaves to read."""

    searched: set[str]  # by path
    known: dict[str, DocumentResult]  # by path
    silent: int


def search_documents(
    spec: SearchSpec, sources: Sequence[SourceFile], processes: int | None = None, settled: Settled | None = None
) -> Generator[DocumentResult, None, None]:
    """The results for `sources`, in their order; by several processes for large corpora.
    `settled`, from the index, says which files to read: the others give their known result, if any.

    A document with many match records comes as several results (pieces) in a row, each with its
    share of the count. Close the generator when stopping early: that ends the worker processes
    at once.
    """
    if settled is not None:
        yield from _merged_with_settled(spec, sources, processes, settled)
        return
    # A task is a number (its files are packed for the workers, see FileBatches), and a result
    # comes back as a tuple of the fields the parent does not know: far less to send than
    # records, 18,726 times.
    # Tasks are small even in one process, so that -q, -l and a closed pipe stop the search soon.
    ranges, processes = plan(len(sources), processes)
    if processes <= 1:
        with deadline(spec.time_limit) as arm:
            for source in sources:
                yield from _search_file(spec, source, arm)
        return
    task = functools.partial(search_task, spec, FileBatches(sources, ranges))
    yield from collected(spec, sources, ordered_parts(task, range(len(ranges)), processes=processes))


def _merged_with_settled(
    spec: SearchSpec, sources: Sequence[SourceFile], processes: int | None, settled: Settled
) -> Generator[DocumentResult, None, None]:
    """`search_documents` of the files `settled` leaves to read, each file's results in the order
    of `sources` with the known results between them. Only those files are gone through, picked
    out of `sources` by calls into C (a loop over every file was most of the time left)."""
    paths = list(map(attrgetter("path"), sources))
    searched = search_documents(spec, list(compress(sources, map(settled.searched.__contains__, paths))), processes)
    shown = settled.searched | settled.known.keys()
    with closing(searched):
        following: DocumentResult | None = None  # the first piece of the next file searched
        for source in compress(sources, map(shown.__contains__, paths)):
            known = settled.known.get(source.path)
            if known is not None:
                yield known
                continue
            yield following if following is not None else next(searched)
            following = None
            for piece in searched:  # the file's further pieces, up to the next file's first
                if piece.path != source.path:
                    following = piece
                    break
                yield piece


def collected(
    spec: SearchSpec, sources: Sequence[SourceFile], parts: Generator[list[tuple[Any, ...] | None], None, None]
) -> Iterator[DocumentResult]:
    """The results of `sources` from the `parts` the workers sent (see `search_task`), in order;
    the parts are closed at the end, however it comes."""
    with closing(parts):
        outcomes = (outcome for part in parts for outcome in part)  # one a source, in order
        for source, outcome in zip(sources, outcomes):
            if outcome is None:  # left to the parent: too many records to send
                with deadline(spec.time_limit) as arm:
                    yield from _search_file(spec, source, arm)
            else:
                yield DocumentResult(source.id, source.path, *outcome)


def search_task(spec: SearchSpec, batches: FileBatches | SpilledBatches, number: Any) -> Iterator[list[tuple[Any, ...] | None]]:
    """Search the files of task `number` (as `batches` knows it); each result as its fields after
    id and path, or None for a document left to the parent once the task's records pass
    `WORKER_RECORD_BUDGET`; in parts of about `RECORDS_PER_PART` records, sent as they are made."""
    sources = batches[number]
    outcomes: list[tuple[Any, ...] | None] = []
    budget = WORKER_RECORD_BUDGET
    since_part = 0
    with deadline(spec.time_limit) as arm:
        if spec.mode == "count":  # one result a file and no records: nothing to budget, merge or send apart
            yield [_count_file(spec, source, arm) for source in sources]
            return
        for source in sources:
            if budget < 0:
                outcomes.append(None)
                continue
            pieces = []
            for piece in _search_file(spec, source, arm):
                pieces.append(piece)
                budget -= len(piece.records)
                if budget < 0:
                    break
            if budget < 0:
                outcomes.append(None)
                continue
            result = _merged(pieces)
            outcomes.append(result[2:])  # the fields after id and path
            since_part += len(result.records) + len(result.lines)
            if since_part >= RECORDS_PER_PART:
                yield outcomes
                outcomes, since_part = [], 0
    if outcomes:
        yield outcomes


def _merged(pieces: list[DocumentResult]) -> DocumentResult:
    """A document's pieces as one result."""
    if len(pieces) == 1:
        return pieces[0]
    first = pieces[0]
    return first._replace(
        searched=any(piece.searched for piece in pieces),
        count=sum(piece.count for piece in pieces),
        records=tuple(record for piece in pieces for record in piece.records),
        lines=tuple(line for piece in pieces for line in piece.lines),
        warnings=tuple(warning for piece in pieces for warning in piece.warnings),
    )


def _count_file(spec: SearchSpec, source: SourceFile, arm: Arm | None) -> tuple[Any, ...]:
    """grep -c's result for one file, as its fields after id and path: `_search_file`'s, by a
    short way in the common case (see grep/counted.py)."""
    try:
        data: bytes | None = source.read_bytes()
    except OSError:
        data = None  # read again below, to say why it cannot be
    counted = None if data is None else counted_on_bytes(spec, source, data)
    return counted if counted is not None else next(_search_file(spec, source, arm, data))[2:]


def _search_file(spec: SearchSpec, source: SourceFile, arm: Arm | None, data: bytes | None = None) -> Iterator[DocumentResult]:
    """Read (unless its `data` is given), decode and search one file: its result, in pieces when
    it has many records."""
    doc_id, path = source.id, source.path
    warnings: list[str] = []
    read = read_decoded(source, warnings.append, data)
    if read is None:
        yield DocumentResult(doc_id, path, searched=False, warnings=tuple(warnings))
        return
    data, decoded = read
    text = decoded.text
    if decoded.warning:
        warnings.append(f"{path}: {decoded.warning}")
    article = parse(text) if spec.scope != "text" else None
    found_date, messages = (article.date, article.warnings) if article is not None else header_date(text)
    warnings.extend(f"{path}: {message}" for message in messages)
    date = document_date(spec.metadata.get(doc_id), found_date)
    if not spec.dates.admits_date(date):
        yield DocumentResult(doc_id, path, date, searched=False, warnings=tuple(warnings))
        return
    segments = None if article is None else field_segments(text, article, spec.scope)
    on_bytes = spec.mode == "count" and segments is None and decoded.encoding.startswith("utf-8")
    bom = 3 if decoded.encoding == "utf-8-sig" else 0
    if on_bytes and spec.matcher.candidates_exact:
        # Each needle found is a match, counted on the bytes: nothing can backtrack, so no clock is needed.
        count = count_exact_lines_in_bytes(spec, data, bom)
        if count is not None:
            yield DocumentResult(doc_id, path, date, count=count, warnings=tuple(warnings))
            return
    finder = spec.matcher.byte_candidates(data) if on_bytes else None
    # The limit is the pattern's, so it runs only while this document is searched: the clock
    # stops while its pieces are printed (or sent), and each piece spends what is left of it.
    timer = Budget(arm, spec.time_limit + len(text) / 1_000_000 if spec.time_limit else None)
    if finder is not None:
        pieces: Iterator[DocumentResult] = iter([DocumentResult(doc_id, path, date, count=count_lines_in_bytes(spec, data, bom, finder))])
    else:
        crlf = _has_crlf(data, decoded.encoding)
        pieces = search_pieces(spec, text, doc_id=doc_id, path=path, date=date, segments=segments, crlf=crlf)
    first = True
    while True:
        try:
            piece = timer.run(next, pieces, None)
        except SearchTimeout:
            skipped = "skipped" if first else "the rest of it was not searched"
            warnings.append(
                f"{path}: the pattern ran past the time limit ({spec.time_limit:g} s) on this document, "
                f"as a regex that backtracks may; {skipped} (simplify the pattern, or raise --timeout)"
            )
            yield DocumentResult(doc_id, path, date, searched=not first, warnings=tuple(warnings))
            return
        if piece is None:
            if first:  # no piece at all cannot happen, but a result is owed all the same
                yield DocumentResult(doc_id, path, date, warnings=tuple(warnings))
            return
        yield piece._replace(warnings=tuple(warnings)) if first and warnings else piece
        first = False


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
    """Search one decoded text (all of it, or only `segments` of it); no time limit here."""
    return _merged(list(search_pieces(spec, text, doc_id=doc_id, path=path, date=date, segments=segments, crlf=crlf)))


def search_pieces(
    spec: SearchSpec,
    text: str,
    *,
    doc_id: str = "-",
    path: str = "-",
    date: str | None = None,
    segments: list[Span] | None = None,
    crlf: bool | None = None,
) -> Iterator[DocumentResult]:
    """The result of searching one text, as it is found: match records in pieces of
    `RECORDS_PER_PIECE`, each with the number of selected lines it covers; one result otherwise.

    `crlf` says whether the text holds "\r\n" when the caller knows it already.
    """
    # A \r before a newline is not searched, so "$" must see the line's end there: line by line.
    whole = segments is None and spec.matcher.line_safe and not ("\r\n" in text if crlf is None else crlf)
    matcher = spec.matcher
    if spec.mode == "count":
        yield DocumentResult(doc_id, path, date, count=count_lines(matcher, text, segments, spec.invert, spec.max_count, whole))
        return
    selected = islice(selected_lines(matcher, text, segments, spec.invert, whole), spec.max_count)
    if spec.invert and spec.only_matching:
        # The selected lines hold no match to print: GNU grep prints nothing, and so does every format here.
        yield DocumentResult(doc_id, path, date, count=sum(1 for _ in selected))
        return
    if spec.mode == "lines":
        chosen = list(selected)
        yield DocumentResult(doc_id, path, date, count=len(chosen), lines=tuple(line_views(spec, text, chosen, whole)))
        return
    counted = _Counted(selected)
    records = match_records(spec, text, counted, whole, doc_id, path, date)
    emitted = 0  # selected lines accounted for in the pieces so far
    while True:
        piece = tuple(islice(records, RECORDS_PER_PIECE))
        # Each piece counts the lines selected while it was made: a line whose records run over
        # into the next piece is counted once, in the first.
        if piece or counted.taken > emitted or not emitted:
            yield DocumentResult(doc_id, path, date, count=counted.taken - emitted, records=piece)
        if not piece:
            return
        emitted = counted.taken


class _Counted:
    """An iterator of spans that counts how many have been taken from it."""

    def __init__(self, spans: Iterator[Span]) -> None:
        self.spans, self.taken = spans, 0

    def __iter__(self) -> Iterator[Span]:
        for span in self.spans:
            self.taken += 1
            yield span
