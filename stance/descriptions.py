"""Whom a group description such as "the government", "the bloc" or "the company" refers to.

A description names a kind of actor, so its antecedent is the nearest earlier actor of that kind, not the
nearest actor of any kind: in "France said it supported the bloc's decision", "the bloc" is ECOWAS from an
earlier sentence, not France.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stance.mentions import Mention

_STATE_TYPES = frozenset({"state", "capital"})
_BODY_TYPES = frozenset({"organisation", "institution", "group", "company"})
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
    **{noun: ((noun,), frozenset({"company"})) for noun in ("company", "firm")},
}


def description_antecedent(description: str, earlier: Sequence[Mention]) -> Mention | None:
    """The actor a group description refers to: the nearest of ``earlier`` (mentions in reading order)
    whose name holds the description's noun or a synonym ("the commission" -> "Mekong River Commission"),
    else the nearest of the noun's kind (a state for "the government", an organisation for "the bloc");
    None when the article names no such actor before it.

    >>> from stance.mentions import Mention
    >>> earlier = [Mention(0, 6, "ECOWAS", None, "organisation"), Mention(40, 46, "France", "FRA", "state")]
    >>> description_antecedent("the bloc", earlier).canonical, description_antecedent("the government", earlier).canonical
    ('ECOWAS', 'France')
    """
    noun = description.lower().removeprefix("the ").strip()
    if noun not in _KINDS:
        return None
    words, types = _KINDS[noun]
    named = next((m for m in reversed(earlier) if m.type in _BODY_TYPES and any(w in m.canonical.lower() for w in words)), None)
    return named or next((m for m in reversed(earlier) if m.type in types), None)
