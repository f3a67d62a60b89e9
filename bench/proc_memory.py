"""Memory of a process as Linux tells it, for the benches (a sibling module, not a package)."""

from __future__ import annotations


def proportional_kb(pid: int) -> int:
    """The process's proportional set size in kB: each page it shares with others divided among
    its sharers, so that summed over a process tree every page counts once. 0 once it is gone
    (or off Linux)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
    except OSError:
        return 0
