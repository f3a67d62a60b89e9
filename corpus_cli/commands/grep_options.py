"""grep's options: read once from click into a frozen `GrepOptions`, which refuses contradictions
and builds the `SearchSpec` the search runs on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import click

from corpus_cli.analysis.families import Family, member_patterns
from corpus_cli.commands.families import read_families
from corpus_cli.grep.matcher import Matcher
from corpus_cli.grep.spec import (
    MIN_TIME_LIMIT,
    Mode,
    Scope,
    SearchSpec,
)
from corpus_cli.run.selection import Selection
from corpus_cli.run.session import Session


@dataclass(frozen=True)
class GrepOptions:
    """grep's options, as click gives them, read once into names and types."""

    patterns: tuple[str, ...]
    fixed_strings: bool
    ignore_case: bool
    smart_case: bool
    word_regexp: bool
    invert_match: bool
    count: bool
    include_zero: bool
    files_with_matches: bool
    only_matching: bool
    max_count: int | None
    after_context: int | None
    before_context: int | None
    context: int | None
    quiet: bool
    field: Scope
    kwic: int | None
    kwic_sort: Literal["left", "right"] | None
    timeout: float
    max_context_chars: int
    jobs: int | None
    terms_file: Path | None
    output_format: str | None
    families: tuple[Family, ...] = ()  # with --terms FILE: the families whose members are the patterns

    @classmethod
    def from_click(cls, pattern: str | None, extra_patterns: tuple[str, ...], options: dict[str, Any]) -> GrepOptions:
        """The options, with the patterns given either way; contradictions are usage errors."""
        if options.pop("json_lines"):
            if options["output_format"] not in (None, "jsonl"):
                raise click.UsageError(f"--json is --format jsonl: it does not combine with --format {options['output_format']}")
            options["output_format"] = "jsonl"
        if options["terms_file"] is not None:
            if pattern is not None or extra_patterns:
                raise click.UsageError("--terms FILE gives the patterns: give no PATTERN or -e with it")
            families = read_families(options["terms_file"])
            patterns = tuple(member_patterns(families.values()))
            chosen = cls(patterns=patterns, families=tuple(families.values()), **{**options, "ignore_case": True})
        else:
            chosen = cls(patterns=_patterns(pattern, extra_patterns), **options)
        chosen.check_combinations()
        return chosen

    @property
    def summary(self) -> bool:
        """Only a count per document is needed (-q, -c, -l)."""
        return self.quiet or self.count or self.files_with_matches

    def check_combinations(self) -> None:
        """Refuse switches that contradict each other, naming both."""
        if self.count and self.files_with_matches:
            raise click.UsageError("-c and -l contradict each other: choose one")
        if self.include_zero and not self.count:
            raise click.UsageError("--include-zero goes with -c")
        if self.kwic_sort and self.kwic is None:
            raise click.UsageError("--sort orders the --kwic view: add --kwic")
        if 0 < self.timeout < MIN_TIME_LIMIT:
            raise click.BadParameter(
                f"{self.timeout:g} is below the shortest limit, {MIN_TIME_LIMIT:g} s (0: no limit)", param_hint="'--timeout'"
            )
        if self.kwic is not None:
            switches: tuple[tuple[str, object], ...] = (
                ("-v", self.invert_match),
                ("-c", self.count),
                ("-l", self.files_with_matches),
                ("-o", self.only_matching),
                ("-A", self.after_context),
                ("-B", self.before_context),
                ("-C", self.context),
            )
            clash = [flag for flag, value in switches if value]
            if clash:
                raise click.UsageError(f"--kwic shows each match in its own context; it does not combine with {clash[0]}")

    def spec(self, session: Session, output_format: str) -> SearchSpec:
        """What the search looks for and reports, for the output format chosen."""
        context = self.context or 0
        max_count = self.max_count
        if self.quiet or self.files_with_matches:
            max_count = 0 if max_count == 0 else 1  # one selected line settles it
        mode: Mode = "count" if self.summary else ("lines" if output_format == "text" and self.kwic is None else "records")
        return SearchSpec(
            matcher=Matcher(
                list(self.patterns),
                fixed=self.fixed_strings,
                ignore_case=self.ignore_case,
                smart_case=self.smart_case,
                word=self.word_regexp,
            ),
            mode=mode,
            invert=self.invert_match,
            max_count=max_count,
            scope=self.field,
            before=context if self.before_context is None else self.before_context,
            after=context if self.after_context is None else self.after_context,
            separate_groups=any(value is not None for value in (self.context, self.before_context, self.after_context)),
            kwic=self.kwic,
            only_matching=self.only_matching,
            max_context=self.max_context_chars,
            time_limit=self.timeout or None,
            dates=Selection(since=session.selection.since, until=session.selection.until),
            metadata=session.corpus.metadata,
        )


def _patterns(pattern: str | None, extra: tuple[str, ...]) -> tuple[str, ...]:
    if pattern is not None and extra:
        raise click.UsageError("give the patterns either as one argument or each with -e, not both")
    if pattern is None and not extra:
        raise click.UsageError("give a PATTERN to search for (or -e PATTERN)")
    patterns = (pattern,) if pattern is not None else extra
    for given in patterns:
        try:
            given.encode("utf-8")
        except UnicodeEncodeError:  # bytes of the command line that are not UTF-8 (kept as surrogates)
            shown = given.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise click.BadParameter(f"'{shown}' is not UTF-8 text; documents are searched as text", param_hint="'PATTERN'") from None
    return patterns
