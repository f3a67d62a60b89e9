"""What the index keeps of one file (`Entry`, a row of ``files``), made from the file's bytes, and
turned back into what commands print: the summary record of `list` and the `Counted` of `stats`.

An entry holds what parsing found, not what corpus.yaml says: the metadata (title, date, source,
url, tags, byline, credit) and the id (which depends on the other files' names) are joined in
when a record is made, so editing corpus.yaml or adding a file of the same name never makes an
entry wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, compress, repeat
from typing import Any, NamedTuple

from corpus_cli.analysis.stats import Counted, Tally
from corpus_cli.source.decode import BinaryFile, decode
from corpus_cli.source.files import TooLarge
from corpus_cli.text.document import Metadata, document_date
from corpus_cli.text.parser import parse
from corpus_cli.text.tokens import tokens

# `flags` bits. FOLD_TRAP: a character that Python's re, ignoring case, takes for an ASCII letter but SQLite's case folding
# does not (ı and İ for "i", ſ for "s", the Kelvin sign for "k"): a document holding one is a
# candidate for every case-insensitive pattern, since its trigrams may not show the match.
# UNSEARCHABLE: a NUL in the text, where SQLite's tokenizers may stop: always a candidate.
FOLD_TRAP, UNSEARCHABLE = 1, 2
FOLD_TRAPS = ("ı", "İ", "ſ", "\u212a")

COLUMNS = (
    *("path", "size", "mtime_ns", "ctime_ns", "inode", "hash", "read_ns", "binary", "encoding", "header_date", "title", "credit"),
    *("byline", "lede", "words", "chars", "paragraphs", "warnings", "headline_terms", "flags"),
)

TEXT_COLUMNS = ("title", "byline", "lede")  # only the summary record prints them


class Entry(NamedTuple):
    """One row of ``files``. `binary` holds the reason a file is skipped, binary or over the limit
    for a document (then the parsed fields are None); `warnings` the messages a read reports, as
    JSON; `headline_terms` whether the headline has terms (its terms are then the first line of
    the words row)."""

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int  # changes with chmod too: a file made unreadable is not fresh
    inode: int
    hash: bytes
    read_ns: int
    binary: str | None
    encoding: str | None
    header_date: str | None
    title: str | None
    credit: str | None
    byline: str | None
    lede: str | None
    words: int | None
    chars: int | None
    paragraphs: int | None
    warnings: str | None
    headline_terms: int | None
    flags: int | None


class Counting(NamedTuple):
    """What `stats` reads of an entry (the columns `counted` and `read_warnings` use), with its
    tally's mask (None for a binary file): read for every entry at once, in half the time of
    whole entries."""

    path: str
    rowid: int
    binary: str | None
    header_date: str | None
    credit: str | None
    words: int | None
    chars: int | None
    paragraphs: int | None
    warnings: str | None
    mask: bytes | None


class Listing(NamedTuple):
    """What `list` reads of an entry: the columns `summary` prints, in its order, then those
    `read_warnings` uses. Read for every entry at once, in less time than whole entries."""

    path: str
    header_date: str | None
    title: str | None
    credit: str | None
    byline: str | None
    words: int | None
    chars: int | None
    lede: str | None
    binary: str | None
    warnings: str | None


class Indexed(NamedTuple):
    """An entry and what its other rows are made of (None for a binary file): the terms of the
    headline, and those of each paragraph a line each, words split by spaces; each distinct
    term (space-separated) and how often it is used (an ``array("I")``'s bytes). The counts are
    made by the worker that read the file, compactly: a dict of every term per file, queued,
    tripled the build's memory."""

    entry: Entry
    text: str | None  # the decoded text, for the trigrams
    title_terms: str | None
    body_terms: str | None
    terms: str | None = None
    uses: bytes | None = None

    def segments(self) -> list[list[str]]:
        """The terms of the headline and of each paragraph (the `Counted.segments` of stats)."""
        lines = ([self.title_terms] if self.title_terms else []) + (self.body_terms.split("\n") if self.body_terms else [])
        return [line.split(" ") for line in lines]

    def term_uses(self) -> tuple[list[str], list[int]]:
        """The distinct terms and how often each is used."""
        return (self.terms.split(" ") if self.terms else []), array("I", self.uses or b"").tolist()


def stat_identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What a file's `stat` says of its version: size, mtime_ns, ctime_ns, inode."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def content_hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def too_large_file(path: str, stat: os.stat_result, error: TooLarge, read_ns: int) -> Indexed:
    """The entry of a file over the limit for one document, which is not read: kept, as a binary
    file's, with the reason every command skips it, so that the index vouches for it (without an
    entry it was stale for ever, and its folder's stamp never matched). No content hash: a change
    of size or mtime makes it a suspect, looked at again."""
    return Indexed(Entry(path, *stat_identity(stat), b"", read_ns, f"cannot read: {error.reason}", *([None] * 12)), None, None, None)


def index_file(path: str, stat: os.stat_result, data: bytes, read_ns: int) -> Indexed:
    """The entry of a file read at `read_ns` (nanoseconds, taken before `stat`) with these bytes."""
    identity = (path, *stat_identity(stat), content_hash(data), read_ns)
    try:
        decoded = decode(data)
    except BinaryFile as error:
        return Indexed(Entry(*identity, str(error), *([None] * 12)), None, None, None)
    article = parse(decoded.text)
    paragraphs = article.paragraphs  # made anew each time it is read
    texts = ([article.title] if article.title else []) + list(paragraphs)
    segments = [words for text in texts if (words := tokens(text))]
    headline = article.title is not None and bool(segments) and bool(tokens(article.title))
    lines = [" ".join(words) for words in segments]
    warnings = ((decoded.warning,) if decoded.warning else ()) + article.warnings
    entry = Entry(
        *identity,
        None,
        decoded.encoding,
        article.date,
        article.title,
        article.credit,
        article.byline,
        article.lede,
        article.words,
        len(article.text),
        len(paragraphs),
        json.dumps(warnings, ensure_ascii=False),
        int(headline),
        (FOLD_TRAP if any(trap in decoded.text for trap in FOLD_TRAPS) else 0) | (UNSEARCHABLE if "\0" in decoded.text else 0),
    )
    title_terms = lines[0] if headline else ""
    body_terms = "\n".join(lines[1:] if headline else lines)
    counts = Counter(chain.from_iterable(segments))
    terms, uses = " ".join(counts), array("I", counts.values()).tobytes()
    return Indexed(entry, decoded.text.replace("\0", " "), title_terms, body_terms, terms, uses)


def word_texts(entry: Entry, counts: Mapping[str, int]) -> tuple[str, str]:
    """The (title, body) of the ``words`` row of `entry`, whose terms are used `counts` times,
    to delete the row: the terms in another order delete it as exactly (FTS5 keeps no positions
    for a deletion, only the terms and the columns' lengths). `entry` needs its texts."""
    title = tokens(entry.title) if entry.headline_terms and entry.title else []
    body = Counter(counts)
    body.subtract(title)
    return " ".join(title), " ".join(chain.from_iterable(repeat(term, count) for term, count in body.items() if count > 0))


class LazySegments(Sequence[list[str]]):
    """A document's words, made by ``fetch(*arguments)`` the first time they are asked for (most
    of what `stats` asks is answered from the tally, without them). One is made for every document."""

    __slots__ = ("_arguments", "_fetch", "_segments")

    def __init__(self, fetch: Callable[..., Sequence[list[str]]], *arguments: Any) -> None:
        self._fetch, self._arguments = fetch, arguments
        self._segments: Sequence[list[str]] | None = None

    def _loaded(self) -> Sequence[list[str]]:
        if self._segments is None:
            self._segments = self._fetch(*self._arguments)
        return self._segments

    def __getitem__(self, index: Any) -> Any:
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self._loaded())


