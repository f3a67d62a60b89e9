"""Selection: which documents a command works on (dates, an id glob, ids read from stdin)."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import IO

from corpus_cli.errors import CorpusError
from corpus_cli.source.files import SourceFile

_BOUND = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_bound(text: str, *, end: bool) -> str:
    """An inclusive bound as an ISO date: ``2024`` is 2024-01-01 as a start, 2024-12-31 as an end."""
    match = _BOUND.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day is not None:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month is not None:
            import calendar  # here: 1.5 ms of every command's start, for --since/--until YYYY-MM

            last = calendar.monthrange(int(year), int(month))[1] if 1 <= int(month) <= 12 else 0
            return dt.date(int(year), int(month), last if end else 1).isoformat()
        return dt.date(int(year), 12 if end else 1, 31 if end else 1).isoformat()
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error})") from None


@dataclass(frozen=True)
class Selection:
    """What to work on. Dates are inclusive ISO bounds; `ids` (from stdin) fix the order too.

    `ids` maps each id read from stdin to the line it stood on, for error messages.
    """

    since: str | None = None
    until: str | None = None
    id_glob: str | None = None
    ids: Mapping[str, int] | None = None
    excluded: frozenset[str] = frozenset()  # ids left out whatever else selects them (--dedupe)

    @property
    def by_date(self) -> bool:
        return self.since is not None or self.until is not None

    def admits_date(self, date: str | None) -> bool:
        """Undated documents are left out as soon as a date bound is given."""
        if not self.by_date:
            return True
        if date is None:
            return False
        return (self.since is None or date >= self.since) and (self.until is None or date <= self.until)

    def pick(self, files: Sequence[SourceFile]) -> list[SourceFile]:
        """The files whose ids are selected, in id order or in the order of `ids`."""
        if self.ids is not None:
            by_id = {source.id: source for source in files}
            for doc_id, line in self.ids.items():
                if doc_id not in by_id:
                    raise CorpusError(f"stdin line {line}: no document {doc_id!r} in this corpus (check --corpus)")
            files = [by_id[doc_id] for doc_id in self.ids]
        if self.id_glob is not None:
            files = [source for source in files if fnmatchcase(source.id, self.id_glob)]
        if self.excluded:
            files = [source for source in files if source.id not in self.excluded]
        return list(files)


# Most often stdin is some other program's pipe (a `while read` loop): say how to leave it alone.
_STDIN_HINT = "(stdin is read when it is a pipe or a file: add --no-stdin to ignore it)"

# A record on stdin may hold a whole document's text, so lines may be long; past this it is no
# record a corpus command wrote (an endless stream such as /dev/zero), and reading stops.
MAX_RECORD_BYTES = 512 * 1024 * 1024
READ_CHUNK = 1 << 16


def read_ids(stream: IO[bytes]) -> dict[str, int]:
    """The ids of the JSON Lines records on `stream`, each once, in order, with their line numbers.

    Blank lines are skipped; a line that is not a JSON object with a string ``id`` is a
    `CorpusError` naming the line.
    """
    ids: dict[str, int] = {}
    for number, raw in enumerate(_lines(stream), start=1):
        line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")  # PowerShell writes a BOM
        if not line:
            continue
        if line.startswith("["):
            raise CorpusError(
                f"stdin line {number}: a JSON array, as --format json prints; commands read JSON Lines, a record a line: "
                "give the command before them --format jsonl (the default in a pipe)"
            )
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(
                f"stdin line {number}: not a JSON record ({error.msg}); expected JSON Lines with an id {_STDIN_HINT}"
            ) from None
        except (ValueError, RecursionError) as error:  # a number of thousands of digits; nesting past the limit
            why = "nested too deeply" if isinstance(error, RecursionError) else str(error).split(";")[0]
            raise CorpusError(f"stdin line {number}: not a record a corpus command wrote ({why})") from None
        doc_id = record.get("id") if isinstance(record, dict) else None
        if not isinstance(doc_id, str):
            raise CorpusError(f'stdin line {number}: record has no string "id"; expected JSON Lines from a corpus command {_STDIN_HINT}')
        ids.setdefault(doc_id, number)
    return ids


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The lines of `stream`, read a chunk at a time: a line that does not start as JSON does is
    refused at its first chunk, and none may pass `MAX_RECORD_BYTES`."""
    number = 0
    while True:
        number += 1
        line = stream.readline(READ_CHUNK)
        if not line:
            return
        if not line.endswith(b"\n"):
            start = line.lstrip(b" \t\r\xef\xbb\xbf")
            if start and not start.startswith(b"{"):
                raise CorpusError(f"stdin line {number}: not a JSON record; expected JSON Lines with an id {_STDIN_HINT}")
            pieces = [line]
            size = len(line)
            while not pieces[-1].endswith(b"\n"):
                piece = stream.readline(READ_CHUNK)
                if not piece:
                    break
                pieces.append(piece)
                size += len(piece)
                if size > MAX_RECORD_BYTES:
                    raise CorpusError(f"stdin line {number}: over {MAX_RECORD_BYTES >> 20} MB; not a record a corpus command wrote")
            line = b"".join(pieces)
        yield line


def ids_by_path(ids: Sequence[str]) -> list[str]:
    """The ids of files addressed by their path (their name is shared by another file)."""
    return [doc_id for doc_id in ids if "/" in doc_id]


def resolve_id(wanted: str, ids: Sequence[str], by_path: Sequence[str] | None = None) -> str | None:
    """The id `wanted` names: itself, or the one id it is a prefix of (`ids` sorted), counting the
    ids by path (files whose name another file shares) whose file name it is a prefix of. Give
    `by_path`, those ids, when resolving many: finding them goes through every id.

    None when nothing matches; a `CorpusError` listing the candidates when several do.
    """
    position = bisect.bisect_left(ids, wanted)
    if position < len(ids) and ids[position] == wanted:
        return wanted
    candidates = []
    for doc_id in ids[position:]:
        if not doc_id.startswith(wanted):
            break
        candidates.append(doc_id)
    if "/" not in wanted:
        # A file name folders share is no id (each such file is addressed by its path), but a user
        # names a file so: the name (or its prefix) names each of them too.
        shared = ids_by_path(ids) if by_path is None else by_path
        candidates += [doc_id for doc_id in shared if doc_id.rpartition("/")[2].startswith(wanted)]
        candidates = list(dict.fromkeys(candidates))
    if len(candidates) > 1:
        shown = ", ".join(candidates[:10]) + (f" and {len(candidates) - 10} more" if len(candidates) > 10 else "")
        raise CorpusError(f"id prefix {wanted!r} is ambiguous: {shown}")
    return candidates[0] if candidates else None
