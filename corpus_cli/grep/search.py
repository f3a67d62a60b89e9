"""Drive a matcher over documents: read and decode each file as every command does, and report its
count, records or lines, on every core for a large corpus.

A file is parsed only as far as the search needs: the date header (for ``date`` and
--since/--until), or the whole article when --field title or body asks for its structure.
Offsets, line numbers and columns are always the file's, in characters of the decoded text.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from typing import Any

from corpus_cli.grep.deadline import SearchTimeout, deadline
from corpus_cli.grep.fields import field_segments
from corpus_cli.grep.lines import count_lines, count_lines_in_bytes, selected_lines
from corpus_cli.grep.matcher import Span
from corpus_cli.grep.records import LineView, line_views, match_records
from corpus_cli.grep.spec import SearchSpec
from corpus_cli.run.parallel import ordered_map, plan
from corpus_cli.source.files import SourceFile
from corpus_cli.source.read import read_decoded
from corpus_cli.text.document import document_date
from corpus_cli.text.parser import header_date, parse


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


def search_documents(
    spec: SearchSpec, sources: Sequence[SourceFile], processes: int | None = None, settled: Mapping[str, DocumentResult] | None = None
) -> Generator[DocumentResult, None, None]:
    """The results for `sources`, in their order; by several processes for large corpora.
    `settled` holds results known without reading (by path, from the index): those files are not read.

    Close the generator when stopping early: that ends the worker processes at once.
    """
    if settled:
        searched = search_documents(spec, [source for source in sources if source.path not in settled], processes)
        with closing(searched):
            for source in sources:
                yield settled[source.path] if source.path in settled else next(searched)
        return
    # The sources go to each worker once, with the function (a forked worker has them already);
    # a task is a range of them, and a result comes back as a tuple of the fields the parent does
    # not know: both cost far less to send than file names or dataclasses, 18,726 times.
    # Tasks are small even in one process, so that -q, -l and a closed pipe stop the search soon.
    ranges, processes = plan(len(sources), processes)
    batches = ordered_map(functools.partial(_search_task, spec, sources), ranges, processes=processes)
    with closing(batches):
        for (start, end), batch in zip(ranges, batches):
            for source, outcome in zip(sources[start:end], batch):
                yield DocumentResult(source.id, source.path, *outcome)


def _search_task(spec: SearchSpec, sources: Sequence[SourceFile], span: tuple[int, int]) -> list[tuple[Any, ...]]:
    """Search ``sources[start:end]``; each result as its fields after id and path."""
    start, end = span
    with deadline(spec.time_limit) as arm:
        results = [_search_file(spec, source, arm) for source in sources[start:end]]
    return [(result.date, result.searched, result.count, result.records, result.lines, result.warnings) for result in results]


def _search_file(spec: SearchSpec, source: SourceFile, arm: Callable[[float | None], None] | None) -> DocumentResult:
    """Read, decode and search one file."""
    doc_id, path = source.id, source.path
    warnings: list[str] = []
    read = read_decoded(source, warnings.append)
    if read is None:
        return DocumentResult(doc_id, path, searched=False, warnings=tuple(warnings))
    data, decoded = read
    text = decoded.text
    if decoded.warning:
        warnings.append(f"{path}: {decoded.warning}")
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
    if spec.invert and spec.only_matching:
        # The selected lines hold no match to print: GNU grep prints nothing, and so does every format here.
        return DocumentResult(doc_id, path, date, count=len(selected))
    if spec.mode == "lines":
        return DocumentResult(doc_id, path, date, count=len(selected), lines=tuple(line_views(spec, text, selected, whole)))
    records = tuple(match_records(spec, text, selected, whole, doc_id, path, date))
    return DocumentResult(doc_id, path, date, count=len(selected), records=records)
