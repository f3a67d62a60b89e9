"""`corpus search` through the real entry point: ranking, selection, snippets, errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import run
from index_corpora import hostile_corpus, make_stale

from corpus_cli.index import queries
from corpus_cli.index.lock import writer_lock


def search(corpus: Path, *args: str) -> list[dict]:
    result = run("search", *args, "--corpus", str(corpus), "--format", "jsonl")
    assert result.exit_code in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def indexed(seeds_copy: Path) -> Path:
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    return seeds_copy


def naming(corpus: Path, word: str) -> set[str]:
    """The ids of the files whose text holds `word` (case-folded): counted apart from the index."""
    return {path.stem for path in corpus.glob("*.txt") if word.casefold() in path.read_text(encoding="utf-8").casefold()}


def test_mayorkas_ranks_the_articles_that_name_him_first(indexed: Path):
    found = search(indexed, "Mayorkas")
    expected = naming(indexed, "Mayorkas")
    assert len(expected) == 3
    assert {record["id"] for record in found[:3]} == expected
    assert [record["rank"] for record in found] == list(range(1, len(found) + 1))
    assert all(record["score"] > 0 for record in found)
    scores = [record["score"] for record in found]
    assert scores == sorted(scores, reverse=True)
    assert all("**Mayorkas**" in record["snippet"] for record in found)


def test_the_selection_options_narrow_the_results(indexed: Path):
    dated = {record["id"] for record in search(indexed, "Mayorkas", "--since", "2024")}
    listed = {json.loads(line)["id"] for line in run("list", "--since", "2024", "--corpus", str(indexed)).stdout.splitlines()}
    assert dated == naming(indexed, "Mayorkas") & listed and dated
    first = sorted(naming(indexed, "Mayorkas"))[0]
    piped = run("search", "Mayorkas", "--corpus", str(indexed), "--stdin", "--format", "jsonl", input=json.dumps({"id": first}) + "\n")
    assert [json.loads(line)["id"] for line in piped.stdout.splitlines()] == [first]
    assert len(search(indexed, "Mayorkas", "--limit", "2")) == 2


def test_query_language_phrase_or_not_prefix(indexed: Path):
    assert {record["id"] for record in search(indexed, '"Homeland Security"')} == naming(indexed, "Homeland Security")
    with_or = {record["id"] for record in search(indexed, "Mayorkas OR Trump")}
    assert with_or == naming(indexed, "Mayorkas") | naming(indexed, "Trump")
    without = {record["id"] for record in search(indexed, "Mayorkas NOT Trump")}
    assert without == naming(indexed, "Mayorkas") - naming(indexed, "Trump")
    assert {record["id"] for record in search(indexed, "Mayork*")} == naming(indexed, "Mayork")


def test_no_match_is_exit_status_1(indexed: Path):
    result = run("search", "zyzzyva", "--corpus", str(indexed), "--format", "jsonl")
    assert (result.exit_code, result.stdout) == (1, "")


@pytest.mark.parametrize(
    ("query", "word"),
    [("agency's", "agency"), ("agency’s", "agency"), ("AGENCY", "agency"), ("U.S.", "U.S."), ("title:criticism", "criticism")],
)
def test_query_words_are_read_as_the_tokenizer_reads_the_documents(indexed: Path, query: str, word: str):
    """A possessive, a curly apostrophe, case and dotted initialisms are no syntax errors: the
    query's words become the terms the index holds, so they find what the word finds."""
    found = {record["id"] for record in search(indexed, query)}
    assert found and found <= naming(indexed, word)


def test_an_empty_query_is_one_error_line(indexed: Path):
    for query in ("", "   "):
        result = run("search", query, "--corpus", str(indexed))
        assert (result.exit_code, result.stderr) == (2, "corpus: error: the query is empty: give words to search for\n")


@pytest.mark.parametrize("query", ['"unclosed', "AND", "Mayorkas AND (", "NEAR(", "!!!"])
def test_a_bad_query_is_one_error_line(indexed: Path, query: str):
    result = run("search", query, "--corpus", str(indexed))
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: cannot read the query") and result.stderr.count("\n") == 1


