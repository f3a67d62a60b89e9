"""The tokenizer's documented rules, by example."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus_cli.text.tokens import TOKEN, count_words, default_stopwords, parse_stopwords, term, tokens


def test_terms_fold_case_quotes_and_possessives():
    assert tokens("ICE’s agents, ice and ICE's") == ["ice", "agents", "ice", "and", "ice"]
    assert tokens("Don’t stop; don't") == ["don't", "stop", "don't"]


def test_hyphens_and_digits_stay_inside_a_word():
    assert tokens("anti-border FY-21 2.2 million U.S.") == ["anti-border", "fy-21", "2", "2", "million", "u.s."]


def test_punctuation_and_underscores_separate_words():
    assert tokens("a_b —c… (d)") == ["a", "b", "c", "d"]


def test_stopwords_are_made_terms_the_same_way():
    assert parse_stopwords("# comment\nDon’t\nIt's  # trailing\n\n") == {"don't", "it"}


@given(st.text())
def test_count_words_equals_the_number_of_tokens(text):
    assert count_words(text) == len(tokens(text))


@given(st.text())
def test_tokens_are_the_terms_of_the_words(text):
    assert tokens(text) == [term(word) for word in TOKEN.findall(text)]


def _shipped_entries() -> list[str]:
    from importlib.resources import files

    text = files("corpus_cli.text").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return [word for word in (line.split("#", 1)[0].strip() for line in text.splitlines()) if word]


def test_every_shipped_stopword_is_a_term_the_tokenizer_makes_as_itself():
    """An entry the tokenizer reads otherwise ("let's" is the term "let") stops another word."""
    wrong = [entry for entry in _shipped_entries() if tokens(entry) != [entry]]
    assert wrong == []


def test_let_is_no_stopword_and_titles_are():
    shipped = default_stopwords()
    assert "let" not in shipped
    assert {"mr", "mrs", "ms", "dr"} <= shipped
    assert [word for word in tokens("Let the Mr. and Mrs. Smith, Ms. Jones and Dr. Watson let go") if word not in shipped] == [
        "let",
        "smith",
        "jones",
        "watson",
        "let",
        "go",
    ]


@given(st.text(st.sampled_from("ab’'s.-U \n\t\u00a0é")))
def test_long_texts_are_tokenized_in_pieces_to_the_same_terms(text: str) -> None:
    """Past TOKENIZE_PIECE_CHARS a text is cut at white space: the terms do not change."""
    from corpus_cli.text import tokens as module

    whole = module.tokens(text)
    original = module.TOKENIZE_PIECE_CHARS
    module.TOKENIZE_PIECE_CHARS = 3
    try:
        assert module.tokens(text) == whole
        assert list(module.each_term(text)) == whole
        packed = module.PackedTerms((module.terms_text(text),) if whole else ())
        assert list(packed.each_term()) == whole
    finally:
        module.TOKENIZE_PIECE_CHARS = original


def test_packed_terms_read_and_pickle_as_the_lists_they_hold() -> None:
    import pickle

    from corpus_cli.text.tokens import PackedTerms, terms_text

    texts = ["ICE’s agents.", "U.S. border", "don't stop"]
    packed = PackedTerms(tuple(terms_text(text) for text in texts))
    expected = [tokens(text) for text in texts]
    assert list(packed) == expected and [packed[i] for i in range(3)] == expected and packed[1:] == expected[1:]
    assert pickle.loads(pickle.dumps(packed)) == packed == expected
