"""The user's cache folder, where the tool keeps what it can make again: the index of a corpus whose
folder cannot be written (index/location.py), and what a large corpus.yaml says
(source/config_cache.py). Each file there is named after the real path of what it is for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def user_cache_folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """This tool's folder in the user's cache: ``$XDG_CACHE_HOME/corpus``, else ``~/.cache/corpus``
    (a relative ``$XDG_CACHE_HOME`` is ignored, as the XDG specification says); None without a
    home folder to put it in."""
    environ = os.environ if environ is None else environ
    given = environ.get("XDG_CACHE_HOME") or ""
    if os.path.isabs(given):
        return Path(given) / "corpus"
    try:
        return Path.home() / ".cache" / "corpus"
    except RuntimeError:  # no $HOME, and no entry for this user in the password database
        return None


def named_after(path: Path) -> str:
    """A file name for what is kept of `path`: its real path's digest, which two paths to one file share."""
    import hashlib  # here: OpenSSL's start costs every command 3 ms, and most never get here

    return hashlib.sha256(os.fsencode(os.path.realpath(path))).hexdigest()[:16]
