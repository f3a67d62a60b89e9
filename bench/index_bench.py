"""The index against a scan, on a generated corpus: the table of issue 12.

    uv run python bench/index_bench.py             # 100 MB
    uv run python bench/index_bench.py --mb 500    # the issue's size (a few minutes to generate)

The corpus comes from `bench/generate.py` under --out (``index-MB``, its own copy, since the bench
plants a rare word in 0.5 % of the files and edits and deletes files, putting them back at the
end). Every figure is a real process (the installed ``corpus ...``), stdout to a pipe, warm page
cache, the median of --runs (the machine is shared: the load average is printed too); peak memory
is the child's maximum resident set (`os.wait4`). Indexed and unindexed outputs are compared
byte for byte: a fast wrong answer is no answer. `--cold` times the rare word's grep with a cold
page cache too (it empties the machine's page cache before each run: Linux, as root).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from command import corpus_command  # sibling scripts, not a package
from generate import generate

RARE_WORD = "zyzzyva"
RARE_EVERY = 200  # files: 0.5 % of the documents hold the rare word
COMMON_WORD = "the"


def timed(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float, bytes, int]:
    """(seconds, peak MB, stdout, exit status) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output, os.waitstatus_to_exitcode(status)


def best(runs: int, argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, bytes]:
    """The median time of `runs` runs (a shared machine's noise moves the best and the worst) and the output."""
    results = [timed(argv, env) for _ in range(runs)]
    return statistics.median(seconds for seconds, _, _, _ in results), results[-1][2]


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def corpus_argv(corpus: Path, *args: str) -> list[str]:
    return [*corpus_command(), *args, "--corpus", str(corpus)]


def prepare(out: Path, megabytes: float) -> Path:
    """The bench's own corpus, with the rare word planted once."""
    corpus = generate(out / f"index-{megabytes:g}", megabytes)
    if not (corpus / ".planted").exists():
        for number, path in enumerate(sorted(corpus.rglob("*.txt"))):
            if number % RARE_EVERY == 0:
                with path.open("a", encoding="utf-8") as stream:
                    stream.write(f"\nA {RARE_WORD} was seen.\n")
        (corpus / ".planted").write_text("planted\n")
    return corpus


