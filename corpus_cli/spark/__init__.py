"""The Spark job: `corpus export --format parquet` and `corpus stats --term` on a cluster.

Run it as ``python -m corpus_cli.spark export|stats ...`` (locally, or with ``--master URL``) or
through ``spark-submit``. `cli` reads the command line, `jobs` builds the Spark plan on the
driver, and `batches` is what the executors run: the package's own decode, parse and counting over
Arrow batches of files. It needs the extra ``corpus-cli[spark]`` (pyspark, pyarrow) and Java 17+;
nothing else in the package imports it.
"""
