"""`corpus grep`: search the documents' lines, as GNU grep would, and print matches as records or views."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import click
from click.decorators import FC

from corpus_cli.analysis.families import family_of
from corpus_cli.commands.grep_options import GrepOptions
from corpus_cli.commands.options import Count, FiniteFloatRange, dedupe_option, document_options, format_option
from corpus_cli.errors import ExitStatus
from corpus_cli.grep.early import search_corpus
from corpus_cli.grep.search import DocumentResult, search_documents
from corpus_cli.grep.spec import (
    COUNT_FIELDS,
    DEFAULT_MAX_CONTEXT_CHARS,
    DEFAULT_TIME_LIMIT,
    FILE_FIELDS,
    MATCH_FIELDS,
    SEARCH_FIELDS,
    SearchSpec,
)
from corpus_cli.output.terminal import color_enabled, default_format, stdout, terminal_width, write_text
from corpus_cli.output.views import render_grep_count, render_grep_file, render_grep_lines, render_kwic
from corpus_cli.output.writers import RECORD_FORMATS, RecordWriter, count_line
from corpus_cli.run.progress import Tick
from corpus_cli.run.session import Session
from corpus_cli.text.tokens import tokens

GREP_FORMATS = ("text", *RECORD_FORMATS)
MATCH_TABLE_FIELDS = ("id", "line", "column", "before", "match", "after")
DEFAULT_KWIC_WIDTH = 30


def _no_op(short: str, long: str, why: str) -> Callable[[FC], FC]:
    """A grep switch accepted as the no-op it is here, so that habits and old scripts still work."""
    return click.option(short, long, is_flag=True, expose_value=False, help=f"Accepted, a no-op: {why}.")


class KwicWidth(click.ParamType):  # type: ignore[type-arg]  # generic in click's stubs only
    """--kwic's optional WIDTH; a word there is most likely the pattern, so say how to write it."""

    name = "width"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        if not str(value).isdigit() or int(value) < 1:
            self.fail(f"{value!r} is not a width; write --kwic=WIDTH, or put --kwic after the pattern", param, ctx)
        return int(value)


