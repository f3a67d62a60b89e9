"""The `corpus` command group: lazy subcommands, and errors turned into one line and an exit status."""

from __future__ import annotations

import errno
import gc
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

import click

from corpus_cli import __version__
from corpus_cli.errors import CorpusError, ExitStatus

# Errors that, without a file name, come from writing stdout (a full disk, a broken device).
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})

# Subcommands are imported only when run, so `corpus --help` stays fast.
SUBCOMMANDS = {
    "list": "corpus_cli.commands.list:list_command",
    "show": "corpus_cli.commands.show:show_command",
    "grep": "corpus_cli.commands.grep:grep_command",
    "check": "corpus_cli.commands.check:check_command",
    "stats": "corpus_cli.commands.stats:stats_command",
    "export": "corpus_cli.commands.export:export_command",
    "collocates": "corpus_cli.commands.collocates:collocates_command",
    "keyness": "corpus_cli.commands.keyness:keyness_command",
    "dispersion": "corpus_cli.commands.dispersion:dispersion_command",
    "index": "corpus_cli.commands.index:index_command",
    "search": "corpus_cli.commands.search:search_command",
    "help": "corpus_cli.commands.help:help_command",
    "quotes": "corpus_cli.commands.quotes:quotes_command",
    "dupes": "corpus_cli.commands.dupes:dupes_command",
}


class CorpusGroup(click.Group):
    """A group that loads subcommands lazily and owns the error → exit status mapping."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in SUBCOMMANDS:
            module, attribute = SUBCOMMANDS[name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; a reader that went away (``| head -1``) ends the run with status 0.

        Caught here because click's own ``main`` turns a broken pipe into exit status 1.
        """
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            return ExitStatus.OK

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:  # type: ignore[override]
        """Run the command; print any error as ``corpus: error: ...`` and exit with its status."""
        argv = list(sys.argv[1:] if args is None else args)
        debug = os.environ.get("CORPUS_DEBUG") == "1" or "--debug" in _group_options(argv)
        if sys.stdout is None:  # started with stdout closed (>&-): Python leaves it None
            closed = _fail("standard output is closed; give the command somewhere to write (a file, a pipe, /dev/null)", ExitStatus.ERROR)
            if standalone_mode:
                sys.exit(int(closed))
            return int(closed)
        try:
            result = super().main(argv, prog_name or "corpus", standalone_mode=False, **extra)
            status = result if isinstance(result, int) else ExitStatus.OK
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.ctx.get_help() if error.ctx else str(error), err=True)
            status = ExitStatus.ERROR
        except click.UsageError as error:
            hint = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
            status = _fail(f"{error.format_message()}{hint}", ExitStatus.ERROR)
        except click.ClickException as error:
            status = _fail(error.format_message(), ExitStatus.ERROR)
        except CorpusError as error:
            if debug:
                raise
            status = _fail(error.message, error.status)
        except (KeyboardInterrupt, click.Abort):
            status = ExitStatus.INTERRUPTED
        except OSError as error:
            if debug:
                raise
            status = _fail(_describe(error), ExitStatus.ERROR)
        except Exception as error:  # the last resort: never a traceback unless asked for
            if debug:
                raise
            status = _fail(_unexpected(error), ExitStatus.ERROR)
        if standalone_mode:
            sys.exit(int(status))
        return int(status)


def _group_options(argv: list[str]) -> list[str]:
    """The arguments before the subcommand's name."""
    options = []
    for arg in argv:
        if not arg.startswith("-"):
            break
        options.append(arg)
    return options


def _describe(error: OSError) -> str:
    """An OS error as a line: the file it concerns, or the output when none is named."""
    reason = error.strerror or str(error)
    if error.filename:
        return f"{error.filename}: {reason}"
    if error.errno in OUTPUT_ERRNOS:
        return f"cannot write the output: {reason}"
    return reason


def _unexpected(error: Exception) -> str:
    """The line for an error no command expected: an index read where no command looked for
    trouble (damaged, or busy past SQLite's wait) says what to do; anything else is an internal error."""
    sqlite3 = sys.modules.get("sqlite3")  # only an index makes such errors (export has its own), and only then is it imported
    if sqlite3 is not None and isinstance(error, sqlite3.DatabaseError):
        from corpus_cli.index.schema import is_damage

        if is_damage(error):
            return f"the index is damaged ({error}): run 'corpus index' to rebuild it, or use --no-index"
        return f"the index could not be read ({error}): try again, or use --no-index"
    return f"internal error: {type(error).__name__}: {error} (run with --debug for a traceback)"


def _fail(message: str, status: ExitStatus) -> ExitStatus:
    click.echo(f"corpus: error: {message}", err=True)
    return status


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


@click.group(cls=CorpusGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="corpus")
@click.option("--debug", is_flag=True, help="Show a traceback on errors (also CORPUS_DEBUG=1).")
def cli(debug: bool) -> None:
    """List, show, search, count and export a corpus of news articles kept as text files.

    The corpus is a folder of .txt files: --corpus PATH, else $CORPUS_PATH, else a corpus.yaml
    in this folder or a parent, else the seed articles bundled with corpus.

    Commands compose: when stdin is a pipe or a file, a command that works on documents
    reads the JSON Lines records another corpus command printed and works on those
    documents, in that order (--no-stdin ignores stdin). Output is a table on a terminal
    and JSON Lines otherwise. Run 'corpus help COMMAND' (or 'corpus COMMAND --help') for a
    command's options.

    \b
    Examples:
      corpus list --since 2024-01-01
      corpus show 002
      corpus list --format json | jq '.[].title'
      corpus list | jq -c 'select(.words > 500)' | corpus show

    Exit status: 0 success, 1 nothing found, 2 bad usage or an error, 129
    hung up (SIGHUP), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
    """


def main(**extra: Any) -> Any:
    """The console script's entry point."""
    for stop in STOP_STATUSES:
        signal.signal(stop, _stopped)
    try:
        return cli.main(**extra)
    finally:
        # What the run made is left out of the garbage collection Python runs as it exits: going
        # through grep -c's 18,726 files and results took 10 ms of every run's end. Only cycles
        # are left to the end of the process (nothing here keeps output in one: files are closed
        # by `with`, stdout and stderr are flushed as Python exits).
        gc.freeze()


# Ctrl-C, SIGTERM (``kill PID``, a CI timeout) and SIGHUP (the terminal closed) unwind the run:
# files being written are removed, workers are stopped, nothing is printed; exit 128 + the signal.
STOP_STATUSES = {
    signal.SIGINT: ExitStatus.INTERRUPTED,
    signal.SIGTERM: ExitStatus.TERMINATED,
    **({signal.SIGHUP: ExitStatus.HANGUP} if hasattr(signal, "SIGHUP") else {}),
}


def _stopped(signum: int, frame: object) -> None:
    """The first stop signal ends the run; any that follow are ignored, so that a second Ctrl-C
    cannot cut the clean-up short (and print a traceback) or change the exit status."""
    for stop in STOP_STATUSES:
        signal.signal(stop, signal.SIG_IGN)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(STOP_STATUSES[signal.Signals(signum)])
