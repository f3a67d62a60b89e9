"""No orphaned worker: a worker process ends when its parent dies, killed outright or by the
out-of-memory killer, rather than sleep for ever with parent PID 1 (see run/parallel.py)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def libc_prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux (None elsewhere, or where it cannot be found), looked up before
    the workers fork: importing ctypes took 8 ms in each forked worker, whose every page it
    touched is copied on write, before its first task; 1.5 ms once in the parent."""
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return function


def die_with_parent(parent: int, prctl: Callable[..., int] | None) -> None:
    """End this worker when its parent dies: the kernel's parent-death signal through `prctl`
    (see `libc_prctl`), else a thread that watches the parent's id."""
    # prctl reports failure by its result (-1), never by raising: then the thread watches instead.
    if prctl is not None and prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
        if os.getppid() != parent:  # the parent died before the request was made
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
