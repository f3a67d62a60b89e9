"""One command's run: the corpus, the selection, and the warnings reported along the way."""

from __future__ import annotations

import dataclasses
import io
import os
import stat
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from corpus_cli.errors import CorpusError
from corpus_cli.run.discovery import Discovery, index_exists
from corpus_cli.run.pipeline import Packed, Result, documents, mapped, packed
from corpus_cli.run.progress import Tick, progress
from corpus_cli.run.selection import Selection, parse_bound, read_ids
from corpus_cli.source.config import Corpus
from corpus_cli.source.files import SourceFile
from corpus_cli.source.locate import locate
from corpus_cli.text.document import Document

if TYPE_CHECKING:
    from corpus_cli.analysis.stats import Columns, Grouping
    from corpus_cli.grep.search import Settled
    from corpus_cli.grep.spec import SearchSpec
    from corpus_cli.index.schema import IndexDamaged
    from corpus_cli.index.view import IndexView


@dataclass
class Reporter:
    """Prints warnings to stderr, one line each (none with ``-s``), and counts them for ``--strict``."""

    strict: bool = False
    quiet: bool = False  # -s/--no-messages: warnings are counted, not printed
    count: int = 0

    def warn(self, message: str) -> None:
        self.count += 1
        if not self.quiet:
            click.echo(f"corpus: warning: {message}", err=True)

    def finish(self) -> None:
        """Under ``--strict``, any warning makes the run fail with exit status 2."""
        if self.strict and self.count:
            raise CorpusError(f"{self.count} warning(s) and --strict is set")


