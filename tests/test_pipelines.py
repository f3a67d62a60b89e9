"""Pipelines through real pipes: the command run as a process, `python -m corpus_cli`, as a shell runs it.

CliRunner cannot show these: whether stdin is a pipe, a terminal or /dev/null, a reader that goes
away (`| head -1`), and Ctrl-C all depend on real file descriptors and signals.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import pytest
from helpers import SEEDS, generated_corpus

pytestmark = pytest.mark.slow  # real processes: signals, pipes, workers

CORPUS = (sys.executable, "-m", "corpus_cli")
TIMEOUT = 60
# `jq 'select(.words > 500)'`, in Python for machines without jq: the same filter, still a process in the pipe.
PY_WORDS_FILTER = "import json,sys\nfor line in sys.stdin:\n    if line.strip() and json.loads(line)['words'] > 500: print(line, end='')"
# `jq -e '.undated == 0'`, likewise: exit 1 when the value is false.
PY_UNDATED_CHECK = "import json,sys\nsys.exit(0 if json.loads(sys.stdin.readline())['undated'] == 0 else 1)"


def corpus(*args: str, stdin: bytes | int | IO[Any] = b"", corpus_path: Path | None = SEEDS) -> subprocess.CompletedProcess[bytes]:
    """Run `corpus ARGS` as a process; `stdin` is bytes to pipe in, or a file descriptor or file to hand over."""
    command = [*CORPUS, *args, *(["--corpus", str(corpus_path)] if corpus_path else [])]
    if isinstance(stdin, bytes):
        return subprocess.run(command, input=stdin, capture_output=True, timeout=TIMEOUT)
    return subprocess.run(command, stdin=stdin, capture_output=True, timeout=TIMEOUT)


def pipeline(*commands: Sequence[str]) -> tuple[list[int], bytes, list[bytes]]:
    """Run commands joined by OS pipes, the first reading /dev/null; (statuses, last stdout, stderrs)."""
    processes: list[subprocess.Popen[bytes]] = []
    previous: IO[bytes] | int = subprocess.DEVNULL
    for command in commands:
        process = subprocess.Popen(command, stdin=previous, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if processes:
            previous.close()  # type: ignore[union-attr]  # the next process holds its own copy
        processes.append(process)
        previous = process.stdout  # type: ignore[assignment]
    out, last_err = processes[-1].communicate(timeout=TIMEOUT)
    errors = [process.stderr.read() for process in processes[:-1]] + [last_err]  # type: ignore[union-attr]
    statuses = [process.wait(timeout=TIMEOUT) for process in processes]
    return statuses, out, errors


def on_a_terminal(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run `corpus ARGS` with a pseudo-terminal on stdin, as in an interactive shell."""
    controller, terminal = pty.openpty()
    try:
        return corpus(*args, stdin=terminal)
    finally:
        os.close(terminal)
        os.close(controller)


def sub(*args: str) -> list[str]:
    """A `corpus` command line on the seeds, for `pipeline`."""
    return [*CORPUS, *args, "--corpus", str(SEEDS)]


def records(output: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.decode("utf-8").splitlines() if line.strip()]


def seed_summaries() -> list[dict[str, Any]]:
    return records(corpus("list", "--format", "jsonl", stdin=subprocess.DEVNULL).stdout)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 750 documents: `list` prints well past a pipe's 64 KB buffer, `show` several MB."""
    return generated_corpus(tmp_path_factory.mktemp("big"), 4)


# --- composition -------------------------------------------------------------------------------


def test_list_into_list_keeps_the_order_of_the_stream_and_each_id_once():
    statuses, out, errors = pipeline(sub("list", "--sort", "words", "--reverse"), sub("list", "--format", "jsonl"))
    assert statuses == [0, 0] and errors == [b"", b""]
    by_words = sorted(seed_summaries(), key=lambda record: record["words"], reverse=True)
    assert [record["id"] for record in records(out)] == [record["id"] for record in by_words]


