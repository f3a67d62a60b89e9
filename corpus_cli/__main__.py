"""The `corpus` command (and ``python -m corpus_cli``): the command line, loaded so that a Ctrl-C
while it loads ends as any other Ctrl-C does."""

import sys


def main() -> None:
    """Load the command line and run it. Loading takes some 50 ms (click and the command's
    modules); a Ctrl-C meanwhile comes before the command line's own handling of it, and ended in
    a traceback: it ends with status 130 here, silently, as the contract says."""
    try:
        from corpus_cli.cli import main as run
    except KeyboardInterrupt:
        sys.exit(130)
    run(prog_name="corpus")


if __name__ == "__main__":
    main()
