"""Joint speakers: states named together as one subject ("Russia and China", "Spain, Portugal and
Mexico") share a position.

The guide gives two speakers acting together one relation each ("what they perceive as a
Washington-led world order" -> Russia and China). The model scores each speaker's pair on its own and
often finds only one of them; here every state of such a pair takes the more confident reading of the
two toward the same counterparty. Only states and capitals named by their name join: demonyms
("Canadian and U.S. jets"), companies and committees ("Ways and Means") are often not joint subjects.
"""

from __future__ import annotations

import re
from typing import Any

from stance.encoding import SentenceInput
from stance.gazetteer import gazetteer

_AND = re.compile(r"\s+and\s+|,\s+(?:and\s+)?")


def _state_named(text: str, span: tuple[int, int] | None) -> bool:
    entry = gazetteer().lookup(text[span[0] : span[1]]) if span is not None else None
    return entry is not None and entry.type in ("state", "capital")


def joint_groups(text: str, item: SentenceInput) -> list[int]:
    """A group number per candidate: states joined by "and" or listed with commas share one, every other
    candidate its own."""
    group = list(range(len(item.candidates)))
    named = sorted((c.span, k) for k, c in enumerate(item.candidates) if c.span is not None and _state_named(text, c.span))
    for (first, a), (second, b) in zip(named, named[1:]):
        if _AND.fullmatch(text, first[1], second[0]) and item.candidates[a].canonical != item.candidates[b].canonical:
            group[b] = group[a]
    return group


def share_joint_readings(text: str, item: SentenceInput, result: list[Any], none: int) -> list[Any]:
    """``result`` (per pair: relation and kind probabilities, or None) where each pair of a joint speaker
    takes the most confident reading (lowest P(none)) among its group's pairs toward the same counterparty."""
    group = joint_groups(text, item)
    if len(set(group)) == len(group):
        return result
    index = {pair: p for p, pair in enumerate(item.pairs)}
    shared = list(result)
    for p, (i, j) in enumerate(item.pairs):
        if result[p] is None:
            continue
        options = [index[(k, j)] for k in range(len(group)) if group[k] == group[i] and group[k] != group[j] and (k, j) in index]
        options = [q for q in options if result[q] is not None]
        shared[p] = result[min(options, key=lambda q: result[q][0][none])] if options else result[p]
    return shared
