"""`corpus index --watch`: while a watcher runs and nothing changes, commands skip the stat of
every file; after any change they answer exactly as a scan does. The watcher is the real command
in a subprocess; the commands run through the entry point, and a test tells that they skipped
the survey by counting its calls.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import SEEDS, run

import corpus_cli.index.watched as watched
import corpus_cli.index.watcher as watcher_module
import corpus_cli.source.survey as survey
from corpus_cli.index import inotify, mounts, schema
from corpus_cli.index.watcher import Watcher

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watcher needs inotify")

OLD_NS = 1_700_000_000 * 10**9  # long before any test runs: no entry is "racy" (see index/freshness.py)
COMMANDS = (("list",), ("grep", "-c", "ICE"), ("stats", "--by", "month"), ("search", "ICE"))


def start_watcher(corpus: Path) -> subprocess.Popen[bytes]:
    """`corpus index --watch` in a subprocess, returned once it says it is watching."""
    process = subprocess.Popen(
        [sys.executable, "-m", "corpus_cli", "index", "--watch", "--corpus", str(corpus)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    ready, _, _ = select.select([process.stderr], [], [], 60)
    line = process.stderr.readline().decode() if ready else ""
    if "watching" not in line:
        process.kill()
        raise AssertionError(f"the watcher did not start: {line!r}")
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.terminate()
    process.wait(timeout=60)


@pytest.fixture
def corpus(seeds_copy: Path) -> Path:
    """The seeds, their times long past, indexed."""
    for path in seeds_copy.rglob("*.txt"):
        os.utime(path, ns=(OLD_NS, OLD_NS))
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    return seeds_copy


@pytest.fixture
def watcher(corpus: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_watcher(corpus)
    yield process
    stop(process)


def surveys(monkeypatch: pytest.MonkeyPatch, corpus: Path, *args: str) -> tuple[int, str]:
    """How many times the command surveyed the files, and what it printed."""
    calls: list[object] = []
    real = watched.survey

    def counted(*arguments: object, **options: object) -> object:
        calls.append(arguments)
        return real(*arguments, **options)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(watched, "survey", counted)
        result = run(*args, "--corpus", str(corpus))
    return len(calls), result.output


def assert_as_a_scan(corpus: Path) -> None:
    for command in COMMANDS:
        with_index = run(*command, "--corpus", str(corpus))
        if command[0] == "search":
            assert with_index.exit_code == 0
            continue  # search needs the index: its answer is checked against the files below
        scanned = run(*command, "--corpus", str(corpus), "--no-index")
        assert (with_index.exit_code, with_index.output) == (scanned.exit_code, scanned.output), command


def vouched(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    """Run `list` until one skips the survey: the first after a change surveys (and writes the
    change to the index), the next finds the index as the files are and vouches for it."""
    for _ in range(3):
        if surveys(monkeypatch, corpus, "list")[0] == 0:
            return
    raise AssertionError("every command surveyed although nothing changed")


def answering(corpus: Path) -> None:
    """Wait until the watcher answers (one just resumed may still be reading its queue)."""
    deadline = time.monotonic() + 60
    while watched.ask(corpus / ".corpus" / "index.sqlite", corpus) is None:
        assert time.monotonic() < deadline, "the watcher never answered"
        time.sleep(0.02)


def append(corpus: Path) -> None:
    path = corpus / "001_487be5ddedc07bcd.txt"
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\nICE and Mayorkas, added later.\n")
    os.utime(path, ns=(OLD_NS, OLD_NS + 10**9))  # long past, so the next survey can vouch at once


def same_size_same_mtime(corpus: Path) -> None:
    path = corpus / "000_602cce6e2114fdb8.txt"
    data = path.read_bytes()
    assert b"ICE" in data
    path.write_bytes(data.replace(b"ICE", b"XYZ"))
    os.utime(path, ns=(OLD_NS, OLD_NS))


def new_file(corpus: Path) -> None:
    (corpus / "added.txt").write_text("Added\n\nICE twice: ICE.\n", encoding="utf-8")


def new_folder(corpus: Path) -> None:
    (corpus / "late" / "inner").mkdir(parents=True)
    (corpus / "late" / "inner" / "deep.txt").write_text("Deep\n\nICE in a new folder.\n", encoding="utf-8")


def deleted(corpus: Path) -> None:
    (corpus / "002_8558860120d3c356.txt").unlink()


def renamed(corpus: Path) -> None:
    (corpus / "003_4e5a870071d63da7.txt").rename(corpus / "renamed.txt")


def touched(corpus: Path) -> None:
    os.utime(corpus / "004_b26c48024a5263f5.txt", ns=(OLD_NS, OLD_NS + 10**9))


def made_unreadable(corpus: Path) -> None:
    (corpus / "004_b26c48024a5263f5.txt").chmod(0)


CHANGES: list[Callable[[Path], None]] = [append, same_size_same_mtime, new_file, new_folder, deleted, renamed, touched, made_unreadable]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_after_any_change_commands_answer_as_a_scan(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes], change: Callable[[Path], None]
) -> None:
    if change is made_unreadable and os.geteuid() == 0:
        pytest.skip("root reads a file of mode 000")
    seen_after(monkeypatch, corpus, change)


def seen_after(monkeypatch: pytest.MonkeyPatch, corpus: Path, change: Callable[[Path], None]) -> None:
    """Once the files are vouched for, `change` makes the next command survey, and every command answer as a scan."""
    vouched(monkeypatch, corpus)
    change(corpus)
    assert surveys(monkeypatch, corpus, "list")[0] == 1
    assert_as_a_scan(corpus)


def test_nothing_changed_skips_the_survey_with_the_same_answers(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    vouched(monkeypatch, corpus)
    for command in COMMANDS:
        count, output = surveys(monkeypatch, corpus, *command)
        assert count == 0
        if command[0] != "search":
            assert output == run(*command, "--corpus", str(corpus), "--no-index").output
    assert "Mayorkas" in surveys(monkeypatch, corpus, "search", "Mayorkas")[1]


def test_hidden_files_written_do_not_count_as_changes(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    (corpus / ".notes.txt").write_text("a hidden note: discovery never reads it\n")
    (corpus / ".drafts").mkdir()
    vouched(monkeypatch, corpus)
    (corpus / ".notes.txt").write_text("written again, as an editor writes its swap file\n")
    (corpus / ".drafts" / "draft.txt").write_text("ICE\n")
    assert surveys(monkeypatch, corpus, "list")[0] == 0


def test_a_document_with_another_name_is_never_vouched_for(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    """A hard link (here a hidden name, whose writes the watcher does not count) changes the
    document with no event for it: a new name counts, and a corpus holding one is not vouched for."""
    vouched(monkeypatch, corpus)
    document = corpus / "001_487be5ddedc07bcd.txt"
    os.link(document, corpus / ".shadow")
    for _ in range(3):
        assert surveys(monkeypatch, corpus, "list")[0] == 1
    with (corpus / ".shadow").open("a", encoding="utf-8") as stream:
        stream.write("\nICE, written through the other name.\n")
    assert_as_a_scan(corpus)


def test_a_file_written_in_a_folder_made_after_vouching_is_seen(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    vouched(monkeypatch, corpus)
    (corpus / "late").mkdir()
    vouched(monkeypatch, corpus)  # vouched again with the empty folder: it must be watched by now
    (corpus / "late" / "x.txt").write_text("Late\n\nICE arrives late.\n", encoding="utf-8")
    assert surveys(monkeypatch, corpus, "list")[0] == 1
    assert "late/x.txt" in run("list", "--corpus", str(corpus)).output
    assert_as_a_scan(corpus)


def test_a_corpus_of_many_files_in_its_root_is_vouched_for(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    """Past `ROOT_FILES_STATED` root files a survey leaves their stat to the freshness check; with
    a watcher it takes them, so that a flat corpus is vouched for too."""
    monkeypatch.setattr(survey, "ROOT_FILES_STATED", 2)
    seen_after(monkeypatch, corpus, append)


def test_a_link_or_a_warning_keeps_every_command_surveying(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    """A file read through a link could change outside the folders watched; a warning of
    discovery's must come each time: neither corpus is vouched for."""
    (corpus / "link.txt").symlink_to(corpus / "001_487be5ddedc07bcd.txt")
    for _ in range(3):
        assert surveys(monkeypatch, corpus, "list")[0] == 1
    (corpus / "link.txt").unlink()
    vouched(monkeypatch, corpus)
    (corpus / "folder-link").symlink_to(corpus.parent, target_is_directory=True)
    for _ in range(2):
        count, _ = surveys(monkeypatch, corpus, "list")
        assert count == 1


