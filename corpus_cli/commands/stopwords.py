"""--stopwords FILE and --no-stopwords, for the commands that leave stopwords out of what they rank."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from corpus_cli.source.limits import read_named_text
from corpus_cli.text.tokens import default_stopwords, parse_stopwords


def stopword_options(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The two options; `what` names what the stopwords are left out of, for the help."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option("--no-stopwords", is_flag=True, help=f"Keep stopwords in the {what}.")(command)
        return click.option(
            "--stopwords",
            "stopwords_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            metavar="FILE",
            help=f"Leave the words of FILE (one a line, # comments) out of the {what}, instead of the English list shipped.",
        )(command)

    return decorate


def chosen_stopwords(stopwords_file: Path | None, no_stopwords: bool) -> frozenset[str]:
    """The stopwords the options ask for; both options at once are a usage error."""
    if stopwords_file and no_stopwords:
        raise click.UsageError("give --stopwords FILE or --no-stopwords, not both")
    if no_stopwords:
        return frozenset()
    if stopwords_file is None:
        return default_stopwords()
    return parse_stopwords(read_named_text(stopwords_file, "stopword list"))
