"""Every subcommand's `--format jsonl` records against the JSON Schemas published in schemas/.

The schemas are JSON Schema draft 2020-12, checked with the `jsonschema` package (formats
included). Keys must also come in the schema's order: scripts and diffs rely on stable output.
"""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, run
from jsonschema import Draft202012Validator

from corpus_cli.analysis.check import CHECKS
from corpus_cli.analysis.check import FIELDS as CHECK_FIELDS
from corpus_cli.analysis.collocates import FIELDS as COLLOCATE_FIELDS
from corpus_cli.analysis.dispersion import FIELDS as DISPERSION_FIELDS
from corpus_cli.analysis.dupes import GROUP_FIELDS, PAIR_FIELDS
from corpus_cli.analysis.keyness import FIELDS as KEYNESS_FIELDS
from corpus_cli.analysis.quotes import BY_SPEAKER_FIELDS
from corpus_cli.analysis.quotes import FIELDS as QUOTE_FIELDS
from corpus_cli.cli import SUBCOMMANDS
from corpus_cli.grep.spec import COUNT_FIELDS, FILE_FIELDS, MATCH_FIELDS
from corpus_cli.index.ranking import SEARCH_FIELDS
from corpus_cli.index.status import STATUS_FIELDS
from corpus_cli.text.document import FULL_FIELDS, SUMMARY_FIELDS

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def validate(value: Any, rules: dict[str, Any]) -> list[str]:
    """The ways `value` breaks `rules` (empty when it conforms), each as ``PATH: KEYWORD: message``.

    The `jsonschema` package checks every keyword of draft 2020-12, and formats (a "date" must be a
    real date) with its format checker.
    """
    validator = Draft202012Validator(rules, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{error.json_path}: {error.validator}: {error.message}" for error in validator.iter_errors(value)]


def assert_records_conform(output: str, name: str) -> list[dict[str, Any]]:
    """Each line of `output` is a record valid against schemas/NAME.json, with keys in the schema's order."""
    rules = schema(name)
    records = [json.loads(line) for line in output.splitlines()]
    assert records, f"no {name} records to check"
    for record in records:
        assert validate(record, rules) == [], record.get("id")
        assert list(record) == [key for key in rules["properties"] if key in record], "keys out of the schema's order"
    return records


@pytest.fixture
def varied_corpus(tmp_path: Path) -> Path:
    """The seeds and files in every encoding and shape, with metadata from a corpus.yaml."""
    root = tmp_path / "varied"
    shutil.copytree(SEEDS, root)
    (root / "cp1252.txt").write_bytes("Caf\xe9 society\n\nA caf\xe9 in Paris, \x93quoted\x94.\n".encode("latin-1"))
    (root / "bom.txt").write_bytes(codecs.BOM_UTF8 + b" date 2023-05-06 With a byte-order mark.\n")
    (root / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + "Sixteen bits\n\nA UTF-16 article.\n".encode("utf-16-le"))
    (root / "baddate.txt").write_text(" date 2024-02-30 An impossible date.\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "sub").mkdir()
    (root / "sub" / "nested.txt").write_text("(AP) A credit, in a sub-folder.\n", encoding="utf-8")
    first = sorted(SEEDS.glob("*.txt"))[0].stem
    (root / "corpus.yaml").write_text(
        f"name: varied\ndocuments:\n  {first}:\n    title: Set in the config\n    date: 2020-02-02\n"
        "    source: Example News\n    url: https://example.org/a\n    tags: [border, ice]\n",
        encoding="utf-8",
    )
    return root


# --- the schemas themselves ----------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.json")), ids=lambda path: path.stem)
def test_schemas_are_valid_draft_2020_12(path: Path):
    rules = json.loads(path.read_text(encoding="utf-8"))
    assert rules["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(rules)
    properties = list(rules["properties"])
    assert [key for key in properties if key in rules["required"]] == rules["required"], "required keys in the order written"


def test_the_schemas_name_the_fields_the_code_writes():
    assert tuple(schema("summary")["properties"]) == tuple(schema("summary")["required"]) == SUMMARY_FIELDS
    assert tuple(schema("document")["properties"]) == tuple(schema("document")["required"]) == FULL_FIELDS
    summary, document = schema("summary")["properties"], schema("document")["properties"]
    assert all(document[key] == rules for key, rules in summary.items()), "a full record extends the summary"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda record: record.pop("words"), "$: required: 'words'"),
        (lambda record: record.update(extra=1), "$: additionalProperties:"),
        (lambda record: record.update(words="5"), "$.words: type:"),
        (lambda record: record.update(words=True), "$.words: type:"),
        (lambda record: record.update(words=-1), "$.words: minimum:"),
        (lambda record: record.update(date="2024-02-30"), "$.date: format:"),
        (lambda record: record.update(tags=["a", 1]), "$.tags[1]: type:"),
        (lambda record: record.update(id=""), "$.id: minLength:"),
    ],
    ids=["missing", "extra", "string-for-integer", "bool-for-integer", "negative", "impossible-date", "bad-item", "empty-id"],
)
def test_the_validator_rejects_what_the_schema_forbids(change: Any, complaint: str):
    record = json.loads(run("list", "--format", "jsonl").stdout.splitlines()[0])
    assert validate(record, schema("summary")) == []
    change(record)
    assert any(complaint in error for error in validate(record, schema("summary")))


