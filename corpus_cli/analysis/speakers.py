"""Who said a quotation: speech cues, the phrase next to them, and names in their fullest form.

Rules, no model. An attribution is a speech cue ("said", "told", "according to", ...) with a
speaker phrase next to it, either right after the quotation (``“…,” Lechleitner said``, ``“…,”
said Mr Howard``) or earlier in the quotation's sentence (``Mayorkas said: “…”``, ``Mayorkas
boasted to CBS that the administration had “…”``). The phrase is a pronoun ("he"), a name (a run
of capitalised words: ``Lechleitner``, ``the Washington Examiner``) or a description (a noun
phrase led by a determiner: ``a White House spokesperson``). A name is given in the fullest form
the article writes it, without titles: "Mayorkas" becomes "Alejandro Mayorkas" when the article
says "Homeland Security Secretary Alejandro Mayorkas" somewhere.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from corpus_cli.text.tokens import default_stopwords, term

# Speech verbs, in the forms news copy uses them; "according to" stands before its speaker.
CUES = (
    "according to", "said", "says", "say", "told", "tells", "added", "adds", "adding", "asked", "asks",
    "wrote", "writes", "stated", "states", "claimed", "claims", "claiming", "argued", "argues", "arguing",
    "insisted", "insists", "insisting", "noted", "notes", "noting", "warned", "warns", "warning",
    "explained", "explains", "explaining", "continued", "continues", "replied", "replies", "responded",
    "boasted", "boasts", "revealed", "reveals", "admitted", "admits", "declared", "declares", "announced",
    "announces", "acknowledged", "acknowledges", "recalled", "recalls", "testified", "tweeted", "posted",
    "conceded", "concedes", "remarked", "saying", "telling", "stressed", "stresses", "emphasized",
    "emphasised", "cautioned", "vowed", "promised", "urged", "complained", "joked", "quipped", "shouted",
    "countered", "observed", "confirmed", "denied", "alleged", "contended", "maintained", "pointed out",
    "went on", "reiterated", "recounted", "answered", "demanded", "predicted",
)  # fmt: skip


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Lower case only (but "According to" opening a sentence): "States" in "the United States" is no cue.
CUE = re.compile(r"\b(?:According to|" + "|".join(sorted((re.escape(cue) for cue in CUES), key=len, reverse=True)) + r")\b")
PRONOUNS = frozenset({"he", "she", "they", "i", "we"})
DETERMINERS = frozenset({"the", "a", "an", "one", "another", "some", "two", "three", "several", "many", "its", "his", "her", "their"})
# Words between a speaker and the cue: "Mayorkas reportedly said", "he then added", "she has said".
MODIFIER_STRIP = re.compile(r"(?:\s+(?:\w+ly|also|then|even|later|once|again|has|had|have|would|will|was|is|had|further|since|never))*\s*$")
ABBREVIATION = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|Prof|Rev)\.")
POSSESSIVE_WORD = re.compile(r"[’']s$")
AFFILIATION = re.compile(r"\s+(?:from|at)\s+(?:the\s+)?[A-Z][^,]*$")
# Titles and roles that come before a name and are not part of it ("Senator", "ICE Deputy Director").
TITLES = _word_set(
    """mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sen sen. senator rep rep. representative gov gov.
    governor president vice secretary director deputy chief minister prime judge justice mayor sheriff officer
    sgt sgt. lt lt. capt capt. captain general gen gen. col col. commissioner chairman chairwoman chair spokesman
    spokeswoman spokesperson superintendent inspector detective coach attorney rev rev. father sir dame lord lady
    king queen pope premier treasurer speaker leader manager ceo commander agent constable staff executive
    principal ambassador councillor councilman councilwoman assistant acting former chancellor
    congressman congresswoman senior first lieutenant sergeant corporal private dame cr cr. cllr supt supt.
    det det. insp insp. const const. snr nurse resident grower farmer teacher doctor lawyer student
    economist researcher scientist owner worker"""
)
# A capitalised word; a stop ends it only in an initial or a title, so a run never crosses a sentence end.
NAME_WORD = r"(?:[A-Z]\.(?:[A-Z]\.)*|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|Prof|Rev)\.|[A-Z][\w’'\-]*)"
NAME_RUN = re.compile(rf"{NAME_WORD}(?:\s+(?:(?:of|de|van|von|da|del|di|la|le|bin|al)\s+)?{NAME_WORD})*")
# Words that open a sentence in capitals without being part of a name that follows ("But Mayorkas").
LEADING_FUNCTION_WORDS = _word_set(
    """the a an but and or so yet still then however when while earlier later also in on at as after before
    meanwhile now this that it its he she they we i his her their our there here if though although because
    since until for to from with by of questioned asked speaking nobody everyone everybody someone somebody
    anyone anybody none each every all some most few"""
)


@dataclass(frozen=True)
class Attribution:
    """A speaker phrase found next to a cue: `kind` is named, pronoun or description."""

    speaker: str
    kind: str
    cue: str


def after_attribution(after: str) -> Attribution | None:
    """The attribution that follows a quotation: ``, Lechleitner said``, ``said Mr Howard``, ``the source told``."""
    match = CUE.search(after)
    if match is None or len(after[: match.start()].split()) > 10:
        return None
    before_cue = after[: match.start()].lstrip(" \t,;:—–-").rstrip()
    if re.search(r"[.!?;:,“”\"()]", ABBREVIATION.sub("", before_cue)):  # another clause, not an attribution
        return None
    # "lead researcher Dr Conrad Hoskin from James Cook University said": the person, not the place.
    before_cue = AFFILIATION.sub("", before_cue)
    cue = match.group(0).lower()
    before_cue = MODIFIER_STRIP.sub("", before_cue)
    if before_cue:
        return _classify(before_cue, cue)
    return _speaker_after_cue(after[match.end() :], cue)


def before_attribution(before: str) -> Attribution | None:
    """The attribution earlier in the quotation's sentence: ``Mayorkas said: “``, ``NIP claimed, “``."""
    matches = list(CUE.finditer(before))
    if not matches:
        return None
    match = matches[-1]
    cue = match.group(0).lower()
    if cue == "according to":
        return _speaker_after_cue(before[match.end() :], cue)
    subject = before[: match.start()]
    if cue.endswith("ing") or subject.rstrip().endswith(","):
        # "Lechleitner defended the meeting, claiming that ...": the speaker is the sentence's subject.
        return _sentence_subject(subject, cue)
    subject = MODIFIER_STRIP.sub("", subject.rstrip())
    tail = re.search(r"[^,;:—–()“”\"]*$", subject)
    phrase = tail.group(0).strip() if tail else ""
    return _tail_phrase(phrase, cue) if phrase else None


