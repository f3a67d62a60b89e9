"""The table view: records as a plain table cut to fit the terminal's width."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MIN_COLUMN_WIDTH = 6
UNCUT_COLUMNS = frozenset({"id", "date", "line", "count"})  # what a user copies is cut last


def _table_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return " ".join(str(value).split())


def render_table(rows: Sequence[dict[str, Any]], fields: Sequence[str], width: int) -> str:
    """A plain table that fits `width` columns: the widest text columns are cut with "…"."""
    if not rows:
        return ""
    from tabulate import tabulate  # imported here: it costs 100 ms at start-up

    cells = [[_table_cell(row.get(name)) for name in fields] for row in rows]
    # tabulate makes a column at least its header plus two wide (its MIN_PADDING).
    widths = [max(len(name) + 2, *(len(line[i]) for line in cells)) for i, name in enumerate(fields)]
    least = [max(MIN_COLUMN_WIDTH, len(name) + 2) for name in fields]
    budget = width - 2 * (len(fields) - 1)
    # Cut text first; ids, dates and numbers only when the text alone cannot make room.
    _shrink(widths, [widths[i] if name in UNCUT_COLUMNS else least[i] for i, name in enumerate(fields)], budget)
    _shrink(widths, least, budget)
    cells = [[_fit(cell, widths[i]) for i, cell in enumerate(line)] for line in cells]
    numeric = [all(isinstance(row.get(name), (int, float)) for row in rows) for name in fields]
    align = ["right" if is_number else "left" for is_number in numeric]
    return tabulate(cells, headers=list(fields), tablefmt="simple", disable_numparse=True, colalign=align) + "\n"


def _shrink(widths: list[int], floors: Sequence[int], budget: int) -> None:
    """Narrow the columns with the most room above their floor until they fit `budget`."""
    while sum(widths) > budget:
        roomiest = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[roomiest] <= floors[roomiest]:
            return
        widths[roomiest] -= 1


def _fit(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"