def test_repeated_ids_on_stdin_select_each_document_once():
    first, second = (record["id"] for record in seed_summaries()[:2])
    lines = [{"id": second}, {"id": first}, {"id": second}]
    result = corpus("list", "--format", "jsonl", stdin="".join(json.dumps(line) + "\n" for line in lines).encode())
    assert result.returncode == 0
    assert [record["id"] for record in records(result.stdout)] == [second, first]


def test_list_through_a_words_filter_into_show():
    word_filter = ["jq", "-c", "select(.words > 500)"] if shutil.which("jq") else [sys.executable, "-c", PY_WORDS_FILTER]
    statuses, out, errors = pipeline(sub("list"), word_filter, sub("show"))
    assert statuses == [0, 0, 0], errors
    expected = [record["id"] for record in seed_summaries() if record["words"] > 500]
    shown = records(out)
    assert expected and len(expected) < 5  # the filter must select some seeds, not all
    assert [record["id"] for record in shown] == expected
    assert all(record["text"] and "paragraphs" in record for record in shown)  # show's full records


def test_grep_into_list_lists_the_matching_documents():
    statuses, out, errors = pipeline(sub("grep", "Mayorkas"), sub("list", "--format", "jsonl"))
    assert statuses == [0, 0], errors
    listed = [record["id"] for record in records(out)]
    containing = sorted(path.stem for path in SEEDS.glob("*.txt") if "Mayorkas" in path.read_text(encoding="utf-8"))
    assert containing and listed == containing


def test_recent_articles_exported_to_csv(isolated: Path):
    statuses, _, errors = pipeline(sub("list", "--since", "2024-01-01"), sub("export", "--format", "csv", "-o", "recent.csv"))
    assert statuses == [0, 0], errors
    with open(isolated / "recent.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    recent = [record["id"] for record in seed_summaries() if record["date"] and record["date"] >= "2024-01-01"]
    assert recent and [row["id"] for row in rows] == recent


def test_grep_into_stats_counts_the_matching_documents():
    statuses, out, errors = pipeline(sub("grep", "-w", "deport"), sub("stats", "--format", "jsonl"))
    assert statuses == [0, 0], errors
    matching = records(corpus("grep", "-l", "-w", "deport", stdin=subprocess.DEVNULL).stdout)
    assert records(out)[0]["documents"] == len(matching) > 0


def test_list_into_grep_searches_only_the_documents_listed():
    statuses, out, errors = pipeline(sub("list", "--since", "2024-03-01"), sub("grep", "-l", "ICE"))
    assert statuses == [0, 0], errors
    recent = [record["id"] for record in seed_summaries() if record["date"] and record["date"] >= "2024-03-01"]
    assert recent and [record["id"] for record in records(out)] == recent


def test_a_grep_that_finds_nothing_exports_nothing():
    statuses, out, errors = pipeline(sub("grep", "nothing-matches-this"), sub("export", "--format", "jsonl"))
    assert statuses == [1, 0] and errors == [b"", b""]
    assert out == b""


def test_top_terms_of_the_documents_matching_a_pattern():
    """The README cookbook's `corpus grep -l PATTERN | corpus stats --top N`."""
    statuses, out, errors = pipeline(sub("grep", "-l", "-w", "Mayorkas"), sub("stats", "--top", "3", "--format", "jsonl"))
    assert statuses == [0, 0], errors
    top = records(out)
    assert [record["rank"] for record in top] == [1, 2, 3]
    with_mayorkas = len(records(corpus("grep", "-l", "-w", "Mayorkas", stdin=subprocess.DEVNULL).stdout))
    assert all(record["doc_freq"] <= with_mayorkas for record in top)


@pytest.mark.parametrize(("dated", "status"), [(False, 1), (True, 0)], ids=["undated", "all-dated"])
def test_the_ci_step_fails_when_a_document_is_undated(seeds_copy: Path, dated: bool, status: int):
    """The README cookbook's `corpus stats --format jsonl | jq -e '.undated == 0'`."""
    if dated:
        for path in seeds_copy.glob("*.txt"):
            if not path.read_bytes().startswith(b" date "):
                path.write_bytes(b" date 2020-01-01 " + path.read_bytes())
    check = ["jq", "-e", ".undated == 0"] if shutil.which("jq") else [sys.executable, "-c", PY_UNDATED_CHECK]
    statuses, _, errors = pipeline([*CORPUS, "stats", "--no-stdin", "--corpus", str(seeds_copy), "--format", "jsonl"], check)
    assert statuses == [0, status], errors


# --- what stdin is -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "status"),
    [(("list",), 0), (("show",), 0), (("grep", "ICE"), 1), (("export",), 0)],
    ids=["list", "show", "grep", "export"],
)
def test_an_empty_stream_selects_nothing(command: tuple[str, ...], status: int):
    result = corpus(*command, "--format", "jsonl", stdin=b"")
    assert (result.returncode, result.stdout, result.stderr) == (status, b"", b"")


