"""`python -m corpus_cli.spark`, and the file to give `spark-submit`."""

import sys

from corpus_cli.spark.cli import main

if __name__ == "__main__":
    sys.exit(main())
