"""`corpus grep` on worker processes gives what one process gives: the same lines on stdout, the
same warnings on stderr in the same order, the same exit status, on files that take every way
through reading and decoding (grep -c counts most files by a short way, see grep/search.py)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from helpers import run

import corpus_cli.run.parallel as parallel

ICE = "ICE agents met.\nNothing here.\nICE and ICE again.\n"
# Name: bytes. Each takes its own way through reading and decoding, or warns in its own words.
FILES = {
    "a_plain": b" date 2024-01-02 Headline\n\n" + ICE.encode(),
    "b_undated": ICE.encode(),
    "c_bom": codecs.BOM_UTF8 + b" date 2024-03-01\n\n" + ICE.encode(),
    "d_latin": b" date 2023-05-05\n\nCaf\xe9 ICE\nICE\n",  # not UTF-8: Windows-1252, with a warning
    "e_late_nul": b" date 2024-02-02\n\n" + b"filler line\n" * 800 + b"ICE\x00 late\n",  # kept as text, with a note
    "f_binary": b"\x00\x01ICE\n",  # skipped
    "g_impossible_date": b" date 2021-06-31 ICE here\n",
    "h_malformed_date": b" date 2021/06/30 ICE here\n",
    "i_blank": b"\n\n  \n",
    "j_utf16": codecs.BOM_UTF16_LE + " date 2024-04-04\n\nICE ice\n".encode("utf-16-le"),
    "k_crlf": b" date 2024-06-06\r\n\r\nICE\r\nice\r\nICE ICE\r\n",
    "l_curly": " date 2022-01-01\n\n\u201cICE\u201d said \u2014 ice\n".encode(),
    "m_furniture": b" date 2024-07-07\n\nRead the original article here\n",
    "n_large": b" date 2024-08-08\n\n" + b"ICE " * 400 + b"\n",  # past a --max-document-mb of 0.001
    "o_iwords": " date 2024-09-09\n\nice \u0130CE \u017fICE\n".encode(),  # folds that -i must not read off the bytes
}
SWITCHES = [
    ["ICE"],
    ["-v", "ICE"],
    ["-m", "1", "ICE"],
    ["-i", "ice"],
    ["-F", "ICE ICE"],
    ["-w", "ICE"],
    ["--since", "2024", "ICE"],
    ["--until", "2023-12", "ICE"],
    ["--since", "2022-07", "--until", "2022-07", "ICE"],  # only the date corpus.yaml gives
    ["--max-document-mb", "0.001", "ICE"],
    ["--field", "body", "ICE"],
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workers")
    for number, (name, data) in enumerate(FILES.items()):
        folder = root / f"{number % 3:02d}"  # several folders, files of each spread over the tasks
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.txt").write_bytes(data)
    (root / "corpus.yaml").write_text("documents:\n  b_undated:\n    date: 2022-07-05\n  a_plain:\n    date: 2022-07-06\n")
    return root


@pytest.mark.slow  # forks worker processes, a run a case
@pytest.mark.parametrize("switches", SWITCHES, ids=" ".join)
@pytest.mark.parametrize("mode", [["-c", "--include-zero"], ["-c"], ["-l"], []], ids=" ".join)
def test_workers_print_and_warn_as_one_process_does(
    corpus: Path, switches: list[str], mode: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 2)  # several tasks on each of two workers
    command = ["grep", "--corpus", str(corpus), "--no-stdin", "--format", "jsonl", *mode, *switches]
    alone = run(*command, "-j", "1")
    pooled = run(*command, "-j", "2")
    assert alone.exit_code in (0, 1), alone.output
    assert (pooled.exit_code, pooled.stdout, pooled.stderr) == (alone.exit_code, alone.stdout, alone.stderr)


def test_grep_c_counts_and_warns_on_workers_as_it_reads(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counts and warnings themselves, on two workers: each file as its encoding says."""
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 2)
    result = run("grep", "--corpus", str(corpus), "--no-stdin", "--format", "csv", "-c", "--include-zero", "-j", "2", "ICE")
    counts = dict(line.split(",")[0::2] for line in result.stdout.splitlines()[1:])
    assert counts == {
        "a_plain": "2",
        "b_undated": "2",
        "c_bom": "2",
        "d_latin": "2",
        "e_late_nul": "1",
        "g_impossible_date": "1",
        "h_malformed_date": "1",
        "i_blank": "0",
        "j_utf16": "1",
        "k_crlf": "2",
        "l_curly": "1",
        "m_furniture": "0",
        "n_large": "1",
        "o_iwords": "1",
    }
    warned = [line.split(": ")[2].partition("/")[2] for line in result.stderr.splitlines()]
    assert warned == [
        "d_latin.txt",
        "e_late_nul.txt",
        "f_binary.txt",
        "g_impossible_date.txt",
        "h_malformed_date.txt",
        "i_blank.txt",
        "m_furniture.txt",
    ], result.stderr
