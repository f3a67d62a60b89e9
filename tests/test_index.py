"""`corpus index` and what commands do with it, through the real entry point: the same output as
without an index, fresh or stale; --status, --drop; an unusable index is one warning."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from helpers import SEEDS, run
from index_corpora import hostile_corpus, make_stale

# A few of each command's modes: the whole matrix is in test_index_differential.py.
QUICK = [
    ("list",),
    ("list", "--since", "2024", "--sort", "words"),
    ("stats", "--by", "month"),
    ("stats", "--top", "5"),
    ("grep", "-c", "-w", "ICE", "--include-zero"),
    ("grep", "-i", "mayorkas"),
    ("grep", "-l", "nowhere-at-all"),
]


def same_as_scan(corpus: Path, *args: str) -> None:
    """The command's stdout, stderr and status with the index equal those with --no-index."""
    scanned = run(*args, "--corpus", str(corpus), "--no-index")
    indexed = run(*args, "--corpus", str(corpus))
    assert (indexed.stdout, indexed.stderr, indexed.exit_code) == (scanned.stdout, scanned.stderr, scanned.exit_code), args


def index_of(corpus: Path) -> Path:
    result = run("index", "--corpus", str(corpus))
    assert result.exit_code == 0, result.stderr
    return corpus / ".corpus" / "index.sqlite"


def status(corpus: Path) -> dict:
    result = run("index", "--status", "--corpus", str(corpus), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return hostile_corpus(tmp_path / "hostile")


def test_index_is_built_in_the_corpus_and_reported(hostile: Path):
    assert status(hostile)["exists"] is False
    result = run("index", "--corpus", str(hostile))
    assert result.exit_code == 0 and result.stdout == ""
    assert ".corpus/index.sqlite" in result.stderr
    report = status(hostile)
    listed = run("list", "--corpus", str(hostile), "--no-index").stdout.splitlines()
    assert (report["usable"], report["documents"], report["stale"]) == (True, len(listed), 0)
    assert len(listed) == len(list(hostile.rglob("*.txt"))) - 1  # binary.txt is skipped
    assert report["bytes"] == (hostile / ".corpus" / "index.sqlite").stat().st_size


@pytest.mark.parametrize("args", QUICK, ids=" ".join)
def test_fresh_and_stale_index_give_the_scans_output(hostile: Path, args: tuple[str, ...]):
    index_of(hostile)
    same_as_scan(hostile, *args)
    make_stale(hostile)
    same_as_scan(hostile, *args)
    same_as_scan(hostile, *args)  # and again, from the index the first run brought up to date


def test_a_command_brings_a_stale_index_up_to_date(hostile: Path):
    index_of(hostile)
    make_stale(hostile)
    before = status(hostile)
    assert (before["added"], before["changed"], before["deleted"]) == (1, 2, 1)  # the touched file is not a change
    run("list", "--corpus", str(hostile))
    assert status(hostile)["stale"] == 0


def test_an_edit_that_keeps_size_and_mtime_is_seen(hostile: Path):
    index_of(hostile)
    make_stale(hostile)  # bom.txt: same size, mtime put back
    rows = [json.loads(line) for line in run("grep", "-c", "XYZ", "--corpus", str(hostile)).stdout.splitlines()]
    assert [row["id"] for row in rows] == ["bom"]


def test_index_update_reads_only_what_changed(hostile: Path):
    index_of(hostile)
    make_stale(hostile)
    result = run("index", "--corpus", str(hostile))
    assert "3 read, 1 removed" in result.stderr  # the edited, the same-size and the added file; the deleted one
    assert status(hostile)["stale"] == 0


def test_drop_removes_the_index(hostile: Path):
    index_of(hostile)
    result = run("index", "--drop", "--corpus", str(hostile))
    assert result.exit_code == 0 and "removed" in result.stderr
    assert not (hostile / ".corpus").exists()
    assert status(hostile)["exists"] is False
    assert run("index", "--drop", "--corpus", str(hostile)).stderr == "corpus: no index to remove\n"


def test_status_and_drop_together_are_a_usage_error(hostile: Path):
    result = run("index", "--status", "--drop", "--corpus", str(hostile))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_a_corpus_named_by_a_relative_path_uses_its_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`--corpus c` from the folder above: the index is opened (read-only, by a file URI, which
    needs an absolute path) and answers as a scan does, as through an absolute path."""
    shutil.copytree(SEEDS, tmp_path / "c")
    monkeypatch.chdir(tmp_path)
    index_of(Path("c"))
    for args in (("list",), ("stats",), ("grep", "-c", "ICE")):
        same = run(*args, "--corpus", str(tmp_path / "c"))
        assert (run(*args, "--corpus", "c").stdout, same.exit_code) == (same.stdout, 0), args
    same_as_scan(Path("c"), "grep", "-w", "ICE")
    assert status(Path("c"))["documents"] == 5
    assert run("search", "Mayorkas", "--corpus", "c").stdout == run("search", "Mayorkas", "--corpus", str(tmp_path / "c")).stdout


def test_an_unwritable_corpus_is_indexed_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """XDG_CACHE_HOME points into tmp_path (conftest). Tests may run as root, who can write
    anywhere, so the corpus folder is made unwritable by saying so."""
    corpus = tmp_path / "readonly"
    shutil.copytree(SEEDS, corpus)
    from corpus_cli.index import location

    monkeypatch.setattr(location, "writable", lambda folder: not Path(folder).is_relative_to(corpus))
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    where = Path(status(corpus)["location"])
    assert where.is_relative_to(tmp_path / "cache" / "corpus") and where.is_file()
    assert not (corpus / ".corpus").exists()
    same_as_scan(corpus, "list")
    same_as_scan(corpus, "grep", "-c", "Mayorkas")


def test_an_unwritable_corpus_without_a_home_folder_is_one_error_and_commands_still_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    corpus = tmp_path / "readonly"
    shutil.copytree(SEEDS, corpus)
    from corpus_cli.index import location

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(location, "writable", lambda folder: not Path(folder).is_relative_to(corpus))
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    built = run("index", "--corpus", str(corpus))
    assert built.exit_code == 2
    assert (
        built.stderr
        == f"corpus: error: {corpus} cannot be written, and there is no cache folder for its index (no home folder): set XDG_CACHE_HOME\n"
    )
    assert status(corpus)["exists"] is False
    listed = run("list", "--corpus", str(corpus))
    assert (listed.exit_code, listed.stderr) == (0, "") and listed.stdout == run("list", "--no-index", "--corpus", str(corpus)).stdout


def test_the_bundled_seeds_are_indexed_in_the_cache_not_in_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An installed package's folder is often writable (a venv, uv tool); the index still goes to the
    user's cache. The bundled seeds are a copy here, so a failure cannot write into the checkout."""
    seeds = tmp_path / "bundled"
    shutil.copytree(SEEDS, seeds)
    from corpus_cli.index import location
    from corpus_cli.source import locate

    monkeypatch.setattr(locate, "bundled_seeds", lambda: seeds)
    monkeypatch.setattr(location, "bundled_seeds", lambda: seeds)
    assert run("index").exit_code == 0
    where = Path(json.loads(run("index", "--status", "--format", "jsonl").stdout)["location"])
    assert where.is_relative_to(tmp_path / "cache" / "corpus") and where.is_file()
    assert not (seeds / ".corpus").exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "other-version"])
