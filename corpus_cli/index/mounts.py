"""Which file system holds a folder, and whether others are mounted below it, from the process's
mount table (Linux): what a watcher must know, since mounting sends no inotify event and a
network or FUSE file system's files change with no event here."""

from __future__ import annotations

import os
import re

# File systems whose files change with no event here: changed by another machine, or by a
# process behind them (FUSE, of any type "fuse.*", too).
REMOTE_FILE_SYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "lustre", "afs", "9p", "virtiofs"})


def file_systems(real_root: str) -> tuple[str | None, bool]:
    """The type of the file system holding the folder `real_root` (a real path), and whether
    another is mounted below it: this process's mount table (Linux; (None, False) without one)."""
    try:
        with open("/proc/self/mountinfo", "rb") as table:
            lines = table.read().decode("utf-8", "surrogateescape").splitlines()
    except OSError:
        return None, False
    holder, kind, below = "", None, False
    inside = os.path.join(real_root, "")
    for line in lines:
        fields, _, described = line.partition(" - ")
        parts = fields.split(" ")
        if len(parts) < 5:
            continue
        point = _unescaped(parts[4])
        if point != real_root and point.startswith(inside):
            below = True
        elif (point == real_root or real_root.startswith(os.path.join(point, ""))) and len(point) >= len(holder):
            holder, kind = point, described.split(" ", 1)[0]
    return kind, below


def _unescaped(point: str) -> str:
    """A mount point as /proc writes it (space, tab, newline and backslash as octal escapes)."""
    return re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal.group(1), 8)), point)