def test_a_killed_watcher_leaves_commands_right_and_a_new_one_starts(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    process = start_watcher(corpus)
    vouched(monkeypatch, corpus)
    process.kill()
    process.wait(timeout=60)
    assert (corpus / ".corpus" / "watch.sock").is_socket()  # left behind: it refuses connections
    append(corpus)
    assert surveys(monkeypatch, corpus, "list")[0] == 1
    assert_as_a_scan(corpus)
    again = start_watcher(corpus)
    try:
        vouched(monkeypatch, corpus)
    finally:
        stop(again)


def test_a_stopped_watcher_is_not_waited_for(monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]) -> None:
    vouched(monkeypatch, corpus)
    watcher.send_signal(signal.SIGSTOP)
    try:
        append(corpus)
        assert surveys(monkeypatch, corpus, "list")[0] == 1
        assert_as_a_scan(corpus)
    finally:
        watcher.send_signal(signal.SIGCONT)


def test_an_overflowing_queue_counts_as_a_change(monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]) -> None:
    """More events than the kernel queues while the watcher is stopped: the overflow counts, and
    the folders made meanwhile are watched afterwards."""
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    if limit > 100_000:
        pytest.skip("the kernel queues too many events to overflow in a test")
    vouched(monkeypatch, corpus)
    watcher.send_signal(signal.SIGSTOP)
    try:
        (corpus / "made-meanwhile").mkdir()
        files = [corpus / "001_487be5ddedc07bcd.txt", corpus / "002_8558860120d3c356.txt"]
        for step in range(limit + 10):  # two files in turn: the kernel merges an event with the same one queued last
            os.utime(files[step % 2], ns=(OLD_NS, OLD_NS))
    finally:
        watcher.send_signal(signal.SIGCONT)
    answering(corpus)
    vouched(monkeypatch, corpus)
    (corpus / "made-meanwhile" / "m.txt").write_text("Meanwhile\n\nICE.\n", encoding="utf-8")
    assert surveys(monkeypatch, corpus, "list")[0] == 1
    assert_as_a_scan(corpus)


