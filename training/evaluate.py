"""Evaluate a model folder on record files: `python -m training.evaluate MODEL DATA... [--json OUT]`.

DATA is a JSON Lines file in the guide's format, or a named set: `realnews` (../shared/data/realnews-dev),
`dse` (DSE valid, 5-class directed macro-F1), `petrarch2` (PETRARCH-2 gold-standard sentences, country level,
see :mod:`training.petrarch`). Reports stance on gold pairs (per-class P/R/F1, macro-F1,
confusion matrix), relations end to end (pair found; pair + stance; speaker attribution), results per
phenomenon tag, 95% bootstrap intervals over articles, and a TF-IDF + logistic-regression baseline
trained on the same train split over the same pair inputs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stance.labels import STANCES
from stance.precision import PRECISIONS
from stance.records import RecordError, load_records

logger = logging.getLogger(__name__)
BOOTSTRAP = 1000


def _f1(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def _macro_f1(gold: np.ndarray, pred: np.ndarray, n: int = 3) -> float:
    scores = []
    for c in range(n):
        tp = float(np.sum((gold == c) & (pred == c)))
        scores.append(_f1(tp, float(np.sum(pred == c)), float(np.sum(gold == c)))[2])
    return float(np.mean(scores))


def stance_report(gold: list[int], pred: list[int]) -> dict[str, Any]:
    """Per-class precision/recall/F1, macro-F1 and confusion matrix over stance indices (scikit-learn)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = list(range(len(STANCES)))
    if not gold:
        return {"n": 0, "macro_f1": 0.0, "per_class": {}, "confusion": []}
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    return {
        "n": len(gold),
        "macro_f1": float(np.mean(f)),
        "accuracy": float(np.mean(np.array(gold) == np.array(pred))),
        "per_class": {STANCES[i]: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])} for i in labels},
        "confusion": confusion_matrix(gold, pred, labels=labels).tolist(),
    }


def _bootstrap(articles: list[str], statistic: Any, seed: int = 0, n: int = BOOTSTRAP) -> list[float]:
    """95% percentile interval of ``statistic(sampled article ids)`` over article resamples."""
    unique = sorted(set(articles))
    if len(unique) < 2:
        return [float("nan"), float("nan")]
    rng = np.random.default_rng(seed)
    values = [statistic([unique[i] for i in rng.integers(0, len(unique), len(unique))]) for _ in range(n)]
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def macro_f1_ci95(gold: np.ndarray, pred: np.ndarray, articles: list[str]) -> list[float]:
    """95% bootstrap interval of stance macro-F1 over articles (``articles[k]``: the article of pair ``k``)."""
    index = defaultdict(list)
    for k, a in enumerate(articles):
        index[a].append(k)

    def macro_f1_of(ids: list[str]) -> float:
        picked = [k for a in ids for k in index[a]]
        return _macro_f1(gold[picked], pred[picked])

    return _bootstrap(articles, macro_f1_of)


