"""The matcher and the search driver as a library (no click): properties and edge cases."""

from __future__ import annotations

import codecs
import re
import warnings
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from corpus_cli.grep.lines import lines
from corpus_cli.grep.matcher import Matcher, PatternError
from corpus_cli.grep.search import DocumentResult, search_documents, search_text
from corpus_cli.grep.spec import SearchSpec
from corpus_cli.run.parallel import ordered_map
from corpus_cli.source.files import SourceFile
from corpus_cli.text.parser import header_date, parse

texts = st.text(alphabet="ab \n\ré", max_size=60)
literals = st.text(alphabet="abé ", min_size=1, max_size=3)


def search(spec: SearchSpec, *paths: Path) -> list[DocumentResult]:
    """The results for files searched as `corpus grep` searches them (in this process)."""
    return list(search_documents(spec, [SourceFile(path.stem, path.name, str(path)) for path in paths], processes=1))


def line_contents(text: str) -> list[tuple[int, str]]:
    """(offset, content) of each line as GNU grep sees them, computed the plain way."""
    out, offset = [], 0
    pieces = text.split("\n")
    for index, piece in enumerate(pieces):
        if index == len(pieces) - 1 and piece == "":
            break
        content = piece[:-1] if piece.endswith("\r") and index < len(pieces) - 1 else piece
        out.append((offset, content))
        offset += len(piece) + 1
    return out


def find_all(content: str, needle: str) -> list[int]:
    """Non-overlapping occurrences, left to right, as str.find finds them (and grep -o prints them)."""
    found, pos = [], content.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = content.find(needle, pos + len(needle))
    return found


@given(texts, literals)
def test_fixed_strings_find_what_str_find_finds(text: str, needle: str) -> None:
    result = search_text(SearchSpec(Matcher([needle], fixed=True), only_matching=True), text)
    expected = [offset + at for offset, content in line_contents(text) for at in find_all(content, needle)]
    assert [record["start"] for record in result.records] == expected
    assert all(record["match"] == needle for record in result.records)


@given(texts, literals)
def test_count_is_the_number_of_lines_holding_the_pattern(text: str, needle: str) -> None:
    matcher = Matcher([needle], fixed=True)
    holding = sum(needle in content for _, content in line_contents(text))
    assert search_text(SearchSpec(matcher, mode="count"), text).count == holding
    assert search_text(SearchSpec(matcher, mode="count", invert=True), text).count == len(line_contents(text)) - holding
    assert search_text(SearchSpec(Matcher([needle.upper()], fixed=True, ignore_case=True), mode="count"), text).count == holding


# Patterns that can match across a newline, at a line's edges, or nothing at all.
TRICKY = ["a\\s*b", "[^a]", "a$", "^b", "(a|b)+", "\\bab\\b", "a.?b", "b*", "^$", " ", "(?=a)b|a", "a\\Z", "\\Ab"]


@given(texts, st.sampled_from(TRICKY), st.booleans(), st.booleans())
def test_whole_text_search_selects_the_lines_a_line_by_line_search_does(text: str, pattern: str, invert: bool, word: bool) -> None:
    """The fast path (one search over the text) agrees with searching each line as its own string."""
    spec = SearchSpec(Matcher([pattern], word=word), invert=invert)
    fast = search_text(spec, text)
    slow = search_text(spec, text, segments=list(lines(text)))
    assert fast.count == slow.count
    assert [(r["line"], r["start"], r["end"]) for r in fast.records] == [(r["line"], r["start"], r["end"]) for r in slow.records]
    one_line_at_a_time = sum((re.search(pattern, content) is not None) != invert for _, content in line_contents(text))
    if not word:
        assert fast.count == one_line_at_a_time


def test_a_bad_regex_says_where_it_is_wrong() -> None:
    with pytest.raises(PatternError, match=r"invalid regular expression 'a\(b': missing \), unterminated subpattern at position 1"):
        Matcher(["a(b"])


