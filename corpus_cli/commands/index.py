"""`corpus index`: build or update the corpus's index; --status reports on it, --drop removes it."""

from __future__ import annotations

import click

from corpus_cli.commands.options import Count, corpus_options, format_option
from corpus_cli.output.terminal import default_format
from corpus_cli.output.writers import write_object
from corpus_cli.run.progress import progress
from corpus_cli.run.session import Session


@click.command("index")
@corpus_options
@click.option("--status", is_flag=True, help="Print a record about the index (where, size, documents, built, stale files); change nothing.")
@click.option("--drop", is_flag=True, help="Remove the index.")
@click.option("--check", is_flag=True, help="Read the whole index for damage (seconds for a large one); mark a damaged one.")
@click.option(
    "--watch", is_flag=True, help="Keep watch over the corpus until stopped, so that commands skip the stat of every file (Linux)."
)
@click.option("-j", "--jobs", type=Count(min=1), metavar="N", help="Worker processes (default: one per core for large corpora).")
@format_option()
def index_command(session: Session, status: bool, drop: bool, check: bool, watch: bool, jobs: int | None, output_format: str | None) -> int:
    """Build or update the index that makes the other commands fast.

    The index lives in the corpus folder (.corpus/index.sqlite) when it can
    be written, else in $XDG_CACHE_HOME/corpus/ (~/.cache/corpus/). It keeps
    each file's size, mtime, inode and content hash, its summary and counts,
    a trigram index for grep and a word index for `corpus search`. Run it
    again after changing files: only changed, new and deleted files are
    read. Commands use a fresh index by themselves, check each file's stat
    first, and re-read what changed: the index changes how fast an answer
    comes, never the answer. --no-index on a command skips it. The index
    keeps the limit for one document it read the files under
    (--max-document-mb, or max_document_mb in corpus.yaml; 10 MB by
    default): a command under another limit reads the files, and `corpus
    index` under another limit builds the index anew.

    --status prints location, corpus, exists, usable, problem, bytes,
    documents, built, updated, the stale files (added, changed, deleted)
    and whether a watcher answers with a count (watched). --drop removes
    the index. --check runs SQLite's and FTS5's own checks over all of it, for damage that no command would notice
    (damaged full-text data finds nothing rather than failing): exit 2
    and one line when they find it, and the index is marked so
    (commands then read the files, and `corpus index` builds it anew).
    Damage that leaves a valid structure passes them: --drop, then
    `corpus index`, builds the index anew from the files.

    --watch runs until stopped (Ctrl-C), watching the corpus's folders
    through inotify (Linux). While it runs and nothing changes, a command
    takes the files the index holds instead of checking each file's stat:
    a large corpus answers in a fraction of the time. Any change (a file
    written, added, removed, renamed, its mode changed; a new folder) makes
    the next command check every file again. It refuses a network or FUSE
    file system, and cannot see a file changed through a hard link made
    later outside the corpus or in a hidden folder, nor writes through a
    memory map: stop it for a corpus changed so.

    \b
    Examples:
      corpus index
      corpus index --corpus ~/news
      corpus index --status --format json
      corpus index --check
      corpus index --drop
    """
    from corpus_cli.index import build
    from corpus_cli.index import status as index_status

    if status + drop + check + watch > 1:
        raise click.UsageError("--status, --drop, --check and --watch each do something else: choose one")
    if status:
        write_object(output_format or default_format(), index_status.index_status(session.corpus, session.files))
        return 0
    if check:
        from corpus_cli.index.verify import verify

        path, documents = verify(session.corpus)
        click.echo(f"corpus: no damage found in the index of {documents} document(s): {path}", err=True)
        return 0
    if watch:
        if jobs is not None or output_format is not None or not session.use_index:
            raise click.UsageError("--watch takes none of --jobs, --format and --no-index")
        from corpus_cli.index.watcher import watch as keep_watch

        keep_watch(session.corpus, lambda line: click.echo(line, err=True))
        return 0
    if drop:
        removed = build.drop(session.corpus)
        click.echo(f"corpus: removed {removed[0]}" if removed else "corpus: no index to remove", err=True)
        return 0
    files = session.files
    with progress(len(files), "indexing") as tick:
        built = build.build(session.corpus, files, session.reporter.warn, tick, jobs, session.discovery.surveyed)
    click.echo(f"corpus: indexed {built.documents} document(s), {built.indexed} read, {built.removed} removed: {built.location}", err=True)
    return 0