def drop_page_cache() -> None:
    """Write dirty pages out and empty the kernel's page cache: every file is then read from the
    disk (Linux, as root; PermissionError or OSError elsewhere)."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


Rows = list[tuple[str, str, str, str, str]]


def cold_rows(rows: Rows, corpus: Path, runs: int, failures: list[str], what: str = "  the same, cold cache") -> None:
    """The rare word's grep, GNU grep's and the indexed one's, each run after the page cache was
    emptied (the index, the files' metadata and the candidates come from the disk too); a row,
    or a note that it cannot be measured here."""
    command = corpus_argv(corpus, "grep", "-c", "-w", RARE_WORD, "--format", "jsonl")
    gnu_command = ["grep", "-rcw", "--include=*.txt", RARE_WORD, str(corpus)]
    indexed, gnu, outputs = [], [], set()
    try:
        for _ in range(runs):
            drop_page_cache()
            seconds, _, output, _ = timed(command)
            indexed.append(seconds)
            outputs.add(output)
            drop_page_cache()
            gnu.append(timed(gnu_command, {**os.environ, "LC_ALL": "C"})[0])
    except OSError as error:
        rows.append((what, "-", "-", ">= 10x GNU grep", f"not measured ({error.strerror})"))
        return
    indexed_seconds, gnu_seconds = statistics.median(indexed), statistics.median(gnu)
    same = outputs == {best(1, command)[1]}  # as with a warm cache
    if not same:
        failures.append("grep, cold cache")
    speed = gnu_seconds / indexed_seconds
    verdict = ("ok" if same and speed >= 10 else "MISSED") + f" ({speed:.1f}x GNU grep's speed)"
    rows.append((what, f"{indexed_seconds:.2f} s", "-", f">= 10x GNU grep ({gnu_seconds:.2f} s)", verdict))


@contextlib.contextmanager
def watching(corpus: Path) -> Iterator[subprocess.Popen[bytes] | str]:
    """`corpus index --watch` running for the block, once it says it is watching (else what it
    said instead: it cannot run here, say not on Linux)."""
    argv = corpus_argv(corpus, "index", "--watch")
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    ready, _, _ = select.select([process.stderr], [], [], 60)
    said = process.stderr.readline().decode(errors="replace").strip() if ready else "no word in 60 s"
    try:
        yield process if "watching" in said else said
    finally:
        process.terminate()
        process.wait()


def watched_rows(
    rows: Rows,
    corpus: Path,
    runs: int,
    gnu: float,
    scanned: dict[tuple[str, ...], bytes],
    failures: list[str],
    row: Callable[..., None],
    cold: bool,
) -> None:
    """The queries again with `corpus index --watch` running (after one command has vouched for the
    files): no stat of every file. Outputs are compared with the scans' (`scanned`, by command)."""
    with watching(corpus) as watcher:
        if isinstance(watcher, str):
            rows.append(("with a watcher", "-", "-", "-", f"not measured ({watcher})"))
            return
        for _ in range(2):  # the first surveys and vouches for the files; the second uses that
            timed(corpus_argv(corpus, "list", "--format", "jsonl"))
        queries = [
            ("list (jsonl)", ["list", "--format", "jsonl"], 1.5, "< 1.5 s"),
            ("stats", ["stats", "--format", "jsonl"], 1.0, "< 1 s"),
            (f"grep -c -w {RARE_WORD}", ["grep", "-c", "-w", RARE_WORD, "--format", "jsonl"], gnu / 3, f">= 3x GNU grep ({gnu:.2f} s)"),
        ]
        for what, command, target, target_text in queries:
            seconds, output = best(runs, corpus_argv(corpus, *command))
            same = output == scanned[tuple(command)]
            if not same:
                failures.append(f"watched {what}")
            note = (f" ({gnu / seconds:.2f}x GNU grep's speed)" if command[0] == "grep" else "") + ("" if same else " OUTPUT DIFFERS")
            row(f"watched: {what}", seconds, None, target_text, same and seconds < target, note)
        if cold:
            cold_rows(rows, corpus, runs, failures, "  watched, cold cache")
        search_seconds, _ = best(runs, corpus_argv(corpus, "search", "Mayorkas", "--format", "jsonl"))
        row("watched: search top 20", search_seconds, None, "< 0.3 s", search_seconds < 0.3)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100, help="corpus size in MB (default 100; the issue's targets are for 500)")
    parser.add_argument("--runs", type=int, default=3, help="the median of this many runs (default 3)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir(), "corpus-bench"), help="where generated corpora are kept")
    parser.add_argument("--reuse-index", action="store_true", help="keep an existing index: measure the queries, not the build")
    parser.add_argument("--cold", action="store_true", help="also time the rare word's grep with a cold page cache (Linux, as root)")
    args = parser.parse_args(argv)
    # An installed tool runs from compiled bytecode: with this set, every run would compile every
    # module it imports again (a tenth of a second and more, in each figure below).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    corpus = prepare(args.out, args.mb)
    files = sorted(corpus.rglob("*.txt"))
    size = sum(path.stat().st_size for path in files)
    print(f"corpus: {len(files)} files, {size / 1e6:.0f} MB in {corpus}; {os.cpu_count()} cores; median of {args.runs}; load {_load()}")
    for path in files:  # warm the page cache
        path.read_bytes()
    rows: Rows = []
    failures: list[str] = []

    def row(what: str, indexed: float, scan: float | None, target: str, ok: bool, note: str = "") -> None:
        rows.append((what, f"{indexed:.2f} s", f"{scan:.2f} s" if scan is not None else "-", target, ("ok" if ok else "MISSED") + note))

    index_file = corpus / ".corpus" / "index.sqlite"
    if args.reuse_index and index_file.exists():
        subprocess.run(corpus_argv(corpus, "index"), stderr=subprocess.DEVNULL, check=True)  # bring it up to date
    else:
        subprocess.run(corpus_argv(corpus, "index", "--drop"), stderr=subprocess.DEVNULL, check=False)
        with tempfile.TemporaryDirectory(dir=args.out) as scratch:
            export_seconds, _, _, _ = timed(corpus_argv(corpus, "export", "--format", "sqlite", "-o", str(Path(scratch, "x.db"))))
        build_seconds, build_peak, _, status = timed(corpus_argv(corpus, "index"))
        index_bytes = index_file.stat().st_size if index_file.exists() else 0
        ratio = build_seconds / export_seconds
        row("build from nothing", build_seconds, export_seconds, "<= 2.5x export sqlite", status == 0 and ratio <= 2.5, f" ({ratio:.2f}x)")
        rows.append(("  peak memory", f"{build_peak:.0f} MB", "-", "< 200 MB", "ok" if build_peak < 200 else "MISSED"))
        share = index_bytes / size
        size_verdict = ("ok" if share < 0.8 else "MISSED") + f" ({share:.2f}x)"
        rows.append(("  index size", f"{index_bytes / 1e6:.0f} MB", "-", "< 0.8x corpus", size_verdict))

    scanned: dict[tuple[str, ...], bytes] = {}

    def compare(what: str, command: Sequence[str], target: float | None, target_text: str) -> tuple[float, float]:
        """Indexed (median of --runs) against a scan (one run): a target in seconds, or None for
        "no slower than the scan" (within 10 %, for the noise of a shared machine)."""
        indexed, out_indexed = best(args.runs, corpus_argv(corpus, *command))
        scan, out_scan = best(1, corpus_argv(corpus, *command, "--no-index"))
        scanned[tuple(command)] = out_scan
        same = out_indexed == out_scan
        if not same:
            failures.append(what)
        met = indexed < target if target is not None else indexed <= scan * 1.1
        row(what, indexed, scan, target_text, same and met, "" if same else " OUTPUT DIFFERS")
        return indexed, scan

    compare("list (jsonl)", ["list", "--format", "jsonl"], 1.5, "< 1.5 s")
    compare("stats", ["stats", "--format", "jsonl"], 1.0, "< 1 s")
    compare("stats --by month", ["stats", "--by", "month", "--format", "jsonl"], 1.0, "< 1 s")
    compare("stats --term W --by month", ["stats", "--term", "border", "--by", "month", "--format", "jsonl"], 2.0, "< 2 s")
    compare("stats --top 20", ["stats", "--top", "20", "--format", "jsonl"], 2.0, "< 2 s")
    rare, _ = compare(f"grep -c -w {RARE_WORD} (0.5 %)", ["grep", "-c", "-w", RARE_WORD, "--format", "jsonl"], None, ">= 3x GNU grep")
    gnu, _ = best(args.runs, ["grep", "-rcw", "--include=*.txt", RARE_WORD, str(corpus)], env={**os.environ, "LC_ALL": "C"})
    verdict = "ok" if gnu / rare >= 3 and "OUTPUT" not in rows[-1][4] else "MISSED"
    rows[-1] = (*rows[-1][:3], f">= 3x GNU grep ({gnu:.2f} s)", f"{verdict} ({gnu / rare:.2f}x GNU grep's speed)")
    if args.cold:
        cold_rows(rows, corpus, args.runs, failures)
    compare(f"grep -c {COMMON_WORD} (most)", ["grep", "-c", COMMON_WORD, "--format", "jsonl"], None, "no slower than scan")
    search_seconds, _ = best(args.runs, corpus_argv(corpus, "search", "Mayorkas", "--format", "jsonl"))
    row("search top 20", search_seconds, None, "< 0.3 s", search_seconds < 0.3)
    fresh_seconds, _ = best(args.runs, corpus_argv(corpus, "index"))
    row(f"freshness check ({len(files)} files)", fresh_seconds, None, "< 0.5 s", fresh_seconds < 0.5, " (corpus index, nothing changed)")

    watched_rows(rows, corpus, args.runs, gnu, scanned, failures, row, args.cold)

    edited, removed = files[1:11], files[11:16]
    originals = {path: path.read_bytes() for path in edited}
    aside = Path(args.out, "aside")
    aside.mkdir(exist_ok=True)
    try:
        for path in edited:
            path.write_bytes(originals[path] + b"\nEdited for the bench.\n")
        for path in removed:
            shutil.move(path, aside / path.name)
        after, _, listed, _ = timed(corpus_argv(corpus, "list", "--format", "jsonl"))
        _, scan_listed = best(1, corpus_argv(corpus, "list", "--format", "jsonl", "--no-index"))
        if listed != scan_listed:
            failures.append("list after edits")
        row("list after 10 edits, 5 deletions", after, None, "< 2 s", after < 2.0 and listed == scan_listed)
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        for path in removed:
            shutil.move(aside / path.name, path)
        aside.rmdir()

    widths = [max(len(cells[column]) for cells in [("what", "indexed", "scan", "target", "verdict"), *rows]) for column in range(5)]
    for cells in [("what", "indexed", "scan", "target", "verdict"), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip())
    print(f"load average at the end: {_load()}")
    if failures:
        print(f"OUTPUT DIFFERS with the index: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
