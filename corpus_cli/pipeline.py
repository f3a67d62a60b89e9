"""The shared pipeline: find the files, pick by id, read and parse, pick by date."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from corpus_cli.corpus import Corpus, SourceFile, Warn, read_document
from corpus_cli.document import Document
from corpus_cli.select import Selection


def documents(corpus: Corpus, files: Sequence[SourceFile], selection: Selection, warn: Warn) -> Iterator[Document]:
    """The selected documents, parsed, in id order (or in the order of the ids from stdin)."""
    for source in selection.pick(files):
        document = read_document(corpus, source, warn)
        if document is not None and selection.admits_date(document.date):
            yield document
