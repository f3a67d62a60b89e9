"""Time `corpus grep -c` against GNU grep on a generated corpus of at least 100 MB.

    python bench/grep_bench.py [--dir /tmp/corpus-bench] [--mb 100] [--runs 3]

Both tools count matching lines per file, warm cache, best of --runs, with LC_ALL=C for grep
(`grep -rc --include='*.txt'`, so the hidden .complete marker is not searched). The counts are
compared too: a fast wrong answer is no answer. Prints wall times and ratios; the target is
corpus grep within 3x of GNU grep on each case.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

CASES = (
    ("literal", ["Mayorkas"]),
    ("-iw", ["-iw", "border"]),
    ("regex", ["-E", "[Ss]ecretar(y|ies)"]),
)


def best_of(runs: int, command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """The fastest wall time of `runs` runs, and the output of the last one."""
    best, output = float("inf"), ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
        output = done.stdout.decode()
    return best, output


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
    parser.add_argument("--dir", type=Path, default=Path("/tmp/corpus-bench"))
    parser.add_argument("--mb", type=float, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", help="passed to corpus grep -j (default: its own choice)")
    args = parser.parse_args(argv)
    root = generate(args.dir, args.mb)
    print((root / ".complete").read_text().strip(), "in", root)
    env = {**os.environ, "LC_ALL": "C"}
    corpus = [sys.executable, "-m", "corpus_cli", "grep", "--corpus", str(root), "--no-stdin", "--format", "jsonl", "-c"]
    corpus += ["-j", args.jobs] if args.jobs else []
    subprocess.run(["cat", *map(str, root.rglob("*.txt"))], stdout=subprocess.DEVNULL, check=True)  # warm the cache
    print(f"{'case':8} {'grep -rc':>9} {'corpus grep -c':>15} {'ratio':>6}  counts")
    worst = 0.0
    for name, switches in CASES:
        grep_time, grep_out = best_of(args.runs, ["grep", "-rc", "--include=*.txt", *switches, str(root)], env)
        pattern_switches = [switch for switch in switches if switch != "-E"]
        corpus_time, corpus_out = best_of(args.runs, [*corpus, *pattern_switches], env)
        expected = {path: count for path, count in grep_counts(grep_out, root).items() if count}
        same = "equal" if corpus_counts(corpus_out) == expected else "DIFFERENT"
        ratio = corpus_time / grep_time
        worst = max(worst, ratio)
        print(f"{name:8} {grep_time:8.3f}s {corpus_time:14.3f}s {ratio:5.2f}x  {same}")
    print(f"worst ratio {worst:.2f}x (target: within 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
