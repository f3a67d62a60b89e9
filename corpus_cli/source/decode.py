"""Bytes to text: byte-order marks, UTF-8, UTF-16, a stated Windows-1252 fallback, binary files.

The rules are the contract's: UTF-8 with a byte-order mark removed; UTF-16 when its byte-order
mark says so (UTF-32 too); any other invalid UTF-8 decoded as Windows-1252 with a warning; a NUL byte in the
first 8 KB (and no UTF-16 mark) makes the file binary, and binary files are not decoded at all.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

BINARY_SNIFF_BYTES = 8192

# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
BOM_STARTS = tuple(bom for bom, _ in _BOMS)  # what a file with a byte-order mark starts with


def _cp1252_undefined_as_latin1(error: UnicodeError) -> tuple[str, int]:
    """Decode the five bytes Windows-1252 leaves undefined as Latin-1 does (as browsers do)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return chr(error.object[error.start]), error.start + 1


codecs.register_error("corpus-latin1", _cp1252_undefined_as_latin1)


class Decoded(NamedTuple):
    """The text of a file and how it was obtained (a named tuple: one is made per file read, and a
    frozen dataclass takes three times as long to make)."""

    text: str
    encoding: str  # utf-8, utf-8-sig, utf-16-le, utf-16-be, utf-32-le, utf-32-be, windows-1252
    warning: str | None = None


class BinaryFile(ValueError):
    """The bytes are not text (a NUL byte near the start); the file is skipped."""


def is_binary(data: bytes) -> bool:
    """True when a NUL byte stands in the first 8 KB and no UTF-16 or UTF-32 byte-order mark explains it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return False
    return b"\x00" in data[:BINARY_SNIFF_BYTES]


def decode(data: bytes) -> Decoded:
    """Decode a document's bytes; raise `BinaryFile` for binary data. Never loses a character."""
    marks = _BOMS if data.startswith(BOM_STARTS) else ()  # one test for the common case: no mark
    for bom, encoding in marks:
        if data.startswith(bom):
            body = data[len(bom) :]
            if encoding == "utf-8":
                break  # a UTF-8 file like any other, once its mark is off
            try:
                return Decoded(body.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                text = body.decode(encoding, errors="replace")
                return Decoded(
                    text, encoding, f"invalid {encoding.upper()} at byte {error.start + len(bom)}; bad code units replaced by U+FFFD"
                )
    # One search for a NUL byte (no copy of the first 8 KB): near the start it makes the file binary.
    nul = data.find(b"\x00")
    if 0 <= nul < BINARY_SNIFF_BYTES:
        raise BinaryFile("binary file (NUL byte in the first 8 KB)")
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return _decode_utf8(data, skip, nul)


def _decode_utf8(data: bytes, skip: int, nul: int) -> Decoded:
    """Decode `data` after its first `skip` bytes (a byte-order mark); offsets count from byte 0.
    `nul` is where the first NUL byte is (-1: none)."""
    encoding = "utf-8-sig" if skip else "utf-8"
    body = data[skip:] if skip else data
    try:
        decoded = Decoded(body.decode("utf-8"), encoding)
    except UnicodeDecodeError as error:
        text = body.decode("cp1252", errors="corpus-latin1")
        decoded = Decoded(text, "windows-1252", f"invalid UTF-8 at byte {error.start + skip}; decoded as Windows-1252")
    return decoded if nul < 0 else _note_late_nul(nul, decoded)


def _note_late_nul(position: int, decoded: Decoded) -> Decoded:
    """A NUL byte past the first 8 KB does not make a file binary, but it is said, not kept quiet."""
    note = f"NUL byte at byte {position} (after the first 8 KB); kept as text"
    return Decoded(decoded.text, decoded.encoding, f"{decoded.warning}; {note}" if decoded.warning else note)
