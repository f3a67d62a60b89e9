"""The two sides of a comparison (keyness): the selected documents, and a reference to hold them
against — the rest of the corpus, another selection of it, or another corpus."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import click

from corpus_cli.errors import CorpusError
from corpus_cli.run.pipeline import mapped
from corpus_cli.run.selection import Selection, parse_bound
from corpus_cli.run.session import Session
from corpus_cli.source.config import CONFIG_NAME, Corpus
from corpus_cli.source.discover import discover
from corpus_cli.source.locate import locate
from corpus_cli.text.document import Document

Result = TypeVar("Result", bound="HasId")


class HasId(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def date(self) -> str | None: ...


@dataclass(frozen=True)
class Reference:
    """Where the reference documents come from: `corpus` (another corpus's path) and a selection;
    with neither, the documents of the corpus that the target leaves out."""

    corpus: str | None = None
    since: str | None = None
    until: str | None = None
    id_glob: str | None = None

    @property
    def is_rest(self) -> bool:
        return self.corpus is None and self.since is None and self.until is None and self.id_glob is None

    def selection(self) -> Selection:
        """The reference's selection; a bad date is a usage error naming the --ref- option."""
        bounds = {}
        for name, value, end in (("--ref-since", self.since, False), ("--ref-until", self.until, True)):
            if value is not None:
                try:
                    bounds[name] = parse_bound(value, end=end)
                except ValueError as error:
                    raise click.BadParameter(str(error), param_hint=f"'{name}'") from None
        return Selection(since=bounds.get("--ref-since"), until=bounds.get("--ref-until"), id_glob=self.id_glob)


def compared(session: Session, reference: Reference, function: Callable[[Document], Result]) -> Iterator[tuple[bool, Result]]:
    """``(in_target, function(document))`` for the target's documents (the session's selection) and
    the reference's, as they are read, so that a caller can sum them up without keeping them.

    With the rest of the corpus as the reference, each document is read once and goes to one side.
    """
    corpus, files, target_selection, warn = session.corpus, session.files, session.selection, session.reporter.warn
    if reference.is_rest:
        picked = {source.id for source in target_selection.pick(files)}
        for result in mapped(corpus, files, Selection(), warn, function):
            yield result.id in picked and target_selection.admits_date(result.date), result
        return
    selection = reference.selection()
    for result in mapped(corpus, files, target_selection, warn, function):
        yield True, result
    if reference.corpus is not None:
        corpus = reference_corpus(Path(reference.corpus))
        files = discover(corpus, warn)
    for result in mapped(corpus, files, selection, warn, function):
        yield False, result


def reference_corpus(path: Path) -> Corpus:
    """The corpus named by --ref-corpus: a folder, or its corpus.yaml."""
    if not (path.is_dir() or (path.is_file() and path.name == CONFIG_NAME)):
        raise CorpusError(f"reference corpus not found: {path} (--ref-corpus takes a folder or its {CONFIG_NAME})")
    return locate(str(path), os.environ, Path.cwd())