def stdin_is_data(stream: IO[Any]) -> bool:
    """True when stdin is a pipe, a file or a socket: not a terminal, not /dev/null, not closed."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def _stdin() -> IO[bytes]:
    """Standard input as bytes, to read records from; a closed one is an error, not an empty stream."""
    if sys.stdin is None:  # started with stdin closed (<&-): Python leaves it None
        raise CorpusError("--stdin: standard input is closed; pipe records in, or leave out --stdin")
    return sys.stdin.buffer


@dataclass(frozen=True)
class Session:
    """What a subcommand works on; built from the shared options by `open_session`, never changed.

    Ids named on the command line (`ids`) win over stdin; stdin is read only when the selection
    is first asked for, so a command given ids never swallows a pipe meant for someone else.
    A command that names ids itself (`show`) makes a new session with `with_ids` or `with_stdin`.
    """

    corpus: Corpus
    options: Selection  # dates and id glob from the command line
    reporter: Reporter
    discovery: Discovery
    stdin: bool = False  # take the ids from the records on stdin
    ids: Mapping[str, int] | None = None
    use_index: bool = True  # False: --no-index

    @cached_property
    def index(self) -> IndexView | None:
        """The corpus's index when there is one (and --no-index was not given); opened on first use."""
        if not self.use_index or not index_exists(self.corpus):
            return None
        from corpus_cli.index.view import open_view

        discovery = self.discovery
        if discovery.glance is not None:
            # Found first: a survey that finds nothing changed spares reading the entries. (An
            # index that cannot be used is reported first, as before the files' own warnings.)
            discovery.files  # noqa: B018
        return open_view(self.corpus, self.reporter.warn, lambda: discovery.surveyed)

    @property
    def files(self) -> list[SourceFile]:
        """Every document file of the corpus, sorted by id (found once per run)."""
        return self.discovery.files

    @cached_property
    def selection(self) -> Selection:
        """The options, with the ids given or read from stdin."""
        ids = self.ids if self.ids is not None else read_ids(_stdin()) if self.stdin else None
        return dataclasses.replace(self.options, ids=ids)

    def with_ids(self, ids: Mapping[str, int]) -> Session:
        """This session, working on `ids` (each with its position, for messages) in their order."""
        return dataclasses.replace(self, ids=ids)

    def with_stdin(self) -> Session:
        """This session, working on the ids of the records on stdin."""
        return dataclasses.replace(self, stdin=True)

    def without(self, excluded: Collection[str]) -> Session:
        """This session with the documents `excluded` left out; ids due from stdin are read now
        and kept, so the new session does not read stdin again."""
        options = dataclasses.replace(self.options, excluded=frozenset(excluded))
        return dataclasses.replace(self, options=options, ids=self.selection.ids, stdin=False)

    def unreported(self) -> Session:
        """This session with its warnings counted apart and never printed: for an extra pass over
        the documents (--dedupe's) whose warnings the command's own pass gives again."""
        return dataclasses.replace(self, reporter=Reporter(quiet=True), ids=self.selection.ids, stdin=False)

    def picked(self) -> list[SourceFile]:
        """The files selected by id (glob, stdin, arguments), before any date is read."""
        return self.selection.pick(self.files)

    @property
    def index_answers(self) -> bool:
        """Whether the index may stand in for reading the files (one made under another limit for
        one document is not opened: see `index.view.open_view`)."""
        return self.use_index and index_exists(self.corpus)

    def settled(self, spec: SearchSpec, *, include_zero: bool = True) -> Settled | None:
        """Which files grep must read, and the results known from the index of the others (see
        index/candidates.py); None when the index cannot tell (or there is none): every file is read."""
        if not self.index_answers:
            return None
        from corpus_cli.index.candidates import narrows, settled, usable_needle

        needle = usable_needle(spec)
        if needle is None or not narrows(self.corpus, needle):  # -v, \w+, or a needle in most files
            self._scan_without_index()
            return None
        if self.index is None:
            return None
        return self._read_or_scan(lambda view: settled(view, spec, self.picked(), self.files, include_zero=include_zero), None)

    def documents(self) -> Iterator[Document]:
        """The selected documents, parsed."""
        return documents(self.corpus, self.files, self.selection, self.reporter.warn)

    def mapped(self, function: Callable[[Document], Result], progress: str | None = None, output_waits: bool = True) -> Iterator[Result]:
        """``function(document)`` for the selected documents, in order, on every core when it pays;
        from the index instead of the files when it is there and can make what `function` makes;
        reading the files, with a progress bar labelled `progress` when the run is long (see run/progress.py)."""
        if self.index_answers:
            from corpus_cli.index.answers import answerable, answered

            if answerable(function) and self.index is not None:
                answers = answered(self.index, self.corpus, self.files, self.picked(), self.selection, self.reporter.warn, function)
                return self._answered_or_scanned(answers, lambda: self.mapped(function, progress, output_waits))
        if progress is None:
            return mapped(self.corpus, self.files, self.selection, self.reporter.warn, function)
        return self._mapped_with_progress(function, progress, output_waits)

    def counted_columns(self, by: Grouping | None, words: Sequence[str] = ()) -> Columns | None:
        """`stats.counted` of every selected document at once, from the index, when it holds them
        all as they are, for a summary grouped `by`, with each document's uses of `words` (see
        `index.answers.counted_columns`); None when they are counted one by one."""
        # Every file, in the files' order: a selection (ids named in another order too, whose
        # warnings come in that order) is counted a document at a time.
        if not self.index_answers or self.selection.by_date or self.picked() != self.files or self.index is None:
            return None
        from corpus_cli.index.answers import counted_columns

        return self._read_or_scan(lambda view: counted_columns(view, self.corpus, self.files, self.reporter.warn, by, words), None)

    def _read_or_scan(self, read: Callable[[IndexView], Result], instead: Result) -> Result:
        """`read` of the index; `instead` when it finds the index damaged, after one warning (the
        run then reads the files), as `_answered_or_scanned` takes damage met before any answer."""
        import sqlite3

        from corpus_cli.index.schema import IndexDamaged

        assert self.index is not None
        try:
            return read(self.index)
        except (sqlite3.DatabaseError, IndexDamaged) as error:
            self._scan_instead(error)
            return instead

    def _answered_or_scanned(self, answers: Iterator[Result], scan: Callable[[], Iterator[Result]]) -> Iterator[Result]:
        """The index's `answers`; the `scan`'s, after one warning, when the index turns out damaged
        before the first answer (every entry is read by then), as when it is found so on opening;
        one error line when it does later, as the answers given cannot be taken back."""
        import sqlite3  # here: a run without an index never needs it

        from corpus_cli.index.schema import IndexDamaged

        try:
            first = next(answers)
        except StopIteration:
            return
        except (sqlite3.DatabaseError, IndexDamaged) as error:
            self._scan_instead(error)
            yield from scan()
            return
        yield first
        try:
            yield from answers
        except sqlite3.DatabaseError as error:
            raise self._give_up_index(error) from None

    def _scan_without_index(self) -> None:
        """Read every file, as --no-index does: the files need not be stat'ed for the index's
        check (a third of a second at 93,646 files), and a search may start while they are found."""
        self.discovery.forgo_survey()
        self._done_with_index()

    def _done_with_index(self) -> None:
        object.__setattr__(self, "use_index", False)  # a frozen session: this run has done with the index

    def _scan_instead(self, error: Exception) -> None:
        """Give up a damaged index (see `_give_up_index`) with one warning: the run reads the files."""
        damaged = self._give_up_index(error)
        self.reporter.warn(f"{damaged.path}: index not used: it is damaged ({damaged.error}); run 'corpus index' to rebuild it")

    def _give_up_index(self, error: Exception) -> IndexDamaged:
        """The index's damage that `error` shows, marked in the index for later runs (once), with
        the index closed and left alone for the rest of this run; any other error is raised."""
        import sqlite3

        from corpus_cli.index.schema import IndexDamaged, damaged_index, is_damage

        view = self.index
        if isinstance(error, IndexDamaged):
            damaged = error  # marked where it was found
        elif view is not None and isinstance(error, sqlite3.DatabaseError) and is_damage(error):
            damaged = damaged_index(view.path, error)
        else:
            raise error
        if view is not None:
            view.close()
        self._done_with_index()
        return damaged

    def _mapped_with_progress(self, function: Callable[[Document], Result], label: str, output_waits: bool) -> Iterator[Result]:
        with self.progress(label, output_waits=output_waits) as tick:
            yield from mapped(self.corpus, self.files, self.selection, self.reporter.warn, function, tick=tick)

    def packed(
        self, function: Callable[[Document], Result], pack: Callable[[Iterator[Result]], Packed], per_task: int, progress: str
    ) -> Iterator[Packed]:
        """`pack` of the ``function(document)`` results of each task of `per_task` files (see
        `pipeline.packed`), in order, on every core when it pays, with a progress bar labelled `progress`."""
        with self.progress(progress) as tick:
            yield from packed(self.corpus, self.files, self.selection, self.reporter.warn, function, pack, per_task, tick=tick)

    def progress(self, label: str, *, output_waits: bool = True, skipped: int = 0) -> AbstractContextManager[Tick]:
        """A progress bar over the files picked (the one mechanism every command uses), less the
        `skipped` ones that will never be ticked off (grep's files the index rules out)."""
        return progress(len(self.picked()) - skipped, label, output_waits=output_waits)


