"""The dispersion plot on a terminal (AntConc's Plot, quanteda's x-ray): a strip per document, a mark per hit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import click

EMPTY = "·"
ONE_HIT = "│"
SEVERAL_HITS = "┃"  # two hits or more fall in one cell
MIN_STRIP = 10


def render_strips(records: Sequence[dict[str, Any]], width: int, color: bool, documents: int) -> str:
    """One line per record (a document's hits of a term), in date order (undated last, then by id):
    ``id  date  term  hits  |strip|``; the strip fills what is left of `width`. A last line says how
    many of the `documents` selected use each term."""
    ordered = sorted(records, key=lambda record: (record["date"] is None, record["date"] or "", record["id"], record["term"]))
    labels = [(record["id"], record["date"] or "undated", record["term"], str(record["hits"])) for record in ordered]
    widths = [max((len(label[column]) for label in labels), default=0) for column in range(4)]
    out = []
    for record, label in zip(ordered, labels):
        prefix = "  ".join((label[0].ljust(widths[0]), label[1].ljust(widths[1]), label[2].ljust(widths[2]), label[3].rjust(widths[3])))
        strip_width = max(MIN_STRIP, width - len(prefix) - 4)
        out.append(f"{prefix}  |{_strip(record['positions'], strip_width, color)}|\n")
    for term in dict.fromkeys(record["term"] for record in records):
        used = [record for record in records if record["term"] == term]
        hits = sum(record["hits"] for record in used)
        out.append(f"{term}: {hits} hit{'s' * (hits != 1)} in {len(used)} of {documents} document{'s' * (documents != 1)}\n")
    return "".join(out)


def _strip(positions: Sequence[float], width: int, color: bool) -> str:
    counts = [0] * width
    for position in positions:
        counts[min(int(position * width), width - 1)] += 1
    cells = "".join(EMPTY if count == 0 else ONE_HIT if count == 1 else SEVERAL_HITS for count in counts)
    if not color:
        return cells
    # Style runs of like cells rather than each cell: a line holds a few escapes, not hundreds.
    runs = re.findall(f"{EMPTY}+|[^{EMPTY}]+", cells)
    return "".join(click.style(run, dim=True) if run[0] == EMPTY else click.style(run, fg="red", bold=True) for run in runs)
