"""The README's exit-status table, each claim run: 1 when what was asked for by name is not found,
0 for an empty result of a command that lists or summarises."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import SEEDS, run

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
NOWHERE = "2099-01-01"  # no seed is dated on or after it

NOT_FOUND = {
    "grep": ["grep", "zqzqzq"],
    "collocates": ["collocates", "zqzqzq"],
    "dispersion": ["dispersion", "zqzqzq"],
    "show": ["show", "no-such-document"],
}
EMPTY = {name: [name, "--since", NOWHERE] for name in ("list", "stats", "export", "quotes", "dupes")}


def _row(status: int) -> str:
    match = re.search(rf"^\| {status} \| (.*) \|$", README, re.MULTILINE)
    assert match is not None, f"no row for status {status} in the README's table"
    return match.group(1)


@pytest.mark.parametrize("command", sorted(NOT_FOUND))
def test_a_name_not_found_is_status_1_as_the_readme_says(command: str):
    assert f"`{command}`" in _row(1)
    result = run(*NOT_FOUND[command], "--corpus", str(SEEDS), "--no-stdin")
    assert result.exit_code == 1, result.output


@pytest.mark.parametrize("command", sorted(EMPTY))
def test_an_empty_result_is_status_0_as_the_readme_says(command: str):
    assert f"`{command}`" in _row(0)
    result = run(*EMPTY[command], "--corpus", str(SEEDS), "--no-stdin", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    if command == "stats":  # a summary of nothing: one record that says so
        assert json.loads(result.stdout)["documents"] == 0
    else:
        assert result.stdout == ""