def date_selection(
    since: str | None, until: str | None, id_glob: str | None = None, *, names: tuple[str, str] = ("--since", "--until")
) -> Selection:
    """The selection of the date bounds given as the options `names`; a bad date, or a start later
    than the end, is a usage error naming the options."""
    bounds = {}
    for name, value, end in ((names[0], since, False), (names[1], until, True)):
        if value is not None:
            try:
                bounds[name] = parse_bound(value, end=end)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint=f"'{name}'") from None
    if len(bounds) == 2 and bounds[names[0]] > bounds[names[1]]:
        # An empty result would look like "nothing in those dates"; the bounds are swapped, or a typo.
        raise click.UsageError(f"{names[0]} {since} is later than {names[1]} {until}: nothing could be selected (swap them?)")
    return Selection(since=bounds.get(names[0]), until=bounds.get(names[1]), id_glob=id_glob)


def open_session(
    *,
    corpus_path: str | None,
    since: str | None = None,
    until: str | None = None,
    id_glob: str | None = None,
    read_stdin: bool | None = None,
    strict: bool = False,
    use_index: bool = True,
    no_messages: bool = False,
    max_document_mb: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> Session:
    """Locate the corpus and build the selection; bad options are `click.BadParameter`.
    `max_document_mb` (--max-document-mb) wins over corpus.yaml's."""
    corpus = locate(corpus_path, os.environ if environ is None else environ, Path.cwd())
    if max_document_mb is not None:
        corpus = dataclasses.replace(corpus, max_document_mb=max_document_mb)
    options = date_selection(since, until, id_glob)
    stdin = read_stdin if read_stdin is not None else stdin_is_data(sys.stdin)
    reporter = Reporter(strict=strict, quiet=no_messages)
    # The index may answer (see `Session.index_answers`): discovery takes each file's stat for it.
    discovery = Discovery(corpus, reporter.warn, survey=use_index)
    return Session(corpus=corpus, options=options, reporter=reporter, discovery=discovery, stdin=stdin, use_index=use_index)