def test_an_unusable_index_is_one_warning_and_a_scan(hostile: Path, damage: str):
    index = index_of(hostile)
    if damage == "garbage":
        index.write_bytes(b"not a database at all" * 100)
    elif damage == "truncated":
        index.write_bytes(index.read_bytes()[:5000])
    else:
        index.unlink()
        connection = sqlite3.connect(index)
        connection.execute("CREATE TABLE files (path TEXT)")
        if damage == "other-version":
            connection.execute("PRAGMA application_id = 1668248176")
            connection.execute("PRAGMA user_version = 999")
        connection.commit()
        connection.close()
    scanned = run("list", "--corpus", str(hostile), "--no-index")
    indexed = run("list", "--corpus", str(hostile))
    assert indexed.exit_code == 0 and indexed.stdout == scanned.stdout
    extra = indexed.stderr.replace(scanned.stderr, "", 1)
    assert extra.count("\n") == 1 and extra.startswith("corpus: warning: ") and "corpus index" in extra
    assert status(hostile)["usable"] is False
    assert run("index", "--corpus", str(hostile)).exit_code == 0  # rebuilt
    assert status(hostile)["usable"] is True
    same_as_scan(hostile, "list")


def test_no_index_option_is_on_every_document_command():
    from corpus_cli.cli import SUBCOMMANDS

    for command in set(SUBCOMMANDS) - {"help"}:  # help prints help, it reads no document
        assert "--no-index" in run(command, "--help").stdout, command


def test_the_index_is_what_answers(hostile: Path):
    """Proof that the tests above compare two ways of answering: a title changed inside the index
    (and nowhere else) shows in `list`, and a file whose trigram rows are unlinked is not searched
    by grep. (Never do this to a real index: it is how an index that lies would look.)"""
    index = index_of(hostile)
    run("list", "--corpus", str(hostile))  # settles the racy entries of files just written
    connection = sqlite3.connect(index)
    connection.execute("UPDATE files SET title = 'Planted in the index' WHERE path = 'cp1252.txt'")
    connection.execute("UPDATE files SET rowid = rowid + 100000 WHERE path = 'crlf.txt'")
    connection.commit()
    connection.close()
    titles = {json.loads(line)["title"] for line in run("list", "--corpus", str(hostile)).stdout.splitlines()}
    assert "Planted in the index" in titles
    # A word in few files (grep scans for one in most of them, as without an index)
    counted = {json.loads(line)["id"] for line in run("grep", "-c", "Windows", "--corpus", str(hostile)).stdout.splitlines()}
    assert "crlf" not in counted
    assert "crlf" in {
        json.loads(line)["id"] for line in run("grep", "-c", "Windows", "--corpus", str(hostile), "--no-index").stdout.splitlines()
    }


