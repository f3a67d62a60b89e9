"""Habits users bring from grep, ripgrep and shell loops (issue 10, items 5 and 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SEEDS, run

COMMANDS = [("list",), ("show", "000", "005"), ("grep", "the"), ("stats",), ("export",), ("check",)]


def test_grep_takes_e_p_n_h_r_as_the_no_ops_they_are_here() -> None:
    plain = run("grep", "--format", "jsonl", "-w", "ICE|DHS")
    assert plain.exit_code == 0 and plain.stdout
    for switches in (["-E"], ["-P"], ["-n"], ["-H"], ["-r"], ["-rnH", "-E"], ["--extended-regexp", "--line-number"]):
        result = run("grep", "--format", "jsonl", *switches, "-w", "ICE|DHS")
        assert (result.exit_code, result.stdout) == (0, plain.stdout), switches


def test_grep_json_is_format_jsonl_and_the_help_says_so() -> None:
    as_json = run("grep", "--json", "Biden")
    assert as_json.exit_code == 0
    assert as_json.stdout == run("grep", "--format", "jsonl", "Biden").stdout
    assert all(json.loads(line)["match"] == "Biden" for line in as_json.stdout.splitlines())
    clash = run("grep", "--json", "--format", "csv", "Biden")
    assert clash.exit_code == 2 and "--json" in clash.stderr and clash.stderr.count("\n") == 1
    shown = " ".join(run("grep", "--help").stdout.split())
    for switch in ("-E", "-P", "-n", "-H", "-r", "--json"):
        assert switch in shown
    assert "no-op" in shown


def test_a_mistyped_grep_option_still_gets_a_suggestion() -> None:
    result = run("grep", "--jsn", "x")
    assert result.exit_code == 2
    assert "No such option '--jsn'" in result.stderr and "'--json'" in result.stderr
    assert "--ignore-case" in run("grep", "--ignore-cas", "x").stderr


def test_a_line_that_is_no_record_on_stdin_says_how_to_ignore_stdin() -> None:
    result = run("grep", "ICE", "--stdin", input="000_602cce6e2114fdb8\n")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--no-stdin" in result.stderr
    assert "--no-stdin" in run("list", "--stdin", input='{"no": "id"}\n').stderr


def test_since_later_than_until_is_an_error_not_an_empty_result() -> None:
    for command in (("list",), ("grep", "ICE"), ("stats",), ("export",)):
        result = run(*command, "--no-stdin", "--since", "2024-05", "--until", "2024-01-31")
        assert result.exit_code == 2, command
        assert result.stderr.startswith("corpus: error: ") and result.stderr.count("\n") == 1
        assert "--since" in result.stderr and "--until" in result.stderr
    same_month = run("list", "--no-stdin", "--since", "2024-01", "--until", "2024-01")
    assert same_month.exit_code == 0


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    """The seeds and a Windows-1252 file, which every command warns about."""
    root = tmp_path / "warned"
    root.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (root / seed.name).write_bytes(seed.read_bytes())
    (root / "005_latin.txt").write_bytes(" date 2024-01-02 Caf\xe9 the owner said.\n".encode("latin-1"))
    return root


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_no_messages_keeps_warnings_off_stderr_on_every_command(warned: Path, command: tuple[str, ...]) -> None:
    loud = run(*command, "--corpus", str(warned), "--format", "jsonl", input="")
    if command[0] != "check":  # check reports problems as records, not as warnings
        assert "warning" in loud.stderr, loud.stderr
    for switch in ("-s", "--no-messages"):
        quiet = run(*command, switch, "--corpus", str(warned), "--format", "jsonl", input="")
        assert quiet.stderr == ""
        assert (quiet.exit_code, quiet.stdout) == (loud.exit_code, loud.stdout)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] != "check"], ids=lambda c: c[0])
def test_warnings_kept_quiet_still_count_for_strict(warned: Path, command: tuple[str, ...]) -> None:
    result = run(*command, "-s", "--strict", "--corpus", str(warned), "--format", "jsonl", "--no-stdin")
    assert result.exit_code == 2
    assert result.stderr == "corpus: error: 1 warning(s) and --strict is set\n"
