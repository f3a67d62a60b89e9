"""Bars beside the numbers of a table on a terminal: a picture of one column, never in data formats."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

EIGHTHS = " ▏▎▍▌▋▊▉"  # a block's left eighths, for bars that end between two cells
FULL = "█"
BAR_WIDTH = 16


def bar(value: float | None, maximum: float, width: int = BAR_WIDTH) -> str:
    """A bar `width` cells long at `maximum`, to the nearest eighth of a cell; empty for none or <= 0."""
    if value is None or value <= 0 or maximum <= 0:
        return ""
    eighths = round(min(value, maximum) / maximum * width * 8)
    full, part = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[part] if part else "")


def with_bars(rows: Iterable[dict[str, Any]], key: str, column: str = "bar", width: int = BAR_WIDTH) -> list[dict[str, Any]]:
    """The rows, each with a bar of its `key` in `column`, scaled to the largest value shown."""
    rows = list(rows)
    maximum = max((row[key] for row in rows if isinstance(row.get(key), (int, float))), default=0)
    return [{**row, column: bar(row.get(key), maximum, width)} for row in rows]


def rounded(rows: Iterable[dict[str, Any]], digits: int = 2) -> Iterator[dict[str, Any]]:
    """The rows with their floats rounded, for a table a reader scans (data formats keep every digit)."""
    for row in rows:
        yield {key: round(value, digits) if isinstance(value, float) else value for key, value in row.items()}
