"""Human views of the pipeline's results, as strings for output.py to write: no I/O here."""

from __future__ import annotations

from typing import Any

import click

from corpus_cli.document import Document


def render_document(document: Document, color: bool) -> str:
    """The human view of a document: its fields, its paragraphs, then its furniture apart."""
    style = _styler(color)
    lines = [style(document.id, bold=True) + style(f"  {document.path}", dim=True)]
    for label, value in (
        ("date", document.date),
        ("title", document.title),
        ("credit", document.article.credit),
        ("byline", document.article.byline),
        ("source", document.metadata.source),
        ("url", document.metadata.url),
    ):
        if value:
            lines.append(style(f"{label}: ", dim=True) + value)
    lines.append(style(f"words: {document.article.words}  paragraphs: {len(document.article.paragraphs)}", dim=True))
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
