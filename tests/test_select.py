"""Date bounds and id prefixes."""

from __future__ import annotations

import pytest

from corpus_cli.errors import CorpusError
from corpus_cli.run.selection import Selection, parse_bound, resolve_id


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2023-02", "2023-02-01", "2023-02-28"),
        ("2024-03-15", "2024-03-15", "2024-03-15"),
    ],
)
def test_bounds_are_inclusive(text, start, end):
    assert parse_bound(text, end=False) == start
    assert parse_bound(text, end=True) == end


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13", "24", "yesterday", "2024/01/01", "2024-1-1"])
def test_bad_bounds_are_refused(text):
    with pytest.raises(ValueError):
        parse_bound(text, end=False)


def test_undated_documents_are_left_out_once_a_bound_is_given():
    assert Selection().admits_date(None)
    assert not Selection(since="2024-01-01").admits_date(None)
    assert Selection(until="2024-01-31").admits_date("2024-01-31")
    assert not Selection(until="2024-01-31").admits_date("2024-02-01")


IDS = ["000_aa", "001_bb", "010_cc", "0100_dd"]


def test_full_id_and_unique_prefix():
    assert resolve_id("001_bb", IDS) == "001_bb"
    assert resolve_id("001", IDS) == "001_bb"
    assert resolve_id("010_", IDS) == "010_cc"
    assert resolve_id("9", IDS) is None


def test_ambiguous_prefix_lists_the_candidates():
    with pytest.raises(CorpusError, match="id prefix '0' is ambiguous: 000_aa, 001_bb, 010_cc, 0100_dd"):
        resolve_id("0", IDS)
