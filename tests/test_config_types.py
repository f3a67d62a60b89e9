"""corpus.yaml: every value has the type it must have, an unknown key is an error, dates are
calendar dates written YYYY-MM-DD, and no file, however small, can make loading slow or huge."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import run


def listing_with(folder: Path, config: str) -> tuple[int, str]:
    (folder / "corpus.yaml").write_text(config, encoding="utf-8")
    result = run("list", "--format", "jsonl")
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("name: [a, b]\n", "corpus.yaml: name: expected text, not a list"),
        ("name: {a: b}\n", "corpus.yaml: name: expected text, not a mapping"),
        ("path: [a]\n", "corpus.yaml: path: expected text, not a list"),
        ("documents:\n  a_1:\n    title: x\n  a_1:\n    title: y\n", "invalid YAML: the key 'a_1' is given twice (lines 2 and 4)"),
        ("documents:\n  a_1:\n    title: x\n    title: y\n", "corpus.yaml: invalid YAML: the key 'title' is given twice (lines 3 and 4)"),
        ("colour: red\n", "corpus.yaml: unknown key 'colour' (known: name, path, documents, terms, max_document_mb)"),
        ("documents:\n  a_1:\n    title: {a: b}\n", "corpus.yaml: documents: a_1: title: expected text, not a mapping"),
        ("documents:\n  a_1:\n    source: [x]\n", "corpus.yaml: documents: a_1: source: expected text, not a list"),
        ("documents:\n  a_1:\n    url: !!bool true\n", "corpus.yaml: documents: a_1: url: expected text, not true/false"),
        ("documents:\n  a_1:\n    tags: [a, [b]]\n", "corpus.yaml: documents: a_1: tags: expected a list of text, not a list"),
        ("documents:\n  a_1:\n    tags: {a: b}\n", "corpus.yaml: documents: a_1: tags: expected a list of text"),
        ("documents:\n  a_1:\n    date: 20240101\n", "corpus.yaml: documents: a_1: date: '20240101' is not a real date written YYYY-MM-DD"),
        (
            "documents:\n  a_1:\n    date: '2024-W01-1'\n",
            "corpus.yaml: documents: a_1: date: '2024-W01-1' is not a real date written YYYY-MM-DD",
        ),
        (
            "documents:\n  a_1:\n    date: '20240101'\n",
            "corpus.yaml: documents: a_1: date: '20240101' is not a real date written YYYY-MM-DD",
        ),
        ("documents:\n  [a]: {}\n", "corpus.yaml: invalid YAML: a key is text, not a list"),
        ("[]\n", "corpus.yaml: expected a mapping with name, path and documents"),
        ('""\n', "corpus.yaml: expected a mapping with name, path and documents"),
        ("documents: []\n", "corpus.yaml: documents: expected a mapping of document id to fields"),
        ("name: !!int 0x" + "f" * 4000 + "\n", "corpus.yaml: name: expected text, not a number too long to write"),
        ("terms:\n  big: [!!int 0x" + "f" * 4000 + "]\n", "corpus.yaml: terms: big: expected a list of words or phrases"),
        ("terms:\n  answers: [!!bool yes]\n", "corpus.yaml: terms: answers: expected a list of words or phrases"),
        (
            "documents:\n  a_1:\n    date: !!timestamp 2024-01-01\n",
            "corpus.yaml: documents: a_1: date: expected a date written YYYY-MM-DD, not a date from a tag",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_one_line_naming_its_key(isolated: Path, config: str, message: str) -> None:
    status, errors = listing_with(isolated, config)
    assert status == 2
    assert errors.startswith("corpus: error: ") and errors.count("\n") == 1
    assert message in errors


def test_every_plain_value_is_the_text_written_whatever_yaml_11_would_make_of_it(isolated: Path) -> None:
    (isolated / "a_1.txt").write_text(" date 2024-01-01 Voters said yes and no at 12:30. Rates were 3.50 on 0x1F.\n")
    config = "documents:\n  a_1:\n    title: 0x1F\n    byline: 3.50\n    credit: 1_000\n    url: yes\n    tags: [12:30, off, .inf]\n"
    status, errors = listing_with(isolated, config + "terms:\n  answers: [yes, no]\n  rate: [3.50]\n  hex: [0x1F]\n")
    assert (status, errors) == (0, "")
    [record] = [json.loads(line) for line in run("show", "a_1", "--format", "jsonl").stdout.splitlines()]
    assert (record["title"], record["byline"], record["credit"], record["url"]) == ("0x1F", "3.50", "1_000", "yes")
    assert record["tags"] == ["12:30", "off", ".inf"]
    counted = {
        row["term"]: row["count"]
        for row in map(
            json.loads, run("stats", "--term", "answers", "--term", "rate", "--term", "hex", "--format", "jsonl").stdout.splitlines()
        )
    }
    assert counted == {"answers": 2, "rate": 1, "hex": 1}


def test_numbers_and_text_that_are_plainly_text_are_kept(isolated: Path) -> None:
    (isolated / "a_1.txt").write_text("Body.\n")
    status, errors = listing_with(isolated, "name: 2024\ndocuments:\n  a_1:\n    title: 42\n    tags: [x, 7]\n")
    assert (status, errors) == (0, "")
    listed = run("list", "--format", "jsonl").stdout
    assert '"title": "42"' in listed and '"tags": ["x", "7"]' in run("show", "a_1", "--format", "jsonl").stdout


def test_billion_laughs_is_refused_at_once(isolated: Path) -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]" for n in range(8)]
    config = "\n".join(levels) + "\ndocuments:\n  a_1:\n    title: *i\n    tags: *i\n"
    started = time.monotonic()
    status, errors = listing_with(isolated, config)
    assert time.monotonic() - started < 5
    assert status == 2 and errors.count("\n") == 1


def test_deeply_nested_yaml_is_one_line(isolated: Path) -> None:
    status, errors = listing_with(isolated, "documents: " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert status == 2
    assert errors.startswith("corpus: error: ") and errors.count("\n") == 1
    assert "internal error" not in errors


def test_a_document_id_is_read_as_written_whatever_yaml_would_make_of_it(isolated: Path) -> None:
    """YAML 1.1 reads 001_234 as 668, 1_0 as 10 and no as false: as keys they are the ids written."""
    for name in ("001_234", "1_0", "10", "no"):
        (isolated / f"{name}.txt").write_text(f"Story {name}\n\nA text.\n", encoding="utf-8")
    config = "documents:\n  001_234:\n    title: a\n  1_0:\n    title: b\n  '10':\n    title: c\n  no:\n    title: d\n"
    assert listing_with(isolated, config) == (0, "")
    titles = {record["id"]: record["title"] for record in map(json.loads, run("list", "--format", "jsonl").stdout.splitlines())}
    assert {name: titles[name] for name in ("001_234", "1_0", "10", "no")} == {"001_234": "a", "1_0": "b", "10": "c", "no": "d"}


def test_merge_keys_fill_in_and_are_overridden_as_yaml_says(isolated: Path) -> None:
    """`<<: *anchor` merges an entry's keys, its own override them (not "given twice"), through a
    chain of merges and a list of them too; a mapping merged then used again is read again alike."""
    for name in ("a_1", "a_2", "a_3"):
        (isolated / f"{name}.txt").write_text(f"Story {name}\n\nA text.\n", encoding="utf-8")
    config = (
        "documents:\n"
        "  a_1:\n    <<: &wire\n      <<: &base {source: AP, tags: [wire]}\n      source: Reuters\n    title: First\n"
        "  a_2: *wire\n"
        "  a_3:\n    <<: [*base, {url: 'https://example.org', source: UPI}]\n    source: Own\n"
    )
    assert listing_with(isolated, config) == (0, "")
    records = {record["id"]: record for record in map(json.loads, run("list", "--format", "jsonl").stdout.splitlines())}
    shown = {name: (records[name]["title"], records[name]["source"], records[name]["tags"]) for name in ("a_1", "a_2", "a_3")}
    assert shown == {
        "a_1": ("First", "Reuters", ["wire"]),
        "a_2": ("Story a_2", "Reuters", ["wire"]),
        "a_3": ("Story a_3", "Own", ["wire"]),
    }
    assert records["a_3"]["url"] == "https://example.org"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("documents:\n  &k a_1: {title: x}\n  *k : {title: y}\n", "invalid YAML: the key 'a_1' is given twice (line 2)"),
        ("documents:\n  !!python/name:os.system a_1: {title: x}\n", "invalid YAML: could not determine a constructor"),
        ("documents:\n  !!binary YV8x: {title: x}\n", "documents: b'a_1': a document id is text"),
    ],
)
def test_a_key_yaml_would_make_something_else_of_is_one_line(isolated: Path, config: str, message: str) -> None:
    status, errors = listing_with(isolated, config)
    assert status == 2 and errors.count("\n") == 1 and message in errors


def test_a_family_named_without_a_word_is_found_by_its_name(isolated: Path) -> None:
    (isolated / "a_1.txt").write_text(" date 2024-01-01 Migrants crossed. More migrants came.\n")
    status, errors = listing_with(isolated, 'terms:\n  "~": [migrants]\n')
    assert (status, errors) == (0, "")
    counted = run("stats", "--term", "~", "--format", "jsonl")
    assert (counted.exit_code, json.loads(counted.stdout)["count"]) == (0, 2)
    assert run("dispersion", "~", "--format", "jsonl").exit_code == 0
    assert "'...' holds no word to count" in run("stats", "--term", "...").stderr