def test_without_an_index_one_line_says_run_corpus_index(seeds_copy: Path):
    result = run("search", "Mayorkas", "--corpus", str(seeds_copy))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "run 'corpus index'" in result.stderr


def test_search_sees_files_changed_since_indexing(indexed: Path):
    (indexed / "999_new.txt").write_text("Zyzzyva news\n\nA zyzzyva was seen.\n", encoding="utf-8")
    assert [record["id"] for record in search(indexed, "zyzzyva")] == ["999_new"]
    (indexed / "999_new.txt").unlink()
    assert search(indexed, "zyzzyva") == []


def test_text_view_on_a_terminal_shape(indexed: Path):
    result = run("search", "Mayorkas", "--corpus", str(indexed), "--format", "text", "--limit", "1")
    heading, passage = result.stdout.splitlines()
    assert heading.startswith("  1. ") and "**Mayorkas**" in passage


def test_search_with_no_index_is_a_usage_error(indexed: Path):
    result = run("search", "Mayorkas", "--no-index", "--corpus", str(indexed))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "--no-index" in result.stderr


def test_an_updated_index_ranks_as_one_built_afresh(tmp_path: Path):
    """A changed file's words are deleted exactly (not left behind to weigh on the scores)."""
    corpus = hostile_corpus(tmp_path / "hostile")
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    make_stale(corpus)
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    queries = ["Mayorkas", "ICE", "ice OR paragraph", '"border patrol"', "NEAR(ICE Mayorkas, 20)", "title: ICE", "new*"]

    def scores() -> list[list[tuple[str, float]]]:  # in order: equal scores in path order, not by when a file was indexed
        return [[(record["id"], record["score"]) for record in search(corpus, query, "--limit", "100")] for query in queries]

    updated = scores()
    assert run("index", "--drop", "--corpus", str(corpus)).exit_code == 0
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    assert scores() == updated
    assert any(len(found) > 1 for found in updated)


def test_equal_scores_come_in_path_order_however_the_index_was_made(seeds_copy: Path):
    """Two files alike score alike; the one indexed again later (a new rowid) keeps its place."""
    article = "Okapi news\n\nThe okapi was seen.\n"
    (seeds_copy / "400_a.txt").write_text(article)
    (seeds_copy / "401_b.txt").write_text(article)
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    (seeds_copy / "400_a.txt").write_text(article.replace("okapi was", "zebra was"))
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    (seeds_copy / "400_a.txt").write_text(article)
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    found = search(seeds_copy, "okapi")
    assert [record["id"] for record in found] == ["400_a", "401_b"] and found[0]["score"] == found[1]["score"]
    assert [record["id"] for record in search(seeds_copy, "okapi", "--limit", "1")] == ["400_a"]


def test_title_and_body_columns_search_the_headline_and_the_body(indexed: Path):
    """title: is the headline as the file has it (002's "... criticism over border ..."), body:
    the rest; together they find what the word alone finds. A column of another name is one
    error line that names the two."""
    in_title = {record["id"] for record in search(indexed, "title:criticism")}
    in_body = {record["id"] for record in search(indexed, "body:criticism")}
    assert in_title == {"002_8558860120d3c356"}
    assert in_title | in_body == {record["id"] for record in search(indexed, "criticism")}
    assert "002_8558860120d3c356" not in in_body
    result = run("search", "headline:criticism", "--corpus", str(indexed))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "no such column: headline" in result.stderr and "title:" in result.stderr and "body:" in result.stderr


def test_a_changed_file_the_index_cannot_take_now_is_an_error_not_a_miss(indexed: Path):
    """Another run holds the index: search cannot write the new file into it, so cannot rank it."""
    (indexed / "999_new.txt").write_text("Zyzzyva news\n\nA zyzzyva was seen.\n", encoding="utf-8")
    with writer_lock(indexed / ".corpus" / "index.sqlite") as taken:
        assert taken
        result = run("search", "zyzzyva", "--corpus", str(indexed))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("corpus: error: 1 changed file(s) could not be written to the index") and result.stderr.count("\n") == 1
    assert [record["id"] for record in search(indexed, "zyzzyva")] == ["999_new"]  # once the index is free


