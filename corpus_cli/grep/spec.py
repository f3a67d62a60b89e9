"""What a search looks for and reports: the one object sent to every worker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from corpus_cli.grep.matcher import Matcher
from corpus_cli.run.selection import Selection
from corpus_cli.text.document import Metadata

MATCH_FIELDS = ("id", "path", "date", "line", "column", "start", "end", "match", "before", "after", "before_cut", "after_cut")
COUNT_FIELDS = ("id", "path", "count")
FILE_FIELDS = ("id", "path")
# What each document's result carries: the number of selected lines only, the match records, or
# the selected (and context) lines for the grep-style view.
Mode = Literal["count", "records", "lines"]
Scope = Literal["text", "title", "body"]  # --field: the whole text, the title, the body
SEARCH_FIELDS: tuple[Scope, ...] = get_args(Scope)
DEFAULT_TIME_LIMIT = 2.0  # seconds per document; a 5 KB article takes well under a millisecond
MIN_TIME_LIMIT = 0.01  # below this the timer's ticks would be most of the work
# before/after hold at most this many characters each by default: a match on a line of megabytes
# must not copy the rest of the line into its record (memory would grow with the line's square).
DEFAULT_MAX_CONTEXT_CHARS = 200


@dataclass(frozen=True)
class SearchSpec:
    """What to search for and what to report; it is sent to worker processes, so it must pickle."""

    matcher: Matcher
    mode: Mode = "records"
    invert: bool = False
    max_count: int | None = None
    scope: Scope = "text"
    before: int = 0
    after: int = 0
    separate_groups: bool = False  # -A, -B or -C was given, 0 too: "--" between groups that do not touch
    kwic: int | None = None
    only_matching: bool = False
    max_context: int = DEFAULT_MAX_CONTEXT_CHARS
    time_limit: float | None = DEFAULT_TIME_LIMIT
    dates: Selection = field(default_factory=Selection)
    metadata: Mapping[str, Metadata] = field(default_factory=dict)
