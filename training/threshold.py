"""Refit a model folder's relation thresholds on dev, end to end: `python -m training.threshold MODEL`.

Training fits the P(none) cut-off on dev candidate pairs built from gold mentions. This picks it the
way users meet the model: statements from ``classify()`` on whole dev articles, matched to gold as in
:func:`training.evaluate.end_to_end_eval`, scored by relation F1 (pair and stance), together with a
cut-off at least as high for each sentence's most likely pair (a sentence that holds a statement at
all is more often right about its best pair). It rewrites ``config.json`` (atomically) and records the
fit in ``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from stance.io import atomic_file

logger = logging.getLogger(__name__)

GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def fit_end_to_end_threshold(classifier: Any, records: list[dict[str, Any]], grid: tuple[float, ...] = GRID) -> tuple[float, dict[float, float]]:
    """The grid value with the best end-to-end relation F1 on ``records`` as the one cut-off for all pairs (the
    lowest on a tie), and every F1: the single cut-offs of :func:`fit_end_to_end_thresholds`."""
    scores = one_cut_off(fit_end_to_end_thresholds(classifier, records, grid)[2])
    return max(grid, key=lambda t: (scores[t], -t)), scores


def one_cut_off(scores: dict[tuple[float, float], float]) -> dict[float, float]:
    """The F1 of each single cut-off (the same for every pair) among the pairs of cut-offs ``scores`` holds."""
    return {cut: f1 for (cut, top_cut), f1 in scores.items() if cut == top_cut}


def set_thresholds(config: Any, cut: float, top_cut: float) -> None:
    """Write a fit into a model config; a top-pair cut-off equal to the general one is stored as None."""
    config.relation_threshold = cut
    config.top_pair_threshold = top_cut if top_cut != cut else None


def fit_end_to_end_thresholds(
    classifier: Any, records: list[dict[str, Any]], grid: tuple[float, ...] = GRID
) -> tuple[float, float, dict[tuple[float, float], float]]:
    """``(relation_threshold, top_pair_threshold, F1 of every pair of grid values)``: the cut-off for all pairs
    and a cut-off at least as high for each sentence's most likely pair, with the best end-to-end relation F1
    on ``records`` (on a tie: one cut-off for all, then the lower).

    One ``classify()`` pass at the highest cut-off; each lower one keeps the statements whose
    ``relation_score`` clears it, which is what ``classify()`` returns at that cut-off.
    """
    from training.evaluate import relation_f1

    config = classifier.model.config
    original = config.relation_threshold, config.top_pair_threshold
    try:
        config.relation_threshold, config.top_pair_threshold = max(grid), None
        predictions = classifier.classify([r["text"] for r in records], batch_size=32)
    finally:
        config.relation_threshold, config.top_pair_threshold = original
    tops = [_sentence_tops(statements) for statements in predictions]

    def kept(cut: float, top_cut: float) -> list[list[Any]]:
        return [
            [s for s in statements if 1.0 - s.relation_score < (top_cut if s.relation_score == top[(s.start, s.end)] else cut)]
            for statements, top in zip(predictions, tops)
        ]

    scores = {(cut, top_cut): relation_f1(records, kept(cut, top_cut)) for cut in grid for top_cut in grid if top_cut >= cut}
    cut, top_cut = max(scores, key=lambda pair: (scores[pair], pair[0] == pair[1], -pair[0], -pair[1]))
    return cut, top_cut, scores


def _sentence_tops(statements: list[Any]) -> dict[tuple[int, int], float]:
    """The highest ``relation_score`` of each sentence's statements."""
    tops: dict[tuple[int, int], float] = {}
    for s in statements:
        tops[(s.start, s.end)] = max(tops.get((s.start, s.end), 0.0), s.relation_score)
    return tops


def rounded(scores: dict[float, float]) -> dict[str, float]:
    """Dev F1 per threshold as ``metrics.json`` records it."""
    return {str(t): round(f, 4) for t, f in scores.items()}


def refit_folder(folder: Path, dev_files: list[str]) -> dict[str, Any]:
    """Fit on ``dev_files`` and write the threshold into ``folder``'s config and metrics."""
    from stance import Classifier
    from stance.model import CONFIG_NAME
    from stance.records import load_records
    from training.train import shown_paths

    records = load_records(*dev_files)
    classifier = Classifier.from_pretrained(folder, device="cpu")
    config = classifier.model.config
    previous = config.relation_threshold
    cut, top, scores = fit_end_to_end_thresholds(classifier, records)
    set_thresholds(config, cut, top)
    with atomic_file(folder / CONFIG_NAME) as handle:
        handle.write(config.to_json() + "\n")
    fit = {
        "dev_files": shown_paths(dev_files), "previous": previous, "threshold": cut, "top_pair_threshold": top,
        "dev_relation_f1": rounded(one_cut_off(scores)),
        "dev_relation_f1_top_pair": {f"{cut}/{top_cut}": round(f1, 4) for (cut, top_cut), f1 in scores.items()},
    }
    metrics_path = folder / "metrics.json"
    if metrics_path.exists():
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        metrics.setdefault("training", {})["relation_threshold_end_to_end"] = fit
        with atomic_file(metrics_path) as handle:
            handle.write(json.dumps(metrics, indent=2) + "\n")
    return fit


def main(argv: list[str] | None = None) -> int:
    from training.arguments import TrainingArguments

    parser = argparse.ArgumentParser(prog="python -m training.threshold", description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="model folder")
    parser.add_argument("--dev-files", nargs="+", default=TrainingArguments().dev_files, help="dev record files (default: the corpus dev split)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not (args.model / "config.json").is_file():
        print(f"error: {args.model} is not a model folder (no config.json)", file=sys.stderr)
        return 2
    from stance.records import RecordError

    try:
        fit = refit_folder(args.model, [str(p) for p in args.dev_files])
    except (OSError, RecordError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(fit, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