def read_warnings(entry: Entry | Counting | Listing) -> list[str]:
    """The warnings reading the file reports, each with its path, as `read_document` words them."""
    return read_warnings_of(entry.path, entry.binary, entry.warnings)


def read_warnings_of(path: str, binary: str | None, warnings: str | None) -> list[str]:
    """`read_warnings` from the columns it reads."""
    if binary is not None:
        return [f"{path}: {binary}; skipped"]
    if not warnings or warnings == "[]":
        return []
    return [f"{path}: {message}" for message in json.loads(warnings)]


def warn_as_read(
    paths: Sequence[str],
    noted: Mapping[str, tuple[str | None, str | None]],
    warn: Callable[[str], None],
    outcome: Mapping[str, Entry | str] | None = None,
) -> None:
    """The warnings reading the files at `paths` gives, in their order: of a file found changed
    (in `outcome`), what reading it said; of any other, what its entry keeps (`noted`, as
    `store.noted` reads the few that keep any). Those few are picked out by calls into C: a loop
    over 93,646 paths took 10 ms."""
    changed = outcome or {}
    saying = noted.keys() | changed.keys()
    if not saying:
        return
    for path in compress(paths, map(saying.__contains__, paths)):
        now = changed.get(path)
        if isinstance(now, str):
            warn(now)
            continue
        binary, warnings = (now.binary, now.warnings) if now is not None else noted[path]
        for message in read_warnings_of(path, binary, warnings):
            warn(message)


def entry_date(entry: Entry | Counting | Listing, metadata: Metadata | None) -> str | None:
    return document_date(metadata, entry.header_date)


_NO_METADATA = Metadata()


def summary(entry: Entry | Listing, doc_id: str, metadata: Metadata | None) -> dict[str, Any]:
    """The record `list` prints, as `Document.summary` makes it (`entry` with its texts)."""
    metadata = metadata or _NO_METADATA
    return {
        "id": doc_id,
        "path": entry.path,
        "date": document_date(metadata, entry.header_date),
        "title": metadata.title or entry.title,
        "credit": metadata.credit or entry.credit,
        "byline": metadata.byline or entry.byline,
        "source": metadata.source,
        "url": metadata.url,
        "tags": list(metadata.tags),
        "words": entry.words,
        "chars": entry.chars,
        "lede": entry.lede,
    }


def counted(entry: Entry | Counting, doc_id: str, metadata: Metadata | None, segments: Sequence[list[str]], tally: Tally | None) -> Counted:
    """What `stats` counts of the document, as `stats.counted` makes it (its fields in order: one
    is made for every document, and naming them costs a third of the making)."""
    return Counted(
        doc_id,
        document_date(metadata, entry.header_date),
        (metadata.credit if metadata is not None else None) or entry.credit,
        entry.words or 0,
        entry.chars or 0,
        entry.paragraphs or 0,
        segments,
        tally,
    )
