"""A large corpus.yaml, remembered between runs.

PyYAML makes a Python object of every node and resolves every plain scalar with regular
expressions in Python, with libyaml too: a corpus.yaml holding 40,000 documents' metadata (4 MB)
took 7 s to read, before every command. So the data read from a file of `REMEMBERED_FROM` bytes
or more is kept as JSON in the user's cache folder, one file per corpus.yaml (named after its real
path), after a header line with the digests of the text it was read from and of the data itself;
a run whose corpus.yaml holds that text takes the data from there (0.06 s for those 4 MB). Only
the YAML's reading is saved: the data is checked on every run, by the same code as when it is read
from the YAML, so the settings and every message are the same. Data that JSON does not give back
as it was (a date, a set or bytes from YAML's explicit tags, a NaN) is not kept.

The cache makes runs faster, never different: a cached file that is missing, unreadable, not a
regular file, of another format (another version or installation of the tool), for another text
or whose data is not what was written is no cached file, and the YAML is read. It is written whole
or not at all (a temporary file renamed into place); a cache folder that cannot be written leaves
every run reading the YAML, without a word.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from corpus_cli import __version__
from corpus_cli.source.user_cache import named_after, user_cache_folder

# Below this size a corpus.yaml is read each time: reading it takes under a tenth of a second.
REMEMBERED_FROM = 64 * 1024
# How much larger than its text what is kept of a corpus.yaml may be (JSON spells out what YAML
# leaves implicit): a larger cached file is not read, nor written.
GROWTH = 8


def recall(config: Path, text: str) -> Any:
    """The data kept for the corpus.yaml `config` when it held `text`; None when there is none."""
    encoded = text.encode()
    if len(encoded) < REMEMBERED_FROM:
        return None
    place = _place(config)
    if place is None:
        return None
    try:
        header, _, body = _read_kept(place, limit=GROWTH * len(encoded)).partition(b"\n")
        kept = json.loads(header)
        if not isinstance(kept, dict) or kept.get("format") != _format() or kept.get("digest") != _digest(encoded):
            return None
        if kept.get("check") != _digest(body):  # the data changed since it was written
            return None
        return json.loads(body)
    except (OSError, ValueError, RecursionError):  # none, unreadable, too large, not JSON, nested too deeply
        return None


def keep(config: Path, text: str, data: Any) -> None:
    """Remember `data`, read from the corpus.yaml `config` when it held `text`, if JSON gives it back as it is."""
    encoded = text.encode()
    place = _place(config) if len(encoded) >= REMEMBERED_FROM else None
    if place is None:
        return
    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        kept = body.encode()
    except (TypeError, ValueError, RecursionError):  # a date, a set, bytes: not JSON; a lone surrogate ("\ud800")
        return
    if len(kept) > GROWTH * len(encoded) or json.loads(body) != data:  # NaN is not equal to itself
        return
    header = json.dumps({"format": _format(), "digest": _digest(encoded), "check": _digest(kept)})
    written = header.encode() + b"\n" + kept
    import tempfile  # here: 6 ms at every command's start, and most never write a cache

    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=place.parent, prefix=".", suffix=".tmp", delete=False) as stream:
            try:
                stream.write(written)
                stream.close()
                os.replace(stream.name, place)
            except BaseException:  # a full disk, Ctrl-C: no half-written file is left behind
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(stream.name)
                raise
    except OSError:
        return


def _read_kept(place: Path, limit: int) -> bytes:
    """The bytes of the cached file `place`; OSError when it is no regular file (a FIFO would
    block the run) or is larger than `limit`."""
    descriptor = os.open(place, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{place} is not a file")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{place} is larger than what it could keep")
    return data


def _place(config: Path) -> Path | None:
    cache = user_cache_folder()
    return None if cache is None else cache / "configs" / f"{named_after(config)}.json"


def _format() -> str:
    """What else the data depends on: this tool's version, and the Python environment it runs in,
    whose PyYAML read the text (with libyaml or without, which do not refuse quite the same
    texts). Asking PyYAML itself would import it, which takes longer than reading the cache."""
    return f"3 {__version__} {sys.prefix}"


def _digest(encoded: bytes) -> str:
    """A digest of bytes: of a corpus.yaml's text, or of the data kept (a bit flipped in the cache
    would otherwise be taken for what the file says)."""
    import hashlib

    return hashlib.blake2b(encoded, digest_size=16).hexdigest()
