"""Input no one should give, given all the same: each is one clear line and exit status 2, never
"internal error" (numbers and nesting past Python's limits, closed standard streams, endless
files named as input, folders nested past the recursion limit)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SEEDS, run


def one_error_line(stderr: str, *words: str) -> bool:
    lines = stderr.splitlines()
    return (
        len(lines) == 1
        and lines[0].startswith("corpus: error: ")
        and "internal error" not in lines[0]
        and all(word in lines[0] for word in words)
    )


@pytest.mark.parametrize(
    "line",
    ['{"id": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000, '{"id": ' + "[" * 100_000 + "]" * 100_000 + "}"],
    ids=["5000 digits", "deep list", "deep id"],
)
def test_a_stdin_record_past_pythons_limits_is_one_line(line: str) -> None:
    result = run("list", "--stdin", input=line + "\n")
    assert result.exit_code == 2
    assert one_error_line(result.stderr, "stdin line 1")


@pytest.mark.slow  # 1,100 folders made and removed: about a second
def test_folders_nested_past_the_recursion_limit_are_searched(tmp_path: Path) -> None:
    root = tmp_path / "deep"
    root.mkdir()
    folders = [root]
    for _ in range(1100):  # one by one: pathlib and shutil would recurse as deep
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    (folders[-1] / "bottom.txt").write_text("At the bottom.\n")
    (root / "top.txt").write_text("At the top.\n")
    try:
        result = run("list", "--corpus", str(root), "--format", "jsonl")
        assert (result.exit_code, result.stderr) == (0, "")
        assert '"bottom"' in result.stdout and '"top"' in result.stdout
    finally:
        (folders[-1] / "bottom.txt").unlink()
        for folder in reversed(folders[1:]):
            folder.rmdir()


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("stats", "--top", "3", "--stopwords", "/dev/zero"), ("grep", "--terms", "/dev/zero")],
    ids=["stopwords", "term-families"],
)
def test_dev_zero_as_a_file_named_is_one_line(args: tuple[str, ...]) -> None:
    command, *rest = args
    result = subprocess.run(
        [sys.executable, "-m", "corpus_cli", command, "--corpus", str(SEEDS), *rest],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert one_error_line(result.stderr, "/dev/zero")


@pytest.mark.slow
def test_dev_zero_as_stdin_is_one_line() -> None:
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [sys.executable, "-m", "corpus_cli", "list", "--corpus", str(SEEDS), "--stdin"],
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert one_error_line(result.stderr, "stdin line 1")


def closed(fd: int) -> None:
    os.close(fd)


@pytest.mark.slow
def test_a_closed_stdout_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "corpus_cli", "list", "--corpus", str(SEEDS)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: closed(1),
    )
    assert result.returncode == 2
    assert one_error_line(result.stderr, "standard output is closed")


@pytest.mark.slow
def test_stdin_forced_but_closed_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "corpus_cli", "list", "--corpus", str(SEEDS), "--stdin", "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: closed(0),
    )
    assert result.returncode == 2
    assert one_error_line(result.stderr, "--stdin", "standard input is closed")


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_decoded(tmp_path: Path, encoding: str) -> None:
    import codecs

    bom = codecs.BOM_UTF32_LE if encoding == "utf-32-le" else codecs.BOM_UTF32_BE
    (tmp_path / "wide.txt").write_bytes(bom + " date 2024-03-01 Wide ICE text.\n".encode(encoding))
    result = run("grep", "--corpus", str(tmp_path), "--format", "jsonl", "ICE")
    assert (result.exit_code, result.stderr) == (0, "")
    shown = run("show", "wide", "--corpus", str(tmp_path), "--format", "jsonl")
    assert f'"encoding": "{encoding}"' in shown.stdout and '"date": "2024-03-01"' in shown.stdout


def test_an_empty_corpus_path_is_an_error() -> None:
    result = run("list", "--corpus", "")
    assert result.exit_code == 2
    assert one_error_line(result.stderr, "--corpus")
