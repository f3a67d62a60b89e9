"""Errors: one line on stderr and an exit status; a traceback only when asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import run

from corpus_cli.cli import cli
from corpus_cli.errors import CorpusError


def test_no_traceback_without_debug(tmp_path):
    result = CliRunner().invoke(cli, ["list", "--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1


def test_debug_flag_and_environment_let_the_exception_through(tmp_path):
    for args, env in ((["--debug", "list"], {}), (["list"], {"CORPUS_DEBUG": "1"})):
        result = CliRunner().invoke(cli, [*args, "--corpus", str(tmp_path / "nope")], env=env)
        assert isinstance(result.exception, CorpusError)


def test_unknown_subcommand_and_option_are_usage_errors():
    for args in (["frobnicate"], ["list", "--colour"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert result.stderr.startswith("corpus: error: ")


@pytest.mark.slow
def test_module_entry_point_and_version():
    done = subprocess.run([sys.executable, "-m", "corpus_cli", "--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout) == (0, "corpus, version 0.1.0\n")


@pytest.mark.slow
def test_debug_traceback_in_a_real_process(tmp_path):
    args = [sys.executable, "-m", "corpus_cli", "--debug", "list", "--corpus", str(tmp_path / "nope")]
    done = subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert "Traceback" in done.stderr and "CorpusError: corpus folder not found" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("dupes", "--reuse", "nan"),
        ("dupes", "--threshold", "nan"),
        ("dupes", "--threshold", "inf"),
        ("grep", "border", "--timeout", "nan"),
        ("grep", "border", "--timeout", "inf"),
    ],
)
def test_a_float_option_refuses_nan_and_inf(args: tuple[str, ...]):
    # float() reads "nan", which passes every range check: it broke --reuse, made --threshold
    # match nothing and switched off grep's time limit.
    result = run(*args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"Invalid value for '{args[-2]}'" in result.stderr
