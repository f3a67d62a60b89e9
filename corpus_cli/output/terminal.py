"""Where output goes: stdout as bytes, whether it is a terminal, colour, width, and the default format.

Everything goes to stdout as UTF-8 bytes, whatever the locale says, so a document with non-ASCII
text prints the same under ``LC_ALL=C`` as anywhere else.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any


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
    import shutil  # here: 3 ms of every command's start, for the few that ask the width

    return shutil.get_terminal_size((100, 24)).columns


def default_format(text_view: bool = False) -> str:
    """A table (or text) on a terminal, JSON Lines for a pipe or a file."""
    if is_terminal():
        return "text" if text_view else "table"
    return "jsonl"


def write_text(text: str, stream: IO[bytes] | None = None) -> None:
    """Write text as UTF-8 (lone surrogates become U+FFFD rather than an exception)."""
    (stream if stream is not None else stdout()).write(text.encode("utf-8", errors="replace"))


def write_bytes(data: bytes, stream: IO[bytes] | None = None) -> None:
    """Write bytes exactly as they are (``show --raw``)."""
    target = stream if stream is not None else stdout()
    target.write(data)
    target.flush()