@click.command("grep")
@click.argument("pattern", required=False)
@click.option("-e", "--regexp", "extra_patterns", multiple=True, metavar="PATTERN", help="A pattern; repeat to match any of several.")
@click.option("-F", "--fixed-strings", is_flag=True, help="Patterns are plain text, not regular expressions.")
@click.option("-i", "--ignore-case", is_flag=True, help="Ignore case (Python's Unicode case folding).")
@click.option("-S", "--smart-case", is_flag=True, help="Ignore case unless a pattern has an upper-case letter.")
@click.option("-w", "--word-regexp", is_flag=True, help="Match whole words only (no word character either side).")
@click.option("-v", "--invert-match", is_flag=True, help="Select the lines that do not match.")
@click.option("-c", "--count", is_flag=True, help="Print each document's number of selected lines.")
@click.option("--include-zero", is_flag=True, help="With -c, list documents with no match too.")
@click.option("-l", "--files-with-matches", is_flag=True, help="Print only the documents that have a match.")
@click.option("-o", "--only-matching", is_flag=True, help="Print only the matched text, not the rest of the line.")
@click.option("-m", "--max-count", type=Count(min=0), metavar="N", help="Stop after N selected lines in each document.")
@click.option("-A", "--after-context", type=Count(min=0), metavar="N", help="Show N lines after each selected line.")
@click.option("-B", "--before-context", type=Count(min=0), metavar="N", help="Show N lines before each selected line.")
@click.option("-C", "--context", type=Count(min=0), metavar="N", help="Show N lines before and after (-A and -B win).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; the exit status says whether anything matched.")
@click.option(
    "--field",
    type=click.Choice(SEARCH_FIELDS),
    default="text",
    show_default=True,
    help="Search the whole text (line numbers are the file's), the title, or the body without site furniture.",
)
@click.option(
    "--kwic",
    type=KwicWidth(),
    is_flag=False,
    flag_value=DEFAULT_KWIC_WIDTH,
    default=None,
    metavar="[WIDTH]",
    help=f"Keyword in context: each match with WIDTH characters either side (default {DEFAULT_KWIC_WIDTH}), in a column.",
)
@click.option(
    "--sort", "kwic_sort", type=click.Choice(("left", "right")), help="With --kwic, sort by the words left or right of the match."
)
@click.option(
    "--timeout",
    type=FiniteFloatRange(min=0),
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    metavar="SECONDS",
    help="Time limit for the pattern on a document (plus 1 s per million characters; at least 0.01); past it, "
    "the rest of the document is skipped with a warning. 0: none.",
)
@click.option(
    "--max-context-chars",
    type=Count(min=0),
    default=DEFAULT_MAX_CONTEXT_CHARS,
    show_default=True,
    metavar="N",
    help="At most N characters of before/after in a record, the nearest to the match (before_cut/after_cut say where cut).",
)
@click.option(
    "--terms",
    "terms_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Search every member of the term families in FILE (YAML) as a word, any case; records gain the family.",
)
@click.option("-j", "--jobs", type=Count(min=1), metavar="N", help="Worker processes (default: one per core for large corpora).")
@format_option(GREP_FORMATS, "text on a terminal, jsonl otherwise")
@click.option("--json", "json_lines", is_flag=True, help="The same as --format jsonl (ripgrep's --json).")
@_no_op("-E", "--extended-regexp", "patterns are always Python regular expressions, which are extended")
@_no_op("-P", "--perl-regexp", "Python's regular expressions are Perl-style already")
@_no_op("-n", "--line-number", "records always have a line, and the text view prints it")
@_no_op("-H", "--with-filename", "every line shown is prefixed with its document's id")
@_no_op("-r", "--recursive", "every document is searched, in sub-folders too")
@document_options
@dedupe_option
def grep_command(session: Session, pattern: str | None, extra_patterns: tuple[str, ...], **options: Any) -> int:
    """Search the documents' lines for PATTERN, a Python regular expression.

    Lines are GNU grep's, and so are the matches: a line matches when the
    pattern matches within it. Records (JSON Lines when piped) give each match
    with its id, path, date, line, column, and start/end character offsets in
    the file's decoded text (text[start:end] == match), with the rest of its
    line as before/after (at most --max-context-chars each; before_cut and
    after_cut say when they were cut). -c gives id, path, count; -l gives id, path. On a
    terminal, lines print as id:line:text with the matches highlighted.

    Each line is searched as a string of its own (^, $, \\A and \\Z are its
    ends; a \\r before the newline is left out). With several patterns the
    longest match at the leftmost position wins, as in GNU grep. With -v a
    record is the whole line (-o -v prints nothing, as GNU grep does); with
    -A/-B/-C, before and after reach over the context lines, and "--"
    separates groups (-C 0 too); with -o they are empty, and empty matches
    are not printed. A document the pattern runs on past --timeout (a regex
    that backtracks without end) is skipped with a warning; the clock runs
    only while the pattern searches, not while matches are printed. Records
    stream out as they are found.

    --terms FILE searches every member of the term families in FILE (see
    corpus stats --help) as a word, in any case, where the tokenizer sees
    one ("border" is not found in "anti-border"); each record gains the
    family's name.

    --kwic prints a concordance, each match centred in WIDTH characters of
    context (narrower where the terminal's width needs it; the records keep
    WIDTH); --sort left|right orders it by the words before or after.

    Exit status: 0 when a line was selected, 1 when none was, 2 on an error.

    \b
    Examples:
      corpus grep -w ICE
      corpus grep -iw 'border (protection|patrol)' --since 2024
      corpus grep -c Mayorkas --include-zero --format csv
      corpus grep -F '(Headline USA)' -l | corpus list
      corpus grep -i migrants --kwic 40 --sort right
      corpus grep -w Biden | jq -r '"\\(.id):\\(.line): \\(.match)"'
      corpus grep --terms families.yaml | jq -r .family | sort | uniq -c
      corpus grep -rnE 'ICE|DHS'          # grep's habits: -E, -P, -n, -H, -r are no-ops
    """
    chosen = GrepOptions.from_click(pattern, extra_patterns, options)
    output_format = chosen.output_format or default_format(text_view=True)
    spec = chosen.spec(session, output_format)
    settled = session.settled(spec, include_zero=chosen.include_zero)
    if settled is None:
        results = search_corpus(spec, session, chosen.jobs)
    else:
        results = search_documents(spec, session.picked(), chosen.jobs, settled)
    # Lines and counts print as they come (progress enough on a terminal); a table or a sorted concordance waits for the end.
    waits = output_format == "table" or (spec.kwic is not None and (output_format == "text" or chosen.kwic_sort is not None))
    silent = 0 if settled is None else settled.silent  # ruled out by the index: no result comes
    try:
        with session.progress("Searching", output_waits=waits, skipped=silent) as tick:
            matched = _print(spec, _reported(session, results, tick), output_format, chosen)
    finally:
        results.close()  # stops the worker processes when output ends early
    return ExitStatus.OK if matched else ExitStatus.NOT_FOUND