@pytest.mark.parametrize("pattern", ["[[:alpha:]]", "[[:space:]]x", "[a--b]", "[[a]", "(?i)[a&&b]"])
def test_compiling_a_pattern_never_lets_a_python_warning_out(pattern: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(PatternError):
            Matcher([pattern])
        Matcher([pattern], fixed=True)  # as plain text it is fine
    assert caught == []


def test_smart_case_ignores_case_only_for_lower_case_patterns() -> None:
    assert Matcher(["ice"], smart_case=True).search("ICE") == (0, 3)
    assert Matcher(["Ice"], smart_case=True).search("ICE") is None
    assert Matcher([r"\Sce"], smart_case=True).search("ICE") == (0, 3)  # \S is a class, not an upper-case letter
    assert Matcher([r"\Zebra"], smart_case=True, fixed=True).search(r"a \zebra") is None  # under -F, \Z is a backslash and a Z


def test_several_patterns_keep_their_own_groups_and_flags() -> None:
    matcher = Matcher([r"(a)\1", r"(b)\1", "(?i)xy"])
    assert list(matcher.finditer("ab bb aa XY")) == [(3, 5), (6, 8), (9, 11)]


def test_a_newline_in_a_pattern_makes_two_patterns_as_in_grep() -> None:
    assert list(Matcher(["cat\ndog"], fixed=True).finditer("dog cat")) == [(0, 3), (4, 7)]


def test_word_matching_uses_unicode_word_characters() -> None:
    assert Matcher(["resum"], word=True).search("resumé") is None
    assert Matcher(["café"], word=True, ignore_case=True).search("un CAFÉ noir") == (3, 7)


def test_a_verbose_pattern_ending_in_a_comment_matches_whole_words() -> None:
    matcher = Matcher(["(?x) zebra  # the animal"], word=True)
    assert list(matcher.finditer("zebras and a zebra")) == [(13, 18)]


def test_crlf_lines_do_not_search_the_carriage_return() -> None:
    result = search_text(SearchSpec(Matcher(["c$"])), "abc\r\nxc\r\n")
    assert [(r["line"], r["match"], r["after"]) for r in result.records] == [(1, "c", ""), (2, "c", "")]
    carriage_return = SearchSpec(Matcher(["c\r"], fixed=True), mode="count")
    assert search_text(carriage_return, "abc\r\nc\rd\n").count == 1  # only the \r inside a line is text


def test_a_runaway_pattern_is_stopped_by_the_time_limit(tmp_path) -> None:
    """The document the regex backtracks on is skipped with a warning; the next one is searched.
    (26 "a": were the limit broken, the search would take seconds, not hang the suite.)"""
    (tmp_path / "slow.txt").write_text("a" * 26 + "!\nfine line\n")
    (tmp_path / "fine.txt").write_text("a\n")
    spec = SearchSpec(Matcher(["(a+)+$"]), mode="count", time_limit=0.2)
    slow, fine = search(spec, tmp_path / "slow.txt", tmp_path / "fine.txt")
    assert (slow.searched, slow.count) == (False, 0)
    [warning] = slow.warnings
    assert warning.startswith("slow.txt: the pattern ran past the time limit (0.2 s) on this document")
    assert (fine.searched, fine.count, fine.warnings) == (True, 1, ())


def test_ordered_map_keeps_the_order_with_several_processes() -> None:
    items = list(range(200))
    assert list(ordered_map(abs, [-x for x in items], processes=2)) == items
    assert list(ordered_map(abs, [], processes=2)) == []


@given(st.text(alphabet="ab_ .é\n", max_size=30), st.text(alphabet="ab .é", max_size=3), st.booleans())
def test_word_literals_checked_by_hand_agree_with_the_lookaround_regex(line: str, needle: str, ignore_case: bool) -> None:
    wrapped = re.compile(rf"(?<!\w)(?:{re.escape(needle)})(?!\w)", re.IGNORECASE if ignore_case else 0)
    matcher = Matcher([needle], fixed=True, word=True, ignore_case=ignore_case)
    assert matcher.line_matches(line) == (wrapped.search(line) is not None)


@given(
    st.text(alphabet="abiks_1 \n\ré\u017f\u0131\u0130\u212a", max_size=60),
    st.sampled_from(["ab", "a b", "(a|b)ab", "[ab]a b", "ab*a", "(?i)AB", "ba$", "is", "k", "sk(a|b)"]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.none() | st.integers(min_value=0, max_value=3),
    st.booleans(),
)
def test_the_byte_scan_counts_what_the_text_search_counts(
    tmp_path_factory, text: str, pattern: str, ignore_case: bool, word: bool, invert: bool, max_count: int | None, bom: bool
) -> None:
    """A needle found in the bytes (lowered for -i) selects the lines that searching the text does,
    also where characters that fold into ASCII letters (ſ, ı, İ, the Kelvin sign) stand, with -v,
    -m and after a byte-order mark."""
    path = tmp_path_factory.mktemp("bytes") / "doc.txt"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    spec = SearchSpec(Matcher([pattern], ignore_case=ignore_case, word=word), mode="count", invert=invert, max_count=max_count)
    [from_file] = search(spec, path)
    assert from_file.count == search_text(spec, text, segments=list(lines(text))).count


@pytest.mark.parametrize(
    ("pattern", "text"), [("s", "\u017f"), ("i", "\u0131"), ("i", "\u0130"), ("k", "\u212a"), ("SKI", "\u017f\u212a\u0131 x")]
)
def test_characters_that_fold_into_ascii_letters_are_found_under_ignore_case(tmp_path, pattern: str, text: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(f"xyz\n{text}\n", encoding="utf-8")
    spec = SearchSpec(Matcher([pattern], ignore_case=True), mode="count")
    assert [result.count for result in search(spec, path)] == [1]


# Pieces of documents whose date and warnings are easy to get wrong: headers good, impossible and
# malformed, blank lines, furniture, a byline, words.
PIECES = [" date 2024-01-05 ", " date 2024-02-30 ", "date 24-1-5 ", " date 2024-01-05", "\n", "\r\n", " ", "\t"]
PIECES += ["Read the original article here", "Comments", "Latest Articles", "By Jane Doe", "Words here.", "x"]
PIECES += ["\u00a0", "Comment policy: be kind", "dogs bark"]  # a blank no ASCII, furniture with a tail, a first "d"


@given(st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
@example(" date 2024-01-05 Comments \n")  # furniture, then blanks to the line's end
@example(" date 2024-01-05 \n\u00a0Read the original article here\u00a0\r\n")
def test_header_date_gives_the_date_and_warnings_parse_gives(text: str) -> None:
    article = parse(text)
    assert header_date(text) == (article.date, article.warnings)


def test_workers_send_their_records_in_parts_and_the_results_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of a task's records (as few as one record a part), several tasks, two workers: the
    results are those of one process, file by file."""
    import corpus_cli.grep.search as search_module
    import corpus_cli.run.parallel as parallel

    paths = []
    for number in range(30):
        path = tmp_path / f"{number:03d}.txt"
        path.write_text("".join(f"line {line} ab{'a' * (number % 4)}\n" for line in range(number % 7)) + "no match\n")
        paths.append(path)
    sources = [SourceFile(path.stem, path.name, str(path)) for path in paths]
    spec = SearchSpec(Matcher(["ab"], fixed=True))
    alone = list(search_documents(spec, sources, processes=1))
    monkeypatch.setattr(search_module, "RECORDS_PER_PART", 1)
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 4)
    assert list(search_documents(spec, sources, processes=2)) == alone
    assert sum(result.count for result in alone) == sum(number % 7 for number in range(30))
