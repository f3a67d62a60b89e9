"""Helpers the tests share: the seeds' location and a call through the real entry point."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner, Result

from corpus_cli.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Invoke the real entry point (the click group) the way a user would."""
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def generated_corpus(folder: Path, megabytes: float, seed: int = 1) -> Path:
    """A corpus in the seeds' shapes from bench/generate.py (a script, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_generate", SEEDS.parent / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(folder, megabytes, seed=seed)


def on_a_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """Run corpus with stdout on a pseudo-terminal and return what it printed: from an empty folder,
    with a cache folder of its own, so no corpus.yaml or index of the caller's is found."""
    leader, follower = os.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CORPUS_PATH")} | {"COLUMNS": "100", "TERM": "xterm"}
    with tempfile.TemporaryDirectory() as away:
        done = subprocess.run(
            [sys.executable, "-m", "corpus_cli", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=environ | {"XDG_CACHE_HOME": away} | (env or {}),
            cwd=away,
            timeout=60,
        )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
