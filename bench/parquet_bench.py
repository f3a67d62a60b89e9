"""Parquet export and the Spark job on a generated corpus: time, peak memory, throughput per core,
and what 1 TB would take on a cluster.

    uv sync --all-extras                                  # pyarrow and pyspark, once
    uv run python bench/parquet_bench.py                  # 100 MB: export, then Spark
    uv run python bench/parquet_bench.py --mb 100 500 --no-spark
    uv run python bench/parquet_bench.py --executors 50 --cores 4 --core-hour 0.048

The corpora come from `bench/generate.py` (built once, kept under --out). The export is a real
process (`python -m corpus_cli export --format parquet`). "peak MB" is the maximum resident set
from `os.wait4`, that of the largest process (the export or one of the worker processes it forks
and reaps). "tree MB" is the peak of the export's and its workers' memory together, sampled every
50 ms: the sum of their proportional set sizes, which count a page the processes share once in
all; the target is under 200 MB at 500 MB of text. The load average is printed first: the
times are wall-clock on a machine that may be shared; CPU time is steadier. The Spark job runs in
local mode on --spark-cores cores, in a session started (and warmed on the seeds) before the
clock starts, so the figure is the job's throughput, not the JVM's start; its throughput per core
is the megabytes per CPU second of the JVM and its Python workers, which a shared machine's load
changes less than the wall time. The cluster estimate scales that per-core throughput linearly to
1 TB on EXECUTORS x CORES, at a price per core-hour
(default 0.048 USD: an on-demand general-purpose cloud vCPU); reading from object storage and
the cluster's own start are not in it.
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
from generate import generate  # sibling scripts, not a package
from proc_memory import proportional_kb

TREE_TARGET_MB = 200
TREE_SAMPLE_SECONDS = 0.05
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TERABYTE_MB = 1_000_000


def export(corpus: Path, target: Path) -> tuple[float, float, float, float, int]:
    """One `corpus export --format parquet` to completion: (seconds, CPU seconds of the process and
    its workers, peak resident MB of the largest process, peak MB of the whole tree, exit status)."""
    argv = [sys.executable, "-m", "corpus_cli", "export", "--corpus", str(corpus), "--format", "parquet", "-o", str(target)]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    tree = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        tree = max(tree, tree_kilobytes(process.pid))
        time.sleep(TREE_SAMPLE_SECONDS)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - started, cpu, usage.ru_maxrss / 1024, tree / 1024, os.waitstatus_to_exitcode(status)


def tree_kilobytes(session: int) -> int:
    """The proportional set size (Pss: a page shared by n processes counts 1/n in each) summed over
    the processes of `session`: the memory the export and its workers take together (Linux; 0 elsewhere)."""
    total = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[3]) == session:  # the session id: the export and the workers it forks
            total += proportional_kb(int(entry.name))
    return total


def tree_cpu_seconds() -> float:
    """User and system time of this process and its descendants, those still running and those
    ended and reaped (whose time their parent's counts hold); Linux only, else this process's."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(field) for field in fields[11:15])  # utime, stime, cutime, cstime
    if not times:
        return sum(os.times()[:4])
    family = {os.getpid()}
    grown = True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grown = True
    return sum(times[pid] for pid in family) / os.sysconf("SC_CLK_TCK")


def megabytes_of(corpus: Path) -> float:
    return sum(file.stat().st_size for file in corpus.rglob("*.txt")) / 1e6


def spark_seconds(corpus: Path, target: Path, cores: int) -> tuple[float, float]:
    """The Spark export's wall time in a warm local session of `cores` cores, and the CPU time
    that this process and all it started (the JVM, Spark's Python workers) spent meanwhile."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    from corpus_cli.spark import cli

    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for key, value in cli.SESSION_DEFAULTS.items():
        spark.conf.set(key, value)
    try:
        assert cli.main(["export", str(SEEDS), str(target.with_name("warm")), "--force"]) == 0
        started, cpu = time.perf_counter(), tree_cpu_seconds()
        assert cli.main(["export", str(corpus), str(target), "--force"]) == 0
        return time.perf_counter() - started, tree_cpu_seconds() - cpu
    finally:
        spark.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[100], help="corpus sizes in MB for the export (default 100)")
    parser.add_argument("--spark-mb", type=float, default=100, help="corpus size for the Spark run (default 100)")
    parser.add_argument("--spark-cores", type=int, default=2, help="local cores for Spark (default 2)")
    parser.add_argument("--no-spark", action="store_true", help="the export only")
    parser.add_argument("--executors", type=int, default=50, help="cluster estimate: executors (default 50)")
    parser.add_argument("--cores", type=int, default=4, help="cluster estimate: cores per executor (default 4)")
    parser.add_argument("--core-hour", type=float, default=0.048, help="cluster estimate: USD per core-hour (default 0.048)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir(), "corpus-bench"), help="where generated corpora are kept")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(dir=args.out.parent if args.out.exists() else None) as scratch:
        print(f"load average {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
        columns = f"{'seconds':>8} {'CPU s':>7} {'MB/s':>7} {'peak MB':>8} {'tree MB':>8} {'output MB':>10}"
        print(f"{'corpus MB':>9} {'documents':>10} {columns}  status")
        for size in args.mb:
            corpus = generate(args.out / f"{size:g}", size)
            target = Path(scratch, "export.parquet")
            seconds, cpu, peak, tree, status = export(corpus, target)
            output = sum(file.stat().st_size for file in target.iterdir()) / 1e6 if target.exists() else 0.0
            documents = (corpus / ".complete").read_text().split()[0]
            ok = status == 0 and (tree < TREE_TARGET_MB or size < 500)
            verdict = "ok" if ok else f"FAIL (exit {status}, target < {TREE_TARGET_MB} MB for the tree at 500 MB)"
            failed |= not ok
            megabytes = megabytes_of(corpus)
            figures = f"{seconds:>8.2f} {cpu:>7.1f} {megabytes / seconds:>7.1f} {peak:>8.1f} {tree:>8.1f} {output:>10.1f}"
            print(f"{megabytes:>9.0f} {documents:>10} {figures}  {verdict}", flush=True)
            shutil.rmtree(target, ignore_errors=True)
        if args.no_spark:
            return 1 if failed else 0
        corpus = generate(args.out / f"{args.spark_mb:g}", args.spark_mb)
        megabytes = megabytes_of(corpus)
        seconds, cpu = spark_seconds(corpus, Path(scratch, "spark.parquet"), args.spark_cores)
        rate = megabytes / seconds
        # Per core from the CPU time rather than the wall time: on a shared machine the job's
        # cores are not its own, and its wall time says more about the load than about the job.
        per_core = megabytes / cpu
        print(
            f"spark local[{args.spark_cores}]: {megabytes:.0f} MB in {seconds:.1f} s = {rate:.1f} MB/s"
            f" ({megabytes / seconds / args.spark_cores:.1f} MB/s a core); {cpu:.1f} CPU s = {per_core:.1f} MB per CPU second"
        )
        cores = args.executors * args.cores
        hours = TERABYTE_MB / (per_core * cores) / 3600
        cost = hours * cores * args.core_hour
        cluster = f"{args.executors} executors x {args.cores} cores"
        print(f"1 TB on {cluster}: {hours:.2f} h, about {cost:.0f} USD at {args.core_hour} USD/core-hour")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
