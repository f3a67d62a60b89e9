"""The progress bar of a long run: one mechanism for every command that works on many documents.

A bar is drawn on stderr when a run has at least `PROGRESS_MIN_DOCUMENTS` documents and stderr is
a terminal that can redraw a line (not ``TERM=dumb``), never in a pipe or a file. When stdout is
that terminal too, the bar is drawn only if the command prints its output at the end (a table, a
sorted concordance): lines printed as they come would be cut by the bar, and show progress anyway.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from corpus_cli.output.terminal import is_terminal

# Below this many documents a run is over before a bar would be read (export's measure).
PROGRESS_MIN_DOCUMENTS = 500

Tick = Callable[[int], None]


def no_tick(done: int) -> None:
    """What advancing the bar is when there is no bar."""


def wanted(total: int, output_waits: bool) -> bool:
    """Whether a run over `total` documents shows a bar (see the module's docstring)."""
    if total < PROGRESS_MIN_DOCUMENTS or os.environ.get("TERM") == "dumb" or not is_terminal(sys.stderr):
        return False
    return output_waits or not is_terminal(sys.stdout)


@contextmanager
def progress(total: int, label: str, *, output_waits: bool = True) -> Iterator[Tick]:
    """Yield `tick(n)`, which moves the bar on by `n` documents; a no-op when no bar is wanted."""
    if not wanted(total, output_waits):
        yield no_tick
        return
    import click

    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update
