"""Inter-annotator agreement on stance: `python -m training.agreement [--list] [--realnews]`.

A second annotator labelled the stance of every relation of 40 articles (pairs.jsonl: sentence,
speaker, counterparty; no labels) without seeing the first pass. This compares both passes with
Cohen's kappa (scikit-learn) and lists the disagreements for reconciliation. ``--realnews``: our
annotator's stance for every gold pair of realnews-dev (``realnews_stance.jsonl``: passage id, relation
index, stance; labelled from the passage and the pair, without its label) against that set's labels,
scored as the model is scored there (macro-F1 on gold pairs).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sklearn.metrics import cohen_kappa_score, confusion_matrix

from stance.labels import STANCES
from training.article_source import parse_article

ROOT = Path(__file__).resolve().parent.parent
AGREEMENT = ROOT / "training" / "corpus" / "agreement"


def first_pass_labels(pairs: list[dict]) -> list[str | None]:
    """Current corpus labels for the pairs (the first pass, after any reconciliation); None where the
    relation was since edited away in its article."""
    files = [ROOT / line.strip() for line in (AGREEMENT / "articles.txt").read_text().splitlines() if line.strip()]
    records = {r["id"]: r for r in (parse_article(f) for f in files)}
    labels = []
    for pair in pairs:
        record = records[pair["article"]]
        match = [r for r in record["relations"] if r["speaker"] == pair["speaker"] and r["counterparty"] == pair["counterparty"]
                 and record["text"][slice(*r["sentence"])] == pair["sentence"]]
        labels.append(match[0]["stance"] if len(match) == 1 else None)
    return labels


def realnews_agreement(labels_path: Path = AGREEMENT / "realnews_stance.jsonl") -> dict[str, Any]:
    """Stance report (macro-F1, per class, confusion; 95% bootstrap over passages) of our labels against realnews-dev's."""
    import numpy as np

    from stance.records import load_records
    from training.adapters import realnews_path
    from training.evaluate import macro_f1_ci95, stance_report

    gold_records = {r["id"]: r for r in load_records(realnews_path())}
    ours = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = np.array([STANCES.index(gold_records[o["article"]]["relations"][o["relation"]]["stance"]) for o in ours])
    pred = np.array([STANCES.index(o["stance"]) for o in ours])
    articles = [o["article"] for o in ours]
    report = stance_report(gold.tolist(), pred.tolist())
    report["macro_f1_ci95"] = macro_f1_ci95(gold, pred, articles)
    report["kappa"] = float(cohen_kappa_score(gold, pred))
    report["gold_relations"] = sum(len(r["relations"]) for r in gold_records.values())
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.agreement", description=__doc__.splitlines()[0])
    parser.add_argument("--second", default=str(AGREEMENT / "second_pass.jsonl"))
    parser.add_argument("--list", action="store_true", help="list every disagreement")
    parser.add_argument("--realnews", action="store_true", help="also score our stance labels of realnews-dev's gold pairs against its own")
    args = parser.parse_args(argv)
    if args.realnews:
        report = realnews_agreement()
        low, high = report["macro_f1_ci95"]
        print(f"realnews-dev, our annotator against its labels: {report['n']} of {report['gold_relations']} gold pairs, stance macro-F1 "
              f"{report['macro_f1']:.3f} [{low:.3f}, {high:.3f}], Cohen's kappa {report['kappa']:.3f}, confusion {report['confusion']}")
    pairs = [json.loads(line) for line in (AGREEMENT / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    second = [json.loads(line)["stance"] for line in Path(args.second).read_text(encoding="utf-8").splitlines()]
    recorded = [json.loads(line)["stance"] for line in (AGREEMENT / "first_pass.jsonl").read_text(encoding="utf-8").splitlines()]
    known = [(a, b) for a, b, current in zip(recorded, second, first_pass_labels(pairs)) if current is not None]
    before = cohen_kappa_score([a for a, _ in known], [b for _, b in known], labels=list(STANCES))
    print(f"before reconciliation (first pass as annotated, first_pass.jsonl): Cohen's kappa {before:.3f}")
    both = [(a, b, p) for a, b, p in zip(first_pass_labels(pairs), second, pairs) if a is not None]
    if len(both) < len(pairs):
        print(f"{len(pairs) - len(both)} pair(s) no longer in the corpus (edited after the second pass) are left out")
    first, second, pairs = [a for a, _, _ in both], [b for _, b, _ in both], [p for _, _, p in both]
    kappa = cohen_kappa_score(first, second, labels=list(STANCES))
    print(f"articles: {len({p['article'] for p in pairs})}, relations: {len(pairs)}")
    print(f"after reconciliation (corpus now): Cohen's kappa (stance) {kappa:.3f}; raw agreement {sum(a == b for a, b in zip(first, second)) / len(pairs):.3f}")
    print("confusion (rows first pass, columns second pass: " + ", ".join(STANCES) + ")")
    for row in confusion_matrix(first, second, labels=list(STANCES)):
        print("  " + " ".join(f"{v:4d}" for v in row))
    disagreements = Counter((a, b) for a, b in zip(first, second) if a != b)
    print("disagreements:", dict(disagreements))
    if args.list:
        for a, b, p in zip(first, second, pairs):
            if a != b:
                print(f"- {p['article']} #{p['relation']}: {p['speaker']} -> {p['counterparty']}: first {a}, second {b}\n    {p['sentence']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
