"""Discovery spread over the cores, with each file's `stat` taken in the same pass: what an
index's freshness check compares with what it holds, without a second walk over the files.

The root's own files are found in this process and stat'ed there when they are few (or when
the survey is `whole`); past `ROOT_FILES_STATED` they are left to the freshness check, which
stats any file the survey did not on every core. Each top-level folder is a task for a worker,
which walks it as `discover` does and stats each file it finds. The folders come back in their
order, so the files, their ids and the warnings are exactly `discover`'s. At 93,646 files,
finding the files and then stat'ing them on both cores took three passes (a serial walk, the
workers' start, their stat calls); here the walk and the stat calls share the workers, and the
parent only merges.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from corpus_cli.errors import CorpusError
from corpus_cli.run.parallel import available_cores, ordered_map
from corpus_cli.source.config import Corpus
from corpus_cli.source.discover import collection_paused, documents_below, documents_in, source_files_of
from corpus_cli.source.files import SourceFile, Warn

# What `stat` says of a file's version, in the order the index's freshness check compares:
# size, mtime_ns, inode, ctime_ns; None when the file cannot be stat'ed.
Signature = tuple[int, int, int, int]
Signatures = dict[str, Signature | None]  # by path; a path missing was not stat'ed
Found = tuple[str, str, str]  # a file as discovery finds it: stem, relative path, location


@dataclass
class Survey:
    """What a survey found: the files (as `discover` gives them); the `Signature` of each file it
    stat'ed, by path, except in the `fresh` folders, whose files all matched their stamp (see
    index/stamps.py; "" is the root, whose files are stat'ed when they are few, or all in a
    `whole` survey); whether every folder did, with none stamped missing: nothing changed."""

    files: list[SourceFile]
    signatures: Signatures
    fresh: frozenset[str]
    unchanged: bool
    # The top-level folders whose entries the index's check must read: those with files that
    # did not match their stamp, those stamped that are gone, and the root when it has files
    # (its own files have signatures whatever its stamp says, and are compared one by one).
    unvouched: frozenset[str] = frozenset()
    # Whether the walk saw a symbolic link (whatever discovery made of it), or a file with another
    # name (a hard link): what a link leads to, or a file written through its other name, can
    # change with nothing in the corpus's folders changing (see index/watched.py).
    linked: bool = False


class _Folder(NamedTuple):
    """A worker's report on one top-level folder. Its files come as two strings, the stems and the
    paths each joined by newlines, when each file is where its path says (no link) and no name
    holds a newline (`plain`): a tenth of the time of sending the tuples, on both sides."""

    plain: tuple[str, str] | None
    found: list[Found]  # the files, when they are not plain
    warnings: list[str]
    signatures: list[Signature | None] | None  # None when they matched the folder's stamp
    stamped: bool  # its files matched its stamp
    linked: bool  # a symbolic link, or a file with another name, was seen below it


ROOT_FILES_STATED = 1000  # more files than this in the root itself: the freshness check stats them on every core


def survey(
    corpus: Corpus, warn: Warn, processes: int | None = None, stamps: Mapping[str, str] | None = None, *, whole: bool = False
) -> Survey:
    """`discover`'s files with their signatures, the top-level folders walked on `processes`
    workers (default: one per core), each folder's files compared with its stamp in `stamps`.
    `whole`: the root's own files are stat'ed however many they are, so that `unchanged` can be
    told of any corpus (a watcher's vouching needs it; see index/watched.py)."""
    root = corpus.root
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    top, real_root = os.fspath(root), root.resolve()
    base = os.path.join(top, "")  # a location is base + relative path, unless it is a link's target
    found: list[Found] = []
    signatures: Signatures = {}
    with collection_paused():
        links: list[str] = []
        folders = [(os.path.join(top, name), f"{name}/") for name in documents_in(top, "", real_root, warn, found, links)]
        linked = bool(links)
        with_files, matched = ({""} if found else set()), set()
        if found and (whole or len(found) <= ROOT_FILES_STATED):
            root_signatures, named_again = _signatures(found)
            linked = linked or named_again
            signatures.update(zip(map(itemgetter(1), found), root_signatures))
            if stamps is not None and _matches(found, root_signatures, stamps.get("")):
                matched.add("")
        stems, paths, locations = (list(column) for column in zip(*found)) if found else ([], [], [])
        processes = max(1, min(processes or available_cores(), len(folders)))
        task = functools.partial(_survey_folder, real_root, base, stamps or {})
        for (_, prefix), report in zip(folders, ordered_map(task, folders, processes=processes)):
            for message in report.warnings:
                warn(message)
            linked = linked or report.linked
            if report.plain is not None:
                part_paths = report.plain[1].split("\n")
                stems += report.plain[0].split("\n")
                locations += [base + path for path in part_paths]
            elif report.found:
                stems += [stem for stem, _, _ in report.found]
                part_paths = [path for _, path, _ in report.found]
                locations += [location for _, _, location in report.found]
            else:
                continue  # no files below it
            paths += part_paths
            with_files.add(prefix[:-1])
            if report.signatures is not None:
                signatures.update(zip(part_paths, report.signatures))
            if report.stamped:
                matched.add(prefix[:-1])
        # Every folder with files matched its stamp, and no stamp is left over (a folder emptied or gone)
        unchanged = stamps is not None and matched == with_files == stamps.keys()
        files = source_files_of(stems, paths, locations, max_mb=corpus.max_document_mb, warn=warn)
        unvouched = ((with_files | (stamps or {}).keys()) - matched) | (with_files & {""})
        return Survey(files, signatures, frozenset(matched), unchanged, frozenset(unvouched), linked)


def _survey_folder(real_root: Path, base: str, stamps: Mapping[str, str], folder: tuple[str, str]) -> _Folder:
    """The files found below `folder` (with its relative prefix), the warnings the walk gave, each
    file's signature (a link's is its target's, which is what a read opens) unless they match
    the folder's stamp."""
    found: list[Found] = []
    warnings: list[str] = []
    links: list[str] = []
    documents_below(*folder, real_root, warnings.append, found, links=links)
    signatures, named_again = _signatures(found)
    linked = bool(links) or named_again
    stamped = bool(found) and _matches(found, signatures, stamps.get(folder[1][:-1]))
    paths = [path for _, path, _ in found]
    joined = "\n".join(paths)
    if joined.count("\n") == len(paths) - 1 and all(location == base + path for _, path, location in found):
        plain = ("\n".join(stem for stem, _, _ in found), joined)
        return _Folder(plain, [], warnings, None if stamped else signatures, stamped, linked)
    return _Folder(None, found, warnings, None if stamped else signatures, stamped, linked)


def _signatures(found: list[Found]) -> tuple[list[Signature | None], bool]:
    """Each file's `Signature` (None when it cannot be stat'ed), and whether any has another name."""
    stat = os.stat
    signatures: list[Signature | None] = []
    named_again = False
    for _, _, location in found:
        try:
            status = stat(location)
        except OSError:
            signatures.append(None)  # reading it will report why
            continue
        signatures.append((status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns))
        named_again = named_again or status.st_nlink > 1
    return signatures, named_again


def _matches(found: list[Found], signatures: list[Signature | None], expected: str | None) -> bool:
    if expected is None or None in signatures:
        return False
    return stamp(zip(map(itemgetter(1), found), signatures)) == expected  # type: ignore[arg-type]


def folder_of(path: str) -> str:
    """The top-level folder of a relative path ("" for a file in the root): what a stamp covers."""
    return path.partition("/")[0] if "/" in path else ""


def stamp(files: Iterable[tuple[str, Signature]]) -> str:
    """The digest of (path, signature) pairs, whatever their order: a folder's stamp (see
    index/stamps.py, which makes the same digest of the entries). The numbers are digested as
    packed 64-bit ints: formatting them as text took most of a survey's time after `stat`."""
    ordered = sorted(files)
    digest = hashlib.blake2b("\0".join(path for path, _ in ordered).encode("utf-8", "surrogateescape"), digest_size=16)
    try:
        digest.update(array("q", itertools.chain.from_iterable(signature for _, signature in ordered)).tobytes())
    except OverflowError:  # an inode number past 2**63 (some network file systems)
        digest.update(repr([signature for _, signature in ordered]).encode())
    return digest.hexdigest()
