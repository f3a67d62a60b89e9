"""Discovery: every ``.txt`` file below a corpus root, with its id.

Hidden files and folders are skipped, as ripgrep does; symbolic links are followed only inside the
corpus; two files with one stem are addressed by their paths.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice, repeat
from operator import attrgetter, itemgetter, lt
from pathlib import Path

from corpus_cli.errors import CorpusError
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile, Warn


def discover(corpus: Corpus, warn: Warn, on_folder: Callable[[list[tuple[str, str, str]]], None] | None = None) -> list[SourceFile]:
    """Every document file below the root, sorted by id.

    Hidden files and folders are skipped, as ripgrep does. A symbolic link is followed only to a
    file inside the corpus; a broken one, or one that leads outside, is reported and skipped.
    Two files with the same stem are both addressed by their relative path instead.
    `on_folder`, when given, is called with the files found so far after each folder's own files
    ((stem, relative path, location) each, in the order found; the list only grows).
    """
    root = corpus.root
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    found: list[tuple[str, str, str]] = []
    with collection_paused():
        documents_below(os.fspath(root), "", root.resolve(), warn, found, on_folder)
        return source_files(found, corpus.max_document_mb, warn)


@contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic garbage collector held off for a block that makes many objects and no cycles:
    each 700 new tuples set it walking the young ones, and at 93,646 files that was a third of
    discovery's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def source_files(found: list[tuple[str, str, str]], max_mb: float, warn: Warn) -> list[SourceFile]:
    """The files `found` ((stem, relative path, location) each) as SourceFiles with the corpus's
    limit for one document, sorted by id."""
    return source_files_of(*zip(*found), max_mb=max_mb, warn=warn) if found else []


def source_files_of(stems: Sequence[str], paths: Sequence[str], locations: Sequence[str], *, max_mb: float, warn: Warn) -> list[SourceFile]:
    """`source_files` of the files given as columns (the survey gathers them so)."""
    if all(map(lt, stems, islice(stems, 1, None))):
        # The common case: every stem its own (the id), found in order already (discovery goes
        # through folders by name): made in one pass, with neither a set of the stems nor a sort
        # (they took 6 of its 14 ms at 18,726 files; the files are waited for by every command),
        # by tuple.__new__ from the zipped columns, all in C (the named tuple's constructor is a
        # Python call a file: 19 ms against 11 at 93,646 files).
        count = len(stems)
        return list(map(tuple.__new__, repeat(SourceFile, count), zip(stems, paths, locations, repeat(max_mb, count))))
    return _sorted_by_id(list(zip(stems, paths, locations)), max_mb, warn)


def _sorted_by_id(found: list[tuple[str, str, str]], max_mb: float, warn: Warn) -> list[SourceFile]:
    """`source_files` when the stems are not unique and in order already."""
    stems = [stem for stem, _, _ in found]
    if len(set(stems)) == len(found):
        # Every stem its own, out of order: sorted as tuples, made in one pass (a third of
        # discovery's time at 100,000 files went to sorting objects and naming each file again).
        found.sort()
        return list(map(SourceFile, *zip(*found), repeat(max_mb, len(found))))
    counts = Counter(stem for stem, _, _ in found)
    # The stem is the id unless another file shares it (the SourceFile's fields in order: id, path, location).
    files = [
        SourceFile(stem if counts[stem] == 1 else _path_id(relative), relative, location, max_mb) for stem, relative, location in found
    ]
    if len(counts) < len(found):
        shared = [source.id for source, (stem, _, _) in zip(files, found) if counts[stem] > 1]
        names = sum(1 for count in counts.values() if count > 1)
        addressed = f"those {len(shared)} files are addressed by their paths (e.g. {shared[0]})"
        warn(f"{names} file name(s) are used by more than one file; {addressed}")
    return sorted(files, key=itemgetter(0))  # by id


def documents_below(
    folder: str,
    prefix: str,
    real_root: Path,
    warn: Warn,
    found: list[tuple[str, str, str]],
    on_folder: Callable[[list[tuple[str, str, str]]], None] | None = None,
    links: list[str] | None = None,
) -> None:
    """Add (stem, relative path, location) of the document files in `folder`, then in its sub-folders,
    by name, to `found`.

    `os.scandir` tells file from folder and link without a system call per file, and each
    location shares its folder's path parts: at 100,000 files this halves discovery's time and
    memory against `os.walk` with a `Path` built per name. A regular file, the common case, is
    settled by one test; discovery runs before any worker starts, so its time is all waited for.
    Folders wait on a stack rather than in recursive calls, so no depth of nesting runs into
    Python's recursion limit. `links`, when given, gets the relative name of every symbolic
    link seen, whatever discovery made of it.
    """
    stack = [(folder, prefix)]
    while stack:
        folder, prefix = stack.pop()
        subfolders = documents_in(folder, prefix, real_root, warn, found, links)
        if on_folder is not None:
            on_folder(found)
        stack.extend((os.path.join(folder, name), f"{prefix}{name}/") for name in reversed(subfolders))


def documents_in(
    folder: str, prefix: str, real_root: Path, warn: Warn, found: list[tuple[str, str, str]], links: list[str] | None = None
) -> list[str]:
    """Add the document files in `folder` itself to `found`; return its sub-folders' names, sorted
    (and add each symbolic link's relative name to `links`, when given)."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=attrgetter("name"))
    except OSError as error:
        warn(f"{error.filename}: cannot read folder: {error.strerror}")
        return []
    subfolders = []
    for entry in entries:
        name = entry.name
        if entry.is_file(follow_symlinks=False):  # a regular file, not a link
            if name.lower().endswith(".txt"):
                named = prefix + name
                if named.isascii():
                    found.append((name[:-4], named, entry.path))
                elif (relative := _utf8_name(named, warn)) is not None:
                    found.append((_stem(relative), relative, entry.path))
        elif entry.is_dir(follow_symlinks=False):
            subfolders.append(name)
        else:
            _other_entry(entry, prefix, real_root, warn, found, links)
    return subfolders


def _other_entry(
    entry: os.DirEntry[str], prefix: str, real_root: Path, warn: Warn, found: list[tuple[str, str, str]], links: list[str] | None
) -> None:
    """`documents_in` for an entry that is neither a regular file nor a folder: a link, a FIFO, a device."""
    name = entry.name
    if links is not None and entry.is_symlink():
        links.append(prefix + name)
    if entry.is_symlink() and _is_dir(entry):
        warn(f"{prefix}{name}: symbolic link to a folder, not followed")
    elif name.lower().endswith(".txt"):
        named = prefix + name
        relative = named if named.isascii() else _utf8_name(named, warn)
        if relative is None:
            return
        location = entry.path
        if entry.is_symlink():
            # Read through the link's target, resolved now: the read refuses links.
            target = _safe_link(Path(entry.path), real_root, relative, warn)
            if target is None:
                return
            location = target
        if entry.is_file():
            found.append((_stem(relative), relative, location))
        else:  # a FIFO or a device named *.txt would block or never end when read
            warn(f"{relative}: not a regular file, skipped")


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def file_stem(relative: str) -> str:
    """The file name without its ".txt" (of any case): what two files may share."""
    return _stem(relative)


def file_id(relative: str, stem_shared: bool) -> str:
    """A document's id: its stem, or its path without ".txt" when another file has the same stem.
    `discover` names files so; the Spark job, which lists files its own way, too."""
    return _path_id(relative) if stem_shared else _stem(relative)


def _path_id(relative: str) -> str:
    """The id of a file whose name another file shares: its path, without a ".txt" written so
    (b.txt and b.TXT in one folder stay apart)."""
    return relative[: -len(".txt")] if relative.endswith(".txt") else relative


def _stem(relative: str) -> str:
    return relative.rpartition("/")[2][: -len(".txt")]


def _utf8_name(relative: str, warn: Warn) -> str | None:
    """The name as UTF-8 text whatever the locale; None (with a warning) when it is not UTF-8.

    Names come from the file system decoded with the locale's encoding (ASCII under ``LC_ALL=C``);
    a name that is not UTF-8 would give an id that no JSON record or command line can name again.
    """
    raw = os.fsencode(relative)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warn(f"{raw.decode('utf-8', errors='backslashreplace')}: file name is not valid UTF-8, skipped (rename the file)")
        return None


def _safe_link(location: Path, real_root: Path, relative: str, warn: Warn) -> str | None:
    """Where a symbolic link leads, when that is inside the corpus; None (with a warning) otherwise."""
    try:
        target = location.resolve(strict=True)
    except (OSError, RuntimeError):
        warn(f"{relative}: broken symbolic link, skipped")
        return None
    if not target.is_relative_to(real_root):
        warn(f"{relative}: symbolic link leads outside the corpus, not followed")
        return None
    return str(target)
