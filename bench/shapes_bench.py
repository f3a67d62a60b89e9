"""Documents of awkward shapes, doubled in size: does each command's time double, or grow faster?

    uv run python bench/shapes_bench.py                 # 16 to 128 KB
    uv run python bench/shapes_bench.py --largest-kb 1024

Each shape is one document that real news can hold, written at sizes that double: a roll call
("Sen. Adams, Sen. Baker, ..."), where every full stop closes an abbreviation; a paragraph of
quotations whose speaker is a pronoun ("She said ..."); a paragraph of quotations by named people;
one long line without a full stop. Every command that reads the document runs on it (a real
process, --no-index, stdout to a pipe), and the table gives its time at each size and the growth
from one size to the next: about 2 is linear, 4 is quadratic. A growth past 3 at the largest size
is flagged. Found so: the lede's search for the word before each full stop and the attribution of
each pronoun read the text before them again, and both grew as the square of the paragraph.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from command import corpus_command  # a sibling script, not a package

NAMES = ["Adams", "Baker", "Clark", "Davis", "Evans"]
COMMANDS = [("list",), ("stats", "--top", "5"), ("quotes",), ("export", "--format", "jsonl"), ("grep", "-c", "said")]
QUADRATIC = 3.0


def repeated(piece: Callable[[int], str], size: int) -> str:
    """`piece(0) + piece(1) + ...`, until `size` characters."""
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(piece(len(parts)))
        length += len(parts[-1])
    return "".join(parts)


def roll_call(size: int) -> str:
    return "Voting yes on the border bill: " + repeated(lambda number: f"Sen. {NAMES[number % len(NAMES)]}, ", size) + "and nobody else.\n"


def pronoun_quotes(size: int) -> str:
    return "Ann Lee spoke first. " + repeated(lambda number: f'She said "we will go home on day {number}" and left. ', size) + "\n"


def named_quotes(size: int) -> str:
    return repeated(lambda number: f'"The border is closed {number}," said {NAMES[number % len(NAMES)]} Smith. ', size) + "\n"


def long_line(size: int) -> str:
    return ("the border agency said nothing more about it " * (size // 45 + 1))[:size] + "\n"


SHAPES: dict[str, Callable[[int], str]] = {
    "roll call": roll_call,
    "pronoun quotes": pronoun_quotes,
    "named quotes": named_quotes,
    "long line": long_line,
}


def seconds(corpus: Path, command: tuple[str, ...]) -> float:
    started = time.perf_counter()
    argv = [*corpus_command(), *command, "--no-index", "--corpus", str(corpus)]
    subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smallest-kb", type=int, default=16)
    parser.add_argument("--largest-kb", type=int, default=128)
    options = parser.parse_args(argv)
    sizes = []
    size = options.smallest_kb
    while size <= options.largest_kb:
        sizes.append(size)
        size *= 2
    flagged = 0
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'shape':15s} {'command':12s} " + " ".join(f"{kb:>7d}KB" for kb in sizes) + "   growth")
        for shape, make in SHAPES.items():
            corpora = []
            for kb in sizes:
                corpus = Path(scratch) / f"{shape.replace(' ', '-')}-{kb}"
                corpus.mkdir()
                (corpus / "001_shape.txt").write_text(" date 2024-01-01 " + make(kb * 1024), encoding="utf-8")
                corpora.append(corpus)
            for command in COMMANDS:
                times = [seconds(corpus, command) for corpus in corpora]
                growth = [later / earlier for earlier, later in itertools.pairwise(times)]
                verdict = "SUPERLINEAR" if growth and growth[-1] > QUADRATIC and times[-1] > 0.5 else "ok"
                flagged += verdict != "ok"
                cells = " ".join(f"{value:8.2f}s" for value in times)
                print(f"{shape:15s} {command[0]:12s} {cells}   {' '.join(f'{g:.1f}' for g in growth)}  {verdict}", flush=True)
    print("every command grows about linearly" if not flagged else f"{flagged} command(s) grow faster than linearly")


if __name__ == "__main__":
    main(sys.argv[1:])