def test_search_under_another_document_size_limit_than_the_index_was_made_under_is_one_error_line(indexed: Path):
    """An index made under the default 10 MB holds no file of the seeds 3 KB leaves out: searching
    it under that limit would rank them. One line says so, and what to do; the index made under it answers."""
    result = run("search", "Mayorkas", "--corpus", str(indexed), "--max-document-mb", "0.003")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"corpus: error: the index of {indexed} was made under a 10 MB limit for a document, not 0.003 MB (this run's "
        "--max-document-mb, or max_document_mb in corpus.yaml): run 'corpus index' under this limit to rebuild it (search needs it)\n"
    )
    assert run("index", "--corpus", str(indexed), "--max-document-mb", "0.003").exit_code == 0
    small = run("search", "Mayorkas", "--corpus", str(indexed), "--max-document-mb", "0.003", "--format", "jsonl")
    large = {path.stem for path in indexed.glob("*.txt") if path.stat().st_size > 0.003 * (1 << 20)}
    assert small.exit_code in (0, 1) and large and not large & {json.loads(line)["id"] for line in small.stdout.splitlines()}
    assert len(small.stderr.splitlines()) == len(large)  # the warning of each file skipped


def test_search_gives_the_warnings_that_reading_the_documents_gives_and_strict_fails(indexed: Path):
    (indexed / "999_cp1252.txt").write_bytes(b"Caf\xe9 zyzzyva text\n")
    (indexed / "998_binary.txt").write_bytes(b"\x00zyzzyva")
    for _ in range(2):  # found changed, then as the index keeps them
        searched = run("search", "zyzzyva", "--corpus", str(indexed), "--format", "jsonl")
        assert searched.exit_code == 0 and searched.stderr == run("list", "--corpus", str(indexed), "--no-index").stderr
        assert "999_cp1252.txt: invalid UTF-8" in searched.stderr and "998_binary.txt: binary file" in searched.stderr
    strict = run("search", "zyzzyva", "--corpus", str(indexed), "--strict")
    assert strict.exit_code == 2 and strict.stderr.endswith("corpus: error: 2 warning(s) and --strict is set\n")


HUGE = "99999999999999999999"  # past a 64-bit integer


@pytest.mark.parametrize(
    ("args", "unlimited"),
    [
        (("search", "ICE", "--limit", HUGE), ("search", "ICE", "--limit", "1000")),
        (("grep", "-c", "ICE", "-m", HUGE), ("grep", "-c", "ICE")),
        (("list", "--limit", HUGE), ("list",)),
        (("stats", "--top", HUGE, "--format", "jsonl"), ("stats", "--top", "100000", "--format", "jsonl")),
    ],
)
def test_a_count_past_any_integer_is_no_limit(indexed: Path, args: tuple[str, ...], unlimited: tuple[str, ...]):
    huge, plain = run(*args, "--corpus", str(indexed)), run(*unlimited, "--corpus", str(indexed))
    assert (huge.exit_code, huge.stderr) == (0, "")
    assert huge.stdout == plain.stdout


def test_a_word_is_searched_whole_as_the_tokenizer_keeps_it(seeds_copy: Path):
    """FTS5's own tokenizer would split "anti-okapi", "e-mail" and "U.S." into parts: "okapi" would
    find "anti-okapi" (which stats --term okapi does not count) and "U.S." would find "U S"."""
    (seeds_copy / "500_h.txt").write_text("Headline here\n\nAn anti-okapi rally. An e-mail from U.S. officials.\n")
    (seeds_copy / "501_p.txt").write_text("Parts here\n\nThe okapi was seen. The mail came from U S Army officials.\n")
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    queries = ("okapi", "anti-okapi", "e-mail", "mail", "U.S.", "anti*")
    found = {query: [record["id"] for record in search(seeds_copy, query) if record["id"] in ("500_h", "501_p")] for query in queries}
    assert found == {
        "okapi": ["501_p"],
        "anti-okapi": ["500_h"],
        "e-mail": ["500_h"],
        "mail": ["501_p"],
        "U.S.": ["500_h"],
        "anti*": ["500_h"],
    }
    assert "**e-mail**" in search(seeds_copy, "e-mail")[0]["snippet"]


