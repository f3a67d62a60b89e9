"""How `corpus` scales: time and peak memory per subcommand over growing corpora, and start-up.

    uv run python bench/scale.py                      # 10, 100 and 500 MB; every subcommand
    uv run python bench/scale.py --sizes 10 100 --commands list check
    uv run python bench/scale.py --startup-only --importtime

Corpora come from `bench/generate.py` (built once, then reused) under --out. Each run is a real
process (`python -m corpus_cli`), its output sent to /dev/null or a scratch file; peak memory is
the child's own maximum resident set, from `os.wait4`. Start-up is the median of several runs
of `corpus --version` and `corpus list` on the seeds against `python -c "import click"`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # a sibling script, not a package

# Each workload: the arguments after `corpus`, with {out} for a scratch file.
WORKLOADS = {
    "list": ["list", "--format", "jsonl"],
    "grep": ["grep", "-i", "border", "--format", "jsonl"],
    "stats": ["stats", "--format", "jsonl"],
    "export": ["export", "--format", "jsonl", "--force", "-o", "{out}"],
    "check": ["check", "--format", "jsonl"],
    "collocates": ["collocates", "ICE", "--format", "jsonl"],
    "keyness": ["keyness", "--since", "2024", "--format", "jsonl"],
    "dispersion": ["dispersion", "ICE", "Mayorkas", "--format", "jsonl"],
    "stats-dispersion": ["stats", "--term", "ICE", "--dispersion", "--by", "year", "--format", "jsonl"],
}
STARTUP_RUNS = 15


def available(commands: Sequence[str]) -> list[str]:
    """The workloads whose subcommand this checkout has (others may not have landed yet)."""
    from corpus_cli.cli import SUBCOMMANDS

    return [name for name in commands if WORKLOADS[name][0] in SUBCOMMANDS]


def measure(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Run `argv` to completion: (seconds, peak resident MB, exit status)."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def corpus_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "corpus_cli", *args]


def scale_table(sizes: Sequence[float], commands: Sequence[str], out: Path) -> list[tuple[Any, ...]]:
    rows = []
    for megabytes in sizes:
        folder = generate(out / f"{megabytes:g}", megabytes)
        documents = int((folder / ".complete").read_text().split()[0])
        with tempfile.TemporaryDirectory() as scratch:
            for name in commands:
                args = [arg.replace("{out}", str(Path(scratch, "export.jsonl"))) for arg in WORKLOADS[name]]
                seconds, peak, status = measure(corpus_argv(*args, "--corpus", str(folder)))
                rows.append((name, f"{megabytes:g}", documents, seconds, megabytes / seconds, peak, status))
                print(f"  {name:7} {megabytes:>5g} MB  {seconds:7.2f} s  {peak:7.1f} MB peak  exit {status}", file=sys.stderr, flush=True)
    return rows


def median_seconds(argv: Sequence[str]) -> float:
    return statistics.median(measure(argv)[0] for _ in range(STARTUP_RUNS))


def startup() -> list[tuple[str, float]]:
    baseline = median_seconds([sys.executable, "-c", "import click"])
    rows = [('python -c "import click"', baseline)]
    for label, args in (("corpus --version", ["--version"]), ("corpus list (seeds)", ["list", "--format", "jsonl"])):
        rows.append((label, median_seconds(corpus_argv(*args))))
    return rows


def import_times(args: Sequence[str], top: int = 12) -> list[tuple[int, str]]:
    """The slowest imports (cumulative microseconds) of one run, from `python -X importtime`."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "corpus_cli", *args], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    entries = []
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            entries.append((int(cumulative), name))
    return sorted(entries, reverse=True)[:top]


def print_tables(rows: list[tuple[Any, ...]], startup_rows: list[tuple[str, float]]) -> None:
    if rows:
        print("| command | corpus | documents | seconds | MB/s | peak MB | exit |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, size, documents, seconds, rate, peak, status in rows:
            print(f"| {name} | {size} MB | {documents:,} | {seconds:.2f} | {rate:.1f} | {peak:.0f} | {status} |")
        print()
    if startup_rows:
        baseline = startup_rows[0][1]
        print(f"| start-up (median of {STARTUP_RUNS}) | ms | x import click |")
        print("|---|---:|---:|")
        for label, seconds in startup_rows:
            print(f"| {label} | {seconds * 1000:.0f} | {seconds / baseline:.2f} |")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[10, 100, 500], metavar="MB")
    parser.add_argument("--commands", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir(), "corpus-bench"), help="where generated corpora are kept")
    parser.add_argument("--startup-only", action="store_true")
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports of `corpus list`")
    args = parser.parse_args(argv)
    commands = available(args.commands)
    rows = [] if args.startup_only else scale_table(args.sizes, commands, args.out)
    print_tables(rows, startup())
    if args.importtime:
        print("\n| import (corpus list on the seeds) | cumulative ms |\n|---|---:|")
        for microseconds, name in import_times(["list", "--format", "jsonl"]):
            print(f"| {name} | {microseconds / 1000:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
