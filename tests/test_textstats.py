"""The tokenizer's documented rules, by example."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus_cli.text.tokens import TOKEN, count_words, parse_stopwords, term, tokens


def test_terms_fold_case_quotes_and_possessives():
    assert tokens("ICE’s agents, ice and ICE's") == ["ice", "agents", "ice", "and", "ice"]
    assert tokens("Don’t stop; don't") == ["don't", "stop", "don't"]


def test_hyphens_and_digits_stay_inside_a_word():
    assert tokens("anti-border FY-21 2.2 million U.S.") == ["anti-border", "fy-21", "2", "2", "million", "u", "s"]


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
