"""Whom a group description such as "the government", "the bloc" or "the company" refers to.

A description names a kind of actor, so its antecedent is an earlier actor of that kind, not the nearest
actor of any kind: in "France said it supported the bloc's decision", "the bloc" is ECOWAS from an earlier
sentence, not France. A government is the one the sentence places ("the government in Skopje"), the home
state of the union or party that addresses it, or else the state the article names most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stance.mentions import Mention

_STATE_TYPES = frozenset({"state", "capital"})
_BODY_TYPES = frozenset({"organisation", "institution", "group", "company"})
_GOVERNMENT_NOUNS = frozenset({"government", "authorities", "regime", "administration"})
_EXECUTIVE = re.compile(r"\b(?:Ministry|Office|Department|Embassy|Agency|Bureau|Commission|Representative)\b")
_COMPANY_WORDS = tuple(
    "company corporation corp holdings ltd inc plc group minerals resources mining metals energy oil petroleum airlines "
    "motors industries electronics steel shipping securities chemicals investments logistics".split()
)
# noun -> (words one of which the antecedent's name holds, mention types that may refer to it otherwise)
_KINDS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    **{noun: ((), _STATE_TYPES) for noun in ("government", "authorities", "regime", "kingdom", "republic")},
    "administration": (("administration",), _STATE_TYPES | {"institution"}),
    **{noun: (("military", "army", "armed forces", "junta"), _STATE_TYPES) for noun in ("military", "army", "junta")},
    **{noun: ((noun,), frozenset({"organisation", "institution"})) for noun in ("ministry", "embassy", "commission", "council", "agency")},
    "bloc": (("bloc", "union", "community"), frozenset({"organisation"})),
    "alliance": (("alliance", "treaty"), frozenset({"organisation"})),
    "organisation": (("organisation", "organization"), frozenset({"organisation"})),
    "organization": (("organisation", "organization"), frozenset({"organisation"})),
    **{noun: ((noun,), frozenset({"group", "organisation"})) for noun in ("group", "rebels", "militants")},
    **{noun: (_COMPANY_WORDS, frozenset({"company"})) for noun in ("company", "firm")},
}


@lru_cache(maxsize=1)
def _state_names() -> dict[str, str]:
    """Country code -> the state's canonical name."""
    from stance.gazetteer import gazetteer

    names = gazetteer().canonical_to_country
    return {names[state]: state for state in sorted(gazetteer().states) if names.get(state)}


def _state_of(country: str | None) -> Mention | None:
    """A state mention (no span) for a country code."""
    from stance.mentions import Mention

    name = _state_names().get(country) if country else None
    return Mention(0, 0, name, country, "state") if name else None


def _named_after(following: str) -> Mention | None:
    """The state in "the government in Skopje", "the government of Ghana"."""
    from stance.gazetteer import gazetteer

    place = re.match(r"\s+(?:in|of)\s+(?:the\s+)?", following)
    if place is None:
        return None
    found = [entry for start, _, entry in gazetteer().find(following[: place.end() + 40]) if start == place.end()]
    return _state_of(found[0].country) if found and found[0].type in _STATE_TYPES else None


def _home_of_speaker(same_sentence: Sequence[Mention]) -> Mention | None:
    """The state of a non-government body of the sentence that has one: the government the Mineworkers Union
    of Zambia backs is Zambia's."""
    body = next((m for m in reversed(same_sentence) if m.type in _BODY_TYPES - {"institution"} and m.country and not _EXECUTIVE.search(m.canonical)), None)
    return _state_of(body.country) if body else None


@lru_cache(maxsize=None)
def _holding(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern for a name that holds one of ``words`` as a whole word, or None for no words."""
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.IGNORECASE) if words else None


def description_antecedent(description: str, earlier: Sequence[Mention], same_sentence: Sequence[Mention] = (), following: str = "") -> Mention | None:
    """The actor a group description refers to, given the named mentions before it (``earlier``, in reading
    order; ``same_sentence``, those of its own sentence) and the sentence's text after it (``following``).

    "The government" (authorities, regime, administration) is the state ``following`` names ("in Skopje"),
    else the home state of a union, party or company of the sentence, else the most named earlier state.
    Other nouns take the nearest earlier body whose name holds the noun or a synonym ("the commission" ->
    "Mekong River Commission"), else the nearest of the noun's kind (an organisation for "the bloc"). None
    when the article names no such actor before it.

    >>> from stance.mentions import Mention
    >>> earlier = [Mention(0, 6, "ECOWAS", None, "organisation"), Mention(40, 46, "France", "FRA", "state")]
    >>> description_antecedent("the bloc", earlier).canonical, description_antecedent("the government", earlier).canonical
    ('ECOWAS', 'France')
    """
    noun = description.lower().removeprefix("the ").strip()
    if noun not in _KINDS:
        return None
    words, types = _KINDS[noun]
    if noun in _GOVERNMENT_NOUNS:
        located = _named_after(following) or _home_of_speaker(same_sentence)
        if located is not None:
            return located
    holds = _holding(words)
    named = next((m for m in reversed(earlier) if m.type in _BODY_TYPES and holds and holds.search(m.canonical)), None)
    if named is not None or noun not in _GOVERNMENT_NOUNS:
        return named or next((m for m in reversed(earlier) if m.type in types), None)
    # a government the sentence does not place is the one the article is about: its most named state
    states = [m for m in reversed(earlier) if m.type in types]
    counts = Counter(m.canonical for m in states)
    return max(states, key=lambda m: counts[m.canonical]) if states else None
