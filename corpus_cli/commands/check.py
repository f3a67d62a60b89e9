"""`corpus check`: validate a corpus for CI, one record per finding, exit 1 when anything is found."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import click

from corpus_cli.analysis.check import CHECKS, FIELDS, Finding, check_corpus, near_duplicate_findings
from corpus_cli.commands.options import corpus_options, format_option
from corpus_cli.errors import ExitStatus
from corpus_cli.output.terminal import default_format, write_text
from corpus_cli.output.writers import RecordWriter
from corpus_cli.run.discovery import Discovery
from corpus_cli.run.session import Reporter, Session


@click.command("check")
@corpus_options
@click.option("--ignore", "ignored", multiple=True, type=click.Choice(CHECKS), help="Leave this check out (repeatable).")
@format_option()
def check_command(session: Session, ignored: tuple[str, ...], output_format: str | None) -> int:
    """Check a corpus: one record per problem found, exit 1 if there is any.

    \b
    Checks (the record's "check" field; "severity" is error or warning):
      file       links not followed, broken links, unreadable files or folders
      decode     binary files (skipped by every command), fallback encodings
      empty      empty documents, a date header with no text
      date       impossible or malformed header dates; documents with no date
      duplicate  files with the same bytes as another (sha256)
      name       file names not in the NNN_<hex>.txt shape
      id         ids that clash: a stem shared by several files, or differing only in case
      config     corpus.yaml entries that name no document
      near-duplicate  documents whose 5-word shingles have a Jaccard index
                 of 0.8 or more (see corpus dupes), a warning on the second;
                 byte-identical files are left to "duplicate"

    Findings come as records with check, severity, id, path and message,
    and are not repeated as warnings on stderr.

    \b
    Examples:
      corpus check
      corpus check --ignore name --ignore date
      corpus check | jq -r 'select(.severity == "error") | .path'
    """
    output_format = output_format or default_format()
    with RecordWriter(output_format, FIELDS) as writer:
        writer.write_all(finding.record() for finding in check_corpus(session.corpus, skip=set(ignored)))
        if "near-duplicate" not in ignored:
            writer.write_all(finding.record() for finding in _near_duplicates(session))
    if writer.count == 0 and output_format == "table":
        write_text(f"no problems found in {session.corpus.name}\n")
    return ExitStatus.NOT_FOUND if writer.count else ExitStatus.OK


class _Silent(Reporter):
    """Findings are records; the warnings reading the documents again would repeat are not printed."""

    def warn(self, message: str) -> None:
        self.count += 1


def _near_duplicates(session: Session) -> Iterator[Finding]:
    """The near-duplicate findings of the whole corpus (check never reads stdin)."""
    from corpus_cli.run.duplicates import find_duplicates

    silent = _Silent()
    whole = dataclasses.replace(session, stdin=False, ids=None, reporter=silent, discovery=Discovery(session.corpus, silent.warn))
    found = find_duplicates(whole)
    sources = {source.id: source for source in whole.files}
    differing = [pair for pair in found.pairs if sources[pair.a].read_bytes() != sources[pair.b].read_bytes()]
    yield from near_duplicate_findings(differing, {doc_id: source.path for doc_id, source in sources.items()})