def test_stats_of_an_empty_stream_counts_no_documents():
    result = corpus("stats", "--format", "jsonl", stdin=b"")
    assert result.returncode == 0 and records(result.stdout)[0]["documents"] == 0


def test_blank_lines_in_the_stream_are_skipped():
    first = seed_summaries()[0]["id"]
    result = corpus("list", "--format", "jsonl", stdin=f'\n\n{{"id": "{first}"}}\n\n'.encode())
    assert result.returncode == 0
    assert [record["id"] for record in records(result.stdout)] == [first]


def test_no_stdin_ignores_a_pipe():
    result = corpus("list", "--no-stdin", "--format", "jsonl", stdin=b"not json at all\n")
    assert result.returncode == 0 and result.stderr == b""
    assert len(records(result.stdout)) == len(list(SEEDS.glob("*.txt")))


def test_dev_null_on_stdin_means_the_whole_corpus():
    with open(os.devnull, "rb") as devnull:
        result = corpus("list", "--format", "jsonl", stdin=devnull)
    assert result.returncode == 0
    assert len(records(result.stdout)) == len(list(SEEDS.glob("*.txt")))


def test_stdin_forced_on_dev_null_selects_nothing():
    with open(os.devnull, "rb") as devnull:
        result = corpus("list", "--stdin", "--format", "jsonl", stdin=devnull)
    assert (result.returncode, result.stdout) == (0, b"")


def test_a_file_on_stdin_is_read_like_a_pipe(tmp_path: Path):
    last = seed_summaries()[-1]["id"]
    ids = tmp_path / "ids.jsonl"
    ids.write_text(json.dumps({"id": last}) + "\n", encoding="utf-8")
    with open(ids, "rb") as handle:
        result = corpus("list", "--format", "jsonl", stdin=handle)
    assert [record["id"] for record in records(result.stdout)] == [last]


@pytest.mark.parametrize("command", [("list",), ("grep", "-l", "the"), ("export",)], ids=" ".join)
def test_a_terminal_on_stdin_is_never_read(command: tuple[str, ...]):
    """With a terminal on stdin nobody will type records: the command must not wait for them."""
    result = on_a_terminal(*command, "--format", "jsonl")  # the timeout fails the test if it blocks
    assert result.returncode == 0
    assert len(records(result.stdout)) == len(list(SEEDS.glob("*.txt")))


def test_stats_with_a_terminal_on_stdin_counts_the_whole_corpus():
    result = on_a_terminal("stats", "--format", "jsonl")
    assert records(result.stdout)[0]["documents"] == len(list(SEEDS.glob("*.txt")))


@pytest.mark.parametrize(
    ("stream", "line", "says"),
    [
        (b'{"id": "000_602cce6e2114fdb8"}\n\nnot json\n', 3, b"not a JSON record"),
        (b'\n{"title": "no id"}\n', 2, b'no string "id"'),
        (b'["000"]\n', 1, b"a JSON array"),
        (b'[\n  {\n    "id": "000_602cce6e2114fdb8"\n  }\n]\n', 1, b"a JSON array, as --format json prints"),
        (b'{"id": 0}\n', 1, b'no string "id"'),
        (b'{"id": "000_602cce6e2114fdb8"}\n{"id": "999_missing"}\n', 2, b"no document '999_missing'"),
    ],
    ids=["not-json", "no-id", "not-an-object", "format-json", "id-not-a-string", "unknown-id"],
)
def test_bad_stdin_is_one_error_line_naming_the_line(stream: bytes, line: int, says: bytes):
    assert_bad_stdin(corpus("list", stdin=stream), line, says)


