"""A large corpus.yaml, remembered between runs.

PyYAML makes a Python object of every node and resolves every plain scalar with regular
expressions in Python, with libyaml too: a corpus.yaml holding 40,000 documents' metadata (4 MB)
took 7 s to read, before every command. So what a run read from a file of `REMEMBERED_FROM`
bytes or more (its settings, checked: see `config.Settings`) is kept as JSON in the user's cache
folder, one file per corpus.yaml (named by its real path), with the digest of the text it was
read from. A run whose corpus.yaml holds that text takes the settings from there instead.

The cache makes runs faster, never different: a cached file that is missing, unreadable, of
another version or for another text is no cached file, and the YAML is read. It is written whole
or not at all (a temporary file renamed into place); a cache folder that cannot be written leaves
every run reading the YAML, without a word.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corpus_cli import __version__

# Below this size a corpus.yaml is read each time: reading it takes under a tenth of a second.
REMEMBERED_FROM = 64 * 1024
# Bumped when what is remembered, or how a corpus.yaml is checked, changes; the tool's version too.
FORMAT = f"1 {__version__}"


def user_cache_folder(environ: Mapping[str, str] | None = None) -> Path:
    """This tool's folder in the user's cache (``$XDG_CACHE_HOME/corpus``, else ``~/.cache/corpus``)."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "corpus"


def recall(config: Path, text: str) -> Any:
    """The data kept for the corpus.yaml `config` when it held `text`; None when there is none."""
    if len(text) < REMEMBERED_FROM:
        return None
    try:
        kept = json.loads(_read_kept(_place(config), limit=2 * len(text)))
    except (OSError, ValueError, RecursionError):  # none, unreadable, too large, not JSON, nested too deeply
        return None
    if not isinstance(kept, dict) or kept.get("format") != FORMAT or kept.get("digest") != _digest(text):
        return None
    return kept.get("data")


def keep(config: Path, text: str, data: Any) -> None:
    """Remember `data` (JSON data) as what the corpus.yaml `config` says when it holds `text`."""
    if len(text) < REMEMBERED_FROM:
        return
    place = _place(config)
    encoded = json.dumps({"format": FORMAT, "digest": _digest(text), "data": data}).encode()
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=place.parent, prefix=".", suffix=".tmp", delete=False) as stream:
            try:
                stream.write(encoded)
                stream.close()
                os.replace(stream.name, place)
            except BaseException:  # a full disk, Ctrl-C: no half-written file is left behind
                os.unlink(stream.name)
                raise
    except OSError:
        return


def _read_kept(place: Path, limit: int) -> bytes:
    """The bytes of the cached file `place`; OSError when it is no regular file (a FIFO would
    block the run) or is larger than `limit` (what is kept of a text is smaller than the text)."""
    descriptor = os.open(place, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{place} is not a file")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{place} is larger than what it could keep")
    return data


def _place(config: Path) -> Path:
    import hashlib  # here: OpenSSL's start costs every command 3 ms, and most never get here

    real = os.fsencode(os.path.realpath(config))
    return user_cache_folder() / "configs" / f"{hashlib.sha256(real).hexdigest()[:16]}.json"


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
