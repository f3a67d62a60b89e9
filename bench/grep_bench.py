"""Time `corpus grep -c` against GNU grep on a generated corpus of at least 100 MB.

    python bench/grep_bench.py [--dir /tmp/corpus-bench/MB] [--mb 100] [--runs 5] [--source DIR]

Both tools count matching lines per file, warm cache, with LC_ALL=C for grep
(`grep -rc --include='*.txt'`, so the hidden .complete marker is not searched). Both write into
a pipe that this script reads: GNU grep stops at each file's first match when its stdout is
/dev/null, so it must never be timed that way. The two tools run in turn, run after run, and
the median of --runs is reported (the best too), with the load average, since other work on the
machine moves wall times. The counts are compared too: a fast wrong answer is no answer.
The target: the literal case (`-c ICE`) at most 2.5x GNU grep's wall time, on both cores.
corpus runs as the installed `corpus` command beside this Python, as a user runs it (else as
`python -m corpus_cli`, a few milliseconds slower to start). `--source DIR` times the
corpus_cli package of another checkout (say, main) for a before/after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from command import corpus_command
from generate import generate

CASES = (
    ("literal", ["ICE"]),
    ("literal2", ["Mayorkas"]),
    ("-iw", ["-iw", "minister"]),
    ("regex", ["-E", "[Ss]ecretar(y|ies)"]),
)
TARGET = 2.5  # the literal case, wall time against GNU grep's


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, str]:
    """One run's wall time, CPU time (user + system, all its processes) and output, read from a pipe."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # stderr is dropped: the generator writes a few impossible header dates on purpose, and they are warned about.
    done = subprocess.run(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done.stdout.decode()


def grep_counts(output: str, root: Path) -> dict[str, int]:
    counts = {}
    for line in output.splitlines():
        path, _, count = line.rpartition(":")
        counts[Path(path).relative_to(root).as_posix()] = int(count)
    return counts


def corpus_counts(output: str) -> dict[str, int]:
    return {record["path"]: record["count"] for record in map(json.loads, output.splitlines())}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where the corpus is, or is made (default: /tmp/corpus-bench/MB)")
    parser.add_argument("--mb", type=float, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", help="passed to corpus grep -j (default: its own choice)")
    parser.add_argument("--source", type=Path, help="a checkout whose corpus_cli to time (default: this one)")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    args = parser.parse_args(argv)
    root = generate(args.dir or Path("/tmp/corpus-bench") / f"{args.mb:g}", args.mb)
    print((root / ".complete").read_text().strip(), "in", root)
    # As a user runs it: buffered output and cached bytecode (some shells, CI among them, set these).
    env = {name: value for name, value in os.environ.items() if name not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE")}
    env["LC_ALL"] = "C"
    if args.source:
        env["PYTHONPATH"] = str(args.source.resolve())
    corpus = [*corpus_command(), "grep", "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c"]
    corpus += ["-j", args.jobs] if args.jobs else []
    for path in root.rglob("*.txt"):  # warm the cache (one "cat" of 18,726 names is past the argument limit)
        path.read_bytes()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start (wall times move when it is high)")
    print(f"{args.runs} runs each, in turn; median (best) wall time, median CPU time")
    print(f"{'case':8} {'grep wall':>15} {'corpus wall':>15} {'ratio':>6}   {'grep cpu':>8} {'corpus cpu':>10} {'ratio':>6}  counts")
    chosen = [case for case in CASES if not args.cases or case[0] in args.cases.split(",")]
    literal_ratio = None
    for name, switches in chosen:
        grep_command = ["grep", "-rc", "--include=*.txt", *switches, str(root)]
        corpus_argv = [*corpus, *[switch for switch in switches if switch != "-E"]]
        grep_runs, corpus_runs = [], []
        for _ in range(args.runs):  # in turn, so that a burst of load falls on both alike
            grep_runs.append(timed(grep_command, env))
            corpus_runs.append(timed(corpus_argv, env, cwd=args.source))
        expected = {path: count for path, count in grep_counts(grep_runs[-1][2], root).items() if count}
        same = "equal" if all(corpus_counts(run[2]) == expected for run in corpus_runs) else "DIFFERENT"
        grep_wall, corpus_wall = (statistics.median(run[0] for run in runs) for runs in (grep_runs, corpus_runs))
        grep_best, corpus_best = (min(run[0] for run in runs) for runs in (grep_runs, corpus_runs))
        grep_cpu, corpus_cpu = (statistics.median(run[1] for run in runs) for runs in (grep_runs, corpus_runs))
        ratio = corpus_wall / grep_wall
        if name == "literal":
            literal_ratio = ratio
        walls = f"{grep_wall:7.3f}s ({grep_best:.3f}) {corpus_wall:7.3f}s ({corpus_best:.3f}) {ratio:5.2f}x"
        print(f"{name:8} {walls}   {grep_cpu:7.3f}s {corpus_cpu:9.3f}s {corpus_cpu / grep_cpu:5.2f}x  {same}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if literal_ratio is not None:
        verdict = "met" if literal_ratio <= TARGET else "NOT met"
        print(f"literal case: {literal_ratio:.2f}x GNU grep's median wall time (target: at most {TARGET}x): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
