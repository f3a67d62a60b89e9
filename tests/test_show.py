"""`corpus show` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import yaml
from helpers import SEEDS, run

from corpus_cli.text.document import FULL_FIELDS


def seed_path(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def test_unique_prefix_and_full_record():
    result = run("show", "002", "--format", "json")
    (record,) = json.loads(result.stdout)
    assert tuple(record) == FULL_FIELDS
    assert record["id"] == "002_8558860120d3c356"
    assert record["text"] == seed_path("002").read_text(encoding="utf-8")
    assert record["title_source"] == "headline" and record["date_source"] is None
    assert len(record["paragraphs"]) == 16
    assert record["furniture"][-1] == "Latest Articles"


def test_ids_keep_the_order_given():
    result = run("show", "004", "000_602cce6e2114fdb8", "--format", "jsonl")
    assert [json.loads(line)["id"][:3] for line in result.stdout.splitlines()] == ["004", "000"]


def test_raw_is_the_exact_bytes():
    result = run("show", "001", "--raw")
    assert result.stdout_bytes == seed_path("001").read_bytes()


def test_text_view_shows_fields_paragraphs_and_furniture_apart():
    out = run("show", "002", "--format", "text").stdout
    assert out.startswith("002_8558860120d3c356  002_8558860120d3c356.txt\n")
    assert "title: In the face of growing criticism" in out
    assert "byline: Melissa Fine" in out
    head, furniture = out.split("[furniture]\n")
    assert "Latest Articles" not in head
    assert furniture.splitlines()[0] == "Melissa Fine"
    assert "\x1b[" not in out  # no colour off a terminal


def test_yaml_record():
    (record,) = yaml.safe_load(run("show", "000", "--format", "yaml").stdout)
    assert record["date"] == "2024-01-25" and record["header"] == " date 2024-01-25 "


def test_ambiguous_prefix_lists_candidates_and_exits_2():
    result = run("show", "00")
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: id prefix '00' is ambiguous: 000_602cce6e2114fdb8, 001_487be5ddedc07bcd")
    assert result.stdout == ""


def test_unknown_id_is_reported_the_others_shown_exit_1():
    result = run("show", "003", "zzz", "--format", "jsonl")
    assert result.exit_code == 1
    assert [json.loads(line)["id"][:3] for line in result.stdout.splitlines()] == ["003"]
    assert result.stderr == "corpus: error: no document with id or id prefix 'zzz'\n"


def test_ids_never_become_paths():
    result = run("show", "../../etc/passwd")
    assert result.exit_code == 1
    assert "root:" not in result.stdout


def test_ids_from_stdin_and_dash():
    feed = '{"id": "001_487be5ddedc07bcd"}\n'
    for args in (("--stdin",), ("-",)):
        result = run("show", *args, "--format", "jsonl", input=feed)
        assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["001_487be5ddedc07bcd"]


def test_no_ids_at_all_is_a_usage_error():
    result = run("show")
    assert result.exit_code == 2
    assert result.stderr.startswith("corpus: error: give one or more ids")


def test_raw_prints_a_binary_file_too(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "001_ab.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run("show", "001", "--raw", "--corpus", str(corpus))
    assert (result.exit_code, result.stdout_bytes) == (0, b"\x89PNG\r\n\x1a\n\x00\x00")


def test_raw_takes_no_date_bounds():
    result = run("show", "001", "--raw", "--since", "2024")
    assert result.exit_code == 2
    assert "--raw prints files as they are and takes no --since/--until" in result.stderr


def test_every_record_format_and_a_table():
    (row,) = csv.DictReader(io.StringIO(run("show", "001", "--format", "csv").stdout))
    assert (row["id"], row["credit"], row["text"]) == ("001_487be5ddedc07bcd", "Headline USA", seed_path("001").read_text(encoding="utf-8"))
    table = run("show", "001", "002", "--format", "table").stdout.splitlines()
    assert table[0].split() == ["id", "date", "words", "credit", "title/lede"] and len(table) == 4


@pytest.mark.slow
def test_ids_given_leave_a_pipe_on_stdin_alone():
    """`while read id; do corpus show "$id"; done < ids` must not swallow the loop's input."""
    script = 'printf "002\\n003\\n" | while read id; do "$0" -m corpus_cli show "$id" --format jsonl; done'
    done = subprocess.run(["sh", "-c", script, sys.executable], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"][:3] for line in done.stdout.splitlines()] == ["002", "003"]


def test_a_file_name_two_folders_share_is_ambiguous_not_missing(tmp_path):
    (tmp_path / "2023" / "a").mkdir(parents=True)
    (tmp_path / "2024").mkdir()
    (tmp_path / "2023" / "a" / "001.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "2024" / "001.txt").write_text("y\n", encoding="utf-8")
    result = run("show", "001", "--corpus", str(tmp_path))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("corpus: error: id prefix '001' is ambiguous: 2023/a/001, 2024/001\n")
    assert run("show", "2024/001", "--corpus", str(tmp_path), "--format", "jsonl").exit_code == 0


def test_an_id_that_shows_nothing_is_status_1_and_id_globs_select(tmp_path):
    (tmp_path / "nul.txt").write_bytes(b"ICE\x00x\n")
    (tmp_path / "u.txt").write_text("undated\n", encoding="utf-8")
    binary = run("show", "nul", "--corpus", str(tmp_path))
    assert binary.exit_code == 1 and binary.stdout == "" and "nul.txt: binary file" in binary.stderr
    left_out = run("show", "u", "--since", "2024", "--corpus", str(tmp_path))
    assert (left_out.exit_code, left_out.stdout, left_out.stderr) == (1, "", "")
    globbed = run("show", "--id", "u*", "--corpus", str(tmp_path), "--format", "jsonl")
    assert globbed.exit_code == 0 and [json.loads(line)["id"] for line in globbed.stdout.splitlines()] == ["u"]


def test_a_shared_file_name_is_ambiguous_even_when_an_id_has_it_as_a_prefix(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "dup.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "dupe.txt").write_text("y\n", encoding="utf-8")
    result = run("show", "dup", "--corpus", str(tmp_path))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("corpus: error: id prefix 'dup' is ambiguous: dupe, a/dup, b/dup\n")


def test_raw_of_an_id_the_id_glob_leaves_out_is_status_1():
    result = run("show", "000", "--raw", "--id", "zz*")
    assert (result.exit_code, result.stdout) == (1, "")
