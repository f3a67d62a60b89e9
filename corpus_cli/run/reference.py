"""The two sides of a comparison (keyness): the selected documents, and a reference to hold them
against — the rest of the corpus, another selection of it, or another corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from corpus_cli.run.pipeline import mapped
from corpus_cli.run.selection import Selection
from corpus_cli.run.session import Session, date_selection
from corpus_cli.source.config import Corpus
from corpus_cli.source.discover import discover
from corpus_cli.source.locate import corpus_at
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
        """The reference's selection; a bad date, or --ref-since later than --ref-until, is a usage
        error naming the --ref- options."""
        return date_selection(self.since, self.until, self.id_glob, names=("--ref-since", "--ref-until"))


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
    """The corpus named by --ref-corpus: a folder, or its corpus.yaml, as --corpus takes them."""
    return corpus_at(path, "--ref-corpus")
