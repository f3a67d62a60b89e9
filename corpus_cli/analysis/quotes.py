"""Direct quotations in an article, with who said them: rules over the text, no model.

A quotation is the text between “ ” or " " (single marks nested inside are part of it). A
paragraph that opens a quotation without closing it, followed by a paragraph that opens with a
mark, continues it: the parts are one quotation, joined by one space. "A," he said, "B." is two
quotations with one speaker. A quoted term is not a quotation: a single word never is, and two or
three words (or a short title, every word capitalised) are one only with a speech cue near them.
An editor's insertion such as "(RELATED: ...)" ends a quotation left open before it.

The speaker comes from the attribution after the quotation, else the one earlier in its
sentence (`speakers`; "according to X" after it gives way to a speaker earlier in the sentence);
a pronoun is the later of the person last quoted (five paragraphs back at most) and the last
name that is a sentence's subject in this paragraph or the two before; a quotation with no
attribution of its own, right after an attributed one (same or next paragraph), takes that
one's speaker and cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from corpus_cli.analysis.speakers import CUE, Attribution, SentenceSubjects, after_attribution, before_attribution, fullest_name
from corpus_cli.text.document import Document
from corpus_cli.text.tokens import TOKEN, count_words

FIELDS = ("id", "date", "quote", "speaker", "speaker_kind", "cue", "start", "end", "paragraph")
BY_SPEAKER_FIELDS = ("speaker", "speaker_kind", "quotes", "words", "documents")
CLOSERS = {"“": "”", '"': '"'}
OPENERS = re.compile(r"[“\"]")
EDITORIAL_INSERT = re.compile(r"\s*\((?:RELATED|WATCH|READ|SEE ALSO|MORE|ALSO READ|LISTEN)\b")
# Where a sentence ends: a stop and a space, not after an initial or a short title ("U.S.", "Mr.").
SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bSen)(?<!\bRep)(?<!\bGov)[.!?]+[”\"’]?\s+")
SHORT_WORDS = 3  # a quoted phrase this short is a term unless a cue stands near it
TITLE_WORDS = 10
NEAR_WORDS = 8  # how near a cue must stand to a short quotation, in words
INHERIT_PARAGRAPHS = 1  # an unattributed quotation takes the speaker of one this many paragraphs back at most
PRONOUN_PARAGRAPHS = 5


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, as in the document's `paragraphs`
    start: int
    end: int


@dataclass(frozen=True)
class Part:
    """The text between one pair of marks: text[start:end]; `open` when the paragraph ended first."""

    start: int
    end: int
    paragraph: int  # index into the paragraph list
    open: bool


@dataclass(frozen=True)
class Person:
    """A person quoted: where (paragraph index, offset), and the name."""

    paragraph: int
    offset: int
    name: str


@dataclass(frozen=True)
class Quotation:
    parts: tuple[Part, ...]
    text: str  # the parts, joined by one space

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def end(self) -> int:
        return self.parts[0].end


def quotations(document: Document) -> list[dict[str, Any]]:
    """The quotation records of one document, in text order."""
    return list(quotation_records(document.id, document.date, document.text, document.article.paragraphs))


def quotation_records(doc_id: str, date: str | None, text: str, paragraph_texts: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Records for the quotations of `text`, whose body paragraphs are `paragraph_texts`."""
    paragraphs = locate_paragraphs(text, paragraph_texts)
    found = [quotation for quotation in join_parts(text, paragraphs, find_parts(text, paragraphs)) if is_quotation(text, quotation)]
    for quotation, attribution in zip(found, attribute(text, paragraphs, found)):
        yield {
            "id": doc_id,
            "date": date,
            "quote": quotation.text,
            "speaker": attribution.speaker if attribution and attribution.kind != "unresolved" else None,
            "speaker_kind": ("pronoun" if attribution.kind == "unresolved" else attribution.kind) if attribution else None,
            "cue": attribution.cue if attribution else None,
            "start": quotation.start,
            "end": quotation.end,
            "paragraph": paragraphs[quotation.parts[0].paragraph].number,
        }


def locate_paragraphs(text: str, paragraph_texts: Iterable[str]) -> list[Paragraph]:
    """Where each body paragraph stands in the text (they are stripped lines, in order)."""
    located, cursor = [], 0
    for number, paragraph in enumerate(paragraph_texts, start=1):
        at = text.find(paragraph, cursor)
        if at >= 0:
            located.append(Paragraph(number, at, at + len(paragraph)))
            cursor = at + len(paragraph)
    return located


def find_parts(text: str, paragraphs: list[Paragraph]) -> list[Part]:
    """Every marked span of every paragraph, in order; a quote never runs past its paragraph."""
    parts = []
    for index, paragraph in enumerate(paragraphs):
        position = paragraph.start
        while (opener := OPENERS.search(text, position, paragraph.end)) is not None:
            close = text.find(CLOSERS[opener.group(0)], opener.end(), paragraph.end)
            still_open = close < 0
            end = paragraph.end if still_open else close
            insert = EDITORIAL_INSERT.search(text, opener.end(), end)
            if insert is not None:
                end, still_open = insert.start(), False
            start, stop = _trimmed(text, opener.end(), end)
            if stop > start:
                parts.append(Part(start, stop, index, still_open))
            position = paragraph.end if close < 0 else close + 1
    return parts


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def join_parts(text: str, paragraphs: list[Paragraph], parts: list[Part]) -> Iterator[Quotation]:
    """Quotations from parts: an open part at a paragraph's end goes on in the next paragraph's
    first part when that paragraph opens with a mark."""
    index = 0
    while index < len(parts):
        chain = [parts[index]]
        while chain[-1].open and index + 1 < len(parts):
            following = parts[index + 1]
            next_paragraph = paragraphs[following.paragraph]
            opens_with_mark = following.paragraph == chain[-1].paragraph + 1 and following.start <= next_paragraph.start + 2
            if not opens_with_mark:
                break
            chain.append(following)
            index += 1
        index += 1
        yield Quotation(tuple(chain), " ".join(text[part.start : part.end] for part in chain))


