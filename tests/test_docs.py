"""The documentation cannot drift: man pages, --help, the README and CI say the same things."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest
from helpers import on_a_terminal, run

from corpus_cli.cli import SUBCOMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
MAN = ROOT / "man"
PAGES = MAN / "man1"
GENERATOR = MAN / "generate_pages.py"


def _load_generator() -> ModuleType:
    """man/generate_pages.py, a development script outside the package, as a module."""
    spec = importlib.util.spec_from_file_location("generate_pages", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_generator = _load_generator()
man_pages, write_pages = _generator.man_pages, _generator.write_pages
README = ROOT / "README.md"
CI_SCRIPT = ROOT / ".ci" / "run"
SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO")
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
needs_groff = pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return man_pages(cli)


def commands() -> list[tuple[str, ...]]:
    """The argument prefix of each page's command: () for the group, (name,) for each subcommand."""
    return [(), *((name,) for name in sorted(SUBCOMMANDS))]


def page_name(command: tuple[str, ...]) -> str:
    return "-".join(("corpus", *command)) + ".1"


def section(page: str, title: str) -> str:
    """One section of a page, with roff's escaped minus signs and font changes undone."""
    match = re.search(rf'^\.SH "?{title}"?\n(.*?)(?=^\.SH |\Z)', page, re.S | re.M)
    assert match, f"no {title} section"
    return unescape(match.group(1))


def unescape(roff: str) -> str:
    """Roff text back to plain text, for the escapes `man/generate_pages.py` writes."""
    roff = re.sub(r"\\f[BIRP]|^\\&", "", roff, flags=re.M)
    roff = re.sub(r"\\\[u([0-9A-F]{4,6})\]", lambda match: chr(int(match.group(1), 16)), roff)
    return roff.replace("\\-", "-").replace("\\(dq", '"').replace("\\e", "\\")


def lint(text: str) -> str:
    """What `groff -man -ww -z` says about a page (nothing, for a clean page)."""
    result = subprocess.run(["groff", "-man", "-ww", "-z"], input=text.encode("utf-8"), capture_output=True, timeout=60)
    return (result.stderr + result.stdout).decode("utf-8", errors="replace")


# --- man pages -----------------------------------------------------------------------------------


def test_committed_man_pages_are_the_generated_ones(pages: dict[str, str]):
    """Regenerate with `uv run python man/generate_pages.py` when this fails."""
    committed = {path.name: path.read_text(encoding="utf-8") for path in PAGES.glob("*.1")}
    assert sorted(committed) == sorted(pages), "man/man1/ does not hold one page per command"
    for name, text in pages.items():
        assert committed[name] == text, f"man/man1/{name} is out of date: run `uv run python man/generate_pages.py`"


def test_one_page_for_the_group_and_each_registered_subcommand(pages: dict[str, str]):
    assert sorted(pages) == sorted(page_name(command) for command in commands())


def test_generation_is_deterministic_and_ignores_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages: dict[str, str]):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert man_pages(cli) == pages
    written = write_pages(tmp_path, pages)
    assert sorted(path.name for path in written) == sorted(pages)


def test_the_generator_removes_pages_of_subcommands_that_are_gone(tmp_path: Path, pages: dict[str, str]):
    (tmp_path / "corpus-retired.1").write_text("old", encoding="utf-8")
    (tmp_path / "unrelated.1").write_text("kept", encoding="utf-8")
    write_pages(tmp_path, pages)
    assert not (tmp_path / "corpus-retired.1").exists() and (tmp_path / "unrelated.1").exists()


