"""The document record: a parsed article with its identity, metadata and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus_cli.text.parser import Article

# The keys of the summary record (`list`), in output order; stable across versions.
# `lede` came last (0.2), so that CSV columns kept their places.
SUMMARY_FIELDS = ("id", "path", "date", "title", "credit", "byline", "source", "url", "tags", "words", "chars", "lede")
# The column of a document table that shows the title, or the lede where there is no title.
TITLE_OR_LEDE = "title/lede"
# The columns of a document table on a terminal, where every summary field would not fit.
DOCUMENT_TABLE_FIELDS = ("id", "date", "words", "credit", TITLE_OR_LEDE)
# The full record (`show --format json`, `export`) adds how fields were derived and the text.
FULL_FIELDS = (
    *SUMMARY_FIELDS,
    *("date_source", "title_source", "encoding", "header", "paragraphs", "furniture", "body", "text", "warnings"),
)


@dataclass(frozen=True)
class Metadata:
    """Per-document corrections and additions from corpus.yaml."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    byline: str | None = None
    credit: str | None = None


def with_title_or_lede(record: dict[str, Any]) -> dict[str, Any]:
    """A summary or full record with the table's `TITLE_OR_LEDE` column: most articles have no
    headline, and a table of ids, dates and counts alone does not say which article is which."""
    return record | {TITLE_OR_LEDE: record.get("title") or record.get("lede")}


def document_date(metadata: Metadata | None, header_date: str | None) -> str | None:
    """A document's date: the one corpus.yaml gives wins over the header's."""
    return (metadata.date if metadata is not None else None) or header_date


@dataclass(frozen=True)
class Document:
    """One article of the corpus. `date` and `title` say where they came from in *_source."""

    id: str
    path: str  # relative to the corpus root, with forward slashes
    encoding: str
    article: Article
    metadata: Metadata = field(default_factory=Metadata)
    decode_warning: str | None = None

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def date(self) -> str | None:
        return document_date(self.metadata, self.article.date)

    @property
    def date_source(self) -> str | None:
        return "config" if self.metadata.date else ("header" if self.article.date else None)

    @property
    def title(self) -> str | None:
        return self.metadata.title or self.article.title

    @property
    def title_source(self) -> str | None:
        return "config" if self.metadata.title else ("headline" if self.article.title else None)

    @property
    def credit(self) -> str | None:
        return self.metadata.credit or self.article.credit

    @property
    def byline(self) -> str | None:
        return self.metadata.byline or self.article.byline

    @property
    def warnings(self) -> tuple[str, ...]:
        return ((self.decode_warning,) if self.decode_warning else ()) + self.article.warnings

    def summary(self) -> dict[str, Any]:
        """The record `list` prints."""
        return {
            "id": self.id,
            "path": self.path,
            "date": self.date,
            "title": self.title,
            "credit": self.credit,
            "byline": self.byline,
            "source": self.metadata.source,
            "url": self.metadata.url,
            "tags": list(self.metadata.tags),
            "words": self.article.words,
            "chars": len(self.article.text),
            "lede": self.article.lede,
        }

    def full(self) -> dict[str, Any]:
        """The record `show` and `export` print: the summary, provenance and the whole text."""
        return self.summary() | {
            "date_source": self.date_source,
            "title_source": self.title_source,
            "encoding": self.encoding,
            "header": self.article.header,
            "paragraphs": list(self.article.paragraphs),
            "furniture": list(self.article.furniture),
            "body": self.article.body,
            "text": self.article.text,
            "warnings": list(self.warnings),
        }
