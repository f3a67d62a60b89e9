"""The record writers: one class per format, found through one table (`WRITERS`).

Records stream: each is written as it comes, except in a table, which needs every row to size its
columns. Every writer writes UTF-8 bytes to a byte stream (stdout by default).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import IO, Any

from corpus_cli.output.table import render_table
from corpus_cli.output.terminal import stdout, terminal_width, write_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Cells a spreadsheet does not run although they start with a formula prefix: a sign alone
# (keyness' direction column is "+" or "-") and a plain number written as text ("-3.17").
LONE_SIGNS = frozenset(("=", "+", "-", "@"))
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

Record = dict[str, Any]
# One encoder for every line: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)


class RecordWriter:
    """Writes records with the fields given, in one format, to a byte stream.

    ``RecordWriter(format, fields)`` makes the writer of that format, found in `WRITERS`; a new
    format is one subclass and one entry there. Use it as a context manager: leaving the block
    without an error finishes the output (a closing bracket, the table, an empty result's form).
    """

    def __new__(cls, format: str, fields: Sequence[str], stream: IO[bytes] | None = None) -> RecordWriter:
        if cls is RecordWriter:
            cls = WRITERS[format]
        return super().__new__(cls)

    def __init__(self, format: str, fields: Sequence[str], stream: IO[bytes] | None = None) -> None:
        self.format = format
        self.fields = tuple(fields)
        self.stream = stream if stream is not None else stdout()
        self.count = 0

    def write(self, record: Record) -> None:
        self._write({name: record.get(name) for name in self.fields})
        self.count += 1

    def write_all(self, records: Iterable[Record]) -> int:
        for record in records:
            self.write(record)
        return self.count

    def close(self) -> None:
        """Finish the output."""
        self.stream.flush()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is None:
            self.close()

    def _write(self, row: Record) -> None:
        raise NotImplementedError

    def _emit(self, text: str) -> None:
        write_text(text, self.stream)


# A record holding a string longer than this is encoded a value at a time (see JsonLinesWriter).
LARGE_VALUE_CHARS = 1 << 16


def _record_encoder() -> Callable[[Record], str]:
    """A record's JSON as `_JSON.encode` writes it, from one C encoder made here: `encode` makes
    a new one at every call, which was half the cost of a 12-field record (`list`)."""
    if c_make_encoder is None:  # a Python without the json module's C part
        return _JSON.encode
    encoder = c_make_encoder(None, _JSON.default, encode_basestring, None, ": ", ", ", False, False, True)
    return lambda record: "".join(encoder(record, 0))


_encode_record = _record_encoder()


class JsonLinesWriter(RecordWriter):
    """One JSON object a line; an empty result is no line at all.

    A record with a long string (a large document's full record holds its text three times:
    text, body, paragraphs) is encoded and written a value at a time, so no more than one
    value's JSON and its UTF-8 are made besides the record; the line is the same as the
    record's encoded at once.
    """

    def write(self, record: Record) -> None:
        # The record itself when it holds the fields, in order (list's and grep -c's do): no copy.
        row = record if tuple(record) == self.fields else {name: record.get(name) for name in self.fields}
        for value in row.values():
            if type(value) is str and len(value) > LARGE_VALUE_CHARS:
                self._write_piecewise(row)
                break
        else:
            self._emit(_encode_record(row) + "\n")
        self.count += 1

    def _write_piecewise(self, row: Record) -> None:
        for number, (name, value) in enumerate(row.items()):
            self._emit(("{" if number == 0 else ", ") + encode_basestring(name) + ": ")
            self._emit(_JSON.encode(value))
        self._emit("}\n")


def count_line(doc_id: str, path: str, count: int) -> str:
    """grep -c's record (id, path, count) as the JSON Lines writer writes it, made by one format
    string: the C encoder's call on a record dict cost as much as all else the parent does for a
    file in grep -c, 18,726 times a run in the bench."""
    return f'{{"id": {encode_basestring(doc_id)}, "path": {encode_basestring(path)}, "count": {count:d}}}\n'


class JsonWriter(RecordWriter):
    """A JSON array of objects, written as they come; ``[]`` when empty."""

    def _write(self, row: Record) -> None:
        self._emit(("[\n" if self.count == 0 else ",\n") + _indent(json.dumps(row, ensure_ascii=False, indent=2)))

    def close(self) -> None:
        self._emit("[]\n" if self.count == 0 else "\n]\n")
        super().close()


class YamlWriter(RecordWriter):
    """A YAML sequence of mappings; ``[]`` when empty."""

    def _write(self, row: Record) -> None:
        self._emit(yaml_dump([row]))

    def close(self) -> None:
        if self.count == 0:
            self._emit("[]\n")
        super().close()


class DelimitedWriter(RecordWriter):
    """CSV or TSV: a header row, then a flat row a record (lists joined by ";")."""

    def __init__(self, format: str, fields: Sequence[str], stream: IO[bytes] | None = None) -> None:
        super().__init__(format, fields, stream)
        self._text = io.StringIO()
        delimiter = "," if format == "csv" else "\t"
        self._csv = csv.writer(self._text, delimiter=delimiter, lineterminator="\n")
        # The csv module quotes a field only for the delimiter, the quote character and the line
        # terminator ("\n"): a bare "\r" would go out unquoted and split the row for any reader.
        # A row holding one is written with every field quoted.
        self._quoted = csv.writer(self._text, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._csv.writerow(self.fields)
        self._flush_text()

    def _write(self, row: Record) -> None:
        cells = [_csv_cell(row[name]) for name in self.fields]
        (self._quoted if any("\r" in cell for cell in cells) else self._csv).writerow(cells)
        self._flush_text()

    def _flush_text(self) -> None:
        self._emit(self._text.getvalue())
        self._text.seek(0)
        self._text.truncate()


class TableWriter(RecordWriter):
    """A table sized to the terminal: it needs every row before it can print one."""

    def __init__(self, format: str, fields: Sequence[str], stream: IO[bytes] | None = None) -> None:
        super().__init__(format, fields, stream)
        self._rows: list[Record] = []

    def _write(self, row: Record) -> None:
        self._rows.append(row)

    def close(self) -> None:
        self._emit(render_table(self._rows, self.fields, terminal_width()))
        super().close()


WRITERS: dict[str, type[RecordWriter]] = {
    "table": TableWriter,
    "jsonl": JsonLinesWriter,
    "json": JsonWriter,
    "csv": DelimitedWriter,
    "tsv": DelimitedWriter,
    "yaml": YamlWriter,
}
RECORD_FORMATS = tuple(WRITERS)


def _indent(text: str) -> str:
    # split, not splitlines: that would also split inside strings at U+2028, U+2029, U+0085 and
    # other characters JSON leaves unescaped, and make the output invalid JSON.
    return "\n".join("  " + line for line in text.split("\n"))


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
    if isinstance(value, (int, float)):
        return str(value)  # a number is never a formula: -3.17 stays a number for the spreadsheet
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    text = str(value)
    if text in LONE_SIGNS or _NUMBER.fullmatch(text):
        return text  # a sign starts a formula only when more follows it; a number is a number
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
