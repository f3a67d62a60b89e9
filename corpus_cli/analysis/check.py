"""The validations behind `corpus check`: what is wrong with a corpus, one finding at a time.

A finding names the check that found it, how bad it is, the document and file, and says what is
wrong in a sentence. Errors are what makes a document unusable or the corpus ambiguous
(unreadable or binary files, impossible dates, duplicates, ids that clash, corpus.yaml entries
that name no file); warnings are what is usable but suspect (a fallback encoding, no date, an
empty document, a name not in the ``NNN_<hex>.txt`` shape). No I/O but reading the corpus.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from corpus_cli.analysis.dupes import Pair
from corpus_cli.source.config import Corpus
from corpus_cli.source.decode import BinaryFile
from corpus_cli.source.discover import discover
from corpus_cli.source.files import SourceFile
from corpus_cli.source.read import document_from_bytes

FIELDS = ("check", "severity", "id", "path", "message")
CHECKS = ("file", "decode", "empty", "date", "duplicate", "name", "id", "config", "near-duplicate")
NAME = re.compile(r"\d{3,}_[0-9a-f]+\.txt")
DATE_WARNING = "header date "  # how the parser's warnings about a date header begin
# discover() already says when two files share a stem; check reports that per file instead.
SHARED_STEM = re.compile(r"\d+ file name\(s\) are used by more than one file; .*")


@dataclass(frozen=True)
class Finding:
    """One problem found: a record for `jq` to filter, in the order of FIELDS."""

    check: str  # one of CHECKS
    severity: str  # "error" or "warning"
    id: str | None
    path: str | None
    message: str

    def record(self) -> dict[str, Any]:
        return asdict(self)


def check_corpus(corpus: Corpus, skip: Collection[str] = ()) -> Iterator[Finding]:
    """Every finding for `corpus`, the checks in `skip` left out, in a stable order.

    First what discovery found (links, unreadable folders, non-regular files), then each
    document in id order, then the corpus.yaml entries.
    """
    found: list[Finding] = []
    files = discover(corpus, lambda message: found.append(_discovery_finding(message)))
    found += _id_clashes(files)
    yield from (finding for finding in found if finding.check not in skip)
    first_with_hash: dict[bytes, str] = {}
    for source in files:
        for finding in _check_file(corpus, source, first_with_hash):
            if finding.check not in skip:
                yield finding
    if "config" not in skip:
        yield from _config_entries(corpus, {source.id for source in files})


def _discovery_finding(message: str) -> Finding:
    check = "id" if SHARED_STEM.fullmatch(message) else "file"
    return Finding(check, "warning", None, None, message)


def _id_clashes(files: list[SourceFile]) -> list[Finding]:
    """Ids that only differ in case (one file on macOS or Windows), and stems shared by several files."""
    by_folded: dict[str, list[str]] = defaultdict(list)
    for source in files:
        by_folded[source.id.casefold()].append(source.id)
    by_id = {source.id: source for source in files}
    findings = []
    for ids in by_folded.values():
        if len(ids) > 1:
            for doc_id in ids:
                others = ", ".join(other for other in ids if other != doc_id)
                message = f"id differs from {others} only in case; one file where case is ignored (macOS, Windows)"
                findings.append(Finding("id", "error", doc_id, by_id[doc_id].path, message))
    for source in files:
        if source.id != Path(source.path).stem:
            message = f"another file is named {Path(source.path).name}; this one is addressed by its path, {source.id!r}"
            findings.append(Finding("id", "error", source.id, source.path, message))
    findings.sort(key=lambda finding: (finding.id or "", finding.message))
    return findings


def _check_file(corpus: Corpus, source: SourceFile, first_with_hash: dict[bytes, str]) -> Iterator[Finding]:
    """The findings for one file; `first_with_hash` remembers contents seen so far (for duplicates)."""

    def finding(check: str, severity: str, message: str) -> Finding:
        return Finding(check, severity, source.id, source.path, message)

    if not NAME.fullmatch(Path(source.path).name):
        yield finding("name", "warning", "file name does not follow NNN_<hex>.txt")
    try:
        data = source.read_bytes()
    except OSError as error:
        yield finding("file", "error", f"cannot read: {error.strerror or error}")
        return
    digest = hashlib.sha256(data).digest()
    if digest in first_with_hash:
        yield finding("duplicate", "error", f"same content as {first_with_hash[digest]} (sha256 {digest.hex()[:16]})")
    else:
        first_with_hash[digest] = source.id
    try:
        document = document_from_bytes(corpus, source, data)
    except BinaryFile as error:
        yield finding("decode", "error", f"{error}; every command skips it")
        return
    if document.decode_warning:
        yield finding("decode", "warning", document.decode_warning)
    for message in document.article.warnings:
        if message.startswith(DATE_WARNING):
            yield finding("date", "error", message)
        else:
            yield finding("empty", "warning", message)
    if document.date is None and not _warned_date(document.article.warnings):
        yield finding("date", "warning", "no date: no ' date YYYY-MM-DD ' header and none in corpus.yaml")


def _warned_date(warnings: tuple[str, ...]) -> bool:
    return any(message.startswith(DATE_WARNING) for message in warnings)


def _config_entries(corpus: Corpus, ids: set[str]) -> Iterator[Finding]:
    """corpus.yaml entries whose id names no document."""
    if corpus.config is None:
        return
    for doc_id in sorted(set(corpus.metadata) - ids):
        message = f"corpus.yaml has an entry for {doc_id!r} but no document has that id"
        yield Finding("config", "error", doc_id, str(corpus.config), message)


def near_duplicate_findings(pairs: Iterable[Pair], paths: Mapping[str, str]) -> list[Finding]:
    """A warning on the second document of each near-duplicate pair (as `duplicate` marks the
    second of two identical files), in id order."""
    findings = [
        Finding(
            "near-duplicate",
            "warning",
            pair.b,
            paths.get(pair.b),
            f"near-duplicate of {pair.a}: Jaccard {pair.jaccard:.3f} of their 5-word shingles (see corpus dupes)",
        )
        for pair in pairs
    ]
    return sorted(findings, key=lambda finding: (finding.id or "", finding.message))
