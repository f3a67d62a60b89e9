"""The record writers: one class per format, found through one table (`WRITERS`).

Records stream: each is written as it comes, except in a table, which needs every row to size its
columns. Every writer writes UTF-8 bytes to a byte stream (stdout by default).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from corpus_cli.output.table import render_table
from corpus_cli.output.terminal import stdout, terminal_width, write_text

RECORD_FORMATS = ("table", "jsonl", "json", "csv", "tsv", "yaml")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
