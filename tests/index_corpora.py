"""Corpora for the index tests: the seeds with hostile files beside them, and how to stale an index."""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path

from helpers import SEEDS


def hostile_corpus(root: Path) -> Path:
    """The seeds and files in every shape the index must answer for as a scan would."""
    shutil.copytree(SEEDS, root)
    (root / "cp1252.txt").write_bytes("Caf\xe9 society\n\nA caf\xe9 in Paris, \x93quoted\x94 ICE.\n".encode("latin-1"))
    (root / "bom.txt").write_bytes(codecs.BOM_UTF8 + b" date 2023-05-06 With a byte-order mark about ICE.\n")
    (root / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + "Sixteen bits\n\nA UTF-16 article on Mayorkas.\n".encode("utf-16-le"))
    (root / "baddate.txt").write_text(" date 2024-02-30 An impossible date, and ICE.\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"ICE\x00\x01\x02 binary")
    (root / "late-nul.txt").write_bytes(b"Late NUL\n\n" + b"padding line\n" * 800 + b"ICE \x00 Mayorkas after a NUL\n")
    (root / "traps.txt").write_text("Fold traps\n\nThe \u017ftop sign and \u0130ce and \u212aelvin.\n", encoding="utf-8")
    (root / "crlf.txt").write_bytes(b"Windows lines\r\n\r\nICE on a line.\r\nMayorkas$ too.\r\n")
    for folder in ("a", "b"):
        (root / folder).mkdir()
        (root / folder / "same.txt").write_text(f"(AP) A credit in {folder}, and ICE.\n", encoding="utf-8")
    first = sorted(SEEDS.glob("*.txt"))[0].stem
    (root / "corpus.yaml").write_text(
        f"name: hostile\ndocuments:\n  {first}:\n    title: Set in the config\n    date: 2020-02-02\n    tags: [border]\n",
        encoding="utf-8",
    )
    return root


def make_stale(root: Path) -> None:
    """Edit, add, delete and touch files (each change a command must see past the index)."""
    seeds = sorted(root.glob("00*.txt"))
    edited = seeds[1]
    edited.write_text(" date 2021-06-07 Edited: ICE and Mayorkas, a new text.\n\nAnother paragraph.\n", encoding="utf-8")
    seeds[2].unlink()
    (root / "added.txt").write_text("An added file\n\nIt names Mayorkas and ICE twice: ICE.\n", encoding="utf-8")
    touched = seeds[3]
    status = touched.stat()
    os.utime(touched, ns=(status.st_atime_ns, status.st_mtime_ns + 5_000_000_000))
    same_size = root / "bom.txt"
    data = same_size.read_bytes()
    mtime = same_size.stat().st_mtime_ns
    same_size.write_bytes(data.replace(b"ICE", b"XYZ"))  # same size; the mtime put back as it was
    os.utime(same_size, ns=(mtime, mtime))