def test_a_second_watcher_is_refused(corpus: Path, watcher: subprocess.Popen[bytes]) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "corpus_cli", "index", "--watch", "--corpus", str(corpus)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert second.returncode == 2
    index = corpus / ".corpus" / "index.sqlite"
    assert second.stderr.decode().splitlines() == [f"corpus: error: another watcher is keeping watch for {index}"]
    assert watcher.poll() is None


def test_ctrl_c_stops_the_watcher_and_removes_its_socket(corpus: Path) -> None:
    process = start_watcher(corpus)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert process.stderr is not None and process.stderr.read().strip() == b""  # click ends the ^C line
    assert not (corpus / ".corpus" / "watch.sock").exists()


def test_the_corpus_folder_removed_stops_the_watcher(tmp_path: Path, corpus: Path) -> None:
    process = start_watcher(corpus)
    shutil.rmtree(corpus)
    assert process.wait(timeout=60) == 2
    assert process.stderr is not None
    assert process.stderr.read().decode() == f"corpus: error: {corpus / '.corpus'}: the index's folder is gone; stopped watching\n"


def test_without_an_index_there_is_nothing_to_watch(seeds_copy: Path) -> None:
    result = run("index", "--watch", "--corpus", str(seeds_copy))
    assert result.exit_code == 2
    assert result.output == "corpus: error: no index to keep watch for: run 'corpus index' first\n"


def test_a_socket_path_too_long_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 100) / "corpus"
    shutil.copytree(SEEDS, deep)
    assert run("index", "--corpus", str(deep)).exit_code == 0
    result = run("index", "--watch", "--corpus", str(deep))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "too long a path for a socket" in result.output


def test_watch_goes_with_no_other_mode(corpus: Path) -> None:
    result = run("index", "--watch", "--status", "--corpus", str(corpus))
    assert result.exit_code == 2
    assert "choose one" in result.output


def fake_watcher(path: Path, line: bytes) -> threading.Thread:
    """A process in the watcher's place that answers `line` to one connection."""
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(os.fspath(path))
    server.listen(1)

    def answer() -> None:
        with server:
            connection, _ = server.accept()
            with connection:
                connection.sendall(line)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    return thread


