"""Reading a small file a user names as input (a stopword list, term families, corpus.yaml): at
most a limit, so `/dev/zero` or a corpus named by mistake is one error line, not a run that eats
memory for ever."""

from __future__ import annotations

from pathlib import Path

from corpus_cli.errors import CorpusError

# Far beyond any real list or corpus.yaml (40,000 documents' metadata is about 4 MB).
NAMED_FILE_LIMIT = 64 * 1024 * 1024


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
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: {what} is not UTF-8 text") from None
