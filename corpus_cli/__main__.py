"""Run the command line as ``python -m corpus_cli``."""

from corpus_cli.cli import main

main(prog_name="corpus")
