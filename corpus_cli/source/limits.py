"""Read limits: on a small file a user names as input (a stopword list, term families,
corpus.yaml), so `/dev/zero` or a corpus named by mistake is one error line, not a run that eats
memory for ever; and the size of one document, past which a file is skipped with a warning
(a document is read, decoded and parsed whole, at several times its size in memory)."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus_cli.errors import CorpusError

# Far beyond any real list or corpus.yaml (40,000 documents' metadata is about 4 MB).
NAMED_FILE_LIMIT = 64 * 1024 * 1024

MB = 1 << 20  # the MB of --max-document-mb and of the messages
# A news article is a few kilobytes and a long book a few megabytes: a larger "document" is a
# dump, a log or a file put in the corpus by mistake. At this size every command stays within
# about 150 MB (bench/fault_bench.py); --max-document-mb or max_document_mb: in corpus.yaml raise it.
DEFAULT_MAX_DOCUMENT_MB = 10.0


def document_limit(megabytes: float) -> int:
    """The largest document, in bytes, that `megabytes` allows (any size past what a file can
    hold is no limit at all: `int` of an infinite product would raise)."""
    return int(megabytes * MB) if megabytes * MB < sys.maxsize else sys.maxsize


def describe_megabytes(size: int) -> str:
    """A size in the words of a message: "12.5 MB", "0.001 MB"."""
    return f"{size / MB:.{1 if size >= MB else 3}f} MB"


def read_named_text(path: Path, what: str, limit: int = NAMED_FILE_LIMIT) -> str:
    """The UTF-8 text of `path`; a `CorpusError` naming it when it is larger than `limit` bytes,
    is not UTF-8, or cannot be read. `what` says what the file should be, for the message."""
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise CorpusError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise CorpusError(f"{path}: over {limit >> 20} MB, too large for a {what}")
    try:
        return data.decode("utf-8-sig")  # a byte-order mark (as some editors write) is not text
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: {what} is not UTF-8 text") from None
