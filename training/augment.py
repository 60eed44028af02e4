"""Name-swap augmentation for the train split only: countries swapped consistently (name, capital,
demonym), so the model cannot learn who is friendly with whom. Every augmented record is flagged
(``"augmented": true``, tag ``augmented`` on each relation)."""

from __future__ import annotations

import bisect
import random
import re
from typing import Any

from stance.gazetteer import gazetteer


def _forms() -> dict[str, dict[str, str]]:
    """For each country with a one-word-or-more name, capital and demonym: its three surface forms."""
    forms: dict[str, dict[str, str]] = {}
    for surface, entry in gazetteer().entries.items():
        if entry.country and entry.type in ("state", "capital", "demonym") and entry.canonical != "United States":
            forms.setdefault(entry.canonical, {}).setdefault(entry.type, surface)
    return {name: f for name, f in forms.items() if len(f) == 3 and f["state"] == name}


def _swap(record: dict[str, Any], mapping: dict[str, str], forms: dict[str, dict[str, str]]) -> dict[str, Any] | None:
    replacements = {}
    for old, new in mapping.items():
        for kind in ("state", "capital", "demonym"):
            replacements[forms[old][kind]] = forms[new][kind]
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(s) for s in sorted(replacements, key=len, reverse=True)) + r")(?!\w)")
    text = record["text"]
    pieces, old_points, new_points, cursor, shift = [], [0], [0], 0, 0
    for match in pattern.finditer(text):
        pieces.append(text[cursor : match.start()])
        new = replacements[match.group(0)]
        pieces.append(new)
        old_points.append(match.end())
        shift += len(new) - len(match.group(0))
        new_points.append(match.end() + shift)
        cursor = match.end()
    pieces.append(text[cursor:])
    new_text = "".join(pieces)

    def moved(offset: int) -> int:
        k = bisect.bisect_right(old_points, offset) - 1
        return offset + (new_points[k] - old_points[k])

    codes = {gazetteer().lookup(old).country: gazetteer().lookup(new).country for old, new in mapping.items()}  # type: ignore[union-attr]
    relations = []
    for relation in record["relations"]:
        updated = dict(relation)
        updated["sentence"] = [moved(relation["sentence"][0]), moved(relation["sentence"][1])]
        for role in ("speaker", "counterparty"):
            span = relation.get(f"{role}_span")
            if span is not None:
                updated[f"{role}_span"] = [moved(span[0]), moved(span[1])]
            if relation[role] in mapping:
                updated[role] = mapping[relation[role]]
            updated[f"{role}_country"] = codes.get(relation.get(f"{role}_country"), relation.get(f"{role}_country"))
        updated["tags"] = [*relation.get("tags", []), "augmented"]
        relations.append(updated)
    return {**record, "id": record["id"] + "-swap", "text": new_text, "relations": relations, "augmented": True}


# Share of train articles copied with swapped names by `python -m training.corpus compile` (--augment overrides).
# 0 since corpus batch 9 (0.05 from batch 8, 0.2 from batch 5, 0.3 before): written articles took the copies'
# place within the 45-minute training budget.
AUGMENT_FRACTION = 0.0


def augment_records(records: list[dict[str, Any]], fraction: float = AUGMENT_FRACTION, seed: int = 7) -> list[dict[str, Any]]:
    """Name-swapped copies of about ``fraction`` of ``records`` (train split only)."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"the augmented share must be between 0 and 1, got {fraction}")
    from stance.records import RecordError, validate_record

    forms = _forms()
    pool = sorted(forms)
    rng = random.Random(seed)
    out = []
    for record in records:
        if rng.random() >= fraction:
            continue
        states = sorted({r[role] for r in record["relations"] for role in ("speaker", "counterparty") if r[role] in forms})
        if not states:
            continue
        mentioned = {name for name in pool if name in record["text"]}
        choices = [name for name in pool if name not in mentioned]
        mapping = dict(zip(states, rng.sample(choices, len(states))))
        augmented = _swap(record, mapping, forms)
        try:
            validate_record(augmented)
        except RecordError:
            continue
        out.append(augmented)
    return out
