"""Faults, run many times: how many runs end cleanly, and the peak memory of every subcommand.

    uv run python bench/fault_bench.py                      # 50 runs a case, 30 MB corpus, 50 MB document
    uv run python bench/fault_bench.py --runs 10 --mb 500 --huge-mb 200

Fault cases (each run picks the next of list, stats, grep, export, on a corpus large enough for
worker processes; a hook slows each file's read by a few milliseconds so the fault lands midway):

- worker-kill-9: one worker killed outright; clean = exit 2 with the one line "a worker process
  ended unexpectedly", no temporary file, no process of the run left;
- sigint-twice, sigterm-twice, sighup: the signal to the whole process group, then again at
  once; clean = 130, 143 or 129, nothing on stderr, no temporary file, nothing left;
- parent-kill-9: the parent killed outright; clean = every worker gone within 5 s.

Memory: each subcommand run to completion on the generated corpus and on one huge document; the
peak of the whole process tree (parent and workers) as the sum of the proportional set sizes
(each page counted once, divided among the processes that share it: what the run costs the
machine, and what a cgroup's memory limit charges), sampled every 20 ms from /proc, is held to the
target: under 150 MB, or one clear line. Beside it, the sum of the resident sizes, sampled every
10 ms, counts a page once per process that maps it: a worker forked from the parent maps the
parent's pages (the list of the corpus's files among them) without copying them, so that sum
counts them three times over. The huge document is over the default --max-document-mb (10) when --huge-mb is:
the commands skip it with one warning, which the note column shows; a third table runs them on
one document just under that limit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # a sibling script, not a package
from proc_memory import proportional_kb

from corpus_cli.source.limits import DEFAULT_MAX_DOCUMENT_MB

SLOW_READS = """
import sys, time
import corpus_cli.source.files as files
read = files.SourceFile.read_bytes
def slow_read(self):
    time.sleep(float(sys.argv[1]))
    return read(self)