@pytest.mark.parametrize("command", [("show",), ("grep", "ICE"), ("stats",), ("export",)], ids=" ".join)
def test_every_document_command_reports_bad_stdin_the_same_way(command: tuple[str, ...]):
    assert_bad_stdin(corpus(*command, stdin=b'{"id": "000_602cce6e2114fdb8"}\n\n{"id": "999_gone"}\n'), 3, b"no document '999_gone'")


def assert_bad_stdin(result: subprocess.CompletedProcess[bytes], line: int, says: bytes) -> None:
    """Exit status 2, no output, and one line on stderr that names the stdin line."""
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.count(b"\n") == 1, result.stderr
    assert result.stderr.startswith(f"corpus: error: stdin line {line}: ".encode())
    assert says in result.stderr


# --- the end of a run ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("list",), ("grep", "-i", "the"), ("grep", "-i", "the", "-j", "2"), ("export",), ("stats", "--by", "doc")],
    ids=" ".join,
)
def test_a_reader_that_goes_away_ends_the_run_quietly_with_0(big_corpus: Path, command: tuple[str, ...]):
    """`corpus list | head -1`: the rest of the output has nowhere to go, and that is not an error."""
    process = subprocess.Popen(
        [*CORPUS, *command, "--format", "jsonl", "--corpus", str(big_corpus)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = process.stdout.readline()  # type: ignore[union-attr]
    process.stdout.close()  # type: ignore[union-attr]
    status = process.wait(timeout=TIMEOUT)
    assert json.loads(first)
    assert (status, process.stderr.read()) == (0, b"")  # type: ignore[union-attr]


def test_the_output_cut_short_is_larger_than_a_pipe_buffer(big_corpus: Path):
    """Guards the test above: with less than 64 KB, a closed reader would never be noticed."""
    result = corpus("stats", "--by", "doc", "--format", "jsonl", stdin=subprocess.DEVNULL, corpus_path=big_corpus)
    assert len(result.stdout) > 2 * 65536  # the smallest output of those cut short above


@pytest.mark.parametrize(
    ("command", "whole_group"),
    [(("show",), False), (("grep", "-i", "the", "-j", "2"), True), (("export",), True)],
    ids=["show", "grep-pool-terminal-ctrl-c", "export-terminal-ctrl-c"],
)
def test_ctrl_c_exits_130_without_a_traceback(big_corpus: Path, tmp_path: Path, command: tuple[str, ...], whole_group: bool):
    """SIGINT to the command, or to its whole process group as a terminal's Ctrl-C sends it (worker processes too)."""
    ids = tmp_path / "ids.jsonl"
    ids.write_bytes(corpus("list", "--fields", "id", "--format", "jsonl", stdin=subprocess.DEVNULL, corpus_path=big_corpus).stdout)
    with open(ids, "rb") as stdin:
        process = subprocess.Popen(
            [*CORPUS, *command, "--format", "jsonl", "--corpus", str(big_corpus)],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so that the group signal reaches no one else
        )
    # One record read means the command is running; unread output then holds it in a blocked write.
    assert json.loads(process.stdout.readline())["id"]  # type: ignore[union-attr]
    if whole_group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130
    assert b"Traceback" not in err and err.strip() == b""


# Ctrl-C while `corpus` still loads its modules (click first): a finder that interrupts the import
# of click stands in for a Ctrl-C landing in those first 50 ms, as it does when a user is quick.
INTERRUPTED_WHILE_LOADING = """
import sys
class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            raise KeyboardInterrupt
        return None
sys.meta_path.insert(0, Interrupting())
from corpus_cli.__main__ import main
main()
"""


def test_ctrl_c_while_the_command_line_loads_exits_130_without_a_traceback():
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_WHILE_LOADING, "list"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


def test_the_installed_corpus_command_starts_where_a_ctrl_c_while_loading_is_handled():
    from importlib.metadata import entry_points

    (script,) = [point for point in entry_points(group="console_scripts") if point.name == "corpus"]
    assert script.value == "corpus_cli.__main__:main"
