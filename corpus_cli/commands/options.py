"""The options every subcommand shares, as decorators (in the manner of sqlite-utils)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import click

from corpus_cli.output.writers import RECORD_FORMATS
from corpus_cli.run.session import open_session
from corpus_cli.source.limits import DEFAULT_MAX_DOCUMENT_MB

# A count past any corpus's size is no limit: taken as this, which islice and SQLite accept, and
# to which a few more can be added without overflowing SQLite's integers.
MAX_COUNT = 2**62


class Count(click.IntRange):
    """A count of things (lines, documents, terms, processes) at least `min`, shown as click shows
    a range; 99999999999999999999 is no limit rather than an overflow deep in the run."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        return min(int(super().convert(value, param, ctx)), MAX_COUNT)


def corpus_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--corpus, and a `session` argument built from it, for commands over the whole corpus."""
    return _with_session(command, selection=False)


def document_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--corpus, --strict and the selection options, and a `session` argument built from them."""
    return _with_session(command, selection=True)


def _with_session(command: Callable[..., Any], *, selection: bool) -> Callable[..., Any]:
    @functools.wraps(command)
    def run(*args: Any, corpus_path: str | None, no_index: bool, **kwargs: Any) -> Any:
        picked = {"no_messages": kwargs.pop("no_messages"), "max_document_mb": kwargs.pop("max_document_mb")}
        if selection:
            picked.update({key: kwargs.pop(key) for key in ("strict", "since", "until", "id_glob", "read_stdin")})
        session = open_session(corpus_path=corpus_path, use_index=not no_index, **picked)
        if kwargs.pop("dedupe", False):
            from corpus_cli.run.duplicates import dropped_by_dedupe

            session = session.without(dropped_by_dedupe(session))
        status = command(*args, session=session, **kwargs)
        session.reporter.finish()
        return status

    decorators = [
        click.option(
            "--corpus",
            "corpus_path",
            metavar="PATH",
            help="Corpus folder (or its corpus.yaml). Default: $CORPUS_PATH, a corpus.yaml here or above, or the bundled seeds.",
        ),
        click.option("--no-index", is_flag=True, help="Read the files even when the corpus has an index (see 'corpus index')."),
        click.option(
            "-s",
            "--no-messages",
            is_flag=True,
            help="Print no warnings on stderr (they still count for --strict); errors are still printed.",
        ),
        click.option(
            "--max-document-mb",
            type=FiniteFloatRange(min=0, min_open=True),
            metavar="MB",
            help=f"Skip, with a warning, a document file over MB megabytes (default: max_document_mb in corpus.yaml, "
            f"else {DEFAULT_MAX_DOCUMENT_MB:g}).",
        ),
    ]
    if selection:
        decorators += [
            click.option("--strict", is_flag=True, help="Treat warnings (unreadable, binary or badly encoded files) as errors: exit 2."),
            click.option("--since", metavar="DATE", help="Only documents dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
            click.option("--until", metavar="DATE", help="Only documents dated on or before DATE (inclusive)."),
            click.option("--id", "id_glob", metavar="GLOB", help="Only documents whose id matches GLOB (e.g. '00[12]*')."),
            click.option(
                "--stdin/--no-stdin",
                "read_stdin",
                default=None,
                help="Read JSON Lines records with an id from stdin and work on those documents (default: when stdin is a pipe or a file).",
            ),
        ]
    for decorator in reversed(decorators):
        run = decorator(run)
    return run


def dedupe_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--dedupe: the session leaves out all but one document of each group of near-duplicates."""
    return click.option(
        "--dedupe",
        is_flag=True,
        help="Keep one document per group of near-duplicates (Jaccard >= 0.8, as `corpus dupes --groups` finds them): "
        "the earliest dated, then the smallest id.",
    )(command)


def format_option(
    formats: Sequence[str] = RECORD_FORMATS, default_help: str = "a table on a terminal, jsonl otherwise"
) -> Callable[..., Any]:
    """--format with the choices given; None means the default for where stdout goes."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(formats),
        default=None,
        help=f"Output format (default: {default_help}).",
    )


class FiniteFloatRange(click.FloatRange):
    """click.FloatRange without nan or inf: float() reads "nan", which passes every range check
    (each comparison with nan is false) and then breaks the number's use, or disables a limit."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number
