"""A hostile corpus, generated here (no committed binaries): every bad input gives one clear line.

Each case asserts the line on stderr naming the file, the exit status, and that the run went on
to the other documents. Cases that need real pipes, file descriptors or environments run the
tool in a subprocess.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run

CLEAN = "010_0123abcd.txt"  # a well-formed document, present in every hostile corpus
LONG_LINE_CHARS = 5_000_000
BIG_FILE_BYTES = 50 * 1024 * 1024


def write_hostile_corpus(root: Path) -> Path:
    """Every kind of bad input a folder of text files holds in the wild, next to one clean file."""
    root.mkdir()
    files: dict[str, bytes] = {
        CLEAN: b" date 2024-01-25 A clean article.\n",
        "empty.txt": b"",
        "blank.txt": b"  \n\t\r\n  ",
        "nul.txt": b"text\x00with a NUL",
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        "latin1.txt": "Café au lait, “quoted” in Windows-1252.\n".encode("cp1252"),
        "bom8.txt": codecs.BOM_UTF8 + " date 2024-02-01 Naïve body.\n".encode(),
        "bom16le.txt": codecs.BOM_UTF16_LE + " date 2024-02-02 Little end.\n".encode("utf-16-le"),
        "bom16be.txt": codecs.BOM_UTF16_BE + " date 2024-02-03 Big end.\n".encode("utf-16-be"),
        "bad16.txt": codecs.BOM_UTF16_LE + "Odd length".encode("utf-16-le") + b"\x00\xd8",
        "crlf.txt": b" date 2024-03-01\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n",
        "mixed.txt": b"A headline\r\n\r\nOne line.\nTwo line.\r\nThree line.\r",
        "late_nul.txt": b"a" * 9000 + b"\x00 after the sniff window\n",
        "header_only.txt": b" date 2024-04-01 ",
        "impossible.txt": b" date 2024-02-30 Leap day that is not.\n",
        "malformed.txt": b" date 24-1-5 Short year.\n",
        "long_line.txt": b"word " * (LONG_LINE_CHARS // 5),
        "with space é.txt": b" date 2024-05-01 Spaced and accented.\n",
        "notes.md": b"not a document",
        "image.png": b"\x89PNG\r\n\x1a\n",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "deeper" / "nested.txt").write_bytes(b"Nested text.\n")
    (root / bytes.decode(b"caf\xe9.txt", "utf-8", "surrogateescape")).write_bytes(b"Latin-1 name.\n")
    outside = root.parent / "outside-secret.txt"
    outside.write_bytes(b"SECRET outside the corpus\n")
    (root / "outside.txt").symlink_to(outside)
    (root / "broken.txt").symlink_to(root / "nowhere.txt")
    (root / "etc").symlink_to("/etc")
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile_corpus(tmp_path_factory.mktemp("hostile") / "corpus")


@pytest.fixture(scope="module")
def listing(hostile: Path):
    """One `corpus list` over the hostile corpus: (exit status, records by id, stderr lines)."""
    result = run("list", "--corpus", str(hostile), "--format", "jsonl")
    records = {record["id"]: record for record in map(json.loads, result.stdout.splitlines())}
    return result.exit_code, records, result.stderr.splitlines()


def full_record(corpus: Path, doc_id: str) -> dict:
    result = run("show", "--corpus", str(corpus), doc_id, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)[0]


def assert_warned(listing, line: str) -> None:
    """The run went on (exit 0, the clean document listed) and `line` was said exactly once."""
    status, records, errors = listing
    assert status == 0
    assert "010_0123abcd" in records
    assert errors.count(f"corpus: warning: {line}") == 1, errors


def test_empty_file_is_listed_with_a_warning(listing):
    assert_warned(listing, "empty.txt: empty document")
    assert listing[1]["empty"]["words"] == 0


def test_whitespace_only_file_is_listed_with_a_warning(listing):
    assert_warned(listing, "blank.txt: the document holds only white space")
    assert listing[1]["blank"]["chars"] == len("  \n\t\r\n  ")


@pytest.mark.parametrize("name", ["nul", "image"])
def test_binary_file_is_skipped_with_a_warning(listing, name):
    assert_warned(listing, f"{name}.txt: binary file (NUL byte in the first 8 KB); skipped")
    assert name not in listing[1]


def test_invalid_utf8_is_decoded_as_windows_1252(listing, hostile):
    assert_warned(listing, "latin1.txt: invalid UTF-8 at byte 3; decoded as Windows-1252")
    record = full_record(hostile, "latin1")
    assert record["text"].startswith("Café au lait, “quoted”")
    assert record["encoding"] == "windows-1252"


BOMS = [("bom8", "utf-8-sig", "2024-02-01"), ("bom16le", "utf-16-le", "2024-02-02"), ("bom16be", "utf-16-be", "2024-02-03")]


@pytest.mark.parametrize(("name", "encoding", "date"), BOMS)
def test_byte_order_mark_is_removed_and_the_header_found(listing, hostile, name, encoding, date):
    assert not any(f"{name}.txt" in line for line in listing[2])
    record = full_record(hostile, name)
    assert (record["encoding"], record["date"]) == (encoding, date)
    assert not record["text"].startswith("\ufeff")


def test_invalid_utf16_is_replaced_with_a_warning(listing):
    assert_warned(listing, "bad16.txt: invalid UTF-16-LE at byte 22; bad code units replaced by U+FFFD")


def test_crlf_header_is_found_and_no_field_keeps_a_carriage_return(listing, hostile):
    record = full_record(hostile, "crlf")
    assert record["date"] == "2024-03-01"
    assert record["paragraphs"] == ["First paragraph.", "Second paragraph."]
    assert "\r" not in record["header"]


def test_mixed_line_endings_split_into_clean_fields(hostile):
    record = full_record(hostile, "mixed")
    assert record["title"] == "A headline"
    assert record["paragraphs"] == ["One line.", "Two line.", "Three line."]
    assert record["text"].endswith("Three line.\r")  # the text itself is kept exactly


def test_nul_after_the_first_8_kb_is_text_with_a_warning(listing):
    assert_warned(listing, "late_nul.txt: NUL byte at byte 9000 (after the first 8 KB); kept as text")
    assert listing[1]["late_nul"]["chars"] == 9000 + len("\x00 after the sniff window\n")


def test_header_with_no_body_keeps_its_date_with_a_warning(listing):
    assert_warned(listing, "header_only.txt: a date header and no text after it")
    assert listing[1]["header_only"]["date"] == "2024-04-01"


def test_impossible_date_is_null_with_a_warning(listing):
    assert_warned(listing, "impossible.txt: header date 2024-02-30 is not a real date; the header is kept as text")
    assert listing[1]["impossible"]["date"] is None


def test_malformed_date_is_null_with_a_warning(listing):
    assert_warned(listing, "malformed.txt: header date 24-1-5 is not written YYYY-MM-DD; the header is kept as text")
    assert listing[1]["malformed"]["date"] is None


def test_a_very_long_line_is_one_document(listing):
    assert listing[1]["long_line"]["chars"] == LONG_LINE_CHARS
    assert listing[1]["long_line"]["words"] == LONG_LINE_CHARS // 5


def test_names_with_spaces_and_accents_are_ids_that_work(listing, hostile):
    assert listing[1]["with space é"]["path"] == "with space é.txt"
    assert full_record(hostile, "with space é")["date"] == "2024-05-01"


def test_documents_in_sub_folders_are_found(listing):
    assert listing[1]["nested"]["path"] == "sub/deeper/nested.txt"


def test_files_not_ending_in_txt_are_ignored_silently(listing):
    assert not {"notes", "image.png"} & set(listing[1])
    assert not any(".md" in line or ".png" in line for line in listing[2])


def test_file_name_that_is_not_utf8_is_skipped_with_a_warning(listing):
    assert_warned(listing, r"caf\xe9.txt: file name is not valid UTF-8, skipped (rename the file)")


def test_symlink_leading_outside_is_never_followed(listing, hostile):
    assert_warned(listing, "outside.txt: symbolic link leads outside the corpus, not followed")
    assert_warned(listing, "etc: symbolic link to a folder, not followed")
    assert "outside" not in listing[1]
    assert "SECRET" not in run("show", "--corpus", str(hostile), "outside", "--raw").stdout


def test_broken_symlink_is_a_warning(listing):
    assert_warned(listing, "broken.txt: broken symbolic link, skipped")


def test_strict_turns_the_warnings_into_exit_2(hostile, listing):
    result = run("list", "--corpus", str(hostile), "--format", "jsonl", "--strict")
    assert result.exit_code == 2
    warned = sum(line.startswith("corpus: warning:") for line in listing[2])
    assert result.stderr.splitlines()[-1] == f"corpus: error: {warned} warning(s) and --strict is set"


@pytest.mark.parametrize("wanted", ["../../etc/passwd", "/etc/passwd", "../outside-secret", "sub/../../outside-secret"])
def test_ids_on_the_command_line_never_become_paths(hostile, wanted):
    result = run("show", "--corpus", str(hostile), wanted, "--raw")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"corpus: error: no document with id or id prefix {wanted!r}"


def test_ids_on_stdin_never_become_paths(hostile):
    result = run("show", "--corpus", str(hostile), "--raw", "--stdin", input='{"id": "../../etc/passwd"}\n')
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "corpus: error: stdin line 1: no document '../../etc/passwd' in this corpus (check --corpus)"


def test_corpus_yaml_with_a_python_tag_is_an_error_not_code(tmp_path):
    corpus = tmp_path / "tagged"
    corpus.mkdir()
    (corpus / CLEAN).write_bytes(b"Text.\n")
    marker = tmp_path / "pwned"
    (corpus / "corpus.yaml").write_text(f'name: !!python/object/apply:os.system ["touch {marker}"]\n')
    result = run("list", "--corpus", str(corpus))
    assert result.exit_code == 2
    assert result.stderr == (
        f"corpus: error: {corpus / 'corpus.yaml'}: invalid YAML: "
        "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'\n"
    )
    assert not marker.exists()


def test_fifo_named_txt_is_skipped_not_read(tmp_path):
    corpus = tmp_path / "fifo"
    corpus.mkdir()
    (corpus / CLEAN).write_bytes(b"Text.\n")
    os.mkfifo(corpus / "pipe.txt")
    process = corpus_process("list", "--corpus", str(corpus), "--format", "jsonl", timeout=30)
    assert process.returncode == 0
    assert process.stderr == b"corpus: warning: pipe.txt: not a regular file, skipped\n"
    assert [json.loads(line)["id"] for line in process.stdout.splitlines()] == ["010_0123abcd"]


@pytest.mark.slow
def test_a_50_mb_file_is_read_whole_under_a_limit_that_allows_it(tmp_path):
    corpus = tmp_path / "big"
    corpus.mkdir()
    line = b"x" * 1023 + b"\n"  # long lines of one word each: cheap to parse, 51,200 paragraphs
    (corpus / "big.txt").write_bytes(b" date 2024-06-01 " + line * (BIG_FILE_BYTES // len(line)))
    result = run("list", "--corpus", str(corpus), "--format", "jsonl", "--max-document-mb", "64")  # the default is 10
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    header = " date 2024-06-01 "
    assert (record["date"], record["words"], record["chars"]) == ("2024-06-01", BIG_FILE_BYTES // len(line), len(header) + BIG_FILE_BYTES)


def corpus_process(*args: str, timeout: float = 60, env: dict[str, str] | None = None, **streams) -> subprocess.CompletedProcess:
    """Run `python -m corpus_cli` for real: real pipes, descriptors and environment."""
    streams.setdefault("stdin", subprocess.DEVNULL)
    streams.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "corpus_cli", *args], stderr=subprocess.PIPE, timeout=timeout, env={**os.environ, **(env or {})}, **streams
    )


@pytest.mark.slow
def test_closed_pipe_ends_quietly_with_status_0(hostile):
    command = [sys.executable, "-m", "corpus_cli", "show", "--corpus", str(hostile), "long_line", "--raw"]
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout.read(10) == b"word word "
        process.stdout.close()  # as `| head -c 10` does, with megabytes still to write
        errors = process.stderr.read()
        assert process.wait(timeout=60) == 0
    assert b"Traceback" not in errors
    assert b"error" not in errors


@pytest.mark.slow
def test_full_disk_is_one_error_line_and_status_2(hostile):
    with open("/dev/full", "wb") as full:
        process = corpus_process("show", "--corpus", str(hostile), "long_line", "--raw", stdout=full)
    assert process.returncode == 2
    assert process.stderr.decode().splitlines()[-1] == "corpus: error: cannot write the output: No space left on device"
    assert b"Traceback" not in process.stderr


@pytest.mark.slow
def test_stdout_that_cannot_be_written_is_one_error_line(hostile, tmp_path):
    target = tmp_path / "read-only-descriptor"
    target.write_bytes(b"")
    with target.open("rb") as read_only:  # stdout open for reading only: every write fails
        process = corpus_process("list", "--corpus", str(hostile), "--id", "010_*", "--format", "jsonl", stdout=read_only)
    assert process.returncode == 2
    assert process.stderr.decode().splitlines()[-1] == "corpus: error: Bad file descriptor"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_folder_is_a_warning_and_the_run_goes_on(tmp_path):
    corpus = tmp_path / "locked"
    (corpus / "private").mkdir(parents=True)
    (corpus / CLEAN).write_bytes(b"Text.\n")
    (corpus / "private").chmod(0)
    try:
        result = run("list", "--corpus", str(corpus), "--format", "jsonl")
    finally:
        (corpus / "private").chmod(0o755)
    assert result.exit_code == 0
    assert result.stderr == f"corpus: warning: {corpus / 'private'}: cannot read folder: Permission denied\n"


C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0"}  # Python turns UTF-8 mode on by itself
ASCII_FILE_SYSTEM = {**C_LOCALE, "PYTHONUTF8": "0"}  # file names come in as ASCII with escaped bytes


@pytest.mark.slow
@pytest.mark.parametrize("env", [C_LOCALE, ASCII_FILE_SYSTEM, {"PYTHONIOENCODING": "ascii"}])
def test_non_ascii_prints_as_utf8_whatever_the_locale(hostile, env):
    process = corpus_process("list", "--corpus", str(hostile), "--format", "jsonl", env=env)
    assert process.returncode == 0
    ids = [json.loads(line)["id"] for line in process.stdout.decode("utf-8").splitlines()]
    assert {"latin1", "with space é"} <= set(ids)
    errors = process.stderr.decode("utf-8").splitlines()
    assert "corpus: warning: latin1.txt: invalid UTF-8 at byte 3; decoded as Windows-1252" in errors
    assert r"corpus: warning: caf\xe9.txt: file name is not valid UTF-8, skipped (rename the file)" in errors
