"""``--field title|body``: where the parts of an article stand in its file's text."""

from __future__ import annotations

from corpus_cli.grep.matcher import Span
from corpus_cli.text.parser import Article


def field_segments(text: str, article: Article, name: str) -> list[Span]:
    """Where the title, or the body's lines without furniture, stand in `text`.

    The parser gives the body as its lines joined and stripped, so each of its lines is found
    again, in order, among the file's lines after the header and the headline.
    """
    if name == "title":
        if article.title is None:
            return []
        start = text.find(article.title)
        return [(start, start + len(article.title))]
    if not article.body:
        return []
    pos = len(article.header or "")
    if article.title is not None:
        title_line_end = text.find("\n", text.find(article.title))
        pos = len(text) if title_line_end < 0 else title_line_end + 1
    segments = []
    for piece in article.body.split("\n"):
        while pos <= len(text):
            newline = text.find("\n", pos)
            line_end = len(text) if newline < 0 else newline
            content = text[pos:line_end]
            pos = line_end + 1
            if content.strip() == piece.strip():
                start = pos - 1 - len(content) + content.find(piece)
                end = start + len(piece)
                segments.append((start, end - 1 if piece.endswith("\r") else end))
                break
    return segments
