"""What a search reports of the selected lines: match records, and the lines of the grep-style view."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from corpus_cli.grep.lines import lines, shown_spans, spans_on_line
from corpus_cli.grep.matcher import Span
from corpus_cli.grep.spec import SearchSpec


@dataclass(frozen=True)
class LineView:
    """A line for the grep-style view: `spans` are relative to `text`; context lines are not `selected`."""

    number: int
    text: str
    spans: tuple[Span, ...]
    selected: bool
    gap: bool = False  # a "--" goes before it: it does not follow the line shown before


def match_records(
    spec: SearchSpec, text: str, selected: Iterable[Span], whole: bool, doc_id: str, path: str, date: str | None
) -> Iterator[dict[str, Any]]:
    """A record per match on the `selected` lines, taken one by one, with at most
    ``spec.max_context`` characters of context either side (the cut marked)."""
    numbers = LineNumbers(text)
    for start, end in selected:
        number = numbers.at(start)
        line_start = text.rfind("\n", 0, start) + 1
        spans = [(start, end)] if spec.invert else shown_spans(spans_on_line(spec.matcher, text, start, end, whole), spec.only_matching)
        for match_start, match_end in spans:
            if spec.kwic is not None:
                first, last = match_start - spec.kwic, match_end + spec.kwic
            elif spec.only_matching:
                first, last = match_start, match_end
            else:
                first, last = context_start(text, start, spec.before), context_end(text, end, spec.after)
            # At most max_context characters either side, the nearest to the match.
            first, last = max(first, 0), min(last, len(text))
            before_from, after_to = max(first, match_start - spec.max_context), min(last, match_end + spec.max_context)
            yield {
                "id": doc_id,
                "path": path,
                "date": date,
                "line": number,
                "column": match_start - line_start + 1,
                "start": match_start,
                "end": match_end,
                "match": text[match_start:match_end],
                "before": text[before_from:match_start],
                "after": text[match_end:after_to],
                "before_cut": before_from > first,
                "after_cut": after_to < last,
            }


def line_views(spec: SearchSpec, text: str, selected: list[Span], whole: bool) -> Iterator[LineView]:
    """The selected lines with their matches, and with -A/-B their context lines, as grep shows them."""
    numbers = LineNumbers(text)
    chosen: dict[int, tuple[Span, tuple[Span, ...]]] = {}
    for start, end in selected:
        spans = () if spec.invert else tuple(shown_spans(spans_on_line(spec.matcher, text, start, end, whole), spec.only_matching))
        chosen[numbers.at(start)] = ((start, end), tuple((a - start, b - start) for a, b in spans))
    if not (spec.before or spec.after or spec.separate_groups):
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


class LineNumbers:
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
