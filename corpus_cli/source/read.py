"""Read one document file: bytes, decoded text and parsed document, with the warnings every command
reports the same way (a file that cannot be read, a binary file).
"""

from __future__ import annotations

from typing import NamedTuple

from corpus_cli.source.config import Corpus
from corpus_cli.source.decode import BinaryFile, Decoded, decode
from corpus_cli.source.files import SourceFile, Warn
from corpus_cli.text.document import Document, Metadata
from corpus_cli.text.parser import parse


class DecodedFile(NamedTuple):
    """A file's bytes and their decoded text (grep searches the bytes where it can)."""

    data: bytes
    decoded: Decoded


def read_decoded(source: SourceFile, warn: Warn, data: bytes | None = None) -> DecodedFile | None:
    """Read and decode one file (or decode its `data`, read already); None (with a warning) when
    it cannot be read or is binary.

    Every command reads a document through here, so a file is skipped with the same words by all.
    """
    try:
        data = source.read_bytes() if data is None else data
    except OSError as error:
        warn(f"{source.path}: cannot read: {error.strerror or error}")
        return None
    try:
        return DecodedFile(data, decode(data))
    except BinaryFile as error:
        warn(f"{source.path}: {error}; skipped")
        return None


def read_document(corpus: Corpus, source: SourceFile, warn: Warn) -> Document | None:
    """Read, decode and parse one file; None (with a warning) when it cannot be read or is binary."""
    read = read_decoded(source, warn)
    if read is None:
        return None
    decoded = read.decoded
    del read  # the bytes: a large document's would stay in memory while its text is parsed
    document = document_from_decoded(corpus, source, decoded)
    for message in document.warnings:
        warn(f"{source.path}: {message}")
    return document


def document_from_bytes(corpus: Corpus, source: SourceFile, data: bytes) -> Document:
    """The document a file's bytes hold, its warnings inside it; `BinaryFile` for binary data."""
    return document_from_decoded(corpus, source, decode(data))


def document_from_decoded(corpus: Corpus, source: SourceFile, decoded: Decoded) -> Document:
    """The document of a decoded file, its warnings inside it."""
    return Document(
        id=source.id,
        path=source.path,
        encoding=decoded.encoding,
        article=parse(decoded.text),
        metadata=corpus.metadata.get(source.id, Metadata()),
        decode_warning=decoded.warning,
    )