def is_quotation(text: str, quotation: Quotation) -> bool:
    """False for a quoted term: one word, or a short phrase or title with no speech cue near it."""
    words = TOKEN.findall(quotation.text)
    if len(words) < 2:
        return False
    is_title = len(words) <= TITLE_WORDS and all(word[0].isupper() or not word[0].isalpha() for word in words)
    if len(words) > SHORT_WORDS and not is_title:
        return True
    first, last = quotation.parts[0], quotation.parts[-1]
    before = " ".join(text[max(0, first.start - 200) : first.start - 1].split()[-NEAR_WORDS:])
    after = " ".join(text[last.end + 1 : last.end + 200].split()[:NEAR_WORDS])
    return CUE.search(_sentence_tail(before)) is not None or CUE.search(_sentence_head(after)) is not None


def _sentence_tail(text: str) -> str:
    ends = list(SENTENCE_END.finditer(text))
    return text[ends[-1].end() :] if ends else text


def _sentence_head(text: str) -> str:
    end = SENTENCE_END.search(text)
    return text[: end.start()] if end else text


def attribute(text: str, paragraphs: list[Paragraph], found: list[Quotation]) -> list[Attribution | None]:
    """The attribution of each quotation, in order (see the module's docstring for the rules)."""
    results: list[Attribution | None] = []
    last: tuple[int, Attribution] | None = None  # paragraph of the last attributed quotation, and it
    last_person: Person | None = None
    subjects = SentenceSubjects(text)
    for index, quotation in enumerate(found):
        first, final = quotation.parts[0], quotation.parts[-1]
        paragraph, last_paragraph = paragraphs[first.paragraph], paragraphs[final.paragraph]
        previous_end = found[index - 1].parts[-1].end + 1 if index and found[index - 1].parts[-1].paragraph == first.paragraph else 0
        following = found[index + 1].parts[0].start - 1 if index + 1 < len(found) else len(text)
        before = _sentence_tail(text[max(paragraph.start, previous_end) : first.start].rstrip('“" \t'))
        after = _sentence_head(text[final.end : min(last_paragraph.end, following)].lstrip('”" \t') + " ")
        attribution = after_attribution(after) if after.strip() else None
        earlier = before_attribution(before) if before.strip() else None
        if attribution is None or (attribution.cue == "according to" and earlier is not None):
            attribution = earlier
        if attribution is None and last is not None and first.paragraph - last[0] <= INHERIT_PARAGRAPHS:
            attribution = last[1]
        elif attribution is not None:
            attribution = _resolved(attribution, subjects, paragraphs, first, last_person)
            if attribution.kind in ("named", "pronoun"):  # "he" keeps pointing at the person it stood for
                last_person = Person(first.paragraph, first.start, attribution.speaker)
            last = (final.paragraph, attribution)
        results.append(attribution)
    return results


def _resolved(
    attribution: Attribution, subjects: SentenceSubjects, paragraphs: list[Paragraph], part: Part, last_person: Person | None
) -> Attribution:
    """A name in its fullest form; a pronoun as the person it stands for (kind `unresolved` if none):
    the later of the person last quoted (a few paragraphs back at most) and the last name that opens
    a sentence in this paragraph or the two before ("Cotton grower Sam Whitfield said ...")."""
    text = subjects.text
    if attribution.kind == "named":
        return Attribution(fullest_name(attribution.speaker, text), "named", attribution.cue)
    if attribution.kind != "pronoun":
        return attribution
    candidates = []
    if last_person is not None and part.paragraph - last_person.paragraph <= PRONOUN_PARAGRAPHS:
        candidates.append((last_person.offset, last_person.name))
    subject = subjects.last_before(paragraphs[max(0, part.paragraph - 2)].start, part.start)
    if subject is not None:
        candidates.append((subject[0], fullest_name(subject[1], text)))
    if candidates:
        return Attribution(max(candidates)[1], "pronoun", attribution.cue)
    return Attribution(attribution.speaker, "unresolved", attribution.cue)


def by_speaker(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotations, words quoted and documents per speaker: most quoted first, unattributed last."""
    table: dict[str | None, dict[str, Any]] = {}
    for record in records:
        row = table.setdefault(
            record["speaker"], {"speaker": record["speaker"], "speaker_kind": record["speaker_kind"], "quotes": 0, "words": 0, "ids": set()}
        )
        row["quotes"] += 1
        row["words"] += count_words(record["quote"])
        row["ids"].add(record["id"])
        if row["speaker_kind"] != record["speaker_kind"]:
            row["speaker_kind"] = "named" if "named" in (row["speaker_kind"], record["speaker_kind"]) else row["speaker_kind"]
    rows = [{**{key: row[key] for key in BY_SPEAKER_FIELDS[:-1]}, "documents": len(row["ids"])} for row in table.values()]
    return sorted(rows, key=lambda row: (row["speaker"] is None, -row["quotes"], -row["words"], row["speaker"] or ""))
