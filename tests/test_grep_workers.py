"""`corpus grep` on worker processes gives what one process gives: the same lines on stdout, the
same warnings on stderr in the same order, the same exit status, on files that take every way
through reading and decoding (grep -c counts most files by a short way, see grep/search.py),
and on layouts where the search begun during discovery must give way (see grep/early.py)."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from helpers import run

import corpus_cli.run.parallel as parallel
import corpus_cli.source.files as files_module

ICE = "ICE agents met.\nNothing here.\nICE and ICE again.\n"
# Name: bytes. Each takes its own way through reading and decoding, or warns in its own words.
FILES = {
    "a_plain": b" date 2024-01-02 Headline\n\n" + ICE.encode(),
    "b_undated": ICE.encode(),
    "c_bom": codecs.BOM_UTF8 + b" date 2024-03-01\n\n" + ICE.encode(),
    "d_latin": b" date 2023-05-05\n\nCaf\xe9 ICE\nICE\n",  # not UTF-8: Windows-1252, with a warning
    "e_late_nul": b" date 2024-02-02\n\n" + b"filler line\n" * 800 + b"ICE\x00 late\n",  # kept as text, with a note
    "f_binary": b"\x00\x01ICE\n",  # skipped
    "g_impossible_date": b" date 2021-06-31 ICE here\n",
    "h_malformed_date": b" date 2021/06/30 ICE here\n",
    "i_blank": b"\n\n  \n",
    "j_utf16": codecs.BOM_UTF16_LE + " date 2024-04-04\n\nICE ice\n".encode("utf-16-le"),
    "k_crlf": b" date 2024-06-06\r\n\r\nICE\r\nice\r\nICE ICE\r\n",
    "l_curly": " date 2022-01-01\n\n\u201cICE\u201d said \u2014 ice\n".encode(),
    "m_furniture": b" date 2024-07-07\n\nRead the original article here\n",
    "n_large": b" date 2024-08-08\n\n" + b"ICE " * 400 + b"\n",  # past a --max-document-mb of 0.001
    "o_iwords": " date 2024-09-09\n\nice \u0130CE \u017fICE\n".encode(),  # folds that -i must not read off the bytes
}
SWITCHES = [
    ["ICE"],
    ["-v", "ICE"],
    ["-m", "1", "ICE"],
    ["-i", "ice"],
    ["-F", "ICE ICE"],
    ["-w", "ICE"],
    ["--since", "2024", "ICE"],
    ["--until", "2023-12", "ICE"],
    ["--since", "2022-07", "--until", "2022-07", "ICE"],  # only the date corpus.yaml gives
    ["--max-document-mb", "0.001", "ICE"],
    ["--field", "body", "ICE"],
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workers")
    for number, (name, data) in enumerate(FILES.items()):
        folder = root / f"{number % 3:02d}"  # several folders, files of each spread over the tasks
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.txt").write_bytes(data)
    (root / "corpus.yaml").write_text("documents:\n  b_undated:\n    date: 2022-07-05\n  a_plain:\n    date: 2022-07-06\n")
    return root


@pytest.mark.slow  # forks worker processes, a run a case
@pytest.mark.parametrize("switches", SWITCHES, ids=" ".join)
@pytest.mark.parametrize("mode", [["-c", "--include-zero"], ["-c"], ["-l"], []], ids=" ".join)
def test_workers_print_and_warn_as_one_process_does(
    corpus: Path, switches: list[str], mode: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_pooled_as_alone(monkeypatch, "--corpus", str(corpus), "--no-stdin", "--format", "jsonl", *mode, *switches)


def assert_pooled_as_alone(monkeypatch: pytest.MonkeyPatch, *args: str, input: str | None = None) -> None:
    """grep with two workers, several tasks each, begun during discovery once 4 files are found,
    prints, warns and exits as grep in one process does."""
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 2)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 4)
    alone = run("grep", *args, "-j", "1", input=input)
    pooled = run("grep", *args, "-j", "2", input=input)
    assert alone.exit_code in (0, 1), alone.output
    assert (pooled.exit_code, pooled.stdout, pooled.stderr) == (alone.exit_code, alone.stdout, alone.stderr)


def test_grep_c_counts_and_warns_on_workers_as_it_reads(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counts and warnings themselves, on two workers: each file as its encoding says."""
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 2)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 4)
    result = run("grep", "--corpus", str(corpus), "--no-stdin", "--format", "csv", "-c", "--include-zero", "-j", "2", "ICE")
    counts = dict(line.split(",")[0::2] for line in result.stdout.splitlines()[1:])
    assert counts == {
        "a_plain": "2",
        "b_undated": "2",
        "c_bom": "2",
        "d_latin": "2",
        "e_late_nul": "1",
        "g_impossible_date": "1",
        "h_malformed_date": "1",
        "i_blank": "0",
        "j_utf16": "1",
        "k_crlf": "2",
        "l_curly": "1",
        "m_furniture": "0",
        "n_large": "1",
        "o_iwords": "1",
    }
    warned = [line.split(": ")[2].partition("/")[2] for line in result.stderr.splitlines()]
    assert warned == [
        "d_latin.txt",
        "e_late_nul.txt",
        "f_binary.txt",
        "g_impossible_date.txt",
        "h_malformed_date.txt",
        "i_blank.txt",
        "m_furniture.txt",
    ], result.stderr


def layout(root: Path, names: list[str]) -> Path:
    """A corpus of the files `names` (relative paths), each with a line or two holding ICE."""
    for number, name in enumerate(names):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f" date 2024-01-{number % 28 + 1:02d} ICE {number}\n" + "ICE again\n" * (number % 3))
    return root