def gold_pair_eval(pairs: Any, records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Stance on gold pairs from :class:`training.pairs.PairPredictions`: argmax over the three stances."""
    gold_mask = (pairs.labels > 0).numpy()
    gold = (pairs.labels.numpy()[gold_mask] - 1).astype(int)
    pred = pairs.logits[:, 1:].argmax(-1).numpy()[gold_mask].astype(int)
    articles = [a for a, keep in zip(pairs.articles, gold_mask) if keep]
    sources = [s for s, keep in zip(pairs.sources, gold_mask) if keep]
    report = stance_report(gold.tolist(), pred.tolist())
    report["macro_f1_ci95"] = macro_f1_ci95(gold, pred, articles)
    total = sum(len(r.get("relations", [])) for r in records.values())
    report["gold_relations"] = total
    report["gold_relations_reached"] = len(gold)
    by_tag: dict[str, list[int]] = defaultdict(list)
    for k, (a, s) in enumerate(zip(articles, sources)):
        for tag in records[a]["relations"][s].get("tags", []) if s >= 0 else []:
            by_tag[tag].append(k)
    report["per_tag_accuracy"] = {tag: {"n": len(ks), "accuracy": float(np.mean(gold[ks] == pred[ks]))} for tag, ks in sorted(by_tag.items())}
    kinds_known = (pairs.kinds >= 0).numpy() & gold_mask
    if kinds_known.any():
        report["kind_accuracy"] = float((pairs.kind_logits.argmax(-1).numpy()[kinds_known] == pairs.kinds.numpy()[kinds_known]).mean())
    return report


PRONOUNS = frozenset("he she it they him her his its their them".split())


def _same_actor(name: str, span: Any, gold_name: str, gold_span: Any, text: str | None = None) -> bool:
    """Same canonical name, or overlapping mentions (naming may differ: "Britain", "United Kingdom"); a
    pronoun's mention only counts with the right name, since who "he" is decides the speaker."""
    if name.casefold() == gold_name.casefold():
        return True
    if text is not None and gold_span is not None and text[gold_span[0] : gold_span[1]].casefold() in PRONOUNS:
        return False
    return span is not None and gold_span is not None and span[0] < gold_span[1] and gold_span[0] < span[1]


@dataclass(frozen=True)
class Alignment:
    """Gold relations of one article against its predicted statements (indices into each list)."""

    same_sentence: list[list[int]]  # per gold relation: statements overlapping its sentence
    counterparty_found: list[list[int]]  # ... of those, the ones naming its counterparty
    matches: list[int | None]  # per gold relation: the statement matched to it (same pair), or None
    unmatched: list[int]  # statements matched to no gold relation


def align(relations: list[dict[str, Any]], statements: list[Any], text: str | None = None) -> Alignment:
    """Match each gold relation to one statement of its sentence with the same counterparty and speaker
    (``text``, the article: a pronoun mention must also resolve to the right name)."""
    used: set[int] = set()
    same_sentence, counterparty_found, matches = [], [], []
    for relation in relations:
        gs, ge = relation["sentence"]
        same = [k for k, s in enumerate(statements) if s.start < ge and gs < s.end]
        found = [k for k in same if _same_actor(statements[k].counterparty, statements[k].counterparty_span, relation["counterparty"], relation.get("counterparty_span"), text)]
        match = next((k for k in found if k not in used and _same_actor(statements[k].speaker, statements[k].speaker_span, relation["speaker"], relation.get("speaker_span"), text)), None)
        if match is not None:
            used.add(match)
        same_sentence.append(same)
        counterparty_found.append(found)
        matches.append(match)
    return Alignment(same_sentence, counterparty_found, matches, [k for k in range(len(statements)) if k not in used])


def _match_statements(records: list[dict[str, Any]], predictions: list[list[Any]]) -> tuple[dict[str, list[int]], dict[str, list[int]], int, int]:
    """Statements matched to gold relations of the same sentence: per article ``[tp_pair, tp_stance,
    predicted, gold]``, per tag ``[hits, n]``, and speaker attribution ``(right, seen)``."""
    per_article: dict[str, list[int]] = {}
    tag_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    speaker_right = speaker_seen = 0
    for record, statements in zip(records, predictions):
        gold = record.get("relations", [])
        alignment = align(gold, statements, record.get("text"))
        tp_pair = tp_stance = 0
        for relation, found, match in zip(gold, alignment.counterparty_found, alignment.matches):
            if found:
                speaker_seen += 1
                speaker_right += any(_same_actor(statements[k].speaker, statements[k].speaker_span, relation["speaker"], relation.get("speaker_span"), record.get("text")) for k in found)
            hit = 0
            if match is not None:
                tp_pair += 1
                hit = int(statements[match].stance == relation["stance"])
                tp_stance += hit
            for tag in relation.get("tags", []):
                tag_hits[tag][0] += hit
                tag_hits[tag][1] += 1
        per_article[str(record.get("id"))] = [tp_pair, tp_stance, len(statements), len(gold)]
    return per_article, tag_hits, speaker_right, speaker_seen


def _totals(counts: Iterable[list[int]]) -> np.ndarray:
    """``[tp_pair, tp_stance, predicted, gold]`` summed over articles."""
    return np.array(list(counts) or [[0, 0, 0, 0]]).sum(axis=0)


def relation_f1(records: list[dict[str, Any]], predictions: list[list[Any]]) -> float:
    """End-to-end relation F1 (pair and stance) of ``predictions`` (statements per record) against gold."""
    sums = _totals(_match_statements(records, predictions)[0].values())
    return _f1(sums[1], sums[2], sums[3])[2]


def end_to_end_eval(classifier: Any, records: list[dict[str, Any]], batch_size: int = 32) -> dict[str, Any]:
    """Relations found by ``classifier.classify`` against gold: pair, pair + stance, speaker attribution."""
    return score_statements(records, classifier.classify([r["text"] for r in records], batch_size=batch_size))


def score_statements(records: list[dict[str, Any]], predictions: list[list[Any]]) -> dict[str, Any]:
    """Statements per record (the model's, or another annotator's) against gold: pair, pair + stance,
    speaker attribution, recall per tag; 95% bootstrap interval of relation F1 over articles."""
    per_article, tag_hits, speaker_right, speaker_seen = _match_statements(records, predictions)
    sums = _totals(per_article.values())
    pair = _f1(sums[0], sums[2], sums[3])
    stance = _f1(sums[1], sums[2], sums[3])

    def f1_of(ids: list[str]) -> float:
        s = _totals(per_article[i] for i in ids)
        return _f1(s[1], s[2], s[3])[2]

    return {
        "predicted": int(sums[2]),
        "gold": int(sums[3]),
        "pair": {"precision": pair[0], "recall": pair[1], "f1": pair[2]},
        "pair_stance": {"precision": stance[0], "recall": stance[1], "f1": stance[2], "f1_ci95": _bootstrap(list(per_article), f1_of)},
        "speaker_attribution": {"accuracy": speaker_right / speaker_seen if speaker_seen else 0.0, "n": speaker_seen},
        "per_tag_recall": {tag: {"n": n, "recall": hits / n} for tag, (hits, n) in sorted(tag_hits.items())},
    }


def baseline_eval(baseline: Any, gold_dataset: Any, candidate_dataset: Any) -> dict[str, Any]:
    """The TF-IDF baseline on the same pairs as the model: stance on gold pairs and pair-level relation F1."""
    from training.baseline import pair_texts

    texts, labels, _, _ = pair_texts(gold_dataset)
    log_proba = baseline.log_proba(texts, 1 + len(STANCES))
    labels_arr = np.array(labels)
    gold_mask = labels_arr > 0
    pred = log_proba[gold_mask][:, 1:].argmax(-1)
    report = stance_report((labels_arr[gold_mask] - 1).tolist(), pred.tolist())
    texts, labels, _, _ = pair_texts(candidate_dataset)
    log_proba = baseline.log_proba(texts, 1 + len(STANCES))
    labels_arr = np.array(labels)
    gold_mask = labels_arr > 0
    found = log_proba.argmax(-1)
    keep = labels_arr >= 0
    tp = float(np.sum((found == labels_arr) & gold_mask & keep))
    report["pair_level_relation"] = dict(zip(("precision", "recall", "f1"), _f1(tp, float(np.sum((found > 0) & keep)), float(np.sum(gold_mask)))))
    return report


def _model_pair_level(pairs: Any) -> dict[str, float]:
    from training.pairs import pair_metrics

    metrics = pair_metrics(pairs.logits, pairs.labels)
    return {"precision": metrics["relation_precision"], "recall": metrics["relation_recall"], "f1": metrics["relation_f1"]}


def resolve_set(spec: str) -> tuple[str, list[dict[str, Any]]]:
    """``(name, records)`` for a path or the named set ``realnews``."""
    from training.adapters import realnews_path

    if spec == "realnews":
        return "realnews-dev", load_records(realnews_path())
    path = Path(spec)
    return path.stem if path.parent.name != "data" else f"corpus-{path.stem}", load_records(path)


def evaluate_records(classifier: Any, records: list[dict[str, Any]], baseline: Any = None, context_size: int = 6) -> dict[str, Any]:
    from training.data import records_to_dataset
    from training.pairs import predict_rows

    by_id = {str(r.get("id", i)): r for i, r in enumerate(records)}
    gold_pairs = predict_rows(
        classifier.model, classifier.tokenizer, records_to_dataset(records, context_size, force_gold=True), device=classifier.device, precision=classifier.precision
    )
    dataset = records_to_dataset(records, context_size)
    candidate_pairs = predict_rows(classifier.model, classifier.tokenizer, dataset, device=classifier.device, precision=classifier.precision)
    result = {
        "articles": len(records),
        "stance_gold_pairs": gold_pair_eval(gold_pairs, by_id),
        "relations": end_to_end_eval(classifier, records),
        "pair_level_relation": _model_pair_level(candidate_pairs),
    }
    if baseline is not None:
        result["baseline_tfidf"] = baseline_eval(baseline, records_to_dataset(records, context_size, force_gold=True), dataset)
    return result


def dse_eval(classifier: Any, limit: int = 0) -> dict[str, Any]:
    """DSE valid, 5-class directed macro-F1, beside a TF-IDF baseline trained on DSE train."""
    import torch

    from stance.encoding import Candidate, SentenceInput, encode
    from training.adapters import DSE_LABELS, read_dse
    from training.baseline import TfidfBaseline

    valid = read_dse("valid")[: limit or None]
    predictions = []
    model, device = classifier.model, classifier.device
    for start in range(0, len(valid), 32):
        chunk = valid[start : start + 32]
        inputs = [SentenceInput(0, len(d["text"]), [Candidate("p", None, tuple(d["p_span"])), Candidate("q", None, tuple(d["q_span"]))], [(0, 1), (1, 0)]) for d in chunk]
        encoded = encode(classifier.tokenizer, [d["text"] for d in chunk], inputs, model.config.max_length)
        tensors = {k: v.to(device) for k, v in encoded.items() if isinstance(v, torch.Tensor)}
        with torch.inference_mode():
            probs = torch.softmax(model.forward_in(classifier.precision, device, **tensors)[0].float() / model.config.temperature, -1).cpu().numpy()
        by_item: dict[int, dict[int, np.ndarray]] = defaultdict(dict)
        for (b, p), row in zip(encoded["pair_index"], probs):
            by_item[b][p] = row
        for b in range(len(chunk)):
            pq, qp = by_item[b].get(0, np.array([1, 0, 0, 0])), by_item[b].get(1, np.array([1, 0, 0, 0]))
            scores = [min(pq[0] + pq[3], qp[0] + qp[3]), pq[1], qp[1], pq[2], qp[2]]
            predictions.append(int(np.argmax(scores)))
    gold = [d["label"] for d in valid]

    def marked(d: dict[str, Any]) -> str:
        (ps, pe), (qs, qe) = d["p_span"], d["q_span"]
        t = d["text"]
        marks = sorted([(ps, " <p> "), (pe, " </p> "), (qs, " <q> "), (qe, " </q> ")], reverse=True)
        for position, token in marks:
            t = t[:position] + token + t[position:]
        return t

    train = read_dse("train")
    baseline = TfidfBaseline().fit([marked(d) for d in train], [d["label"] for d in train])
    baseline_pred = baseline.pipeline.predict([marked(d) for d in valid]).tolist()
    from sklearn.metrics import f1_score

    return {
        "n": len(valid),
        "labels": list(DSE_LABELS),
        "model_macro_f1": float(f1_score(gold, predictions, labels=list(range(5)), average="macro", zero_division=0)),
        "baseline_tfidf_macro_f1": float(f1_score(gold, baseline_pred, labels=list(range(5)), average="macro", zero_division=0)),
        "note": "the model did not train on DSE unless --extra-sets dse was given; DSE neutral also covers 'no relation'",
    }


def fit_baseline(train_files: list[str], context_size: int = 6) -> Any:
    from training.baseline import TfidfBaseline, pair_texts
    from training.data import records_to_dataset

    texts, labels, _, _ = pair_texts(records_to_dataset(load_records(*train_files), context_size))
    return TfidfBaseline().fit(texts, labels)


def evaluate_sets(classifier: Any, specs: list[str], train_files: list[str] | None = None, context_size: int = 6) -> dict[str, Any]:
    """Evaluate on each set; the baseline is trained once on ``train_files`` (skipped when None)."""
    baseline = fit_baseline(train_files, context_size) if train_files else None
    from training.adapters import SHARED_DATA

    results = {}
    for spec in specs:
        if spec in NAMED_SETS and not SHARED_DATA.exists():
            logger.warning("skipping %s: %s is not available", spec, SHARED_DATA)
            continue
        if spec == "dse":
            results["dse-valid"] = dse_eval(classifier)
            continue
        if spec == "petrarch2":
            from training.petrarch import petrarch_eval

            results["petrarch2-gsr"] = petrarch_eval(classifier)
            continue
        name, records = resolve_set(spec)
        results[name] = evaluate_records(classifier, records, baseline, context_size)
    return results


def format_report(results: dict[str, Any]) -> str:
    """A plain-text summary of :func:`evaluate_sets` results."""
    lines = []
    for name, result in results.items():
        lines.append(f"== {name}")
        if "dyad" in result:
            d, ds = result["dyad"], result["dyad_stance"]
            lines.append(f"  country dyads ({result['found_dyads']} of {result['gold_dyads']} coded, {result['predicted_dyads']} predicted): P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f}")
            lines.append(f"  dyad + stance: P {ds['precision']:.3f} R {ds['recall']:.3f} F1 {ds['f1']:.3f}; stance accuracy on found dyads {result['stance_accuracy_on_found_dyads']:.3f}")
            lines.append(f"  statements without both countries (not comparable): {result['statements_without_countries']}")
            continue
        if "model_macro_f1" in result:
            lines.append(f"  5-class directed macro-F1: model {result['model_macro_f1']:.3f}, TF-IDF baseline {result['baseline_tfidf_macro_f1']:.3f} (n={result['n']})")
            continue
        stance, rel = result["stance_gold_pairs"], result["relations"]
        lo, hi = stance["macro_f1_ci95"]
        lines.append(f"  stance on gold pairs: macro-F1 {stance['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] on {stance['n']} of {stance['gold_relations']} relations")
        for label, values in stance["per_class"].items():
            lines.append(f"    {label:12s} P {values['precision']:.3f} R {values['recall']:.3f} F1 {values['f1']:.3f} (n={values['support']})")
        lines.append("    confusion (rows gold, columns predicted: " + ", ".join(STANCES) + ")")
        lines.extend("      " + " ".join(f"{v:5d}" for v in row) for row in stance["confusion"])
        lo, hi = rel["pair_stance"]["f1_ci95"]
        lines.append(f"  relations end to end: pair F1 {rel['pair']['f1']:.3f}; pair+stance P {rel['pair_stance']['precision']:.3f} R {rel['pair_stance']['recall']:.3f} F1 {rel['pair_stance']['f1']:.3f} [{lo:.3f}, {hi:.3f}]")
        lines.append(f"  speaker attribution accuracy {rel['speaker_attribution']['accuracy']:.3f} (n={rel['speaker_attribution']['n']})")
        if "baseline_tfidf" in result:
            b = result["baseline_tfidf"]
            lines.append(f"  TF-IDF baseline: stance macro-F1 {b['macro_f1']:.3f}; pair-level relation F1 {b['pair_level_relation']['f1']:.3f} (model {result['pair_level_relation']['f1']:.3f})")
        for tag, values in rel["per_tag_recall"].items():
            accuracy = stance["per_tag_accuracy"].get(tag, {}).get("accuracy", float("nan"))
            lines.append(f"    {tag:24s} n={values['n']:4d} recall {values['recall']:.3f} stance acc. {accuracy:.3f}")
    return "\n".join(lines)


def save_confusion_png(results: dict[str, Any], folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    written = []
    for name, result in results.items():
        matrix = result.get("stance_gold_pairs", {}).get("confusion")
        if not matrix:
            continue
        figure, axis = plt.subplots(figsize=(4.5, 4))
        ConfusionMatrixDisplay(np.array(matrix), display_labels=list(STANCES)).plot(ax=axis, colorbar=False)
        axis.set_title(f"{name}: stance on gold pairs")
        figure.tight_layout()
        path = folder / f"confusion-{name}.png"
        figure.savefig(path, dpi=120)
        plt.close(figure)
        written.append(path)
    return written


def check_inputs(data: list[str], baseline_train: list[str]) -> None:
    """Validate every record file (file:line: reason) before a model is loaded; named sets pass."""
    for spec in [*(d for d in data if d not in NAMED_SETS), *baseline_train]:
        if not load_records(spec):
            raise RecordError(f"{spec}: no records; give a JSON Lines file in the guide's format")


NAMED_SETS = ("realnews", "dse", "petrarch2")
DEFAULT_BASELINE_TRAIN = str(Path(__file__).resolve().parent / "data" / "train.jsonl")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model folder")
    parser.add_argument("data", nargs="+", help="JSON Lines record files, or 'realnews' / 'dse' / 'petrarch2'")
    parser.add_argument("--baseline-train", nargs="*", default=[DEFAULT_BASELINE_TRAIN], help="train files for the TF-IDF baseline (none: skip)")
    parser.add_argument("--json", help="write all results as JSON here (atomically)")
    parser.add_argument("--png-dir", help="write confusion matrices as PNG into this folder")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--precision", default="auto", choices=PRECISIONS, help="the encoder's number format (stance.precision)")
    args = parser.parse_args(argv)
    if args.json and Path(args.json).is_dir():
        parser.error(f"--json {args.json} is a folder; give a file path")
    if args.png_dir and Path(args.png_dir).exists() and not Path(args.png_dir).is_dir():
        parser.error(f"--png-dir {args.png_dir} is a file; give a folder path")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from stance.classifier import Classifier
    from stance.model import ModelFolderError

    try:
        check_inputs(args.data, args.baseline_train or [])
        classifier = Classifier.from_pretrained(args.model, device=args.device, precision=args.precision)
        results = evaluate_sets(classifier, args.data, args.baseline_train or None, classifier.model.config.context_size)
    except (RecordError, ModelFolderError, FileNotFoundError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(results))
    if args.json:
        from stance.io import atomic_file

        with atomic_file(args.json) as handle:
            json.dump(results, handle, indent=2)
    if args.png_dir:
        Path(args.png_dir).mkdir(parents=True, exist_ok=True)
        for path in save_confusion_png(results, Path(args.png_dir)):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
