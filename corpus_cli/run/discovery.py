"""A run's files: found once, when first asked for, and shared by every view of the session; with
an index there, surveyed (each file stat'ed for the freshness check as it is found)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from corpus_cli.source.config import Corpus
from corpus_cli.source.discover import discover
from corpus_cli.source.files import SourceFile

if TYPE_CHECKING:
    from corpus_cli.index.view import Glance
    from corpus_cli.source.survey import Survey


def index_exists(corpus: Corpus) -> bool:
    """Whether the corpus has an index file this user may answer from: a stat or two, so that a
    run on a corpus without one imports none of the index's modules (a fifth of grep's start-up)."""
    from corpus_cli.index.location import in_use

    return in_use(corpus.root) is not None


class Discovery:
    """The corpus's files, found once when first asked for and shared by every view of a session.

    With `survey` (the index may answer) and an index there, discovery also stats each file for
    the index's freshness check, on every core for a large corpus (`surveyed`, see source/survey.py)."""

    def __init__(self, corpus: Corpus, warn: Callable[[str], None], *, survey: bool = False) -> None:
        self.corpus, self.warn, self.survey = corpus, warn, survey
        self.surveyed: Survey | None = None

    @cached_property
    def glance(self) -> Glance | None:
        """A quick look at the corpus's index, when discovery may survey for it (None: no usable one)."""
        if not self.survey or not index_exists(self.corpus):
            return None
        from corpus_cli.index.view import glance

        return glance(self.corpus)

    def forgo_survey(self) -> None:
        """Find the files without the stat calls of a survey, for a run that will not use the
        index; nothing changes once they are found."""
        if not self.walked:
            self.survey = False
            self.__dict__.pop("glance", None)  # where cached_property keeps it

    @property
    def walked(self) -> bool:
        """Whether the files were found already."""
        return "files" in self.__dict__  # where cached_property keeps them

    def walk(self, on_folder: Callable[[list[tuple[str, str, str]]], None]) -> list[SourceFile]:
        """`files`, found now by `discover` calling `on_folder` after each folder (see there),
        for a command that starts on the files found so far; only when `glance` is None (the
        files are not surveyed) and they were not found yet."""
        files = discover(self.corpus, self.warn, on_folder)
        self.__dict__["files"] = files  # as cached_property keeps them
        return files

    @cached_property
    def files(self) -> list[SourceFile]:
        seen = self.glance
        if seen is not None:
            from corpus_cli.index.watched import surveyed

            self.surveyed = surveyed(self.corpus, seen, self.warn)
            return self.surveyed.files
        return discover(self.corpus, self.warn)
