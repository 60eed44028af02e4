"""Corpora as `datasets`: validated records in, one row per sentence with labelled candidate pairs out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from stance.encoding import Candidate, SentenceInput, labelled_inputs

logger = logging.getLogger(__name__)


def _to_rows(batch: dict[str, list[Any]], context_size: int, force_gold: bool) -> dict[str, list[Any]]:
    rows: dict[str, list[Any]] = {
        k: [] for k in ("article", "text", "start", "end", "previous", "candidates", "pairs", "labels", "kinds", "sources")
    }
    for record_id, text, relations, partial, stance_only in zip(batch["id"], batch["text"], batch["relations"], batch["partial"], batch["stance_only"]):
        # relation order is kept, so "sources" index the record's relations
        record = {"text": text, "relations": relations, "partial": partial, "stance_only": stance_only}
        for item in labelled_inputs(record, context_size, force_gold):
            if not item.pairs:
                continue
            rows["article"].append(record_id)
            rows["text"].append(text)
            rows["start"].append(item.start)
            rows["end"].append(item.end)
            rows["previous"].append(list(item.previous) if item.previous else [-1, -1])
            rows["candidates"].append(
                [{"canonical": c.canonical, "country": c.country, "span": list(c.span) if c.span else None} for c in item.candidates]
            )
            rows["pairs"].append([list(p) for p in item.pairs])
            rows["labels"].append(item.labels)
            rows["kinds"].append(item.kinds)
            rows["sources"].append(item.sources)
    return rows


def records_to_dataset(records: Sequence[dict[str, Any]], context_size: int = 6, force_gold: bool = False) -> Any:
    """A `datasets.Dataset` with one row per sentence that has at least one candidate pair
    (``force_gold``: every gold pair is scored, see :func:`stance.encoding.labelled_inputs`)."""
    import datasets

    slim = [
        {
            "id": str(r.get("id", i)),
            "text": r["text"],
            "partial": bool(r.get("partial")),
            "stance_only": bool(r.get("stance_only")),
            "relations": [
                {k: rel.get(k) for k in ("sentence", "speaker", "speaker_span", "speaker_country", "counterparty",
                                          "counterparty_span", "counterparty_country", "stance", "kind")}
                for rel in r.get("relations", [])
            ],
        }
        for i, r in enumerate(records)
    ]
    dataset = datasets.Dataset.from_list(slim)
    return dataset.map(
        _to_rows, batched=True, batch_size=16, remove_columns=dataset.column_names, fn_kwargs={"context_size": context_size, "force_gold": force_gold},
        desc="building candidate pairs", load_from_cache_file=False,
    )


def row_to_input(row: dict[str, Any]) -> SentenceInput:
    """Rebuild the shared preprocessing structure from a dataset row."""
    candidates = [Candidate(c["canonical"], c["country"], tuple(c["span"]) if c["span"] else None) for c in row["candidates"]]
    return SentenceInput(
        row["start"], row["end"], candidates, [tuple(p) for p in row["pairs"]], list(row["labels"]), list(row["kinds"]),
        list(row["sources"]) if "sources" in row else None,
        tuple(row["previous"]) if row.get("previous", [-1, -1])[0] >= 0 else None,  # type: ignore[arg-type]
    )
