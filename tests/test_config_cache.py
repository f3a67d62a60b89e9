"""A large corpus.yaml is remembered in the user's cache folder: the answers are the same, an
edit is seen at once, and a cached file that is damaged, foreign or cannot be written changes
nothing but the time a run takes."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import run
from hypothesis import example, given
from hypothesis import strategies as st

from corpus_cli.source import config_cache

FILLER = 60  # entries for documents the corpus does not hold: 3.5 KB, past REMEMBERED_FROM as set below


@pytest.fixture(autouse=True)
def small_files_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remember files of 2 KB or more: PyYAML reads one of 64 KB in a tenth of a second, every time."""
    monkeypatch.setattr(config_cache, "REMEMBERED_FROM", 2048)


def large_config(corpus: Path, title: str = "A title from corpus.yaml") -> Path:
    """A corpus.yaml over config_cache.REMEMBERED_FROM for the seeds' copy, with a name, a limit
    for one document, a family and a title for one seed."""
    lines = [
        "name: remembered",
        "max_document_mb: 5",
        "terms:",
        "  enforcement: [ICE, Immigration and Customs Enforcement]",
        "documents:",
        f"  {first_id(corpus)}:",
        f"    title: {title}",
        "    tags: [one, two]",
    ]
    for number in range(FILLER):
        lines += [f"  filler_{number:05d}:", f"    source: Paper {number % 40}", f"    date: 2024-01-{number % 28 + 1:02d}"]
    path = corpus / "corpus.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size >= config_cache.REMEMBERED_FROM
    return path


def first_id(corpus: Path) -> str:
    return sorted(path.stem for path in corpus.glob("*.txt"))[0]


def answers(corpus: Path) -> list[tuple[int, str, str]]:
    """What a user sees of the corpus.yaml: a document's metadata, the family counted."""
    commands = [
        ("show", first_id(corpus), "--format", "jsonl"),
        ("stats", "--term", "enforcement", "--format", "jsonl"),
    ]
    results = [run(*command, "--corpus", str(corpus)) for command in commands]
    return [(result.exit_code, result.stdout, result.stderr) for result in results]


def cached_files(isolated: Path) -> list[Path]:
    folder = isolated.parent / "cache" / "corpus" / "configs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def read_kept(cached: Path) -> tuple[dict[str, Any], Any]:
    """The header line and the data of a cached file."""
    header, _, body = cached.read_text(encoding="utf-8").partition("\n")
    return json.loads(header), json.loads(body)


def write_kept(cached: Path, header: dict[str, Any], data: Any, padding: str = "") -> None:
    """A cached file of `data`, its check made as the cache makes it (a file another hand wrote whole)."""
    body = padding + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    check = config_cache._digest(body.encode())
    cached.write_text(json.dumps({**header, "check": check}) + "\n" + body, encoding="utf-8")


def test_a_large_corpus_yaml_is_remembered_and_answers_the_same(isolated: Path, seeds_copy: Path) -> None:
    large_config(seeds_copy)
    first = answers(seeds_copy)
    assert all(status == 0 for status, _, _ in first)
    assert '"title": "A title from corpus.yaml"' in first[0][1] and '"one", "two"' in first[0][1] and '"term": "enforcement"' in first[1][1]
    assert len(cached_files(isolated)) == 1
    assert answers(seeds_copy) == first


def cached_with(isolated: Path, corpus: Path, field: str, value: str) -> None:
    """The large corpus.yaml remembered, then its cached data given `value` for the first
    document's `field`, by a hand that makes the data's check anew."""
    large_config(corpus)
    run("list", "--corpus", str(corpus))
    [cached] = cached_files(isolated)
    header, data = read_kept(cached)
    data["documents"][first_id(corpus)][field] = value
    write_kept(cached, header, data)


def test_what_is_remembered_is_what_a_run_uses(isolated: Path, seeds_copy: Path) -> None:
    cached_with(isolated, seeds_copy, "title", "A title only the cache holds")
    assert "A title only the cache holds" in run("list", "--format", "jsonl", "--corpus", str(seeds_copy)).stdout


def test_an_edited_corpus_yaml_is_read_again(isolated: Path, seeds_copy: Path) -> None:
    large_config(seeds_copy)
    run("list", "--corpus", str(seeds_copy))
    large_config(seeds_copy, title="An edited title")
    listed = run("list", "--format", "jsonl", "--corpus", str(seeds_copy)).stdout
    assert "An edited title" in listed and "A title from corpus.yaml" not in listed
    assert len(cached_files(isolated)) == 1  # the file for this corpus.yaml, rewritten


def _flipped(header: dict[str, Any], data: Any, text: str) -> str:
    """The data changed after its check was made: a bit flipped on the disk."""
    data["documents"]["filler_00001"]["source"] = "Paper 2"
    return json.dumps(header) + "\n" + json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda header, data, text: text[: len(text) // 2],
        lambda header, data, text: "[" * 100_000,
        lambda header, data, text: "[]",
        lambda header, data, text: json.dumps({**header, "format": "0 old"}) + text[text.index("\n") :],
        lambda header, data, text: json.dumps({**header, "digest": "0" * 32}) + text[text.index("\n") :],
        lambda header, data, text: json.dumps(header) + "\n",
        _flipped,
    ],
    ids=["cut short", "nested too deeply", "a list", "another format", "another text", "no data", "a value changed"],
)
def test_a_cached_file_that_is_damaged_or_foreign_is_ignored(isolated: Path, seeds_copy: Path, spoil: Any) -> None:
    large_config(seeds_copy)
    first = answers(seeds_copy)
    [cached] = cached_files(isolated)
    text = cached.read_text(encoding="utf-8")
    cached.write_text(spoil(*read_kept(cached), text), encoding="utf-8")
    assert answers(seeds_copy) == first


