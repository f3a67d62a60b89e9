"""Helpers the tests share: the seeds' location and a call through the real entry point."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from corpus_cli.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Invoke the real entry point (the click group) the way a user would."""
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)
