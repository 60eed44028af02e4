"""Country-level check on real news coded by others: the PETRARCH-2 gold-standard sentences.

``../shared/data/petrarch2-gsr/validation.jsonl`` holds 78 real news sentences (mostly AFP 2008) with their
hand-corrected CAMEO events: source and target as actor codes, not spans. Only the country level can be
compared: an event counts when both codes start with an ISO 3166-1 alpha-3 country code (``USAGOV`` ->
``USA``; ``IGO...``, ``---`` and the like are left out), and ``classify()`` finds it when one of its statements
in that sentence has the same (speaker country, counterparty country). Stance follows our guide from the
CAMEO root (01 and 09 neutral, 02-08 cooperative, 10-20 adversarial), not the set's own mapping (which
reads 02 as neutral and 09 as adversarial).

A proxy, not our guide: event coders code acts our guide leaves out (a leader preparing to attend the
Olympics is USA -> CHN "consult") and skip some it keeps, so precision here is a lower bound and the
sentences the set expects no event from may still hold relations under the guide.

Example::

    python -m training.evaluate models/stance-minilm petrarch2
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stance.countries import is_country_code
from training.arguments import SHARED_DATA


def petrarch_path() -> Path:
    return SHARED_DATA / "petrarch2-gsr" / "validation.jsonl"


def guide_stance(cameo_root: str) -> str:
    """Our guide's stance for a CAMEO root code ("01".."20")."""
    root = int(cameo_root)
    if root in (1, 9):
        return "neutral"
    return "cooperative" if root <= 8 else "adversarial"


def country_of(code: str) -> str | None:
    """The ISO alpha-3 country a CAMEO actor code starts with, or None (``IGOUNO``, ``---REB``)."""
    return code[:3] if len(code) >= 3 and is_country_code(code[:3]) else None


def read_petrarch(path: Path | None = None) -> list[dict[str, Any]]:
    """The sentences, each with ``events``: a set of (source country, target country, stance)."""
    rows = []
    with (path or petrarch_path()).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                coded = row["events"]
                events = set()
                for event in coded:
                    source, target = country_of(event["source"]), country_of(event["target"])
                    if source and target:
                        events.add((source, target, guide_stance(event["cameo_root"])))
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path or petrarch_path()}:{number}: not a PETRARCH-2 sentence ({error!r})") from error
            rows.append({"id": row.get("id", str(number)), "text": row["text"], "events": events, "coded": len(coded)})
    return rows


def _scores(tp: int, predicted: int, gold: int) -> dict[str, float]:
    from training.evaluate import _f1

    return dict(zip(("precision", "recall", "f1"), _f1(tp, predicted, gold)))


def score_dyads(rows: list[dict[str, Any]], predictions: list[list[Any]]) -> dict[str, Any]:
    """Country-dyad precision/recall/F1 (with and without stance) of statements against coded events.

    A sentence's predicted dyads are the distinct (speaker country, counterparty country) of its statements
    with both countries known; the stance of a dyad found more than once is that of its most confident
    statement. Statements without both countries are counted apart (they cannot be compared)."""
    tp_pair = tp_stance = n_pred = n_gold = uncomparable = 0
    for row, statements in zip(rows, predictions):
        best: dict[tuple[str, str], Any] = {}
        for s in statements:
            if s.speaker_country is None or s.counterparty_country is None:
                uncomparable += 1
                continue
            key = (s.speaker_country, s.counterparty_country)
            if key not in best or s.relation_score > best[key].relation_score:
                best[key] = s
        gold = {(source, target): stance for source, target, stance in row["events"]}
        n_pred += len(best)
        n_gold += len(gold)
        for key, statement in best.items():
            if key in gold:
                tp_pair += 1
                tp_stance += statement.stance == gold[key]
    return {
        "sentences": len(rows),
        "gold_dyads": n_gold,
        "predicted_dyads": n_pred,
        "statements_without_countries": uncomparable,
        "dyad": _scores(tp_pair, n_pred, n_gold),
        "dyad_stance": _scores(tp_stance, n_pred, n_gold),
        "stance_accuracy_on_found_dyads": tp_stance / tp_pair if tp_pair else 0.0,
        "found_dyads": tp_pair,
        "note": "country level; gold stance from the CAMEO root as our guide maps it; a proxy (see training/petrarch.py)",
    }


def petrarch_eval(classifier: Any, batch_size: int = 32) -> dict[str, Any]:
    """``classify()`` on every sentence, scored at the country level against the coded events."""
    rows = read_petrarch()
    predictions = classifier.classify([row["text"] for row in rows], batch_size=batch_size)
    return score_dyads(rows, predictions)