def test_an_answer_about_another_folder_is_not_trusted(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    """The same instance and count, for a folder that is not the corpus (one swapped into its
    place, say): the command surveys."""
    process = start_watcher(corpus)
    vouched(monkeypatch, corpus)
    count = watched.ask(corpus / ".corpus" / "index.sqlite", corpus)
    assert count is not None
    stop(process)
    append(corpus)
    instance, number = count.split(" ")
    thread = fake_watcher(corpus / ".corpus" / "watch.sock", watched.answer_line(instance, int(number), os.stat(corpus.parent)))
    assert surveys(monkeypatch, corpus, "list")[0] == 1
    thread.join(timeout=60)
    assert_as_a_scan(corpus)


@pytest.mark.parametrize("line", [b"", b"garbage\n", b"corpus-watch 2 a 1 2 3\n", b"x" * 1000])
def test_a_broken_answer_means_a_survey(monkeypatch: pytest.MonkeyPatch, corpus: Path, line: bytes) -> None:
    thread = fake_watcher(corpus / ".corpus" / "watch.sock", line)
    assert watched.ask(corpus / ".corpus" / "index.sqlite", corpus) is None
    thread.join(timeout=60)


def test_a_fresh_answer_arrives_in_time(corpus: Path, watcher: subprocess.Popen[bytes]) -> None:
    """Changes finished before the question are in its answer: no wait, no retry."""
    index = corpus / ".corpus" / "index.sqlite"
    before = watched.ask(index, corpus)
    append(corpus)
    after = watched.ask(index, corpus)
    assert before is not None and after is not None and before != after
    assert watched.ask(index, corpus) == after


@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGKILL])
def test_drop_leaves_no_folder_after_a_watcher(corpus: Path, ending: signal.Signals) -> None:
    process = start_watcher(corpus)
    process.send_signal(ending)
    process.wait(timeout=60)
    result = run("index", "--drop", "--corpus", str(corpus))
    assert result.exit_code == 0
    assert not (corpus / ".corpus").exists()


def test_drop_while_a_watcher_runs_keeps_its_socket(corpus: Path, watcher: subprocess.Popen[bytes]) -> None:
    assert run("index", "--drop", "--corpus", str(corpus)).exit_code == 0
    assert not (corpus / ".corpus" / "index.sqlite").exists()
    assert (corpus / ".corpus" / "watch.sock").is_socket()
    assert watcher.poll() is None


def test_status_says_whether_a_watcher_answers(corpus: Path) -> None:
    def status() -> object:
        return json.loads(run("index", "--status", "--corpus", str(corpus), "--format", "json").output)["watched"]

    assert status() is False
    process = start_watcher(corpus)
    try:
        assert status() is True
    finally:
        stop(process)
    assert status() is False


def test_the_corpus_folder_moved_stops_the_watcher(tmp_path: Path, corpus: Path) -> None:
    process = start_watcher(corpus)
    moved = tmp_path / "moved"
    corpus.rename(moved)
    assert process.wait(timeout=60) == 2
    assert process.stderr is not None
    assert process.stderr.read().decode() == f"corpus: error: {corpus}: the corpus folder was moved or removed; stopped watching\n"


def test_a_folder_above_the_corpus_moved_stops_the_watcher_at_the_next_question(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus: Path
) -> None:
    """Moving a folder above the corpus sends the watcher no event: the next question finds the
    corpus gone from where it watched it, the command surveys, and the watcher stops."""
    above = tmp_path / "a"  # short names: a socket's path has at most 107 bytes
    above.mkdir()
    inside = above / "c"
    corpus.rename(inside)
    assert run("index", "--corpus", str(inside)).exit_code == 0
    process = start_watcher(inside)
    try:
        vouched(monkeypatch, inside)
        above.rename(tmp_path / "b")
        moved = tmp_path / "b" / "c"
        (moved / "late").mkdir()
        (moved / "late" / "x.txt").write_text("Late\n\nICE.\n", encoding="utf-8")
        assert surveys(monkeypatch, moved, "list")[0] == 1
        assert_as_a_scan(moved)
        assert process.wait(timeout=60) == 2
    finally:
        stop(process)


def answered_count(watcher: Watcher) -> str:
    """The count in the watcher's answer ("-": none, it cannot vouch for the files now)."""
    return watcher.answer().decode().split()[3]


