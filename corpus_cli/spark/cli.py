"""`python -m corpus_cli.spark export|stats ...`: the command line of the Spark job.

argparse rather than click: on a cluster the driver needs nothing but pyspark and this package.
Errors are one line, ``corpus: error: ...``, with exit status 2, as in `corpus` itself; a
traceback only with ``--debug`` or ``CORPUS_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from corpus_cli.analysis import stats, trends
from corpus_cli.errors import CorpusError, ExitStatus
from corpus_cli.export.parquet import SHARD_ROWS
from corpus_cli.output.writers import RecordWriter
from corpus_cli.text.tokens import tokens

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL_HINT = "pip install 'corpus-cli[spark]'"
OUTPUT_FORMATS = ("jsonl", "json", "csv", "tsv", "yaml")
# Spark's own defaults suit big files: 4 MB of "open cost" a file makes a task of 32 articles.
SESSION_DEFAULTS = {
    "spark.sql.files.openCostInBytes": str(64 * 1024),
    "spark.sql.execution.arrow.maxRecordsPerBatch": "1000",
}
EXAMPLES = """\
examples:
  python -m corpus_cli.spark export seeds/ corpus.parquet
  python -m corpus_cli.spark stats seeds/ --term ICE --by month
  spark-submit --master yarn --py-files corpus_cli-0.1.0-py3-none-any.whl corpus_cli/spark/__main__.py \\
      export s3a://bucket/news/ s3a://bucket/news.parquet --partitions 2000
"""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A usage error is one line and exit status 2, as in `corpus`."""
        self.exit(ExitStatus.ERROR, f"corpus: error: {message} (see 'python -m corpus_cli.spark --help')\n")


def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument(
        "--master", metavar="URL", help="Spark master: local[4], yarn, spark://host:7077 (default: spark-submit's, else local[*])"
    )
    common.add_argument("--partitions", type=_positive, metavar="N", help="read the files in N tasks (default: Spark's split)")
    common.add_argument("--config", type=Path, metavar="FILE", help="a corpus.yaml whose documents: metadata applies (read on the driver)")
    common.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser = Parser(
        prog="python -m corpus_cli.spark",
        description="corpus export --format parquet and corpus stats --term, computed by Apache Spark.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, parser_class=Parser)
    export = actions.add_parser("export", parents=[common], help="the documents as the Parquet export (same schema and values)")
    export.add_argument("input", help="a folder tree of .txt files: a path, hdfs://..., s3a://...")
    export.add_argument("output", help="the folder to write")
    export.add_argument(
        "--shard-rows", type=_positive, default=SHARD_ROWS, metavar="N", help="at most N rows a file (default: %(default)s)"
    )
    export.add_argument("--sort", action="store_true", help="rows in id order across the files (a shuffle: slower)")
    export.add_argument("--force", action="store_true", help="replace OUTPUT if it is an earlier export")
    trend = actions.add_parser("stats", parents=[common], help="the records of corpus stats --term WORD [--by ...]")
    trend.add_argument("input", help="a folder tree of .txt files: a path, hdfs://..., s3a://...")
    trend.add_argument("--term", dest="terms", action="append", required=True, metavar="WORD", help="a word or phrase; repeatable")
    trend.add_argument("--by", choices=tuple(stats.GROUPINGS), help="one row per document, year, month, week, day or credit, per term")
    trend.add_argument("--format", choices=OUTPUT_FORMATS, default="jsonl", help="output format (default: jsonl)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get("CORPUS_DEBUG") == "1"
    try:
        return run(args)
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED
    except CorpusError as error:
        if debug:
            raise
        return _fail(error.message, error.status)
    except Exception as error:  # Spark's errors (a path not found, a failed task) as one line
        if debug:
            raise
        return _fail(_first_line(error), ExitStatus.ERROR)


def run(args: argparse.Namespace) -> int:
    from corpus_cli.spark import jobs  # pyspark is imported only once the arguments are good

    for term in args.terms if args.action == "stats" else ():
        if not tokens(term):
            raise CorpusError(f"--term {term!r} holds no word to count")
    source = jobs.Input(path=absolute(args.input), config=args.config, partitions=args.partitions)
    spark, owned = session(args.master, f"corpus {args.action}")
    try:
        if args.action == "export":
            skipped = jobs.export(
                spark, source, absolute(args.output), shard_rows=args.shard_rows, force=args.force, sort=args.sort, shown=args.output
            )
        else:
            rows, skipped = jobs.term_trends(spark, source, args.terms, args.by)
            with RecordWriter(args.format, stats.fields_for(args.by, trends.TREND_FIELDS), sys.stdout.buffer) as writer:
                writer.write_all(rows)
    finally:
        if owned:
            spark.stop()
    if skipped:
        print(f"corpus: warning: {skipped} binary file(s) (NUL byte in the first 8 KB) skipped", file=sys.stderr)
    return ExitStatus.OK


def session(master: str | None, name: str) -> tuple[SparkSession, bool]:
    """The running Spark session (a test's, spark-submit's) or a new one; True when new."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CorpusError(f"the Spark job needs pyspark, which is not installed: {INSTALL_HINT}") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    builder = SparkSession.builder.appName(name)
    if master is None or master.startswith("local"):
        # Local workers must run this interpreter, which has the package; a cluster says its own.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # and a local run talks to itself over the loopback, not the machine's network address.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    if master:
        builder = builder.master(master)
    if not sys.stderr.isatty():
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    try:
        spark = builder.getOrCreate()
    except Exception as error:
        raise CorpusError(f"cannot start Spark: {_first_line(error)} (it needs Java 17 or newer: java -version)") from error
    spark.sparkContext.setLogLevel("ERROR")
    given = spark.sparkContext.getConf()
    for key, value in SESSION_DEFAULTS.items():
        if not given.contains(key):
            spark.conf.set(key, value)
    return spark, True


def absolute(path: str) -> str:
    """A local path made absolute here: Spark's JVM may have another working folder (a test's)."""
    if "://" in path or path.startswith("file:"):
        return path
    return os.path.abspath(path)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return value


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _fail(message: str, status: int) -> int:
    print(f"corpus: error: {message}", file=sys.stderr)
    return status
