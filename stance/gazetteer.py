"""Actor names we know without context: states, capitals, demonyms, institutions, organisations.

Countries, capitals and demonyms come from ``countryinfo`` (codes checked against pycountry);
``data/aliases.json`` adds canonical short names, metonyms and organisations.

>>> gazetteer().lookup("Kremlin")
Entry(canonical='Russia', country='RUS', type='institution')
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from stance.countries import is_country_code


@dataclass(frozen=True)
class Entry:
    """What a surface form stands for: canonical name, ISO alpha-3 code (or None) and type."""

    canonical: str
    country: str | None
    type: str


def _names_pattern(names: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """Whole-word alternation of ``names``, longest first (so "South Sudan" wins over "Sudan")."""
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(name) for name in ordered) + r")(?!\w)(?!\.\w)", flags)


class Gazetteer:
    """Longest-match lookup of known actor names in text."""

    def __init__(self, entries: dict[str, Entry], titles: list[str], institutions: list[str]) -> None:
        self.entries = entries
        self.titles = frozenset(titles)
        self.institutions = tuple(sorted(institutions, key=len, reverse=True))
        self._pattern = _names_pattern(entries)
        self.canonical_to_country = {e.canonical: e.country for e in entries.values()}
        self.states = frozenset(e.canonical for e in entries.values() if e.type == "state")

    def lookup(self, surface: str) -> Entry | None:
        """The entry for an exact surface form, or None."""
        return self.entries.get(surface)

    def find(self, text: str, start: int = 0, end: int | None = None, ignore_case: bool = False) -> list[tuple[int, int, Entry]]:
        """Non-overlapping ``(start, end, entry)`` matches of known names, longest first.

        ``ignore_case`` is for text in one case ("RUSSIA WARNED FINLAND", "pakistan accused india"):
        names of four letters or more match whatever their case.

        >>> [(s, e, entry.canonical) for s, e, entry in gazetteer().find("RUSSIA WARNED FINLAND", ignore_case=True)]
        [(0, 6, 'Russia'), (14, 21, 'Finland')]
        """
        end = len(text) if end is None else end
        if not ignore_case:
            return [(m.start(), m.end(), self.entries[m.group(0)]) for m in self._pattern.finditer(text, start, end)]
        folded, pattern = self._folded()
        return [(m.start(), m.end(), folded[m.group(0).casefold()]) for m in pattern.finditer(text, start, end)]

    @lru_cache(maxsize=1)  # noqa: B019 - the shared gazetteer lives for the whole process
    def _folded(self) -> tuple[dict[str, Entry], re.Pattern[str]]:
        folded: dict[str, Entry] = {}
        for surface, entry in self.entries.items():
            if len(surface) >= 4:
                folded.setdefault(surface.casefold(), entry)
        return folded, _names_pattern(folded, re.IGNORECASE)


def _country_entries(names: dict[str, str]) -> dict[str, Entry]:
    import countryinfo

    entries: dict[str, Entry] = {}
    demonyms: dict[str, Entry] = {}
    demonym_population: dict[str, int] = {}
    for info in sorted((c.info() for c in countryinfo.all_countries()), key=lambda i: ((i.get("ISO") or {}).get("alpha3") or "", i.get("name") or "")):
        code = (info.get("ISO") or {}).get("alpha3")
        if not code or not is_country_code(code):
            continue
        canonical = names.get(code, info.get("name") or "")
        if not canonical or "," in canonical:
            continue
        state = Entry(canonical, code, "state")
        for surface in dict.fromkeys([canonical, info.get("name")]):
            if surface and "," not in surface:
                entries.setdefault(surface, state)
        capital = info.get("capital")
        if isinstance(capital, list):
            capital = capital[0] if capital else None
        if isinstance(capital, str) and capital.endswith(" D.C."):
            capital = capital[: -len(" D.C.")]
        if capital and "," not in capital and capital not in entries:
            entries.setdefault(capital, Entry(canonical, code, "capital"))
        demonym = info.get("demonym")
        population = info.get("population") if isinstance(info.get("population"), int) else 0
        # multi-word demonyms ("North Korean", "Sri Lankan") too, but no nouns ("New Zealander") or pairs
        multi_word_noun = " " in demonym and demonym.endswith(("er", "Island")) if isinstance(demonym, str) else False
        if isinstance(demonym, str) and demonym and " and " not in demonym and not multi_word_noun:
            # a demonym shared by several countries ("American") names the most populous
            if demonym not in demonyms or population > demonym_population[demonym]:
                demonyms[demonym] = Entry(canonical, code, "demonym")
                demonym_population[demonym] = population
    for surface, entry in demonyms.items():
        entries.setdefault(surface, entry)
        if surface.endswith(("an", "i")):  # "the Iranians", "Israelis" as a collective actor
            entries.setdefault(surface + "s", entry)
    return entries


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer (built once, on first use)."""
    data = json.loads(resources.files("stance").joinpath("data/aliases.json").read_text(encoding="utf-8"))
    entries = _country_entries(data["country_names"])
    for surface, (canonical, country, kind) in data["aliases"].items():
        entries[surface] = Entry(canonical, country, kind)
    return Gazetteer(entries, data["titles"], data["institution_words"])


@lru_cache(maxsize=1)
def _leaders() -> tuple[dict[str, str], dict[str, str]]:
    """``(full name -> ISO alpha-3, surname -> ISO alpha-3)`` from ``data/leaders.json``; a surname only
    when every listed person of that surname acts for the same state and no listed name starts with it."""
    data = json.loads(resources.files("stance").joinpath("data/leaders.json").read_text(encoding="utf-8"))
    people: dict[str, str] = data["state"]
    by_surname: dict[str, set[str]] = {}
    for name, code in people.items():
        words = name.split()
        if len(words) > 1:
            by_surname.setdefault(words[-1], set()).add(code)
    for name in data["international"]:  # "Annan" acts for no state
        words = name.split()
        if len(words) > 1:
            by_surname.setdefault(words[-1], set()).add("")
    given = {name.split()[0] for name in [*people, *data["international"]]}  # "Mohammed", "Christopher"
    surnames = {
        surname: next(iter(codes))
        for surname, codes in by_surname.items()
        if len(codes) == 1 and "" not in codes and len(surname) >= 4 and surname not in given
    }
    return people, surnames


def leader_country(name: str) -> str | None:
    """The state a well-known office holder acts for, by full name, or by a surname when the article gives
    no more ("Obama"); None for anyone else and for people of international organisations.

    >>> leader_country("Margaret Thatcher"), leader_country("Obama"), leader_country("Kofi Annan")
    ('GBR', 'USA', None)
    """
    people, surnames = _leaders()
    if name in people:
        return people[name]
    return surnames.get(name) if " " not in name else None
