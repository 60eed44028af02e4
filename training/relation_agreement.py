"""Inter-annotator agreement on relations: `python -m training.relation_agreement [--model FOLDER]`.

A second annotator annotated test articles from scratch (``training/corpus/agreement/relations/*.art``:
the article's sentences with no relations and an empty actor list), without seeing the first pass. This
scores the second pass against the corpus (the first pass) exactly as ``training.evaluate`` scores the
model's statements (pair F1, relation F1 with stance, speaker attribution, 95% bootstrap intervals over
articles), and Cohen's kappa of stance on the pairs both passes found. With ``--model`` the model's
statements on the same articles are scored against each pass: how far the model is from a second human.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sklearn.metrics import cohen_kappa_score

from stance.io import atomic_file
from stance.labels import STANCES
from stance.statement import Statement
from training.agreement import AGREEMENT
from training.article_source import parse_article
from training.corpus import CORPUS_DIR
from training.evaluate import align, score_statements

SECOND_PASS = AGREEMENT / "relations"


def as_statements(record: dict[str, Any]) -> list[Statement]:
    """A record's annotated relations as the statements ``classify()`` would return for them."""
    text = record["text"]
    return [
        Statement(
            text=text[r["sentence"][0] : r["sentence"][1]],
            start=r["sentence"][0],
            end=r["sentence"][1],
            speaker=r["speaker"],
            speaker_span=tuple(r["speaker_span"]) if r.get("speaker_span") else None,
            speaker_country=r.get("speaker_country"),
            counterparty=r["counterparty"],
            counterparty_span=tuple(r["counterparty_span"]) if r.get("counterparty_span") else None,
            counterparty_country=r.get("counterparty_country"),
            stance=r["stance"],
            score=1.0,
            scores={s: float(s == r["stance"]) for s in STANCES},
            kind=r["kind"],
            via=r.get("via"),
            relation_score=1.0,
        )
        for r in record.get("relations", [])
    ]


def load_passes(second_folder: Path = SECOND_PASS, corpus: Path = CORPUS_DIR) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(first pass, second pass) records of every article in ``second_folder``, in the same order.

    Raises ``ValueError`` when an article is not in the corpus or its text differs from the corpus's.
    """
    sources = {p.stem: p for p in corpus.rglob("*.art")}
    first, second = [], []
    for path in sorted(second_folder.glob("*.art")):
        other = parse_article(path)
        if other["id"] not in sources:
            raise ValueError(f"{path}: article id {other['id']!r} is not in the corpus ({corpus}); name the file after a corpus article")
        record = parse_article(sources[other["id"]])
        if record["text"] != other["text"]:
            raise ValueError(f"{path}: the sentences differ from {sources[other['id']]}; the second pass must keep every sentence line unchanged")
        first.append(record)
        second.append(other)
    if not first:
        raise ValueError(f"no .art files in {second_folder}")
    return first, second


def stance_kappa(gold: list[dict[str, Any]], predictions: list[list[Statement]]) -> dict[str, float]:
    """Cohen's kappa and raw agreement of stance over the pairs matched between ``gold`` and ``predictions``."""
    a, b = [], []
    for record, statements in zip(gold, predictions):
        alignment = align(record["relations"], statements, record["text"])
        for relation, match in zip(record["relations"], alignment.matches):
            if match is not None:
                a.append(relation["stance"])
                b.append(statements[match].stance)
    if not a:
        return {"pairs": 0, "kappa": 0.0, "agreement": 0.0}
    return {"pairs": len(a), "kappa": float(cohen_kappa_score(a, b, labels=list(STANCES))), "agreement": sum(x == y for x, y in zip(a, b)) / len(a)}


def compare(gold: list[dict[str, Any]], predictions: list[list[Statement]]) -> dict[str, Any]:
    """``predictions`` scored against ``gold`` as the evaluation scores a model, plus stance kappa on matched pairs."""
    return {**score_statements(gold, predictions), "stance_on_matched_pairs": stance_kappa(gold, predictions)}


def format_row(name: str, result: dict[str, Any]) -> str:
    pair, relation, kappa = result["pair"], result["pair_stance"], result["stance_on_matched_pairs"]
    low, high = relation["f1_ci95"]
    return (
        f"| {name} | {result['gold']} / {result['predicted']} | {pair['precision']:.3f} / {pair['recall']:.3f} / {pair['f1']:.3f} "
        f"| {relation['f1']:.3f} [{low:.3f}, {high:.3f}] | {result['speaker_attribution']['accuracy']:.3f} | {kappa['kappa']:.3f} ({kappa['pairs']}) |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.relation_agreement", description=__doc__.splitlines()[0])
    parser.add_argument("--second", default=str(SECOND_PASS), help="folder of second-pass .art files")
    parser.add_argument("--model", default=None, help="also score this model folder's statements against both passes")
    parser.add_argument("--json", default=None, help="write all results to this JSON file")
    args = parser.parse_args(argv)
    first, second = load_passes(Path(args.second))
    second_statements = [as_statements(r) for r in second]
    results = {"articles": len(first), "second_vs_first": compare(first, second_statements)}
    if args.model:
        from stance.classifier import Classifier

        classifier = Classifier.from_pretrained(args.model, device="cpu")
        predicted = classifier.classify([r["text"] for r in first])
        results["model_vs_first"] = compare(first, predicted)
        results["model_vs_second"] = compare(second, predicted)
    print(f"articles: {results['articles']}")
    print("| scored | reference / scored relations | pair P / R / F1 | relation F1 (pair + stance) [95% CI] | speaker attribution | stance kappa (matched pairs) |")
    print("|---|---|---|---|---|---|")
    names = {"second_vs_first": "second annotator vs. corpus", "model_vs_first": "model vs. corpus", "model_vs_second": "model vs. second annotator"}
    for key, name in names.items():
        if key in results:
            print(format_row(name, results[key]))
    if args.json:
        with atomic_file(args.json) as handle:
            handle.write(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
