"""The parser: golden expectations on the seeds, and properties on any text (hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from helpers import SEEDS
from hypothesis import assume, given
from hypothesis import strategies as st

from corpus_cli.text.parser import parse
from corpus_cli.text.tokens import count_words


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# --- golden expectations on the five seeds -------------------------------------------------


def test_header_dates_of_000_and_001():
    assert parse(seed("000")).date == "2024-01-25"
    assert parse(seed("001")).date == "2024-03-15"
    assert parse(seed("000")).header == " date 2024-01-25 "


def test_header_body_goes_on_on_the_same_line():
    article = parse(seed("000"))
    assert article.paragraphs[0].startswith("A Biden administration Immigration and Customs Enforcement")
    assert article.title is None  # the first line after a header is the lede, not a headline


def test_undated_seeds_have_no_date():
    assert [parse(seed(prefix)).date for prefix in ("002", "003", "004")] == [None, None, None]


def test_headline_of_002():
    article = parse(seed("002"))
    assert article.title == "In the face of growing criticism over border, sources say Biden WH pressed ICE to deport more migrants"
    assert not article.body.startswith("In the face")


def test_credit_of_001_stays_in_the_body():
    article = parse(seed("001"))
    assert article.credit == "Headline USA"
    assert article.body.startswith("(Headline USA) Top Biden")
    assert parse(seed("000")).credit is None  # "(RELATED: ...)" mid-text is no credit


def test_byline_and_furniture_of_002():
    article = parse(seed("002"))
    assert article.byline == "Melissa Fine"
    assert article.furniture[0] == "Melissa Fine"
    assert article.furniture[1] == "Comment"
    assert article.furniture[2].startswith("We have no tolerance for comments")
    assert article.furniture[-1] == "Latest Articles"
    assert "Latest Articles" not in article.body and "Melissa Fine" not in article.body
    assert article.paragraphs[-1].startswith("“For the first time ever,”")


def test_read_the_original_line_of_004_is_furniture_where_it_stands():
    article = parse(seed("004"))
    assert article.furniture == ("Read the original article here",)
    assert "Read the original article here" not in article.body
    assert article.paragraphs[1].startswith("Stephen Miller’s frustration")


@pytest.mark.parametrize(
    ("prefix", "paragraphs"),
    [("000", 9), ("001", 12), ("002", 16), ("003", 17), ("004", 10)],
)
def test_paragraph_counts(prefix, paragraphs):
    """Blank lines (000, 001, 002) and single newlines (003, 004) both separate paragraphs."""
    article = parse(seed(prefix))
    assert len(article.paragraphs) == paragraphs
    expected = [line.strip() for line in article.body.split("\n") if line.strip()]
    assert list(article.paragraphs) == expected


def test_seeds_have_no_byline_or_furniture_but_002_and_004():
    assert [bool(parse(seed(p)).furniture) for p in ("000", "001", "002", "003", "004")] == [False, False, True, False, True]


def test_impossible_header_date_is_kept_as_text_with_a_warning():
    article = parse(" date 2024-02-30 Something happened.\n\nMore.")
    assert article.date is None and article.header is None
    assert article.body.startswith("date 2024-02-30 Something happened.")
    assert article.warnings == ("header date 2024-02-30 is not a real date; the header is kept as text",)


def test_crlf_lines_keep_no_carriage_return_in_fields():
    article = parse(" date 2023-05-01 First.\r\n\r\nSecond.\r\nThird.\r\n")
    assert article.date == "2023-05-01"
    assert article.paragraphs == ("First.", "Second.", "Third.")


def test_empty_and_blank_texts():
    for text in ("", "   \n\n\t"):
        article = parse(text)
        assert (article.date, article.title, article.body, article.paragraphs, article.words) == (None, None, "", (), 0)


# --- properties ------------------------------------------------------------------------------

PIECES = ["\n", "\r\n", " date 2024-01-05 ", "(AP) ", "Comment", "Latest Articles", "By Ann Lee", "x.", "Word"]
any_text = st.one_of(
    st.text(st.characters(exclude_categories=())),  # surrogates and control characters included
    st.binary().map(lambda data: data.decode("utf-8", errors="surrogateescape")),
    st.lists(st.sampled_from(["\n", "\r\n", " date 2024-01-05 ", "(AP) ", "Comment", "Latest Articles", "By Ann Lee", "x.", "Word"])).map(
        "".join
    ),
)


def non_space(text: str) -> Counter[str]:
    return Counter(char for char in text if not char.isspace())


@given(any_text)
def test_parse_is_total_and_keeps_the_text(text):
    article = parse(text)
    assert article.text == text


@given(any_text)
def test_headline_body_and_furniture_cover_everything_after_the_header(text):
    article = parse(text)
    after_header = text[len(article.header) :] if article.header else text
    covered = (article.title or "") + article.body + "".join(article.furniture)
    assert non_space(covered) == non_space(after_header)
    assert non_space("".join(article.paragraphs)) == non_space(article.body)


@given(any_text)
def test_extracted_fields_stand_in_the_text(text):
    article = parse(text)
    assert article.header is None or text.startswith(article.header)
    assert article.title is None or article.title in text
    assert article.credit is None or article.body.startswith(f"({article.credit}")
    assert article.byline is None or any(article.byline in line for line in article.furniture)
    assert all(line in text for line in article.furniture)
    assert article.words == count_words(article.title or "") + count_words(article.body)


@given(st.dates(min_value=dt.date(1, 1, 1)), any_text)
def test_a_header_with_a_real_date_is_parsed_back(date, body):
    text = f" date {date.isoformat()} {body}"
    assert parse(text).date == date.isoformat()


@given(
    st.integers(0, 9999),
    st.integers(0, 99),
    st.integers(0, 99),
    any_text,
)
def test_a_header_with_an_impossible_date_never_gives_a_date(year, month, day, body):
    candidate = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        dt.date(year, month, day)
        assume(False)
    except ValueError:
        pass
    article = parse(f" date {candidate} {body}")
    assert article.date is None
    assert article.warnings and candidate in article.warnings[0]


def test_a_huge_line_parses():
    text = " date 2020-02-29 " + "word " * 400_000
    article = parse(text)
    assert (article.date, article.words, len(article.paragraphs)) == ("2020-02-29", 400_000, 1)


# --- round trip: compose an article from parts, parse it back ----------------------------

WORDS = ["border", "agency", "officials", "said", "immigration", "the", "policy", "report", "court", "week", "data"]
NAMES = ["Melissa", "Fine", "Ann", "Lee", "Omar", "Diaz", "Jo", "Park"]
sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=20).map(lambda words: " ".join(words).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)


@st.composite
def articles(draw):
    """Parts of an article, and its text composed in one of the seeds' shapes."""
    parts = {
        "date": draw(st.none() | st.dates(min_value=dt.date(1900, 1, 1)).map(dt.date.isoformat)),
        "credit": draw(st.none() | st.sampled_from(["Headline USA", "AP", "Reuters"])),
        "byline": draw(st.none() | st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)).map(" ".join)),
        "paragraphs": draw(st.lists(paragraph, min_size=2, max_size=6)),
        "separator": draw(st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n"])),
    }
    parts["title"] = None if parts["date"] else draw(st.none() | st.lists(st.sampled_from(WORDS), min_size=2, max_size=12).map(" ".join))
    paragraphs = list(parts["paragraphs"])
    if parts["credit"]:
        paragraphs[0] = f"({parts['credit']}) {paragraphs[0]}"
    text = parts["separator"].join(paragraphs)
    if parts["byline"]:
        text += f"\n\n{parts['byline']}\n\nComment\n\nLatest Articles"
    if parts["title"]:
        text = f"{parts['title']}\n\n{text}"
    if parts["date"]:
        text = f" date {parts['date']} {text}"
    return parts, text


