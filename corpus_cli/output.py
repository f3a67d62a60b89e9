"""The only writer: records as a table, JSON Lines, JSON, CSV, TSV or YAML; text and raw bytes.

Everything goes to stdout as UTF-8 bytes, whatever the locale says, so a document with non-ASCII
text prints the same under ``LC_ALL=C`` as anywhere else. Records stream: each is written as it
comes, except in a table, which needs every row to size its columns.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

RECORD_FORMATS = ("table", "jsonl", "json", "csv", "tsv", "yaml")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MIN_COLUMN_WIDTH = 6
UNCUT_COLUMNS = frozenset({"id", "date", "line", "count"})  # what a user copies is cut last


def stdout() -> IO[bytes]:
    """Standard output as bytes (the buffer under the text stream, also under CliRunner)."""
    return sys.stdout.buffer


def is_terminal(stream: IO[Any] | None = None) -> bool:
    """True when `stream` (stdout by default) is a terminal."""
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def color_enabled(stream: IO[Any] | None = None) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    return is_terminal(stream) and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def default_format(text_view: bool = False) -> str:
    """A table (or text) on a terminal, JSON Lines for a pipe or a file."""
    if is_terminal():
        return "text" if text_view else "table"
    return "jsonl"


class RecordWriter:
    """Writes records with the fields given, in one format, to a byte stream."""

    def __init__(self, format: str, fields: Sequence[str], stream: IO[bytes] | None = None) -> None:
        self.format = format
        self.fields = tuple(fields)
        self.stream = stream if stream is not None else stdout()
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._csv: Any = None
        if format in ("csv", "tsv"):
            self._text = io.StringIO()
            self._csv = csv.writer(self._text, delimiter="," if format == "csv" else "\t", lineterminator="\n")
            self._csv.writerow(self.fields)
            self._flush_text()

    def write(self, record: dict[str, Any]) -> None:
        row = {name: record.get(name) for name in self.fields}
        if self.format == "jsonl":
            self._emit(json.dumps(row, ensure_ascii=False) + "\n")
        elif self.format == "json":
            self._emit(("[\n" if self.count == 0 else ",\n") + _indent(json.dumps(row, ensure_ascii=False, indent=2)))
        elif self.format == "yaml":
            self._emit(yaml_dump([row]))
        elif self._csv is not None:
            self._csv.writerow([_csv_cell(row[name]) for name in self.fields])
            self._flush_text()
        else:
            self._rows.append(row)
        self.count += 1

    def write_all(self, records: Iterable[dict[str, Any]]) -> int:
        for record in records:
            self.write(record)
        return self.count

    def close(self) -> None:
        """Finish the output: closing bracket, the table, or the empty result's form."""
        if self.format == "json":
            self._emit("[]\n" if self.count == 0 else "\n]\n")
        elif self.format == "yaml" and self.count == 0:
            self._emit("[]\n")
        elif self.format == "table":
            self._emit(render_table(self._rows, self.fields, terminal_width()))
        self.stream.flush()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is None:
            self.close()

    def _emit(self, text: str) -> None:
        write_text(text, self.stream)

    def _flush_text(self) -> None:
        self._emit(self._text.getvalue())
        self._text.seek(0)
        self._text.truncate()


def write_text(text: str, stream: IO[bytes] | None = None) -> None:
    """Write text as UTF-8 (lone surrogates become U+FFFD rather than an exception)."""
    (stream if stream is not None else stdout()).write(text.encode("utf-8", errors="replace"))


def write_bytes(data: bytes, stream: IO[bytes] | None = None) -> None:
    """Write bytes exactly as they are (``show --raw``)."""
    target = stream if stream is not None else stdout()
    target.write(data)
    target.flush()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def yaml_dump(value: Any) -> str:
    """YAML text of `value`, keys in their order, Unicode as it is."""
    import yaml  # imported here: start-up is faster without it

    # libyaml's dumper, where PyYAML was built with it, is about 10x faster than the pure-Python one.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(value, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)


def _csv_cell(value: Any) -> str:
    """A flat cell; text that a spreadsheet would run as a formula (CWE-1236) gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


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


def write_object(format: str, record: dict[str, Any], stream: IO[bytes] | None = None) -> None:
    """One record standing alone (a summary): a JSON object rather than a list of one, a YAML
    mapping, a two-column table of field and value; JSON Lines, CSV and TSV as `RecordWriter`."""
    target = stream if stream is not None else stdout()
    if format == "json":
        write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", target)
    elif format == "yaml":
        write_text(yaml_dump(record), target)
    elif format == "table":
        rows = [{"field": name, "value": value} for name, value in record.items()]
        write_text(render_table(rows, ("field", "value"), terminal_width()), target)
    else:
        with RecordWriter(format, tuple(record), target) as writer:
            writer.write(record)
    target.flush()
