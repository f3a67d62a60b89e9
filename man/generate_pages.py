"""Man pages generated from the click definitions, so they cannot drift from ``--help``.

    python man/generate_pages.py [FOLDER]   (default: man/man1, beside this script)

writes ``corpus.1`` and one ``corpus-<subcommand>.1`` for every registered subcommand, and removes
pages of subcommands that no longer exist. A page depends only on the code (no build date), so CI
regenerates the pages and fails on any difference. Descriptions, options and examples come from
each command's docstring and parameters; the sections every page shares (exit status, environment,
files) are written here once.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click

from corpus_cli import __version__
from corpus_cli.errors import ExitStatus

PROGRAM = "corpus"
MANUAL = "User Commands"
EXIT_STATUS_TEXT = {
    ExitStatus.OK: "Success; also when the reader of the output goes away early, as in: corpus list | head -1.",
    ExitStatus.NOT_FOUND: "Nothing found: no match for grep, an id that show cannot find, a failed check.",
    ExitStatus.ERROR: "Bad usage or an error (a bad option, stdin that is not JSON Lines with ids, an unreadable corpus). "
    "The one line on standard error says what was wrong; --strict turns warnings into this status.",
    ExitStatus.HANGUP: "Hung up (SIGHUP: the terminal closed); handled as SIGTERM is.",
    ExitStatus.INTERRUPTED: "Interrupted by Ctrl-C (SIGINT). A second signal while the first is handled is ignored.",
    ExitStatus.TERMINATED: "Terminated by SIGTERM (kill, a CI timeout); a file being exported is removed, not left half-written.",
}
ENVIRONMENT = (
    ("CORPUS_PATH", "The corpus folder (or its corpus.yaml) when --corpus is not given."),
    ("CORPUS_DEBUG", "Set to 1 to print a traceback with errors, as --debug does."),
    ("NO_COLOR", "When set, to any value, output is never coloured (https://no-color.org)."),
    ("TERM", "When dumb, output is not coloured."),
    ("COLUMNS", "The width tables are fitted to on a terminal."),
    (
        "XDG_CACHE_HOME",
        "Where the index of a corpus whose folder cannot be written goes (default ~/.cache): corpus/NAME-HASH/index.sqlite; "
        "and the data of a corpus.yaml of 64 KB or more, parsed again only when its text changes: corpus/configs/HASH.json.",
    ),
)
COMPLETION_VARIABLE = ("_CORPUS_COMPLETE", "Set by the completion scripts (see Shell completion); not for direct use.")
FILES = (
    (
        ".corpus/index.sqlite",
        "The corpus's index, made by corpus index, in the corpus folder (or under $XDG_CACHE_HOME/corpus/ when that folder "
        "cannot be written); commands use it when it is there, and give the same output without it. Safe to delete.",
    ),
    (
        "corpus.yaml",
        "Optional, in the corpus folder or any parent of the working folder: the corpus's name (name:), "
        "its documents' folder relative to the file (path:), and per-document title, date, source, url and tags (documents:).",
    ),
    (
        "*.txt",
        "The documents: one article a file, in the corpus folder and its sub-folders (hidden ones skipped); "
        "the id is the file name without .txt.",
    ),
)
COMPLETION = (
    ("bash", 'eval "$(_CORPUS_COMPLETE=bash_source corpus)"', "~/.bashrc"),
    ("zsh", 'eval "$(_CORPUS_COMPLETE=zsh_source corpus)"', "~/.zshrc"),
    ("fish", "_CORPUS_COMPLETE=fish_source corpus | source", "~/.config/fish/completions/corpus.fish"),
)


@dataclass
class Help:
    """A docstring split the way a man page needs it: prose, verbatim blocks, examples, exit status."""

    blocks: list[tuple[str, list[str]]] = field(default_factory=list)  # ("prose" | "verbatim", lines)
    examples: list[str] = field(default_factory=list)
    exit_status: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The first sentence-line of the help, for NAME and lists of commands."""
        first = next((lines for kind, lines in self.blocks if kind == "prose"), [""])
        return " ".join(first).rstrip(".")


def split_help(text: str | None) -> Help:
    """Parse click help text: paragraphs, ``\\b`` blocks kept as they are, an ``Examples:`` block."""
    text = inspect.cleandoc(text or "").split("\f")[0]
    parsed = Help()
    for paragraph in re.split(r"\n\s*\n", text):
        lines = paragraph.splitlines()
        if not lines:
            continue
        if lines[0].strip() == "\b":
            body = lines[1:]
            if body and body[0].strip().lower() == "examples:":
                parsed.examples += inspect.cleandoc("\n".join(body[1:])).splitlines()
            elif body:
                parsed.blocks.append(("verbatim", body))
        elif lines[0].lower().startswith("exit status:"):
            parsed.exit_status.append(" ".join(line.strip() for line in lines))
        else:
            parsed.blocks.append(("prose", [line.strip() for line in lines]))
    return parsed


def escape(text: str) -> str:
    """Text safe in roff: backslashes, minus signs, quotes and non-ASCII characters escaped."""
    text = text.replace("\\", "\\e").replace("-", "\\-").replace('"', "\\(dq")
    return "".join(char if ord(char) < 128 else f"\\[u{ord(char):04X}]" for char in text)


