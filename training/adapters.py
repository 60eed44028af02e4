"""Adapters that map public data sets in ../shared/data onto our record format (read in place, never copied).

Mappings follow each set's README:
- DSE (Park et al. 2021): p, q marked with [ ]; label 1/3 p→q positive/negative, 2/4 q→p; 0 neutral.
  For training only the polar labels are used (DSE's neutral also covers "no relation", which our
  guide separates from neutral).
- Extra-set records carry ``"partial": true``: they label some pairs of a sentence, so the other
  candidate pairs are left out of the loss rather than taught as "no relation". With
  ``--extra-stance-only`` their gold pairs are left out of the relation loss too and teach stance only
  (a set that labels every pair it names would otherwise teach that named pairs are usually relations).
- ConfliBERT-CAMEO: source→target pairs with spans; statement→neutral, cooperation→cooperative,
  conflict→adversarial. Event coding: kind is "action".
- NewsMTSC: sentiment toward a target with no speaker; a weak proxy: the sentence's first other
  named mention is not a speaker, so each target becomes a relation from the speaker "(author)"
  with a null span: negative→adversarial, positive→cooperative, neutral→neutral.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from training.arguments import EXTRA_SETS, SHARED_DATA

DSE_LABELS = ("neutral", "positive p->q", "positive q->p", "negative p->q", "negative q->p")


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def read_dse(split: str = "valid") -> list[dict[str, Any]]:
    """DSE sentences as dicts: ``text`` (brackets removed), ``p_span``, ``q_span``, ``label`` (0-4)."""
    path = SHARED_DATA / "dse" / f"{split}.txt"
    items = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4 or not parts[3].strip().isdigit():
                continue
            marked = parts[0]
            brackets = [m.start() for m in re.finditer(r"[\[\]]", marked)]
            if len(brackets) != 4:
                continue
            text = re.sub(r"[\[\]]", "", marked)
            spans = [(brackets[0], brackets[1] - 1), (brackets[2] - 2, brackets[3] - 3)]
            spans = [_word_span(text, s, e) for s, e in spans]
            if any(s >= e for s, e in spans) or spans[0][0] < spans[1][1] and spans[1][0] < spans[0][1]:
                continue
            items.append({"id": f"dse-{split}-{number}", "text": text, "p_span": spans[0], "q_span": spans[1], "label": int(parts[3])})
    return items


def dse_records(split: str = "train", polar_only: bool = True) -> list[dict[str, Any]]:
    """DSE as partially labelled guide records (one sentence each) for training."""
    records = []
    for item in read_dse(split):
        text, p, q, label = item["text"], item["p_span"], item["q_span"], item["label"]
        if polar_only and label == 0:
            continue
        speaker, counterparty = (q, p) if label in (2, 4) else (p, q)
        stance = {0: "neutral", 1: "cooperative", 2: "cooperative", 3: "adversarial", 4: "adversarial"}[label]
        s_name, c_name = text[slice(*speaker)], text[slice(*counterparty)]
        if s_name.lower() == c_name.lower():
            continue
        records.append({"id": item["id"], "text": text, "partial": True, "relations": [{
            "sentence": [0, len(text)], "speaker": s_name, "speaker_span": list(speaker), "counterparty": c_name,
            "counterparty_span": list(counterparty), "stance": stance, "kind": "reported", "tags": []}]})
    return records


def conflibert_records() -> list[dict[str, Any]]:
    """ConfliBERT-CAMEO rows with exact spans as guide records."""
    records = []
    with (SHARED_DATA / "conflibert-cameo" / "train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = row["text"].strip()
            if row.get("stance") is None or row.get("join") != "exact" or text != row["text"]:
                continue
            relations = []
            for pair in row.get("pairs", []):
                s, t = pair["source"], pair["target"]
                if s.lower() == t.lower() or s not in text or t not in text:
                    continue
                ss, ts = text.index(s), text.index(t)
                relation = {"sentence": [0, len(text)], "speaker": s, "speaker_span": [ss, ss + len(s)], "counterparty": t,
                            "counterparty_span": [ts, ts + len(t)], "stance": pair["stance"], "kind": "action", "tags": []}
                if ss < ts + len(t) and ts < ss + len(s):
                    continue
                relations.append(relation)
            if relations:
                records.append({"id": row["id"], "text": text, "partial": True, "relations": relations})
    return records


def newsmtsc_records() -> list[dict[str, Any]]:
    """NewsMTSC targets as relations from the unnamed author (a weak proxy, see module docstring)."""
    polarity = {2.0: "adversarial", 4.0: "neutral", 6.0: "cooperative"}
    records = []
    with (SHARED_DATA / "newsmtsc" / "train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = row["sentence_normalized"]
            relations, seen = [], set()
            for target in row["targets"]:
                span = _word_span(text, target["from"], target["to"])
                name = text[slice(*span)]
                if not name or name in seen or target["polarity"] not in polarity:
                    continue
                seen.add(name)
                relations.append({"sentence": [0, len(text)], "speaker": "(author)", "speaker_span": None, "counterparty": name,
                                  "counterparty_span": list(span), "stance": polarity[target["polarity"]], "kind": "reported", "tags": []})
            if relations and text == text.strip():
                records.append({"id": row["primary_gid"], "text": text, "partial": True, "relations": relations})
    return records


def extra_training_records(name: str, limit: int, seed: int) -> list[dict[str, Any]]:
    """Records of an extra set: a seeded sample of up to ``limit`` from a partially labelled set (``dse``,
    ``conflibert``, ``newsmtsc``); all of ``public-annotated`` (our own annotation, see
    :mod:`training.public_annotated`)."""
    from stance.records import RecordError, validate_record

    if name not in EXTRA_SETS:
        raise ValueError(f"unknown extra set {name!r}; choose from {', '.join(EXTRA_SETS)}")
    if not SHARED_DATA.exists():
        raise FileNotFoundError(f"extra sets are read from {SHARED_DATA}, which does not exist")
    if name == "public-annotated":
        from training.public_annotated import public_annotated_records

        return public_annotated_records()
    loaders = {"dse": lambda: dse_records("train"), "conflibert": conflibert_records, "newsmtsc": newsmtsc_records}
    records = []
    for record in loaders[name]():
        try:
            validate_record(record)
        except RecordError:
            continue
        records.append(record)
    random.Random(seed).shuffle(records)
    return records[:limit] if limit else records


def realnews_path() -> Path:
    return SHARED_DATA / "realnews-dev" / "dev.jsonl"
