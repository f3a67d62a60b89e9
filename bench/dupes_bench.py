"""`corpus dupes` on generated corpora with planted edited copies: recall, false pairs, time, memory.

    python bench/dupes_bench.py [--mb 10 100] [--dir /tmp/corpus-bench-dupes] [--planted 0.02]

Each corpus holds articles in the seeds' shapes (date header, headline, credit, furniture, one
or two newlines between paragraphs) whose words are drawn from a Zipf law over 30,000 word types
(bench/generate.py remixes the seeds' 3,300 words, so any two of its articles share many
five-word runs: not a fair test of "no unrelated pair"). A share --planted of the articles gets
an edited copy that keeps the story, each with one edit: 2 % of words changed, a sentence
dropped, a sentence added, or the header, furniture and line endings changed. Then

    corpus dupes --corpus DIR --format jsonl

runs once (warm cache) and the bench prints: planted pairs found / planted, reported pairs that
were not planted, wall and CPU time, and the peak memory of the whole process tree (the parent
and its workers, sampled every 20 ms) as the sum of proportional set sizes (shared pages
counted once) and, for comparison, the sum of resident sizes (shared pages counted per process). Targets (issue 14): every planted pair
found, no unrelated pair, 100 MB in under 30 s on 2 cores under 200 MB, time about linear.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proc_memory import proportional_kb  # a sibling module, not a package

TYPES = 30_000
DOC_WORDS = (500, 1100)
EDITS = ("words", "drop", "add", "layout")
FURNITURE = "\n\nMelissa Fine\n\nComment\n\nWe have no tolerance for comments containing violence.\n\nLatest Articles"


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = sorted({"".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(TYPES * 2)})[:TYPES]
    rng.shuffle(words)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    return words, weights


Paragraphs = list[list[list[str]]]  # paragraphs of sentences of words


def article(rng: random.Random, words: list[str], cumulative: list[float]) -> Paragraphs:
    """Paragraphs of sentences of words."""
    count = rng.randint(*DOC_WORDS)
    total = cumulative[-1]
    drawn = [words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(count)]
    sentences: list[list[str]] = []
    at = 0
    while at < len(drawn):
        length = rng.randint(12, 30)
        sentences.append(drawn[at : at + length])
        at += length
    return [sentences[i : i + rng.randint(2, 4)] for i in range(0, len(sentences), 3)]


def render(paragraphs: Paragraphs, rng: random.Random, layout: int) -> str:
    separator = "\n" if layout % 3 == 0 else "\n\n"
    body = separator.join(" ".join(" ".join(sentence).capitalize() + "." for sentence in paragraph) for paragraph in paragraphs)
    if layout % 4 == 0:
        return f" date 2024-{layout % 12 + 1:02d}-{layout % 28 + 1:02d} {body}\n"
    if layout % 4 == 1:
        return "A headline for the story\n\n" + body + FURNITURE
    return body + "\n"


def edited(paragraphs: Paragraphs, rng: random.Random, how: str, words: list[str]) -> Paragraphs:
    copy = [[list(sentence) for sentence in paragraph] for paragraph in paragraphs]
    sentences = [sentence for paragraph in copy for sentence in paragraph]
    if how == "words":
        positions = [(s, w) for s, sentence in enumerate(sentences) for w in range(len(sentence))]
        for s, w in rng.sample(positions, len(positions) * 2 // 100):
            sentences[s][w] = rng.choice(words)
    elif how == "drop":
        paragraph = max(copy, key=len)
        paragraph.pop(rng.randrange(len(paragraph)))
    elif how == "add":
        copy[rng.randrange(len(copy))].append([rng.choice(words) for _ in range(20)])
    return copy


def build(folder: Path, megabytes: float, planted_share: float, seed: int = 14) -> set[tuple[str, str]]:
    """Write the corpus once (reused when complete); return the planted (original, copy) pairs."""
    marker = folder / ".planted.json"
    if marker.exists():
        return {(first, second) for first, second in json.loads(marker.read_text())}
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    words, cumulative = vocabulary(rng)
    planted: set[tuple[str, str]] = set()
    total, index = 0, 0
    while total < megabytes * 1_000_000:
        paragraphs = article(rng, words, cumulative)
        layout = rng.randrange(1000)
        names = [f"{index:06d}_{rng.getrandbits(64):016x}"]
        texts = [render(paragraphs, rng, layout)]
        if rng.random() < planted_share:
            how = EDITS[index % len(EDITS)]
            copy = edited(paragraphs, rng, how, words)
            text = render(copy, rng, layout + 1 if how == "layout" else layout)
            texts.append(text.replace("\n", "\r\n") if how == "layout" else text)
            names.append(f"{index:06d}_{rng.getrandbits(64):016x}_copy")
            planted.add((min(names), max(names)))  # as dupes orders a pair
        for name, text in zip(names, texts):
            sub = folder / f"{index // 1000:03d}"
            sub.mkdir(exist_ok=True)
            (sub / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
            total += len(text)
        index += 1
    marker.write_text(json.dumps(sorted(planted)))
    return planted


def tree_memory_kb(root: int) -> tuple[int, int]:
    """Memory of `root` and its descendants, in kB (Linux /proc): the sum of their proportional
    set sizes (a page shared by n processes counts 1/n in each: forked workers share most of the
    parent's pages, which a sum of resident sizes would count again), and that sum of RSS."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as status:
                rss[int(entry)] = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total_pss = total_rss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        total_rss += rss.get(pid, 0)
        total_pss += proportional_kb(pid)
        stack += children.get(pid, [])
    return total_pss, total_rss


def run_dupes(folder: Path) -> tuple[float, float, tuple[int, int], list[dict[str, Any]]]:
    """Wall time, CPU time (user + system, workers included), peak tree memory (PSS and RSS
    sums, kB) and the records of one run. CPU time is the figure to compare when other work
    shares the machine."""
    command = [sys.executable, "-m", "corpus_cli", "dupes", "--corpus", str(folder), "--format", "jsonl", "--no-stdin"]
    peak_pss = peak_rss = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read() if process.stdout else b""))
    reader.start()
    while process.poll() is None:
        pss, rss = tree_memory_kb(process.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.02)
    reader.join()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, (peak_pss, peak_rss), [json.loads(line) for line in b"".join(output).decode().splitlines()]