def test_a_folder_it_cannot_watch_leaves_the_answers_without_a_count(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    """A folder unreadable to the watcher's user (root reads everything: the refusal is made here)."""
    (corpus / "secret").mkdir()
    real_watch = inotify.Inotify.watch

    def refusing(self: inotify.Inotify, folder: str) -> int:
        if folder.endswith("secret"):
            raise PermissionError(13, "Permission denied", folder)
        return real_watch(self, folder)

    monkeypatch.setattr(inotify.Inotify, "watch", refusing)
    watcher = Watcher(corpus, corpus / ".corpus" / "watch.sock")
    try:
        assert answered_count(watcher) == "-"
        monkeypatch.setattr(inotify.Inotify, "watch", real_watch)  # readable now: watched at the next question
        assert answered_count(watcher) == answered_count(watcher) != "-"
    finally:
        watcher.close()


def test_a_mount_below_the_corpus_means_no_count(monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]) -> None:
    """A mount sends no event, nor do changes made through its source: in the watcher's view, its
    answers have no count; in a command's (another mount namespace), it does not ask."""
    index = corpus / ".corpus" / "index.sqlite"
    assert watched.ask(index, corpus) is not None
    monkeypatch.setattr(mounts, "file_systems", lambda root: ("ext4", True))
    assert watched.ask(index, corpus) is None
    watcher_in_process = Watcher(corpus, corpus / ".corpus" / "other.sock")
    try:
        assert answered_count(watcher_in_process) == "-"
    finally:
        watcher_in_process.close()


