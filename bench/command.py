"""How the benches run corpus: as the installed command a user runs (a sibling module, not a package)."""

from __future__ import annotations

import sys
from pathlib import Path


def corpus_command() -> list[str]:
    """The `corpus` script beside this Python (PYTHONPATH still picks another checkout's package);
    `python -m corpus_cli` when there is none, which runpy makes a few milliseconds slower to start."""
    script = Path(sys.executable).with_name("corpus")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corpus_cli"]
