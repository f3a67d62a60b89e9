"""Term families: a concept with several names, and where it is mentioned in a run of words. No I/O.

A family is a name and its members, words or phrases: ``ICE: [ICE, Immigration and Customs
Enforcement]``. A plain ``--term`` is a family of one member, named by its terms. Members are
matched as `text.tokens` makes terms (case-folded, a possessive 's dropped), left to right; where
members overlap ("Arafat" inside "Yasser Arafat") the longest match counts, and the words of a
mention are not matched again, so each mention counts once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from corpus_cli.errors import CorpusError
from corpus_cli.text.tokens import tokens


@dataclass(frozen=True)
class Family:
    """A name and its members' terms, the longest member first."""

    name: str
    members: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, name: str, members: Iterable[str]) -> Family:
        """A family of the members given as text; ValueError for a member without a word, or none."""
        terms = []
        for member in members:
            words = tuple(tokens(member))
            if not words:
                raise ValueError(f"member {member!r} holds no word")
            terms.append(words)
        if not terms:
            raise ValueError("the family has no members")
        return cls(name=name, members=tuple(sorted(dict.fromkeys(terms), key=len, reverse=True)))

    @cached_property
    def words(self) -> tuple[str, ...] | None:
        """The members' words when every member is one word (a family's uses are then the sum of
        its words' counts), else None; asked for each document counted, so kept."""
        return tuple(member[0] for member in self.members) if all(len(member) == 1 for member in self.members) else None


def plain(term: str) -> Family:
    """A word or phrase as a family of its own, named by its terms ("ICE's" is "ice"); ValueError
    when it holds no word (it is no family's member, so the message does not call it one)."""
    words = tokens(term)
    if not words:
        raise ValueError(f"{term!r} holds no word to count")
    return Family.of(" ".join(words), [term])


def mentions(words: Sequence[str], family: Family) -> list[int]:
    """Where the family's mentions start in `words`: left to right, the longest member at each place."""
    firsts = {member[0] for member in family.members}
    found = []
    position = 0
    while position < len(words):
        if words[position] in firsts:
            for member in family.members:
                if tuple(words[position : position + len(member)]) == member:
                    found.append(position)
                    position += len(member)
                    break
            else:
                position += 1
        else:
            position += 1
    return found


def parse_families(data: object, where: str) -> dict[str, Family]:
    """Families from YAML data: a mapping of name to a list of members (or one member).

    Anything else is a `CorpusError` naming `where` (the file, and the key it sits under) and the
    family at fault.
    """
    if not isinstance(data, dict) or not data:
        raise CorpusError(f"{where}: expected a mapping of family name to a list of words or phrases")
    families = {}
    for name, members in data.items():
        title = _member_text(name)
        if title is None:
            raise CorpusError(f"{where}: a family's name is text")
        if not title.strip():
            raise CorpusError(f"{where}: a family needs a name (one is {name!r})")
        if isinstance(members, str):
            members = [members]
        texts = [_member_text(member) for member in members] if isinstance(members, list) else [None]
        words = [text for text in texts if text is not None]
        if len(words) < len(texts):
            raise CorpusError(f"{where}: {title}: expected a list of words or phrases")
        try:
            families[title] = Family.of(title, words)
        except ValueError as error:
            raise CorpusError(f"{where}: {title}: {error}") from None
    return families


def _member_text(value: object) -> str | None:
    """A word, phrase or name as YAML gives it, as text: text, or a number from an explicit tag;
    None for anything else (true/false, a list, a number too long to write)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer past Python's 4,300 digits for text
            return None
    return None


def resolve(terms: Sequence[str], families: Mapping[str, Family]) -> list[Family]:
    """What each ``--term`` names: a family by its name (exactly, else ignoring case), or a plain
    word or phrase; each once, in the order given."""
    folded = {name.casefold(): family for name, family in families.items()}
    chosen: dict[str, Family] = {}
    for term in terms:
        family = families.get(term) or folded.get(term.casefold()) or plain(term)
        chosen.setdefault(family.name, family)
    return list(chosen.values())


# A member as a regular expression over raw text, for grep: its words as the tokenizer sees them
# (any run of non-word characters between them, ’ for ', a possessive 's allowed), not inside a
# longer word ("border" is not found in "anti-border", which the tokenizer keeps whole).
_WORD_START = r"(?<![^\W_])(?<![^\W_]['’\-])"
_WORD_END = r"(?:['’][sS])?(?![^\W_])(?!['’\-][^\W_])"


def member_patterns(families: Iterable[Family]) -> list[str]:
    """One case-insensitive regular expression per member of the families, the longest first, so
    that where members overlap the longest one matches."""
    members = {member for family in families for member in family.members}
    ordered = sorted(members, key=lambda member: (-len(member), -len(" ".join(member)), member))
    return [_WORD_START + r"[\W_]+".join(_word_pattern(word) for word in member) + _WORD_END for member in ordered]


def _word_pattern(word: str) -> str:
    return "".join("['’]" if char == "'" else re.escape(char) for char in word)


def family_of(text: str, families: Iterable[Family]) -> str | None:
    """The name of the (first) family that has `text`, a matched mention, as a member."""
    words = tuple(tokens(text))
    return next((family.name for family in families if words in family.members), None)