@pytest.mark.parametrize(
    "args", [("stats", "--top", "5"), ("stats", "--top", "5", "--ngram", "2"), ("stats", "--by", "year")], ids=" ".join
)
def test_ids_on_stdin_are_read_once_with_an_index(hostile: Path, args: tuple[str, ...]):
    """`grep -l | stats --top`: the ids piped in select the same documents with an index (where
    frequent terms of a selection are counted from the files) as without one."""
    index_of(hostile)
    listed = run("list", "--corpus", str(hostile), "--no-index", "--format", "jsonl").stdout.splitlines()[:4]
    scanned = run(*args, "--stdin", "--corpus", str(hostile), "--no-index", "--format", "jsonl", input="\n".join(listed))
    indexed = run(*args, "--stdin", "--corpus", str(hostile), "--format", "jsonl", input="\n".join(listed))
    assert scanned.exit_code == 0 and scanned.stdout
    assert scanned.stdout != run(*args, "--corpus", str(hostile), "--no-index", "--format", "jsonl").stdout  # the ids selected
    assert (indexed.stdout, indexed.stderr) == (scanned.stdout, scanned.stderr)


def test_a_folder_in_the_index_files_place_is_one_clear_error(hostile: Path):
    """Neither a build over it nor --drop touches it; commands scan as without an index."""
    (hostile / ".corpus" / "index.sqlite").mkdir(parents=True)
    (hostile / ".corpus" / "index.sqlite" / "keep.txt").write_text("mine\n")
    for args in (("index",), ("index", "--drop")):
        result = run(*args, "--corpus", str(hostile))
        errors = [line for line in result.stderr.splitlines() if not line.startswith("corpus: warning: ")]  # the corpus's own
        assert result.exit_code == 2 and len(errors) == 1, result.stderr
        assert errors[0].startswith("corpus: error: ") and "is a folder, where the index file belongs" in errors[0]
    assert (hostile / ".corpus" / "index.sqlite" / "keep.txt").read_text() == "mine\n"
    assert status(hostile)["problem"] == "a folder is where the index file belongs; move it away"
    same_as_scan(hostile, "list")


@pytest.mark.slow
def test_a_corpus_without_an_index_loads_none_of_the_index_modules(tmp_path: Path) -> None:
    """Looking for an index is a stat: a corpus without one pays none of its imports (a fifth of
    grep's start-up); with one, the same runs do use them."""
    import subprocess
    import sys

    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from corpus_cli.cli import cli\n"
        "for args in (['grep', '-c', 'ICE'], ['list'], ['stats']):\n"
        "    assert CliRunner().invoke(cli, [*args, '--corpus', sys.argv[1]]).exit_code == 0\n"
        "print(sorted(name for name in ('corpus_cli.index.view', 'corpus_cli.index.candidates') if name in sys.modules))\n"
    )

    def index_modules_loaded() -> str:
        result = subprocess.run(
            [sys.executable, "-c", code, str(corpus)], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert index_modules_loaded() == "[]\n"
    assert run("index", "--corpus", str(corpus)).exit_code == 0
    assert index_modules_loaded() == "['corpus_cli.index.candidates', 'corpus_cli.index.view']\n"


def test_an_update_on_a_full_disk_says_so_and_leaves_the_index_usable(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch):
    """SQLite rolls a transaction back itself when the disk fills (SQLITE_FULL); the error that says
    so is the one given. A full disk is made by capping the index's pages where it stands."""
    assert run("index", "--corpus", str(seeds_copy)).exit_code == 0
    from corpus_cli.index import schema

    connect = schema.connect

    def full(path: Path, *, writable: bool) -> sqlite3.Connection:
        connection = connect(path, writable=writable)
        if writable:
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(schema, "connect", full)
    for number in range(40):  # new documents enough to need new pages
        (seeds_copy / f"new_{number}.txt").write_text(f"A new article {number}. " + "Words of its own: " * 50 + f"w{number}x" * 400)
    updated = run("index", "--corpus", str(seeds_copy))
    assert updated.exit_code == 2
    assert updated.stderr.endswith(": cannot write the index: database or disk is full\n"), updated.stderr
    monkeypatch.undo()
    assert status(seeds_copy)["usable"] is True
    assert run("list", "--corpus", str(seeds_copy)).stdout == run("list", "--no-index", "--corpus", str(seeds_copy)).stdout


def test_the_index_file_is_its_owner_s_alone(seeds_copy: Path):
    """Only the owner's commands answer from it, and it holds summaries of files another user may
    not read: mode 600 whatever the umask, after a rebuild too."""
    index = seeds_copy / ".corpus" / "index.sqlite"
    for args in (("index",), ("index", "--drop"), ("index",)):
        assert run(*args, "--corpus", str(seeds_copy)).exit_code == 0
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