def _speaker_after_cue(text: str, cue: str) -> Attribution | None:
    """The phrase after a cue: ``said Mr Howard``, ``according to the New York Post``."""
    phrase = re.match(r"\s*([^,.;:!?“”\"()]*)", text)
    words = phrase.group(1).split() if phrase else []
    if not words:
        return None
    lead = words[0].lower()
    if lead in PRONOUNS:
        return Attribution(lead, "pronoun", cue)
    name = NAME_RUN.match(" ".join(words[1:] if lead == "the" else words))
    if name is not None and (lead == "the" or words[0][0].isupper()):
        # "said Master Builders Australia chief executive Denita Wawn": the last name of the phrase.
        runs = list(NAME_RUN.finditer(phrase.group(1).strip())) if phrase else []
        return _named(runs[-1].group(0) if runs else name.group(0), cue)
    if lead in DETERMINERS:
        # "said the study's lead author, Associate Professor Rodrigo Hamede": the name in apposition.
        apposition = re.match(rf",\s*({NAME_RUN.pattern})", text[phrase.end() :]) if phrase else None
        if apposition is not None and (named := _named(apposition.group(1), cue)) is not None:
            return named
        return Attribution(" ".join(words[:6]), "description", cue)
    return None


def _tail_phrase(phrase: str, cue: str) -> Attribution | None:
    """The speaker at the end of the words before a cue."""
    words = phrase.split()
    last = words[-1]
    if last.lower() in PRONOUNS:
        return Attribution(last.lower(), "pronoun", cue)
    if last[0].isupper():
        runs = list(NAME_RUN.finditer(phrase))
        if runs and runs[-1].end() == len(phrase):
            return _named(runs[-1].group(0), cue)
    for index in range(max(0, len(words) - 6), len(words)):  # the whole phrase: "a spokeswoman for the company"
        if words[index].lower() in DETERMINERS:
            return Attribution(" ".join(words[index:]), "description", cue)
    return Attribution(" ".join(words[-2:]), "description", cue) if last[0].islower() else None


def _classify(phrase: str, cue: str) -> Attribution | None:
    """A speaker phrase standing alone before a cue: a pronoun, a name or a description."""
    words = phrase.split()
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return Attribution(words[0].lower(), "pronoun", cue)
    return _tail_phrase(phrase, cue)


def _sentence_subject(text: str, cue: str) -> Attribution | None:
    """The subject that opens a sentence: a pronoun, a name or a description."""
    words = text.split()
    if not words:
        return None
    if words[0].lower() in PRONOUNS:
        return Attribution(words[0].lower(), "pronoun", cue)
    name = NAME_RUN.match(text.lstrip())
    if name is not None and clean_name(name.group(0)):
        return _named(name.group(0), cue)
    if words[0].lower() in DETERMINERS:
        phrase = re.match(r"[^,;:]*?(?=\s+(?:\w+ed|\w+s|is|was|has|had)\b|[,;:]|$)", text.strip())
        return Attribution(phrase.group(0) if phrase and phrase.group(0) else " ".join(words[:4]), "description", cue)
    return None


def _named(run: str, cue: str) -> Attribution | None:
    name = clean_name(run)
    return Attribution(name, "named", cue) if name else None


