"""`corpus dupes`: pairs (or groups) of near-duplicate documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from corpus_cli.analysis import dupes
from corpus_cli.commands.options import FiniteFloatRange, document_options, format_option
from corpus_cli.output.terminal import default_format
from corpus_cli.output.writers import RecordWriter
from corpus_cli.run.duplicates import PROGRESS_LABEL, find_duplicates
from corpus_cli.run.session import Session

SHARE = FiniteFloatRange(0.0, 1.0, min_open=True)


@dataclass(frozen=True)
class DupesOptions:
    """dupes' options, as click gives them."""

    threshold: float
    reuse: float | None
    as_groups: bool
    output_format: str | None


@click.command("dupes")
@click.option(
    "--threshold",
    type=SHARE,
    default=dupes.DEFAULT_THRESHOLD,
    show_default=True,
    metavar="J",
    help="Report pairs whose shingle sets have a Jaccard index of at least J.",
)
@click.option("--reuse", type=SHARE, metavar="C", help="Also report pairs where a share C of the shorter's shingles is in the other.")
@click.option("--groups", "as_groups", is_flag=True, help="Print groups of connected documents instead of pairs.")
@format_option()
@document_options
def dupes_command(session: Session, **options: Any) -> int:
    """Find near-duplicate documents: the same story filed twice, wire copy republished with edits.

    Documents are compared on their shingles: runs of five words of the
    headline and body (the date header, site furniture, white space and
    line endings do not count). One record per pair: a and b (ids, a
    first), jaccard (shared shingles over all shingles of the two),
    contained (the share of the shorter one's shingles found in the other)
    and shorter (its id). Pairs come in (a, b) order.

    MinHash signatures with LSH banding find the candidate pairs without
    comparing every pair; the banding misses a pair at the threshold with
    probability under 0.1 % (0.022 % at 0.8), and a candidate whose
    signatures agree on too few hashes to be near the threshold is not
    compared (which misses a pair at the threshold once in a billion, at
    most). No banding can promise that
    below a threshold of 0.103: there every pair is compared, for up to
    2000 documents selected (more is an error). Each candidate is compared
    exactly, so jaccard and contained are the exact values, rounded to 4
    decimals (a pair is chosen on the exact value, before rounding).

    --reuse C also reports pairs where one document carries most of
    another (an update cut short, a bulletin that includes a story), at
    any jaccard. --groups prints one record per group of connected
    documents: group (its representative: earliest date, then smallest
    id), ids and size. Exit status 0, also when no pair is found.

    \b
    Examples:
      corpus dupes
      corpus dupes --groups
      corpus dupes --threshold 0.6 --format csv
      corpus dupes --reuse 0.9 | jq -r 'select(.jaccard < 0.8) | .shorter'
      corpus list --since 2024 | corpus dupes --groups
    """
    chosen = DupesOptions(**options)
    output_format = chosen.output_format or default_format()
    found = find_duplicates(session, chosen.threshold, chosen.reuse, progress=PROGRESS_LABEL)
    if chosen.as_groups:
        with RecordWriter(output_format, dupes.GROUP_FIELDS) as writer:
            writer.write_all(dupes.groups(found.pairs, found.dates))
    else:
        with RecordWriter(output_format, dupes.PAIR_FIELDS) as writer:
            writer.write_all(item.record() for item in found.pairs)
    return 0