def test_a_network_file_system_is_not_watched(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    monkeypatch.setattr(mounts, "file_systems", lambda root: ("nfs4", False))
    result = run("index", "--watch", "--corpus", str(corpus))
    assert result.exit_code == 2
    assert result.output == (
        f"corpus: error: {corpus}: a nfs4 file system, whose changes made elsewhere no watcher is told of; not watched\n"
    )


def test_the_mount_table_says_where_a_folder_is_held(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    table = (
        "21 1 8:1 / / rw - ext4 /dev/vda rw\n"
        "30 21 0:40 / /srv/news rw - nfs4 host:/news rw\n"
        "31 30 0:41 / /srv/news/with\\040space/inner rw - tmpfs tmpfs rw\n"
    )
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(table)
    real_open = open

    def opening(path: object, *args: object, **options: object) -> object:
        return real_open(mountinfo if path == "/proc/self/mountinfo" else path, *args, **options)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", opening)
    assert mounts.file_systems("/srv/news/with space") == ("nfs4", True)
    assert mounts.file_systems("/srv/news/with space/inner/x") == ("tmpfs", False)
    assert mounts.file_systems("/srv/newsroom") == ("ext4", False)
    assert mounts.file_systems("/home/me/corpus") == ("ext4", False)


def test_a_link_that_discovery_passes_over_keeps_commands_surveying(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    """A link discovery says nothing of (not .txt, to nothing) may lead to a folder later, with no
    change below the corpus, and discovery then warns: a corpus with a link is not vouched for."""
    (corpus / "latest").symlink_to(tmp_path / "not-yet")
    for _ in range(3):
        assert surveys(monkeypatch, corpus, "list")[0] == 1
    (tmp_path / "not-yet").mkdir()
    assert_as_a_scan(corpus)


def test_hidden_names_below_the_root_do_not_count(monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]) -> None:
    (corpus / "sub" / ".hidden").mkdir(parents=True)
    (corpus / "sub" / "in.txt").write_text("Sub\n\nICE.\n", encoding="utf-8")
    os.utime(corpus / "sub" / "in.txt", ns=(OLD_NS, OLD_NS))
    (corpus / "sub" / ".swap.txt").write_text("hidden\n")
    vouched(monkeypatch, corpus)
    (corpus / "sub" / ".swap.txt").write_text("hidden, written again\n")
    (corpus / "sub" / ".hidden" / "x.txt").write_text("in a hidden folder\n")
    assert surveys(monkeypatch, corpus, "list")[0] == 0


def test_a_change_during_the_survey_is_seen_by_the_next_command(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    """The count is asked for before the survey: a file changed after the survey stat'ed it, and
    before the list was vouched for, makes the next command survey again."""
    real = watched.survey

    def then_changed(*arguments: object, **options: object) -> object:
        found = real(*arguments, **options)  # type: ignore[arg-type]
        append(corpus)
        return found

    def changed_during_a_survey(corpus: Path) -> None:
        (corpus / "notes.md").write_text("not a document: a change all the same\n")  # the next command surveys
        with monkeypatch.context() as patch:
            patch.setattr(watched, "survey", then_changed)
            run("list", "--corpus", str(corpus))

    seen_after(monkeypatch, corpus, changed_during_a_survey)


def test_a_list_vouched_for_by_another_user_or_groups_is_not_used(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    """Another user, or other groups, may read other files: the list vouched for is not theirs."""
    vouched(monkeypatch, corpus)
    monkeypatch.setattr(watched, "_reader", lambda: ["utf-8", "4242:4242"])
    assert surveys(monkeypatch, corpus, "list")[0] == 1


@pytest.mark.slow  # the watcher looks every few seconds
def test_a_watcher_whose_socket_is_removed_stops(corpus: Path) -> None:
    process = start_watcher(corpus)
    (corpus / ".corpus" / "watch.sock").unlink()  # a command cannot reach it now: it ends
    assert process.wait(timeout=60) == 2
    assert process.stderr is not None
    socket_file = corpus / ".corpus" / "watch.sock"
    assert process.stderr.read().decode() == f"corpus: error: {socket_file}: the socket was removed; stopped watching\n"


def test_watch_takes_no_option_that_means_nothing_to_it(corpus: Path) -> None:
    for extra in (["--no-index"], ["--format", "json"], ["--jobs", "2"]):
        result = run("index", "--watch", *extra, "--corpus", str(corpus))
        assert result.exit_code == 2
        assert "--watch takes none of --jobs, --format and --no-index" in result.output


def test_another_user_s_index_is_not_answered_from(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    """Its owner's reads made it; this user may not read every file it holds, so commands read the files."""
    scanned = run("list", "--corpus", str(corpus), "--no-index").output
    monkeypatch.setattr(os, "geteuid", lambda: 4242)
    with monkeypatch.context() as patch:
        patch.setattr(schema, "connect", lambda *args, **options: pytest.fail("the index was opened"))
        assert run("list", "--corpus", str(corpus)).output == scanned
    status = json.loads(run("index", "--status", "--corpus", str(corpus), "--format", "json").output)
    assert status["usable"] is False and "another user owns it" in status["problem"]
    result = run("index", "--watch", "--corpus", str(corpus))
    assert result.exit_code == 2 and "another user owns this index" in result.output
    searched = run("search", "ICE", "--corpus", str(corpus))
    assert searched.exit_code == 2
    assert searched.output == (
        f"corpus: error: {corpus / '.corpus' / 'index.sqlite'}: another user owns this index, "
        "and search answers only from its own user's (search needs one)\n"
    )


def test_files_not_where_their_paths_say_are_not_vouched_for(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, watcher: subprocess.Popen[bytes]
) -> None:
    """Under a file-name encoding other than UTF-8 a non-ASCII name is found by other bytes than
    its (UTF-8) path says: a list that rebuilds each location from its path would miss it. Such
    a survey (made here by moving one location) is not vouched for."""
    real = watched.survey

    def elsewhere(*arguments: object, **options: object) -> object:
        found = real(*arguments, **options)  # type: ignore[arg-type]
        first = found.files[0]
        found.files[0] = first._replace(location=first.location + "/.")
        return found

    with monkeypatch.context() as patch:
        patch.setattr(watched, "survey", elsewhere)
        for _ in range(2):
            run("list", "--corpus", str(corpus))
    assert surveys(monkeypatch, corpus, "list")[0] == 1


def test_the_limit_of_watches_is_one_line(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    def refused(self: inotify.Inotify, folder: str) -> int:
        raise OSError(28, "No space left on device", folder)  # what inotify_add_watch says past max_user_watches

    monkeypatch.setattr(inotify.Inotify, "watch", refused)
    result = run("index", "--watch", "--corpus", str(corpus))
    assert result.exit_code == 2
    assert result.output == (
        f"corpus: error: {os.path.realpath(corpus)}: cannot watch more folders (No space left on device); "
        "raise fs.inotify.max_user_watches\n"
    )


def test_a_file_system_that_cannot_lock_is_one_line(monkeypatch: pytest.MonkeyPatch, corpus: Path) -> None:
    def cannot(descriptor: int) -> bool:
        raise OSError(37, "No locks available")

    monkeypatch.setattr(watcher_module, "taken", cannot)
    result = run("index", "--watch", "--corpus", str(corpus))
    assert result.exit_code == 2
    assert result.output == "corpus: error: cannot lock out a second watcher (No locks available)\n"