def clean_name(run: str) -> str:
    """A run of capitalised words as a name: without leading function words, titles or a possessive."""
    words = run.split()
    while words and words[0].lower().rstrip(".") in LEADING_FUNCTION_WORDS:
        words.pop(0)
    # Titles, and a possessive before the name ("Australia's Ariarne Titmus"), are not the name.
    title_at = max((index for index, word in enumerate(words[:-1]) if word.lower() in TITLES or POSSESSIVE_WORD.search(word)), default=-1)
    words = words[title_at + 1 :]
    if words:
        words[-1] = re.sub(r"(?:[’']s?)$", "", words[-1])
    while words and words[0].lower() in ("of", "de", "van", "von", "da", "del", "di", "la", "le", "bin", "al"):
        words.pop(0)
    name = " ".join(word for word in words if word)
    if name.lower() in PRONOUNS or (len(words) == 1 and term(name) in _stopwords()):
        return ""  # "Every", "It": a capital that opens a sentence, not a name
    return name


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return default_stopwords()


@lru_cache(maxsize=64)
def _names_in(text: str) -> tuple[tuple[str, ...], ...]:
    """Every name of two words or more the text writes, as word tuples, in order of first
    appearance (a one-word name is never fuller than the name it would stand for)."""
    seen: dict[tuple[str, ...], None] = {}
    for run in NAME_RUN.finditer(text):
        if not any(space in run.group(0) for space in " \t\n"):
            continue  # most runs are one capitalised word: skip them before the costlier clean-up
        name = clean_name(run.group(0))
        if " " in name:
            seen.setdefault(tuple(name.split()), None)
    return tuple(seen)


def fullest_name(name: str, text: str) -> str:
    """The longest name in `text` that ends with `name`'s words: "Mayorkas" → "Alejandro Mayorkas"."""
    words = tuple(name.split())
    best = words
    for candidate in _names_in(text):
        if len(candidate) > len(best) and candidate[-len(words) :] == words:
            best = candidate
    return " ".join(best)


SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)


class SentenceSubjects:
    """Who a later "he" or "she" may be: the subjects of a text's sentences that are names (see
    `_subject_at`), the last before a place asked for again and again as a document's quotations
    are attributed. Each sentence from a paragraph's start on is read once, where reading the slice
    up to each pronoun read the paragraph again for every one (a paragraph of 2,000 "she said"
    took 24 s). Only the sentence that the place cuts is read at each call: in a paragraph with no
    full stop, that is the paragraph so far, as before."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._windows: dict[int, _Window] = {}

    def last_before(self, start: int, end: int) -> tuple[int, str] | None:
        """The last subject (offset in the text, name) of the sentences of `text[start:end]`, each
        sentence as `SENTENCE` finds it in that slice."""
        window = self._windows.get(start)
        if window is None:
            window = self._windows[start] = _Window(self.text, start)
        return window.last_before(end)


class _Window:
    """The sentences of a text from `start` on, with the latest subject up to each, found as asked."""

    def __init__(self, text: str, start: int) -> None:
        self.text, self.start = text, start
        self.sentences = SENTENCE.finditer(text, start)
        self.ends: list[int] = []  # of the sentences read so far
        self.latest: list[tuple[int, str] | None] = []  # the last subject among the first k + 1

    def last_before(self, end: int) -> tuple[int, str] | None:
        while not self.ends or self.ends[-1] <= end:
            sentence = next(self.sentences, None)
            if sentence is None:
                break
            found = _subject_at(sentence.group(0), sentence.start())
            self.ends.append(sentence.end())
            self.latest.append(found or (self.latest[-1] if self.latest else None))
        whole = bisect.bisect_right(self.ends, end)  # the sentences that end before `end`
        resumed = self.ends[whole - 1] if whole else self.start
        cut = SENTENCE.search(self.text, resumed, end)  # the one `end` cuts, as the slice reads it
        if cut is not None and (found := _subject_at(cut.group(0), cut.start())) is not None:
            return found
        return self.latest[whole - 1] if whole else None


def _subject_at(sentence: str, offset: int) -> tuple[int, str] | None:
    """The subject of a sentence starting at `offset`, at its offset in the text, when it is a name:
    the name right before the sentence's first verb ("Save the Tasmanian Devil Program manager Sam
    Fox said"), else the name that opens the sentence; none for a sentence that opens a quotation."""
    if sentence.lstrip().startswith(("“", '"')):
        return None
    found = _subject_of(sentence)
    return None if found is None else (offset + found[0], found[1])


FIRST_VERB = re.compile(rf"{CUE.pattern}|\b[a-z]+ed\b|\b(?:is|was|has|had|will|would|says)\b")


def _subject_of(sentence: str) -> tuple[int, str] | None:
    verb = FIRST_VERB.search(sentence)
    if verb is not None:
        before = MODIFIER_STRIP.sub("", sentence[: verb.start()].rstrip())
        runs = list(NAME_RUN.finditer(before))
        if runs and runs[-1].end() == len(before) and (name := clean_name(runs[-1].group(0))):
            return runs[-1].start(), name
    opening = re.match(rf"\s*(?:\w+,\s+)?({NAME_RUN.pattern})", sentence)
    if opening is not None and (name := clean_name(opening.group(1))):
        return opening.start(1), name
    return None