def test_the_snippet_marks_words_as_the_index_holds_them():
    from corpus_cli.analysis.snippet import snippet

    marked = snippet(["A headline", "An e-mail from the agency’s chief in Québec, and mail."], {"e-mail", "agency", "quebec"}, ())
    assert marked == "An **e-mail** from the **agency’s** chief in **Québec**, and mail."


def test_a_prefix_is_the_start_of_a_term_as_written(seeds_copy: Path):
    (seeds_copy / "500_h.txt").write_text("Headline here\n\nAn anti-okapi rally of U.S.A. officials.\n")
    (seeds_copy / "501_p.txt").write_text("Parts here\n\nThe antique okapi met U S Army officials.\n")
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    queries = ("U.S*", "anti-*", "anti*")
    found = {query: [record["id"] for record in search(seeds_copy, query) if record["id"] in ("500_h", "501_p")] for query in queries}
    assert found == {"U.S*": ["500_h"], "anti-*": ["500_h"], "anti*": ["500_h", "501_p"]}
    snippets = {query: {record["id"]: record["snippet"] for record in search(seeds_copy, query)}["500_h"] for query in queries}
    assert "**anti-okapi**" in snippets["anti-*"] and "**U.S.A.**" in snippets["U.S*"]


def test_the_snippet_marks_the_words_searched_not_the_query_s_syntax(seeds_copy: Path):
    (seeds_copy / "300.txt").write_text("Title of the body\n\nThe body holds a title and 5 okapis near 5 borders. okapi border.\n")
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0

    def marked(query: str) -> str:
        return {record["id"]: record["snippet"] for record in search(seeds_copy, query)}["300"]

    assert marked("title:body") == "Title of the **body**"  # "title" names the column
    assert "**5**" not in marked("NEAR(okapi border, 5)")  # 5 is NEAR's distance
    assert marked("NEAR(okapi border, 5)").endswith("**okapi** **border**.")


@pytest.mark.parametrize("alike", [3, queries.TIE_ROOM + 30])
def test_the_best_few_are_the_first_few_of_the_whole_ranking(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, alike: int):
    """A small --limit ranks by score alone and orders the ties found here; it must give the first
    rows of the whole ranking (ties in path order), also when the ties at the limit run past the
    rows ranked (`alike` files that score alike, indexed in an order other than their paths')."""
    corpus = tmp_path / "c"
    for number in range(alike):  # indexed in the order of their ids, the reverse of their paths'
        folder = corpus / f"{alike - number:03d}"
        folder.mkdir(parents=True)
        (folder / f"{number:03d}_alike.txt").write_text("Okapi\n\nThe okapi was seen.\n")
    for number in range(40):
        (corpus / f"{number:03d}_varied.txt").write_text("Okapi\n\n" + "The okapi was seen. " * (number % 7 + 1) + "Zebra " * number + "\n")
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    connection = sqlite3.connect(corpus / ".corpus" / "index.sqlite")
    try:
        searched = queries.parsed("okapi")
        whole = list(queries.ranked(connection, searched))
        assert len({score for _, score in whole}) < len(whole)  # ties there are
        whole_orderings = []
        in_path_order = queries._in_path_order
        monkeypatch.setattr(queries, "_in_path_order", lambda *args: whole_orderings.append(args) or in_path_order(*args))
        for limit in (0, 1, 2, 5, 20, alike, alike + 1, len(whole), len(whole) + 5):
            assert list(queries.ranked(connection, searched, limit)) == whole[:limit], limit
        assert bool(whole_orderings) == (alike > queries.TIE_ROOM)  # ties past the rows ranked: the whole ordering
    finally:
        connection.close()