# --- each subcommand's records -------------------------------------------------------------------


def test_list_records_conform(varied_corpus: Path):
    records = assert_records_conform(run("list", "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "summary")
    assert any(record["tags"] for record in records) and any(record["date"] is None for record in records)


def test_show_records_conform(varied_corpus: Path):
    ids = [json.loads(line)["id"] for line in run("list", "--corpus", str(varied_corpus), "--format", "jsonl").stdout.splitlines()]
    records = assert_records_conform(run("show", *ids, "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "document")
    assert {record["encoding"] for record in records} >= {"utf-8", "utf-8-sig", "utf-16-le", "windows-1252"}
    assert {record["date_source"] for record in records} == {"header", "config", None}


@pytest.mark.parametrize("by", [None, "doc", "year", "month", "week", "day", "credit"])
@pytest.mark.parametrize(
    ("options", "name"),
    [((), "stats-summary"), (("--top", "5"), "stats-top"), (("--top", "3", "--ngram", "2"), "stats-top"),
     (("--term", "ICE", "--term", "white house"), "stats-term")],
    ids=["summary", "top", "ngram", "term"],
)  # fmt: skip
def test_stats_records_conform(varied_corpus: Path, options: tuple[str, ...], name: str, by: str | None):
    grouping = ("--by", by) if by else ()
    records = assert_records_conform(run("stats", *options, *grouping, "--corpus", str(varied_corpus), "--format", "jsonl").stdout, name)
    group_keys = {key for record in records for key in record} & {"id", "year", "month", "week", "day", "credit"}
    assert group_keys == ({by if by != "doc" else "id"} if by else set())


@pytest.mark.parametrize("options", [(), ("--term", "ICE")], ids=["summary", "term"])
def test_stats_of_nothing_conform(options: tuple[str, ...]):
    name = "stats-term" if options else "stats-summary"
    assert_records_conform(run("stats", *options, "--since", "2999", "--format", "jsonl").stdout, name)


def test_export_jsonl_records_are_full_documents(varied_corpus: Path):
    records = assert_records_conform(run("export", "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "document")
    assert len(records) == len(list(varied_corpus.rglob("*.txt")))


def test_check_findings_conform(varied_corpus: Path):
    (varied_corpus / "copy.txt").write_bytes((varied_corpus / "bom.txt").read_bytes())
    (varied_corpus / "image.txt").write_bytes(b"\x89PNG\x00\x00")
    with (varied_corpus / "corpus.yaml").open("a", encoding="utf-8") as config:
        config.write("  999_gone:\n    title: Names no document\n")
    result = run("check", "--corpus", str(varied_corpus), "--format", "jsonl")
    assert result.exit_code == 1
    records = assert_records_conform(result.stdout, "check-finding")
    assert {record["check"] for record in records} >= {"decode", "empty", "date", "duplicate", "name", "config"}
    assert {record["severity"] for record in records} == {"error", "warning"}


def test_the_check_schema_names_every_check():
    rules = schema("check-finding")
    assert tuple(rules["properties"]) == CHECK_FIELDS
    assert rules["properties"]["check"]["enum"] == list(CHECKS)


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (("ICE",), "grep-match"),
        (("-i", "-w", "café|ice|sixteen"), "grep-match"),
        (("-v", "ICE"), "grep-match"),
        (("-o", "-e", "Mayorkas", "-e", "Biden"), "grep-match"),
        (("-C", "1", "Mayorkas"), "grep-match"),
        (("--kwic", "20", "--sort", "right", "ICE"), "grep-match"),
        (("--field", "title", "-i", "border|society"), "grep-match"),
        (("--field", "body", "-F", "(AP)"), "grep-match"),
        (("-c", "ICE"), "grep-count"),
        (("-c", "--include-zero", "Mayorkas"), "grep-count"),
        (("-l", "-i", "ice"), "grep-file"),
    ],
    ids=["match", "iw", "invert", "only", "context", "kwic", "title", "body", "count", "include-zero", "files"],
)
def test_grep_records_conform(varied_corpus: Path, options: tuple[str, ...], name: str):
    assert_records_conform(run("grep", *options, "--corpus", str(varied_corpus), "--format", "jsonl").stdout, name)


def test_the_grep_schemas_name_the_fields_the_code_writes():
    assert tuple(schema("grep-match")["properties"]) == (*MATCH_FIELDS, "family")
    assert tuple(schema("grep-count")["properties"]) == COUNT_FIELDS
    assert tuple(schema("grep-file")["properties"]) == FILE_FIELDS


@pytest.mark.parametrize("options", [("ICE",), ("homeland security", "--left", "0", "--right", "1", "--measure", "ll", "--min-freq", "1")])
def test_collocate_records_conform(varied_corpus: Path, options: tuple[str, ...]):
    assert_records_conform(run("collocates", *options, "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "collocate")


@pytest.mark.parametrize("options", [(), ("--negative",), ("--ngram", "2", "--min-freq", "1")])
def test_keyness_records_conform(varied_corpus: Path, options: tuple[str, ...]):
    records = assert_records_conform(
        run("keyness", "--id", "00[01]*", *options, "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "keyness"
    )
    assert {record["direction"] for record in records} == {"-" if options == ("--negative",) else "+"}


@pytest.mark.parametrize("terms", [("Mayorkas",), ("ICE", "white house", "xylophone")])
def test_dispersion_records_conform(varied_corpus: Path, terms: tuple[str, ...]):
    records = assert_records_conform(run("dispersion", *terms, "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "dispersion")
    assert any(record["date"] is None for record in records) and any(record["date"] for record in records)


@pytest.mark.parametrize("by", [None, "doc", "year"])
def test_stats_dispersion_records_conform(varied_corpus: Path, by: str | None):
    grouping = ("--by", by) if by else ()
    args = ("stats", "--term", "ICE", "--term", "xylophone", "--dispersion", *grouping, "--corpus", str(varied_corpus), "--format", "jsonl")
    records = assert_records_conform(run(*args).stdout, "stats-term")
    assert all("dp" in record and "range" in record for record in records)


def test_grep_terms_records_conform(varied_corpus: Path, tmp_path: Path):
    terms = tmp_path / "terms.yaml"
    terms.write_text("ICE: [ICE, Immigration and Customs Enforcement]\nCafe: café\n", encoding="utf-8")
    records = assert_records_conform(
        run("grep", "--terms", str(terms), "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "grep-match"
    )
    assert {record["family"] for record in records} == {"ICE", "Cafe"}


def test_the_new_schemas_name_the_fields_the_code_writes():
    assert tuple(schema("collocate")["properties"]) == COLLOCATE_FIELDS
    assert tuple(schema("keyness")["properties"]) == KEYNESS_FIELDS
    assert tuple(schema("dispersion")["properties"]) == DISPERSION_FIELDS


def test_search_records_conform(varied_corpus: Path):
    assert run("index", "--corpus", str(varied_corpus)).exit_code == 0
    records = assert_records_conform(run("search", "ice OR café", "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "search")
    assert [record["rank"] for record in records] == list(range(1, len(records) + 1))
    assert tuple(schema("search")["properties"]) == SEARCH_FIELDS


@pytest.mark.parametrize("built", [False, True], ids=["none", "built"])
def test_index_status_records_conform(varied_corpus: Path, built: bool):
    if built:
        assert run("index", "--corpus", str(varied_corpus)).exit_code == 0
    [record] = assert_records_conform(run("index", "--status", "--corpus", str(varied_corpus), "--format", "jsonl").stdout, "index-status")
    assert record["usable"] is built and record["exists"] is built
    assert tuple(schema("index-status")["properties"]) == STATUS_FIELDS


@pytest.mark.parametrize(("options", "name"), [((), "quote"), (("--by", "speaker"), "quote-speaker")], ids=["quotes", "by-speaker"])
def test_quotes_records_conform(varied_corpus: Path, options: tuple[str, ...], name: str):
    assert_records_conform(run("quotes", *options, "--corpus", str(varied_corpus), "--format", "jsonl", "--no-stdin").stdout, name)


def test_the_quotes_schemas_name_the_fields_the_code_writes():
    assert tuple(schema("quote")["properties"]) == QUOTE_FIELDS
    assert tuple(schema("quote-speaker")["properties"]) == BY_SPEAKER_FIELDS


def test_the_dupes_schemas_name_the_fields_the_code_writes():
    """Records of `corpus dupes` are checked against these schemas in test_dupes.py."""
    assert tuple(schema("dupe-pair")["properties"]) == PAIR_FIELDS
    assert tuple(schema("dupe-group")["properties"]) == GROUP_FIELDS


def test_every_subcommand_has_its_records_checked_here():
    """A new subcommand needs a schema in schemas/ and a test above; then add it here."""
    checked = {
        "list",
        "show",
        "grep",
        "stats",
        "export",
        "check",
        "collocates",
        "keyness",
        "dispersion",
        "index",
        "search",
        "quotes",
        "dupes",
    }
    without_records = {"help"}  # prints help text, never a record
    assert set(SUBCOMMANDS) <= checked | without_records