def _reported(session: Session, results: Iterator[DocumentResult], tick: Tick) -> Iterator[DocumentResult]:
    """The results, with their warnings reported as they come (in document order), each one
    ticked off on the progress bar."""
    for result in results:
        tick(1)
        for warning in result.warnings:
            session.reporter.warn(warning)
        if result.searched:
            yield result


def _print(spec: SearchSpec, results: Iterator[DocumentResult], output_format: str, options: GrepOptions) -> bool:
    """Print the results in the form asked for; True when some line was selected."""
    if options.quiet:
        return any(result.count for result in results)
    selected = _Tally(results)
    text = output_format == "text"
    color = color_enabled()
    if options.count or options.files_with_matches:
        shown = (result for result in selected if result.count or options.include_zero)
        if text:
            for result in shown:
                write_text(render_grep_count(result.id, result.count) if options.count else render_grep_file(result.id))
        elif output_format == "jsonl" and options.count:
            stream = stdout()
            for result in shown:
                write_text(count_line(result.id, result.path, result.count), stream)
        else:
            with RecordWriter(output_format, COUNT_FIELDS if options.count else FILE_FIELDS) as writer:
                writer.write_all({"id": result.id, "path": result.path, "count": result.count} for result in shown)
    elif spec.mode == "lines":
        separate = False
        for result in selected:
            if result.lines:
                write_text(render_grep_lines(result.id, result.lines, color, spec.only_matching, separate))
                separate = bool(spec.before or spec.after or spec.separate_groups)
    else:
        records: Iterable[dict[str, Any]] = (record for result in selected for record in result.records)
        if spec.kwic is not None and (options.kwic_sort or text):
            records = _kwic_sorted(list(records), options.kwic_sort)
        if spec.kwic is not None and text:
            write_text(render_kwic(list(records), spec.kwic, color, terminal_width()))
        else:
            fields = MATCH_TABLE_FIELDS if output_format == "table" else MATCH_FIELDS
            if options.families:
                families = options.families
                records = ({**record, "family": family_of(record["match"], families)} for record in records)
                fields = (*fields, "family")
            with RecordWriter(output_format, fields) as writer:
                writer.write_all(records)
    return selected.any


class _Tally:
    """Passes results through and notes whether any selected a line (-o may print nothing for it)."""

    def __init__(self, results: Iterator[DocumentResult]) -> None:
        self.results, self.any = results, False

    def __iter__(self) -> Iterator[DocumentResult]:
        for result in self.results:
            self.any = self.any or result.count > 0
            yield result


def _kwic_sorted(records: list[dict[str, Any]], side: str | None) -> list[dict[str, Any]]:
    """Concordance order: by the words right of the match (then the match), or left of it, nearest first."""
    if side == "right":
        return sorted(records, key=lambda record: (tokens(record["after"]), tokens(record["match"])))
    if side == "left":
        return sorted(records, key=lambda record: (tokens(record["before"])[::-1], tokens(record["match"])))
    return records