files.SourceFile.read_bytes = slow_read
from corpus_cli.cli import main
main(args=sys.argv[2:], prog_name="corpus")
"""
COMMANDS = [("list",), ("stats", "--top", "5"), ("grep", "the"), ("export", "-o", "OUT")]
WORKER_GONE = b"corpus: error: a worker process ended unexpectedly (killed, or out of memory?); try --jobs 1\n"
PEAK_TARGET_MB = 150
MEMORY_COMMANDS = [
    ("list",),
    ("list", "--sort", "words"),
    ("grep", "ICE"),
    ("grep", "-c", "the"),
    ("stats",),
    ("stats", "--top", "20"),
    ("stats", "--top", "20", "--ngram", "3"),
    ("check",),
    ("export", "-o", "OUT"),
    ("collocates", "border"),
    ("keyness", "--since", "2024-01-01"),
    ("dispersion", "border"),
    ("quotes",),
    ("dupes",),
]


def session_pids(session: int) -> list[int]:
    found = subprocess.run(["pgrep", "-s", str(session)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


def children(pid: int) -> list[int]:
    return [int(child) for child in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]


def wait_for(condition: Callable[[], object], patience: float) -> bool:
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start(corpus: Path, out: Path, command: tuple[str, ...], delay: float = 0.003) -> subprocess.Popen[bytes]:
    args = [str(out / "export.jsonl") if arg == "OUT" else arg for arg in command]
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_READS, str(delay), *args, "--corpus", str(corpus)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def one_run(case: str, corpus: Path, command: tuple[str, ...]) -> tuple[bool, str]:
    """Run `command`, inflict `case` once it has workers; (clean?, what went wrong)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        process = start(corpus, out, command)
        try:
            if not wait_for(lambda: len(children(process.pid)) >= 2 or process.poll() is not None, 30) or process.poll() is not None:
                return False, "ended before its workers started"
            workers = children(process.pid)
            if case == "worker-kill-9":
                os.kill(workers[0], signal.SIGKILL)
                expected: tuple[int, bytes] | None = (2, WORKER_GONE)
            elif case == "parent-kill-9":
                os.kill(process.pid, signal.SIGKILL)
                expected = None
            else:
                sig = {"sigint-twice": signal.SIGINT, "sigterm-twice": signal.SIGTERM, "sighup": signal.SIGHUP}[case]
                os.killpg(process.pid, sig)
                if case != "sighup":
                    os.killpg(process.pid, sig)
                expected = (128 + sig, b"")
            try:
                _, errors = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                return False, "hung"
            if expected is None:
                if not wait_for(lambda: not any(alive(worker) for worker in workers), 5):
                    return False, "workers outlived their parent"
                return True, ""
            if (process.returncode, errors.strip()) != (expected[0], expected[1].strip()):
                return False, f"status {process.returncode}, stderr {errors[-200:]!r}"
            if not wait_for(lambda: not session_pids(process.pid), 5):
                return False, "processes left behind"
            if any(out.iterdir()):
                return False, f"files left: {[path.name for path in out.iterdir()]}"
            return True, ""
        finally:
            if process.poll() is None or session_pids(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.communicate()


def fault_table(corpus: Path, runs: int) -> None:
    print(f"\nFault cases, {runs} runs each (commands in turn: {', '.join(command[0] for command in COMMANDS)})")
    print(f"{'case':<16} {'clean':>9}  failures")
    for case in ("worker-kill-9", "sigint-twice", "sigterm-twice", "sighup", "parent-kill-9"):
        clean, failures = 0, []
        for number in range(runs):
            command = COMMANDS[number % len(COMMANDS)]
            ok, why = one_run(case, corpus, command)
            clean += ok
            if not ok:
                failures.append(f"{command[0]}: {why}")
        print(f"{case:<16} {clean:>4}/{runs:<4}  {'; '.join(sorted(set(failures)))[:200]}", flush=True)


def tree_peak(argv: list[str]) -> tuple[float, float, float, int, str]:
    """Run to completion; (seconds, peak MB of the whole process tree as the sum of resident
    sizes and as the sum of proportional set sizes, exit status, last stderr line)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    peak = 0
    drained = {"bytes": 0}

    def drain() -> None:
        assert process.stdout is not None
        while chunk := process.stdout.read(1 << 16):
            drained["bytes"] += len(chunk)

    import threading

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proportional, samples = 0, 0
    while process.poll() is None:
        total = 0
        pids = session_pids(process.pid)
        for pid in pids:
            try:
                with open(f"/proc/{pid}/status") as status:
                    total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            except (OSError, StopIteration):
                pass
        peak = max(peak, total)
        samples += 1
        if samples % 2 == 0:  # reading smaps walks the page tables: less often
            proportional = max(proportional, sum(proportional_kb(pid) for pid in pids))
        time.sleep(0.01)
    reader.join()
    errors = process.stderr.read().decode(errors="replace").strip().splitlines() if process.stderr else []
    last = next((line for line in reversed(errors) if not line.startswith("corpus: warning")), "")
    if not last and len(errors) == 1:
        last = errors[0]  # a lone warning, such as the huge document skipped
    return time.perf_counter() - started, peak / 1024, proportional / 1024, process.returncode, last


def memory_table(label: str, corpus: Path) -> None:
    print(f"\nPeak memory, whole process tree: {label}")
    print(f"{'command':<34} {'seconds':>8} {'RSS sum':>8} {'PSS MB':>7} {'exit':>5}  note")
    with tempfile.TemporaryDirectory() as folder:
        for command in MEMORY_COMMANDS:
            target = Path(folder) / "export.jsonl"
            args = [str(target) if arg == "OUT" else arg for arg in command]
            argv = [sys.executable, "-m", "corpus_cli", *args, "--corpus", str(corpus), "--format", "jsonl"]
            seconds, peak, proportional, status, last = tree_peak(argv)
            flag = "" if proportional < PEAK_TARGET_MB else "OVER TARGET"
            print(f"{' '.join(command):<34} {seconds:>8.1f} {peak:>8.0f} {proportional:>7.0f} {status:>5}  {flag} {last[:90]}", flush=True)
            target.unlink(missing_ok=True)


def huge_document(folder: Path, megabytes: float) -> Path:
    """One document of `megabytes`: a generated corpus's articles joined into one file."""
    root = folder / f"huge-{megabytes:g}mb"
    if (root / "huge.txt").exists():
        return root
    source = generate(folder / "huge-source", min(megabytes, 50), seed=7)
    parts = [path.read_bytes() for path in sorted(source.rglob("*.txt"))]
    block = b"\n".join(parts)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "huge.txt", "wb") as out:
        written, size = 0, int(megabytes * 1024 * 1024)
        while written < size:
            written += out.write(block[: size - written])  # the size asked for, not a whole block more
    return root


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50, help="runs of each fault case (default 50)")
    parser.add_argument("--mb", type=float, default=30, help="size of the generated corpus for memory (default 30)")
    parser.add_argument("--huge-mb", type=float, default=50, help="size of the one huge document (default 50)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "corpus-fault-bench")
    parser.add_argument("--skip-faults", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-at-limit", action="store_true", help="no table for a document just under --max-document-mb's default")
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    if not options.skip_faults:
        fault_table(generate(options.out / "pooled-6.5mb", 6.5), options.runs)
    if not options.skip_memory:
        memory_table(f"generated corpus, {options.mb:g} MB", generate(options.out / f"corpus-{options.mb:g}mb", options.mb))
        memory_table(f"one document of {options.huge_mb:g} MB", huge_document(options.out, options.huge_mb))
        if not options.skip_at_limit:
            at_limit = round(DEFAULT_MAX_DOCUMENT_MB * 0.99, 2)
            memory_table(f"one document of {at_limit:g} MB, just under the default limit", huge_document(options.out, at_limit))


if __name__ == "__main__":
    main(sys.argv[1:])
