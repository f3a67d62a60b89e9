"""--terms FILE: the term families a command counts, from a YAML file or the corpus.yaml's terms:."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click

from corpus_cli.analysis.families import Family, parse_families
from corpus_cli.run.session import Session
from corpus_cli.source.yaml_file import read_yaml

families_option: Callable[[Callable[..., Any]], Callable[..., Any]] = click.option(
    "--terms",
    "terms_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Term families from FILE, YAML: 'NAME: [word, a phrase, ...]' a line (default: terms: in corpus.yaml).",
)


def read_families(path: Path) -> dict[str, Family]:
    """The families of a YAML file; anything wrong with it is one `CorpusError` naming the file."""
    data = read_yaml(path, "term families file")
    return parse_families(data, str(path))


def known_families(session: Session, terms_file: Path | None) -> Mapping[str, Family]:
    """The families of --terms FILE if given, else those of the corpus.yaml."""
    return read_families(terms_file) if terms_file is not None else session.corpus.families