@given(articles())
def test_composed_articles_parse_back_to_their_parts(drawn):
    parts, text = drawn
    article = parse(text)
    assert article.date == parts["date"]
    assert article.title == parts["title"]
    assert article.credit == parts["credit"]
    assert article.byline == parts["byline"]
    assert len(article.paragraphs) == len(parts["paragraphs"])
    assert article.furniture == ((parts["byline"], "Comment", "Latest Articles") if parts["byline"] else ())


# --- the fields made on demand agree with their definitions ---------------------------------

more_text = st.one_of(
    any_text,
    st.lists(
        st.sampled_from(
            [
                *PIECES,
                "\n\n",
                "   ",
                "\u2028",
                "\x0c",
                "(Headline USA) ",
                "Read the original article here",
                "Comment policy: be kind",
                "Melissa Fine",
                "Text of one sentence. And more",
                "U.S. agents",
                " \t",
            ]
        ),
        max_size=30,
    ).map("".join),
)


@given(more_text)
def test_body_paragraphs_words_credit_and_lede_agree_with_their_definitions(text):
    """The body is the article's body lines joined and stripped; the paragraphs its lines that
    hold text, stripped; words are counted in the headline and the body; the credit opens the
    body; the lede is the first sentence of the paragraphs after the credit."""
    from corpus_cli.text.lede import lede
    from corpus_cli.text.parser import CREDIT

    article = parse(text)
    body = article.body
    assert body == body.strip()
    assert article.paragraphs == tuple(line.strip() for line in body.split("\n") if line.strip())
    assert article.words == count_words(article.title or "") + count_words(body)
    credit = CREDIT.match(body)
    assert article.credit == (credit.group(1).strip() if credit else None)
    assert article.lede == lede(article.paragraphs, credit.end() if credit else 0)
    assert tuple(article.each_paragraph()) == article.paragraphs