@pytest.mark.slow
def test_the_generator_runs_as_a_module(tmp_path: Path, pages: dict[str, str]):
    result = subprocess.run([sys.executable, str(GENERATOR), str(tmp_path)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.1")} == pages


@pytest.mark.parametrize("command", commands(), ids=page_name)
def test_each_page_has_the_sections_a_reader_expects(pages: dict[str, str], command: tuple[str, ...]):
    headings = re.findall(r'^\.SH "?([A-Z ]+?)"?$', pages[page_name(command)], re.M)
    assert [heading for heading in headings if heading in SECTIONS] == list(SECTIONS)


@needs_groff
@pytest.mark.parametrize("command", commands(), ids=page_name)
def test_groff_finds_nothing_to_warn_about(pages: dict[str, str], command: tuple[str, ...]):
    assert lint(pages[page_name(command)]) == ""


@pytest.mark.parametrize("command", commands(), ids=page_name)
def test_every_option_in_help_is_in_the_man_page(pages: dict[str, str], command: tuple[str, ...]):
    help_text = run(*command, "--help").stdout
    options_part = help_text.split("\nOptions:\n", 1)[1].split("\nCommands:\n")[0]
    in_help = {name for line in options_part.splitlines() for name in OPTION.findall(line.strip().split("  ")[0])}
    assert {"--help", "-h"} <= in_help  # the parse found the options
    documented = set(OPTION.findall(section(pages[page_name(command)], "OPTIONS")))
    assert in_help <= documented


@pytest.mark.parametrize("command", commands(), ids=page_name)
def test_every_help_has_an_example_section(command: tuple[str, ...]):
    help_text = run(*command, "--help").stdout
    examples = help_text.split("Examples:\n", 1)
    assert len(examples) == 2, f"`corpus {' '.join(command)} --help` has no Examples: section"
    assert re.match(r"\s+corpus ", examples[1])


@pytest.mark.parametrize("command", commands(), ids=page_name)
def test_man_examples_are_the_help_examples(pages: dict[str, str], command: tuple[str, ...]):
    help_examples = run(*command, "--help").stdout.split("Examples:\n", 1)[1].split("\n\n")[0]
    man_examples = section(pages[page_name(command)], "EXAMPLES")
    for example in help_examples.splitlines():
        assert example.strip() in man_examples


def test_awkward_help_text_makes_a_clean_page():
    """Leading dots and quotes, backslashes, double quotes and non-ASCII text must not become roff requests."""

    @click.command("odd")
    @click.option("--path", metavar="'DIR'", help='.hidden "quoted" back\\slash café — €.')
    def odd(path: str) -> None:
        """'Quoted first line.

        .start of a paragraph with a dot, and -dashes.

        \b
        Examples:
          corpus odd --path '.' | jq .
        """

    group = click.Group("corpus", commands={"odd": odd})
    page = man_pages(group)["corpus-odd.1"]
    requests = [line for line in page.splitlines() if line.startswith((".", "'"))]
    assert all(re.match(r"\.(TH|SH|SS|TP|PP|B|BR|RS|RE|nf|fi|nh|ad)( |$)", line) for line in requests), requests
    if shutil.which("groff"):
        assert lint(page) == ""
        rendered = subprocess.run(["groff", "-man", "-Tutf8"], input=page.encode(), capture_output=True, timeout=60).stdout.decode()
        plain = re.sub(r".\x08", "", rendered)
        assert "café — €" in plain and ".start of a paragraph" in plain and "corpus odd --path '.' | jq ." in plain


# --- shell completion ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_come_from_click(shell: str):
    env = {**os.environ, "_CORPUS_COMPLETE": f"{shell}_source"}
    result = subprocess.run([sys.executable, "-m", "corpus_cli"], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    assert result.returncode == 0 and b"_CORPUS_COMPLETE" in result.stdout


@pytest.mark.slow
def test_bash_completes_subcommands_and_options():
    def complete(words: str) -> list[str]:
        env = {**os.environ, "_CORPUS_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        result = subprocess.run([sys.executable, "-m", "corpus_cli"], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        return [line.split(",", 1)[1] for line in result.stdout.decode().splitlines()]

    assert complete("corpus li") == ["list"]
    assert "--since" in complete("corpus list --si")


# --- README and CI -------------------------------------------------------------------------------


def readme_section(title: str) -> str:
    """The README's section headed `title`, up to the next heading of the same or a higher level."""
    lines, level, fenced = [], None, False
    for text in README.read_text(encoding="utf-8").splitlines():
        fenced ^= text.startswith("```")
        heading = None if fenced or text.startswith("```") else re.match(r"(#+) (.*)", text)
        if heading and level is not None and len(heading.group(1)) <= level:
            break
        if level is not None:
            lines.append(text)
        elif heading and heading.group(2) == title:
            level = len(heading.group(1))
    assert level is not None, f"README has no section {title!r}"
    return "\n".join(lines) + "\n"


def code_lines(markdown: str) -> list[str]:
    """The lines inside ``` fences, comments and blank lines left out."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", markdown, re.S | re.M)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_readme_documents_every_subcommand_with_a_jq_pipeline(name: str):
    lines = code_lines(readme_section(f"`corpus {name}`"))
    assert any(line.startswith(f"corpus {name}") for line in lines)
    if name != "help":  # help prints text, no records for jq
        assert any("| jq" in line and "corpus" in line for line in lines), f"no jq pipeline for corpus {name}"


def test_readme_quick_start_is_what_ci_runs():
    quick_start = [line for line in code_lines(readme_section("Quick start")) if line.startswith("uv run")]
    assert "uv run corpus list --since 2024-01-01" in quick_start and "uv run pytest" in quick_start
    ci_lines = [line.strip() for line in CI_SCRIPT.read_text(encoding="utf-8").splitlines()]
    linters = ("uv run ruff ", "uv run mypy")  # CI holds the code to the house rules before the quick start
    assert [line for line in ci_lines if line.startswith("uv run") and not line.startswith(linters)] == quick_start
    assert ci_lines[-1] == "uv run pytest"


def shown_runs() -> list[tuple[str, str]]:
    """The README's text blocks that show a run: ``$ corpus ARGS`` and what it printed."""
    blocks = re.findall(r"^```text\n\$ corpus (.*?)\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    assert len(blocks) >= 4, "the README's shown runs went missing"
    return blocks


@pytest.mark.parametrize(("arguments", "shown"), shown_runs(), ids=[arguments for arguments, _ in shown_runs()])
def test_readme_shows_what_each_shown_run_prints_on_a_terminal(arguments: str, shown: str):
    """Each example output in the README is what the command prints on the seeds, at 100 columns."""
    assert on_a_terminal(*shlex.split(arguments), env={"NO_COLOR": "1"}) == shown


def test_readme_documents_completion_for_each_shell():
    lines = code_lines(readme_section("Shell completion"))
    for shell in ("bash", "zsh", "fish"):
        assert any(f"_CORPUS_COMPLETE={shell}_source corpus" in line for line in lines)


def test_readme_names_every_schema():
    text = README.read_text(encoding="utf-8")
    for path in sorted((ROOT / "schemas").glob("*.json")):
        assert f"schemas/{path.name}" in text


# Examples that need what the seeds do not hold: a file or folder outside them, or pyarrow's output.
OUTSIDE_FILES = ("~/", "../", "families.yaml", ".parquet")


def help_examples(command: tuple[str, ...]) -> list[str]:
    """The Examples lines of a command's --help that name no outside file, a line that goes on
    inside a quoted string joined to the next."""
    block = run(*command, "--help").stdout.split("Examples:\n", 1)[1].split("\n\n")[0]
    examples: list[str] = []
    pending = ""
    for line in block.splitlines():
        pending = f"{pending}\n{line.strip()}" if pending else line.strip()
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # a quoted string still open
            continue
        if pending and not any(outside in pending for outside in OUTSIDE_FILES):
            examples.append(pending)
        pending = ""
    return examples


@pytest.mark.slow
@pytest.mark.parametrize("command", commands(), ids=page_name)
def test_every_help_example_works_on_the_seeds(tmp_path: Path, command: tuple[str, ...]):
    """An example that fails, or finds nothing, on the seeds teaches a user nothing. Each command's
    examples run in order (export's sqlite3 line reads the file the line before wrote), on an
    indexed copy of the seeds of their own (index's --drop must not take search's index)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    assert run("index", "--corpus", str(seeds)).exit_code == 0
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)  # conftest may have made it, as the tests' working folder
    bin_folder = Path(sys.executable).parent  # where `corpus` is installed
    env = {**os.environ, "CORPUS_PATH": str(seeds), "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}
    examples = help_examples(command)
    assert examples
    for example in examples:
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", example], cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120
        )
        # check's 1 is its documented "found problems", and the seeds hold undated documents on purpose.
        allowed = {0, 1} if example.startswith("corpus check") else {0}
        assert done.returncode in allowed, f"{example}: exit {done.returncode}: {done.stderr.decode(errors='replace')}"
