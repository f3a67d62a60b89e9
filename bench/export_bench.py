"""Export a generated corpus to each format: wall time, peak memory and output size.

    uv run python bench/export_bench.py                  # 100 MB; jsonl and sqlite
    uv run python bench/export_bench.py --mb 10 --formats jsonl csv sqlite markdown

The corpus comes from `bench/generate.py` (built once, then reused) under --out. Each export is
a real process (`python -m corpus_cli export ... -o FILE`); its peak memory is the child's own
maximum resident set, from `os.wait4`; its warnings (the generator plants a few bad dates) are
not shown. The target: under 150 MB peak.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # a sibling script, not a package

PEAK_TARGET_MB = 150


def export(corpus: Path, format: str, target: Path) -> tuple[float, float, int]:
    """Run one export to completion: (seconds, peak resident MB, exit status)."""
    argv = [sys.executable, "-m", "corpus_cli", "export", "--corpus", str(corpus), "--format", format, "-o", str(target)]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())
    return path.stat().st_size


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100, help="corpus size in MB (default 100)")
    parser.add_argument("--formats", nargs="+", default=["jsonl", "sqlite"], help="formats to export (default: jsonl sqlite)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir(), "corpus-bench"), help="where generated corpora are kept")
    args = parser.parse_args(argv)
    corpus = generate(args.out / f"{args.mb:g}", args.mb)
    print(f"corpus: {(corpus / '.complete').read_text().strip()} in {corpus}")
    print(f"{'format':<10} {'seconds':>8} {'MB/s':>7} {'peak MB':>8} {'output MB':>10}  status")
    failed = False
    megabytes = sum(file.stat().st_size for file in corpus.rglob("*.txt")) / 1e6
    with tempfile.TemporaryDirectory(dir=args.out) as scratch:
        for format in args.formats:
            target = Path(scratch, f"export.{format}")
            seconds, peak, status = export(corpus, format, target)
            output = size_of(target) / 1e6 if target.exists() else 0.0
            verdict = "ok" if status == 0 and peak < PEAK_TARGET_MB else f"FAIL (exit {status}, target < {PEAK_TARGET_MB} MB peak)"
            failed |= verdict != "ok"
            print(f"{format:<10} {seconds:>8.2f} {megabytes / seconds:>7.1f} {peak:>8.1f} {output:>10.1f}  {verdict}")
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
