"""Where a corpus's index lives: ``.corpus/index.sqlite`` in the corpus folder when that folder is
writable (and not the seeds bundled with the tool), else under the user's cache folder
(``$XDG_CACHE_HOME/corpus/``), named after the corpus folder's real path, so the bundled seeds and
read-only corpora can be indexed too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from corpus_cli.errors import CorpusError
from corpus_cli.source.locate import bundled_seeds
from corpus_cli.source.user_cache import named_after, user_cache_folder

INDEX_FOLDER = ".corpus"  # hidden, so discovery skips it
INDEX_NAME = "index.sqlite"


def writable(folder: Path) -> bool:
    """Whether files can be made in `folder` by this user."""
    return os.access(folder, os.W_OK | os.X_OK)


def _may_hold_index(root: Path) -> bool:
    """Whether the index may go in the corpus folder: when it is writable, and is not the seeds
    bundled with the tool (an installed package's folder is no place for a user's files)."""
    return writable(root) and os.path.realpath(root) != os.path.realpath(bundled_seeds())


def not_a_folder(path: Path) -> Path:
    """`path`, unless a folder sits in the index file's place: then one clear error, since
    building over it or dropping it would fail half-way (a folder the tool did not make is
    never removed)."""
    if path.is_dir():
        raise CorpusError(f"{path} is a folder, where the index file belongs; move it away (corpus removes no folder it did not make)")
    return path


def in_corpus(root: Path) -> Path:
    return root / INDEX_FOLDER / INDEX_NAME


def in_cache(root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """The index's place in the user's cache: one folder per corpus, keyed by its real path; None
    without a cache folder."""
    cache = user_cache_folder(environ)
    if cache is None:
        return None
    return cache / f"{Path(os.path.realpath(root)).name or 'root'}-{named_after(root)}" / INDEX_NAME


def existing(root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """The index file of the corpus at `root`, wherever it is; None when there is none (every
    command asks: the cache is looked into only when it has a folder for indexes)."""
    local = in_corpus(root)
    if local.is_file():
        return local
    cache = user_cache_folder(environ)
    cached = in_cache(root, environ) if cache is not None and cache.is_dir() else None
    return cached if cached is not None and cached.is_file() else None


def in_use(root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """`existing`, when this user owns it: what commands answer from. An index holds what its
    owner's reads found; another user may not read every file it holds (a file of mode 600, a
    folder of 700), and a scan would leave those out, so another user's commands read the files."""
    found = existing(root, environ)
    return found if found is not None and owned(found) else None


def owned(path: Path) -> bool:
    """Whether this process's user owns `path` (always, where there are no user ids)."""
    try:
        return not hasattr(os, "geteuid") or path.stat().st_uid == os.geteuid()
    except OSError:
        return False


def planned(root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where `for_writing` would put the index, without making any folder."""
    found = existing(root, environ)
    if found is not None:
        return found
    folder = in_corpus(root).parent
    if _may_hold_index(root) and writable(folder if folder.is_dir() else root):
        return in_corpus(root)
    return in_cache(root, environ) or in_corpus(root)


def for_writing(root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where `corpus index` puts a new index: an existing one's place, else the corpus folder when
    it can be written, else the cache. The folder is made here."""
    found = existing(root, environ)
    if found is not None:
        return found
    local = in_corpus(root)
    if _may_hold_index(root):
        try:
            local.parent.mkdir(exist_ok=True)
            if writable(local.parent):
                return not_a_folder(local)
        except OSError:
            pass
    cached = in_cache(root, environ)
    if cached is None:
        raise CorpusError(f"{root} cannot be written, and there is no cache folder for its index (no home folder): set XDG_CACHE_HOME")
    cached.parent.mkdir(parents=True, exist_ok=True)
    return not_a_folder(cached)
