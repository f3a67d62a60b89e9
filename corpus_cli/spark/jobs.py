"""The Spark plans of the two actions, built on the driver: list the files, name them, run
`batches` on the executors, then write Parquet (export) or sum the term counts (stats).

Files are listed by Spark's `binaryFile` source, recursively, ``*.txt`` in any case. Their
content is read once, on the executors, in Arrow batches; the only other pass over the listing
reads paths alone, to find file names that two files share (their ids are their paths).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus_cli.analysis import stats, trends
from corpus_cli.errors import CorpusError
from corpus_cli.export.atomic import TargetExists
from corpus_cli.export.parquet import COLUMNS, COMPRESSION
from corpus_cli.source.config import load_config
from corpus_cli.spark.batches import TERM_COUNT_COLUMNS, Naming, record_batches, term_count_batches, trends_from_sums

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

FILE_GLOB = "*.[tT][xX][tT]"
# What Spark's Parquet writer leaves in a folder: --force replaces such a folder and no other.
SPARK_OUTPUT_NAME = re.compile(r"part-\d{5}.*\.parquet|_SUCCESS|\..*\.crc|_committed_.*|_started_.*")


@dataclass(frozen=True)
class Input:
    """A folder tree of text files (a local path or a URI: hdfs://, s3a://) and how to read it."""

    path: str
    config: Path | None = None  # a corpus.yaml whose documents: metadata applies
    partitions: int | None = None  # how many tasks read the files (default: Spark's split)


def spark_schema() -> StructType:
    """The export's columns (`export.parquet.COLUMNS`) as a Spark schema."""
    from pyspark.sql import types as T

    kinds = {"string": T.StringType(), "date": T.DateType(), "int64": T.LongType(), "list<string>": T.ArrayType(T.StringType(), False)}
    return T.StructType([T.StructField(column.name, kinds[column.type], column.nullable) for column in COLUMNS])


def term_count_spark_schema() -> StructType:
    from pyspark.sql import types as T

    return T.StructType([T.StructField(name, T.StringType() if name in ("group", "term") else T.LongType()) for name in TERM_COUNT_COLUMNS])


def list_files(spark: SparkSession, path: str) -> DataFrame:
    return spark.read.format("binaryFile").option("recursiveFileLookup", "true").option("pathGlobFilter", FILE_GLOB).load(path)


def naming(spark: SparkSession, source: Input) -> tuple[Naming, int]:
    """The root's URI, the shared file names and the corpus.yaml metadata; and how many files
    there are. One pass over the listing, reading paths only."""
    from pyspark.sql import functions as F

    names = list_files(spark, source.path).select(F.regexp_extract("path", r"([^/]*)\.[tT][xX][tT]$", 1).alias("stem"))
    per_stem = names.groupBy("stem").count()
    shared_stem = F.when(F.col("count") > 1, F.col("stem"))
    found = per_stem.agg(F.sum("count").alias("files"), F.collect_list(shared_stem).alias("shared")).collect()[0]
    metadata = load_config(source.config, need_folder=False).metadata if source.config else {}
    return Naming(root=_qualified(spark, source.path), shared_stems=frozenset(found["shared"]), metadata=metadata), int(found["files"] or 0)


def files(spark: SparkSession, source: Input) -> DataFrame:
    frame = list_files(spark, source.path).select("path", "content")
    if source.partitions:
        # Fewer tasks: merge the file splits without moving their bytes; more: a shuffle.
        fewer = source.partitions < frame.rdd.getNumPartitions()
        frame = frame.coalesce(source.partitions) if fewer else frame.repartition(source.partitions)
    return frame


def export(
    spark: SparkSession, source: Input, output: str, *, shard_rows: int, force: bool = False, sort: bool = False, shown: str | None = None
) -> int:
    """Write the documents of `source` to the folder `output` (`shown` so in errors) as the
    Parquet export; returns how many files were skipped as binary."""
    check_output(spark, output, force=force, shown=shown or output)
    found, total = naming(spark, source)
    shared = spark.sparkContext.broadcast(found)

    def to_records(batches: Any) -> Any:
        return record_batches(batches, shared.value)

    records = files(spark, source).mapInArrow(to_records, spark_schema())
    if sort:
        records = records.orderBy("id")
    writer = records.write.mode("overwrite" if force else "errorifexists").option("compression", COMPRESSION)
    writer.option("maxRecordsPerFile", shard_rows).parquet(output)
    # Counted from the files' footers: an accumulator would count twice what a sort samples first.
    return total - spark.read.parquet(output).count()


def term_trends(
    spark: SparkSession, source: Input, terms: Sequence[str], by: stats.Grouping | None
) -> tuple[Iterator[dict[str, Any]], int]:
    """The records of ``corpus stats --term ... [--by ...]``, counted by Spark, and how many
    files were skipped as binary."""
    from pyspark.sql import functions as F

    families = trends.wanted_families(terms)
    found, total = naming(spark, source)
    shared = spark.sparkContext.broadcast(found)

    def to_counts(batches: Any) -> Any:
        return term_count_batches(batches, shared.value, families, by)

    counts = files(spark, source).mapInArrow(to_counts, term_count_spark_schema())
    summed = counts.groupBy("group", "term").agg(*(F.sum(name).alias(name) for name in TERM_COUNT_COLUMNS[2:])).collect()
    groups = trends_from_sums(tuple(row[name] for name in TERM_COUNT_COLUMNS) for row in summed)
    return trends.trend_rows(groups, families, by), total - sum(trend.documents for trend in groups.values())


def check_output(spark: SparkSession, output: str, *, force: bool, shown: str) -> None:
    """No clobber without --force, and --force replaces only what Spark's Parquet writer wrote."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(output)
    filesystem = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not filesystem.exists(path):
        return
    if not force:
        raise TargetExists(Path(shown))
    if not filesystem.getFileStatus(path).isDirectory():
        raise CorpusError(f"{shown} is not a folder that an export wrote; remove it yourself or choose another OUTPUT")
    strangers = [status.getPath().getName() for status in filesystem.listStatus(path)]
    strangers = [name for name in strangers if not SPARK_OUTPUT_NAME.fullmatch(name)]
    if strangers:
        raise CorpusError(f"{shown} is not a Parquet export (it holds {strangers[0]!r}); --force replaces only an export's folder")


def _qualified(spark: SparkSession, path: str) -> str:
    """`path` as the URI Spark lists its files under (``file:/abs/path``, ``s3a://bucket/key``)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    filesystem = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return str(filesystem.makeQualified(hadoop_path).toString()).rstrip("/")
