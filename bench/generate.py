"""Generate a synthetic corpus in the seeds' format, for benchmarks.

    python bench/generate.py OUT_DIR --mb 100 [--seed 1]

Documents are about 5 KB of text built from the seeds' own vocabulary, in every shape the parser
knows: a ` date YYYY-MM-DD ` header (some with an impossible date), a headline, a `(Credit)`,
trailing site furniture and "Read the original article here". The same arguments always give
the same files; a finished corpus is marked with `.complete` and reused.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TARGET_DOC_BYTES = 5000
CREDITS = ("Headline USA", "AP", "Reuters", "The Center Square")
FURNITURE = "\n\nMelissa Fine\n\nComment\n\nWe have no tolerance for comments containing violence.\n\nLatest Articles"


def vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += re.findall(r"\S+", path.read_text(encoding="utf-8"))
    return words


def paragraph(rng: random.Random, words: list[str]) -> str:
    start = rng.randrange(len(words) - 80)
    return " ".join(words[start : start + rng.randint(20, 80)])


def document(rng: random.Random, words: list[str]) -> str:
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < TARGET_DOC_BYTES:
        paragraphs.append(paragraph(rng, words))
    separator = "\n" if rng.random() < 0.3 else "\n\n"
    shape = rng.random()
    if shape < 0.15:
        paragraphs[0] = f"({rng.choice(CREDITS)}) " + paragraphs[0]
    if shape < 0.5:
        month, day = rng.randint(1, 12), rng.randint(1, 28 if rng.random() < 0.98 else 31)
        return f" date {rng.randint(2019, 2025)}-{month:02d}-{day:02d} " + separator.join(paragraphs) + "\n"
    if shape < 0.7:
        headline = " ".join(words[rng.randrange(len(words) - 12) :][:12]).rstrip(".")
        return headline + "\n\n" + separator.join(paragraphs) + FURNITURE
    if shape < 0.8:
        paragraphs.insert(1, "Read the original article here")
    return separator.join(paragraphs)


def generate(out: Path, megabytes: float, seed: int = 1) -> Path:
    """Write the corpus (once) and return its folder."""
    if (out / ".complete").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    rng, words = random.Random(seed), vocabulary()
    total, index = 0, 0
    while total < megabytes * 1_000_000:
        text = document(rng, words).encode("utf-8")
        folder = out / f"{index // 1000:03d}"  # sub-folders, as large corpora have
        folder.mkdir(exist_ok=True)
        (folder / f"{index:06d}_{rng.getrandbits(64):016x}.txt").write_bytes(text)
        total += len(text)
        index += 1
    (out / ".complete").write_text(f"{index} documents, {total} bytes\n")
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    folder = generate(args.out, args.mb, args.seed)
    print((folder / ".complete").read_text().strip(), "in", folder)


if __name__ == "__main__":
    main(sys.argv[1:])