def line(text: str) -> str:
    """One input line of text: a leading . or ' would be read as a request."""
    return "\\&" + text if text.startswith((".", "'")) else text


def option_term(record: str) -> str:
    """``--corpus PATH`` as roff: option names in bold, their values in italics."""
    parts = []
    for token in record.split(" "):
        name, comma = (token[:-1], ",") if token.endswith(",") else (token, "")
        if name.startswith("-"):
            parts.append(f"\\fB{escape(name)}\\fR{comma}")
        elif name == "/":
            parts.append(name)
        else:
            parts.append(f"\\fI{escape(name)}\\fR{comma}")
    return line(" ".join(parts))


def page_reference(name: str) -> str:
    return f".BR {escape(name)} (1)"


def see_also(references: Iterable[str]) -> list[str]:
    """`.BR a (1),` lines, the last without a comma."""
    lines = [f"{page_reference(name)}," for name in references]
    lines[-1] = lines[-1].rstrip(",")
    return lines


def render(
    name: str, command: click.Command, ctx: click.Context, *, others: list[str], commands: list[tuple[str, str]] | None = None
) -> str:
    """A whole page for `command`; `commands` (name, summary) only for the group's page."""
    help_ = split_help(command.help)
    out = [
        f'.TH {escape(name.upper())} 1 "" "{PROGRAM} {escape(__version__)}" "{MANUAL}"',
        ".nh",  # no hyphenation: option and page names must be copied as they are
        ".ad l",
        ".SH NAME",
        f"{escape(name)} \\- {escape(help_.summary[:1].lower() + help_.summary[1:])}",
        ".SH SYNOPSIS",
        f".B {escape(ctx.command_path)}",
        escape(" ".join(command.collect_usage_pieces(ctx))),
        ".SH DESCRIPTION",
    ]
    for index, (kind, lines) in enumerate(help_.blocks):
        out.append(".PP" if index else "")
        if kind == "prose":
            out.append(line(escape(" ".join(lines))))
        else:
            out += [".nf", *(line(escape(text)) for text in lines), ".fi"]
    if commands is not None:
        out += [".SS Shell completion", "Completion comes from click. Add the line for your shell to its start-up file:"]
        for shell, code, where in COMPLETION:
            out += [".TP", f"{shell} ({escape(where)})", f"\\fB{escape(code)}\\fR"]
        out += [".SH COMMANDS", "Each command has its own page, and its own \\fB\\-\\-help\\fR."]
        for sub, summary in commands:
            out += [".TP", f"\\fB{escape(sub)}\\fR", line(escape(summary) + f". See \\fB{escape(PROGRAM + '-' + sub)}\\fR(1).")]
    out.append(".SH OPTIONS")
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None:
            out += [".TP", option_term(record[0]), line(escape(record[1]))]
    out += [".SH EXIT STATUS", *(line(escape(text)) for text in help_.exit_status)]
    for status in ExitStatus:
        out += [".TP", f"\\fB{int(status)}\\fR", line(escape(EXIT_STATUS_TEXT[status]))]
    out.append(".SH ENVIRONMENT")
    for variable, text in (*ENVIRONMENT, *((COMPLETION_VARIABLE,) if commands is not None else ())):
        out += [".TP", f"\\fB{escape(variable)}\\fR", line(escape(text))]
    out.append(".SH FILES")
    for path, text in FILES:
        out += [".TP", f"\\fI{escape(path)}\\fR", line(escape(text))]
    if help_.examples:
        out += [".SH EXAMPLES", ".RS 4", ".nf", *(line(escape(text)) for text in help_.examples), ".fi", ".RE"]
    out += [".SH SEE ALSO", *see_also([*others, "jq"])]
    return "\n".join(text for text in out if text != "") + "\n"


def man_pages(group: click.Group) -> dict[str, str]:
    """File name -> page, for the group and each of its subcommands (sorted, so the output is stable)."""
    root = click.Context(group, info_name=PROGRAM, **group.context_settings)
    names = group.list_commands(root)
    subcommands = {name: group.get_command(root, name) for name in names}
    sub_pages = [f"{PROGRAM}-{name}" for name in names]
    pages = {
        f"{PROGRAM}.1": render(
            PROGRAM,
            group,
            root,
            others=sub_pages,
            commands=[(name, split_help(sub.help).summary) for name, sub in subcommands.items() if sub],
        )
    }
    for name, sub in subcommands.items():
        assert sub is not None, f"subcommand {name} is registered but cannot be loaded"
        ctx = click.Context(sub, info_name=name, parent=root)
        pages[f"{PROGRAM}-{name}.1"] = render(
            f"{PROGRAM}-{name}", sub, ctx, others=[PROGRAM, *(page for page in sub_pages if page != f"{PROGRAM}-{name}")]
        )
    return pages


def write_pages(folder: Path, pages: dict[str, str]) -> list[Path]:
    """Write the pages into `folder` and delete the pages of subcommands that are gone."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{PROGRAM}-*.1"):
        if stale.name not in pages:
            stale.unlink()
    written = []
    for name, text in pages.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    """``python man/generate_pages.py [FOLDER]`` (default: man/man1)."""
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        sys.stderr.write("usage: python man/generate_pages.py [FOLDER]\n")
        return 2
    from corpus_cli.cli import cli

    for path in write_pages(Path(argv[0]) if argv else Path(__file__).resolve().parent / "man1", man_pages(cli)):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