def warm(folder: Path) -> None:
    for path in folder.rglob("*.txt"):
        path.read_bytes()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[10, 100])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/corpus-bench-dupes"))
    parser.add_argument("--planted", type=float, default=0.02)
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'MB':>5} {'docs':>7} {'planted':>8} {'found':>6} {'false':>6} {'wall s':>7} {'cpu s':>6} {'PSS MB':>7} {'RSS MB':>7}")
    for megabytes in args.mb:
        folder = args.dir / f"{megabytes:g}"
        planted = build(folder, megabytes, args.planted)
        documents = sum(1 for _ in folder.rglob("*.txt"))
        warm(folder)
        wall, cpu, peak, records = run_dupes(folder)
        reported = {(record["a"], record["b"]) for record in records}
        found = len(planted & reported)
        false = len(reported - planted)
        memory = f"{peak[0] / 1024:>7.0f} {peak[1] / 1024:>7.0f}"
        print(f"{megabytes:>5g} {documents:>7} {len(planted):>8} {found:>6} {false:>6} {wall:>7.1f} {cpu:>6.1f} {memory}")
        lowest = min((record["jaccard"] for record in records if (record["a"], record["b"]) in planted), default=None)
        missed = sorted(planted - reported)[:3]
        print(f"      lowest planted jaccard {lowest}; missed (first 3): {missed}")


if __name__ == "__main__":
    main(sys.argv[1:])
