"""Decoding: BOMs, UTF-16, the Windows-1252 fallback, binary detection."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus_cli.source.decode import BinaryFile, decode


def test_plain_utf8():
    decoded = decode("café — ICE’s".encode())
    assert (decoded.text, decoded.encoding, decoded.warning) == ("café — ICE’s", "utf-8", None)


def test_utf8_bom_is_removed():
    decoded = decode(codecs.BOM_UTF8 + b" date 2024-01-05 x")
    assert (decoded.text, decoded.encoding) == (" date 2024-01-05 x", "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_its_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    decoded = decode(bom + " date 2024-01-05 Zoë".encode(codec))
    assert (decoded.text, decoded.encoding, decoded.warning) == (" date 2024-01-05 Zoë", codec, None)


def test_invalid_utf8_falls_back_to_windows_1252_with_a_warning():
    decoded = decode("naïve “quotes”".encode("cp1252"))
    assert decoded.text == "naïve “quotes”"
    assert decoded.encoding == "windows-1252"
    assert decoded.warning == "invalid UTF-8 at byte 2; decoded as Windows-1252"


def test_bytes_undefined_in_windows_1252_are_kept_as_latin_1():
    assert decode(b"a\x81b\x9dc").text == "a\x81b\x9dc"


def test_nul_in_the_first_8kb_is_binary():
    with pytest.raises(BinaryFile):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_nul_after_8kb_is_text():
    assert decode(b"a" * 8192 + b"\x00b").text.endswith("\x00b")


@given(st.text())
def test_utf8_round_trips(text):
    data = text.encode("utf-8")
    if b"\x00" in data[:8192]:
        return
    # A text that starts with U+FEFF starts with the UTF-8 byte-order mark, which decoding removes.
    assert decode(data).text == text.removeprefix("\ufeff")


@given(st.binary())
def test_decode_never_fails_but_on_binary(data):
    try:
        decoded = decode(data)
    except BinaryFile:
        assert b"\x00" in data[:8192]
    else:
        assert isinstance(decoded.text, str)


def test_a_utf8_bom_does_not_hide_a_binary_file():
    with pytest.raises(BinaryFile):
        decode(codecs.BOM_UTF8 + b"abc\x00def")


def test_offsets_in_warnings_count_the_bom():
    decoded = decode(codecs.BOM_UTF8 + b"ab\xffc")
    assert (decoded.text, decoded.encoding) == ("abÿc", "windows-1252")
    assert decoded.warning == "invalid UTF-8 at byte 5; decoded as Windows-1252"
