"""Human views of the pipeline's results, as strings for output.py to write: no I/O here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from corpus_cli.text.document import Document


def render_document(document: Document, color: bool) -> str:
    """The human view of a document: its fields, its paragraphs, then its furniture apart."""
    style = _styler(color)
    lines = [style(document.id, bold=True) + style(f"  {document.path}", dim=True)]
    for label, value in (
        ("date", document.date),
        ("title", document.title),
        ("credit", document.credit),
        ("byline", document.byline),
        ("source", document.metadata.source),
        ("url", document.metadata.url),
    ):
        if value:
            lines.append(style(f"{label}: ", dim=True) + value)
    lines.append(style(f"words: {document.article.words}  paragraphs: {len(document.article.paragraphs)}", dim=True))
    lines.append(style(f"encoding: {document.encoding}", dim=True))
    lines.extend(style("warning: ", fg="yellow") + warning for warning in document.warnings)
    lines.append("")
    lines.extend(paragraph + "\n" for paragraph in document.article.paragraphs)
    if document.article.furniture:
        lines.append(style("[furniture]", dim=True))
        lines.extend(style(line, dim=True) for line in document.article.furniture)
    return "\n".join(lines).rstrip("\n") + "\n"


def _styler(enabled: bool) -> Any:
    def style(text: str, **styles: Any) -> str:
        return click.style(text, **styles) if enabled else text

    return style


# ---- grep's views --------------------------------------------------------------------------

# ripgrep's colours: the document in magenta, line numbers in green, matches in bold red.
_GREP_ID = {"fg": "magenta"}
_GREP_NUMBER = {"fg": "green"}
_GREP_MATCH = {"fg": "red", "bold": True}
_FLATTEN = str.maketrans("\n\r\t\v\f", "     ")


def render_grep_lines(doc_id: str, lines: Sequence[Any], color: bool, only_matching: bool, separate: bool) -> str:
    """A document's lines as grep -n prints them: ``id:line:text`` for selected lines (matches
    highlighted), ``id-line-text`` for context lines, ``--`` between groups that do not touch.

    `lines` are `search.LineView`s; `separate` puts a ``--`` before the first group (a document
    shown earlier had context lines too).
    """
    style = _styler(color)
    out = []
    for index, line in enumerate(lines):
        if line.gap or (index == 0 and separate):
            out.append(style("--", fg="cyan") + "\n")
        mark = ":" if line.selected else "-"
        prefix = style(doc_id, **_GREP_ID) + mark + style(str(line.number), **_GREP_NUMBER) + mark
        if only_matching:
            out.extend(prefix + style(line.text[start:end], **_GREP_MATCH) + "\n" for start, end in line.spans)
        else:
            out.append(prefix + _highlight(line.text, line.spans, style) + "\n")
    return "".join(out)


def render_grep_count(doc_id: str, count: int) -> str:
    """A document's line for grep -c: ``id:count``."""
    return f"{doc_id}:{count}\n"


def render_grep_file(doc_id: str) -> str:
    """A document's line for grep -l: its id."""
    return f"{doc_id}\n"


def render_kwic(records: Sequence[dict[str, Any]], width: int, color: bool, columns: int | None = None) -> str:
    """A keyword-in-context concordance: the matches in one column, `width` characters each side.

    Line breaks and tabs in the context show as spaces, so every row stays one line and aligned.
    With `columns` (the terminal's width) the context is narrowed so that every row fits; a match
    too long for the row is cut with "…", the only thing then cut.
    """
    style = _styler(color)
    prefixes = [f"{record['id']}:{record['line']}:" for record in records]
    prefix_width = max(map(len, prefixes), default=0)
    if columns is not None:
        widest_match = max((len(record["match"]) for record in records), default=0)
        # prefix, two spaces, before, a space, the match, a space, after
        width = max(0, min(width, (columns - prefix_width - 4 - widest_match) // 2))
    out = []
    for prefix, record in zip(prefixes, records):
        doc_id, number = prefix[:-1].rsplit(":", 1)
        shown = style(doc_id, **_GREP_ID) + ":" + style(number, **_GREP_NUMBER) + ":" + " " * (prefix_width - len(prefix))
        before = record["before"].translate(_FLATTEN)[-width:].rjust(width) if width else ""
        after = record["after"].translate(_FLATTEN)[:width]
        match = record["match"].translate(_FLATTEN)
        if columns is not None and prefix_width + 4 + 2 * width + len(match) > columns:
            room = max(1, columns - prefix_width - 4 - 2 * width)
            match = match[: room - 1] + "…"
        out.append(f"{shown}  {before} {style(match, **_GREP_MATCH)} {after}".rstrip() + "\n")
    return "".join(out)


def _highlight(text: str, spans: Sequence[tuple[int, int]], style: Any) -> str:
    pieces, pos = [], 0
    for start, end in spans:
        pieces += [text[pos:start], style(text[start:end], **_GREP_MATCH)]
        pos = end
    return "".join(pieces) + text[pos:]