def test_cached_data_is_checked_as_the_yaml_is(isolated: Path, seeds_copy: Path) -> None:
    cached_with(isolated, seeds_copy, "date", "2024-02-30")
    result = run("list", "--corpus", str(seeds_copy))
    assert result.exit_code == 2
    assert result.stderr.endswith(f"documents: {first_id(seeds_copy)}: date: '2024-02-30' is not a real date written YYYY-MM-DD\n")


def test_a_cache_folder_that_cannot_be_written_changes_nothing(isolated: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    large_config(seeds_copy)
    first = answers(seeds_copy)
    not_a_folder = isolated.parent / "a file"
    not_a_folder.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    assert answers(seeds_copy) == first


def test_a_full_disk_leaves_no_cached_file_half_written(isolated: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    large_config(seeds_copy)

    def full(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)  # a cached file is renamed into place last
    result = run("list", "--corpus", str(seeds_copy))
    assert (result.exit_code, result.stderr) == (0, "")
    folder = isolated.parent / "cache" / "corpus" / "configs"
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("  late:\n    date: 2024-02-30\n", "documents: late: date: '2024-02-30' is not a real date written YYYY-MM-DD\n"),
        ("  late: [\n", "invalid YAML: did not find expected node content\n"),
    ],
    ids=["a bad value", "bad YAML"],
)
def test_a_large_corpus_yaml_in_error_is_the_same_error_each_time(isolated: Path, seeds_copy: Path, tail: str, message: str) -> None:
    path = large_config(seeds_copy)
    path.write_text(path.read_text() + tail)
    results = [run("list", "--corpus", str(seeds_copy)) for _ in range(2)]
    assert [result.exit_code for result in results] == [2, 2]
    assert results[0].stderr == results[1].stderr and results[0].stderr.endswith(message)


def test_a_small_corpus_yaml_is_read_each_time(isolated: Path, seeds_copy: Path) -> None:
    (seeds_copy / "corpus.yaml").write_text("name: small\n")
    assert run("list", "--corpus", str(seeds_copy)).exit_code == 0
    assert cached_files(isolated) == []


def test_without_a_home_folder_nothing_is_remembered_and_nothing_changes(
    isolated: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    large_config(seeds_copy)
    first = answers(seeds_copy)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert answers(seeds_copy) == first


def test_a_relative_cache_folder_is_ignored_as_xdg_says(isolated: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    large_config(seeds_copy)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(isolated.parent / "home"))
    run("list", "--corpus", str(seeds_copy))
    assert not (isolated / "relative").exists()
    assert len(list((isolated.parent / "home" / ".cache" / "corpus" / "configs").iterdir())) == 1


def test_yaml_data_that_json_cannot_give_back_is_not_remembered(isolated: Path, seeds_copy: Path) -> None:
    path = large_config(seeds_copy)
    path.write_text(path.read_text() + "  tagged:\n    title: !!binary aGk=\n")
    first = answers(seeds_copy)
    assert cached_files(isolated) == []
    assert answers(seeds_copy) == first


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def same(one: object, other: object) -> bool:
    """Equal, and of the same types all the way down (1, 1.0 and True are equal in Python)."""
    if type(one) is not type(other):
        return False
    if isinstance(one, dict):
        return list(one) == list(other) and all(same(one[key], other[key]) for key in one)  # type: ignore[index, call-overload]
    if isinstance(one, list):
        return len(one) == len(other) and all(map(same, one, other))  # type: ignore[arg-type]
    return one == other or (one != one and other != other)  # NaN


def holds_nan(value: object) -> bool:
    """Whether a float NaN is anywhere in `value` (JSON has none: such data is not kept)."""
    if isinstance(value, float):
        return value != value
    if isinstance(value, list):
        return any(map(holds_nan, value))
    if isinstance(value, dict):
        return any(map(holds_nan, value.values()))
    return False


@given(json_values)
@example({"NaN": None})  # the word, not the number: kept
@example([1.0, float("nan")])
def test_data_comes_back_from_the_cache_as_it_went_in_or_not_at_all(data: object) -> None:
    config, text = Path("corpus.yaml"), "#" * config_cache.REMEMBERED_FROM
    config_cache.keep(config, text, data)
    recalled = config_cache.recall(config, text)
    assert same(recalled, data) if not holds_nan(data) and data is not None else recalled is None
    if (cached := config_cache._place(config)) is not None:
        cached.unlink(missing_ok=True)


@pytest.mark.parametrize("kind", ["a folder", "a FIFO", "a file larger than its text"])
def test_a_cached_file_that_is_no_file_or_too_large_is_ignored(isolated: Path, seeds_copy: Path, kind: str) -> None:
    path = large_config(seeds_copy)
    first = answers(seeds_copy)
    [cached] = cached_files(isolated)
    header, data = read_kept(cached)
    cached.unlink()
    if kind == "a folder":
        cached.mkdir()
    elif kind == "a FIFO":
        os.mkfifo(cached)  # reading it would wait for a writer for ever
    else:  # whole, but with a title of its own, and padded past what the text could make
        data["documents"][first_id(seeds_copy)]["title"] = "A title from a cached file too large to read"
        write_kept(cached, header, data, padding=" " * config_cache.GROWTH * path.stat().st_size)
    assert answers(seeds_copy) == first
