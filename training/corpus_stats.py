"""Statistics of the compiled corpus (`python -m training.corpus stats [--write]`)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from stance.labels import KINDS, REGIONS, STANCES, TAGS
from stance.records import load_records
from stance.segment import segment

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "training" / "data"
CARD = DATA_DIR / "README.md"
START, END = "<!-- stats:start -->", "<!-- stats:end -->"
REPORTING = re.compile(
    r"\b(said|says|told|added|warned|urged|accused|praised|vowed|revealed|stated|announced|declared|insisted|"
    r"noted|stressed|argued|claimed|denied|rejected|called|critici[sz]ed|condemned|welcomed|pledged|promised|"
    r"threatened|demanded|asked|expressed|agreed|wrote|replied|responded|acknowledged|admitted|confirmed|"
    r"explained|suggested|proposed|hailed|blamed|dismissed|accord(?:ing)? to|quoted|complained|cautioned|"
    r"maintained|reiterated|protested|lamented|signalled|signaled|hinted|conceded|predicted|estimated|"
    r"commented|remarked|emphasi[sz]ed|underlined|assured|reassured|appealed|thanked|apologi[sz]ed|objected|"
    r"countered|retorted|alleged|charged|insists|warns|says|believes|believed|hoped|hopes|regretted)\b",
    re.I,
)


def _table(title: str, counter: Counter, total: int, order: list[str] | None = None) -> list[str]:
    lines = [f"| {title} | count | share |", "|---|---:|---:|"]
    for key in order or [k for k, _ in counter.most_common()]:
        lines.append(f"| {key} | {counter.get(key, 0)} | {100 * counter.get(key, 0) / max(total, 1):.1f}% |")
    return lines


def corpus_statistics(splits: dict[str, list[dict[str, Any]]]) -> str:
    """Markdown tables: totals, stance, kind, region, tags, per split, actors, reporting verbs."""
    original = {name: [r for r in records if not r.get("augmented")] for name, records in splits.items()}
    records = [r for items in original.values() for r in items]
    relations = [rel for r in records for rel in r["relations"]]
    sentences = sum(len(segment(r["text"]).sentences) for r in records)
    with_relation = sum(len({tuple(rel["sentence"]) for rel in r["relations"]}) for r in records)
    words = sum(len(r["text"].split()) for r in records)
    countries = {c for rel in relations for c in (rel.get("speaker_country"), rel.get("counterparty_country")) if c}
    verbs = Counter(m.group(1).lower() for r in records for rel in r["relations"] for m in REPORTING.finditer(r["text"][slice(*rel["sentence"])]))
    augmented = sum(1 for items in splits.values() for r in items if r.get("augmented"))
    n = len(relations)
    lines = [
        f"- articles: {len(records)} (plus {augmented} name-swapped copies in train, flagged `augmented`)",
        f"- words: {words:,} (mean {words / max(len(records), 1):.0f} per article); sentences: {sentences:,} "
        f"(segmenter count), {sentences - with_relation:,} ({100 * (sentences - with_relation) / max(sentences, 1):.1f}%) without a relation",
        f"- relations: {n:,}; distinct speakers {len({rel['speaker'] for rel in relations})}, distinct counterparties "
        f"{len({rel['counterparty'] for rel in relations})}, countries (actor codes) {len(countries)}",
        f"- distinct reporting verbs in relation sentences: {len(verbs)} ({', '.join(v for v, _ in verbs.most_common(25))}, ...)",
        "",
        *_table("stance", Counter(rel["stance"] for rel in relations), n, list(STANCES)),
        "",
        *_table("kind", Counter(rel["kind"] for rel in relations), n, list(KINDS)),
        "",
        *_table("phenomenon tag", Counter(t for rel in relations for t in rel.get("tags", [])), n, [t for t in TAGS if t != "augmented"]),
        "",
        "| region | articles | relations | cooperative | adversarial | neutral |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for region in REGIONS:
        items = [r for r in records if r.get("region") == region]
        rels = [rel for r in items for rel in r["relations"]]
        c = Counter(rel["stance"] for rel in rels)
        lines.append(f"| {region} | {len(items)} | {len(rels)} | {c['cooperative']} | {c['adversarial']} | {c['neutral']} |")
    lines += ["", "| split | articles | relations | cooperative | adversarial | neutral | quote | reported | action |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, items in original.items():
        rels = [rel for r in items for rel in r["relations"]]
        s, k = Counter(rel["stance"] for rel in rels), Counter(rel["kind"] for rel in rels)
        lines.append(f"| {name} | {len(items)} | {len(rels)} | " + " | ".join(str(s[x]) for x in STANCES) + " | " + " | ".join(str(k[x]) for x in KINDS) + " |")
    return "\n".join(lines)


def main(write: bool = False) -> int:
    splits = {name: load_records(DATA_DIR / f"{name}.jsonl") for name in ("train", "dev", "test")}
    text = corpus_statistics(splits)
    print(text)
    if write:
        from stance.io import atomic_file

        card = CARD.read_text(encoding="utf-8")
        if START not in card or END not in card:
            print(f"{CARD} has no {START} ... {END} block to refresh")
            return 1
        head, rest = card.split(START, 1)
        _, tail = rest.split(END, 1)
        with atomic_file(CARD) as handle:
            handle.write(f"{head}{START}\n{text}\n{END}{tail}")
    return 0