IN_ORDER = [f"{folder:02d}/{folder:02d}_{number}.txt" for folder in range(4) for number in range(4)]
LAYOUTS = {
    "in order": IN_ORDER,
    # Two files named alike, found after the search began: both are named by their paths.
    "shared stem": [*IN_ORDER, "03/00_1.txt".replace("03/", "03/x/")],
    # The walk finds the root's files first: "zz" before the folders' files, which sort before it.
    "root file last by id": ["zz.txt", *IN_ORDER],
    # "c-d.txt" comes before "c.txt" by name, after it by id; both are found in the first tasks.
    "name order is not id order": [*IN_ORDER[:4], "00/c-d.txt", "00/c.txt", *IN_ORDER[4:]],
}


@pytest.mark.slow  # forks worker processes
@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("switches", [["-c"], ["-c", "--include-zero", "-v"], ["-l"], ["-q"], []], ids=" ".join)
def test_a_search_begun_during_discovery_gives_what_one_after_it_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, switches: list[str]
) -> None:
    root = layout(tmp_path, LAYOUTS[name])
    assert_pooled_as_alone(monkeypatch, "--corpus", str(root), "--no-stdin", "--format", "jsonl", *switches, "ICE")


@pytest.mark.slow
def test_discovery_warnings_after_the_search_began_still_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = layout(tmp_path, IN_ORDER)
    (root / "00" / "00_9.txt").write_bytes(b"Caf\xe9 ICE\n")  # a warning from the search, in the first task
    (root / "03" / "broken.txt").symlink_to(root / "nowhere.txt")  # one from the walk, after the search began
    (root / "03" / "outside.txt").symlink_to("/etc/hostname")
    assert_pooled_as_alone(monkeypatch, "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c", "ICE")
    result = run("grep", "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c", "-j", "2", "ICE")
    assert [line.split(": ")[2] for line in result.stderr.splitlines()] == ["03/broken.txt", "03/outside.txt", "00/00_9.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("selection", [["--id", "0[13]_*"], ["--since", "2024-01-05"], ["--stdin"], ["--no-index"]], ids=" ".join)
def test_a_selection_searches_as_one_process_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, selection: list[str]) -> None:
    root = layout(tmp_path, IN_ORDER)
    ids = "".join(f'{{"id": "{Path(name).stem}"}}\n' for name in reversed(IN_ORDER[3:11]))
    stdin = [] if "--stdin" in selection else ["--no-stdin"]
    assert_pooled_as_alone(monkeypatch, "--corpus", str(root), *stdin, *selection, "--format", "jsonl", "-c", "ICE", input=ids)


@pytest.mark.slow
def test_without_a_memfd_the_search_waits_for_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel without memfd_create (before Linux 3.17) refuses it: the search runs as after discovery."""

    def refused(*args: object) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "memfd_create", refused, raising=False)
    root = layout(tmp_path, IN_ORDER)
    assert_pooled_as_alone(monkeypatch, "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c", "ICE")


def pools_started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(workers, tasks sent ahead of discovery's end) of each pool the run starts."""
    started: list[tuple[int, int]] = []
    real_init, real_send_ahead = parallel.WorkerPool.__init__, parallel.WorkerPool.send_ahead

    def init(self: parallel.WorkerPool, function: object, processes: int, in_parts: bool) -> None:
        real_init(self, function, processes, in_parts)  # type: ignore[arg-type]
        started.append((processes, 0))

    def send_ahead(self: parallel.WorkerPool, item: object) -> None:
        real_send_ahead(self, item)
        started[-1] = (started[-1][0], started[-1][1] + 1)

    monkeypatch.setattr(parallel.WorkerPool, "__init__", init)
    monkeypatch.setattr(parallel.WorkerPool, "send_ahead", send_ahead)
    return started


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [2, 4])
def test_the_search_begun_during_discovery_runs_on_the_workers_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """-j N: N workers, started while the walk goes on (it was two whatever N, from the first folder's files)."""
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 2)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 4)
    started = pools_started(monkeypatch)
    root = layout(tmp_path, IN_ORDER)
    result = run("grep", "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c", "-j", str(jobs), "ICE")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == len(IN_ORDER)
    assert len(started) == 1 and started[0][0] == jobs and started[0][1] > 0


@pytest.mark.slow
def test_when_the_memory_file_takes_no_more_the_search_waits_for_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No room to hand the files over during the walk (a full /dev/shm, a memory limit): the search
    starts after discovery as it would without the early start, with the same output."""

    def no_room(self: object, files: object) -> tuple[int, int]:
        raise files_module.SpillFailed("cannot hand files to the worker processes: No space left on device; try --jobs 1")

    monkeypatch.setattr(files_module.SpilledBatches, "add", no_room)
    root = layout(tmp_path, IN_ORDER)
    assert_pooled_as_alone(monkeypatch, "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c", "ICE")


@pytest.mark.slow
def test_output_failing_before_the_first_result_leaves_no_worker_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A closed pipe before the first line: the workers started during discovery end with the
    run, and what the run froze out of the garbage collector is thawed (not left to exit)."""
    import errno
    import gc
    import multiprocessing

    import corpus_cli.commands.grep as grep_command

    monkeypatch.setattr(parallel, "FILES_PER_TASK", 2)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 4)
    started = pools_started(monkeypatch)

    def closed_pipe(*args: object) -> bool:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(grep_command, "_print", closed_pipe)
    root = layout(tmp_path, IN_ORDER)
    result = run("grep", "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c", "-j", "2", "ICE")
    assert result.stdout == "" and len(started) == 1  # (a closed pipe ends the run quietly)
    assert multiprocessing.active_children() == [] and gc.get_freeze_count() == 0
