"""`corpus search QUERY`: the documents that best match a query, ranked by BM25, from the index."""

from __future__ import annotations

from typing import Any, NoReturn

import click

from corpus_cli.commands.options import Count, document_options, format_option
from corpus_cli.errors import CorpusError
from corpus_cli.output.terminal import color_enabled, default_format, write_text
from corpus_cli.output.writers import RECORD_FORMATS, RecordWriter
from corpus_cli.run.discovery import index_exists
from corpus_cli.run.session import Session

TABLE_FIELDS = ("rank", "id", "date", "score", "title")


@click.command("search")
@click.argument("query")
@click.option("--limit", type=Count(min=1), default=20, show_default=True, metavar="N", help="Print the N best documents.")
@format_option(("text", *RECORD_FORMATS), "text on a terminal, jsonl otherwise")
@document_options
def search_command(session: Session, query: str, limit: int, output_format: str | None) -> int:
    """Rank the documents by how well they match QUERY (BM25), best first.

    Needs the index: run `corpus index` first. A file changed since is
    written into it first; when the index cannot take it now (busy, or
    read-only), search stops with an error rather than leave it out, and
    under another --max-document-mb (or corpus.yaml's max_document_mb)
    than the index was made under. QUERY is in SQLite FTS5's
    language: words (all must occur), "a phrase", OR, NOT, AND, prefix*,
    NEAR(a b, 5), title:word (the headline in the file, not a title from
    corpus.yaml), body:word (the body without furniture). Each word is read
    as the tokenizer reads the documents, whole: case-folded, without
    accents, a possessive 's dropped, U.S. and e-mail one word each (mail
    does not find e-mail), so "agency's" and e-mail need no quoting. The
    headline weighs four times the body. Records give rank, id, path, date,
    title, score (higher is better) and snippet: the passage with the most
    hits, each between ** (highlighted on a terminal).

    Exit status: 0 when a document matched, 1 when none did, 2 on an error.

    \b
    Examples:
      corpus search Mayorkas
      corpus search '"border protection" NOT wall' --since 2024 --limit 5
      corpus search 'deport*' --format csv
      corpus search Mayorkas | corpus stats
    """
    from corpus_cli.analysis.snippet import MARK
    from corpus_cli.index.ranking import SEARCH_FIELDS, search

    if not session.use_index:
        raise click.UsageError("search ranks documents with the index: it does not go with --no-index")
    view = session.index
    if view is None:
        _no_index(session)
    output_format = output_format or default_format(text_view=True)
    results = search(view, session.corpus, session.picked(), session.files, session.selection, query, limit, session.reporter.warn)
    if output_format == "text":
        write_text("".join(_text_view(result, color_enabled(), MARK) for result in results))
    else:
        with RecordWriter(output_format, TABLE_FIELDS if output_format == "table" else SEARCH_FIELDS) as writer:
            writer.write_all(results)
    return 0 if results else 1


def _no_index(session: Session) -> NoReturn:
    """Stop, saying why there is no index to search and what makes one."""
    from corpus_cli.index.location import existing
    from corpus_cli.index.view import other_limit

    corpus = session.corpus
    if not index_exists(corpus):
        found = existing(corpus.root)
        if found is not None:
            raise CorpusError(f"{found}: another user owns this index, and search answers only from its own user's (search needs one)")
        raise CorpusError(f"no index for {corpus.root}: run 'corpus index' first (search needs it)")
    other = other_limit(corpus)
    if other is not None:
        raise CorpusError(
            f"the index of {corpus.root} was {other} (this run's --max-document-mb, or max_document_mb in corpus.yaml): "
            "run 'corpus index' under this limit to rebuild it (search needs it)"
        )
    # one that cannot be used: the warning given on opening it says why, and what to do (rebuild
    # a damaged one; wait for the process that holds one)
    raise CorpusError(f"the index of {corpus.root} cannot be used now, as the warning says (search needs it)")


def _text_view(result: dict[str, Any], color: bool, mark: str) -> str:
    """A result as two lines: rank, id, date and title; then the snippet, hits highlighted."""
    heading = f"{result['rank']:>3}. {result['id']}  {result['date'] or '-'}  {result['title'] or ''}".rstrip()
    text = result["snippet"]
    if color:
        heading = click.style(heading, bold=True)
        pieces = text.split(mark)
        text = "".join(click.style(piece, fg="red", bold=True) if index % 2 else piece for index, piece in enumerate(pieces))
    return f"{heading}\n     {text}\n"
