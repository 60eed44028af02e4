"""Re-measure a model folder with the current library: `python -m training.remeasure MODEL [DATA...]`.

Mention finding, pairing and the rules that turn pair scores into statements live in the library, not
in the weights, so a model's end-to-end numbers move when they change. This evaluates the folder again
on DATA (default: the corpus test split, realnews-dev, DSE valid and the PETRARCH-2 sentences), puts the
results in ``metrics.json`` under ``evaluation`` (the numbers measured at training time are kept once under
``evaluation_at_training``) and replaces the held-out table of the model card; both files are written
atomically.

Example::

    python -m training.remeasure models/stance-minilm
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

from stance.io import atomic_file
from training.arguments import DATA_DIR
from training.model_card import metrics_table

DEFAULT_SETS = [str(DATA_DIR / "test.jsonl"), "realnews", "dse", "petrarch2"]
_TABLE_HEADER = "| held-out set |"
_REMEASURED = "Re-measured with the library at commit"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, cwd=Path(__file__).parent)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def update_card(card: str, evaluation: dict[str, Any], commit: str, baseline_train: list[str]) -> str:
    """``card`` with its held-out table rebuilt from ``evaluation`` and one line saying when it was measured."""
    lines = card.splitlines()
    try:
        start = next(k for k, line in enumerate(lines) if line.startswith(_TABLE_HEADER))
    except StopIteration:
        raise ValueError(f"the model card has no held-out table (a line starting with {_TABLE_HEADER!r}); retrain or add one") from None
    end = next((k for k in range(start, len(lines)) if not lines[k].strip()), len(lines))
    note = (
        f"{_REMEASURED} {commit} (`python -m training.remeasure`), with the TF-IDF baseline trained on "
        f"{', '.join(baseline_train) or 'nothing (skipped)'}; the numbers measured at training time are in `metrics.json` "
        "under `evaluation_at_training`."
    )
    rest = [line for line in lines[end:] if not line.startswith(_REMEASURED)]
    while rest and not rest[0].strip():
        rest.pop(0)
    return "\n".join([*lines[:start], *metrics_table(evaluation), "", note, "", *rest]) + "\n"


def remeasure(folder: Path, sets: list[str], baseline_train: list[str], device: str = "cpu") -> dict[str, Any]:
    """Evaluate ``folder`` on ``sets`` and write its ``metrics.json`` and model card; returns the evaluation."""
    from stance.classifier import Classifier
    from training.evaluate import NAMED_SETS, check_inputs, evaluate_sets

    check_inputs(sets, baseline_train)
    metrics_path, card_path = folder / "metrics.json", folder / "README.md"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    card = card_path.read_text(encoding="utf-8")
    classifier = Classifier.from_pretrained(folder, device=device)
    evaluation = evaluate_sets(classifier, sets, baseline_train or None, classifier.model.config.context_size)
    from training.train import shown_paths

    commit, shown_sets, shown_train = _commit(), [s if s in NAMED_SETS else shown_paths([s])[0] for s in sets], shown_paths(baseline_train)
    updated_card = update_card(card, evaluation, commit, shown_train)
    metrics.setdefault("evaluation_at_training", metrics.get("evaluation", {}))
    metrics["evaluation"] = evaluation
    metrics["evaluation_remeasured"] = {"commit": commit, "sets": shown_sets, "baseline_train": shown_train}
    with atomic_file(metrics_path) as handle:
        handle.write(json.dumps(metrics, indent=2) + "\n")
    with atomic_file(card_path) as handle:
        handle.write(updated_card)
    return evaluation


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.remeasure", description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model folder (its metrics.json and README.md are rewritten)")
    parser.add_argument("data", nargs="*", default=DEFAULT_SETS, help="record files or named sets (default: %(default)s)")
    parser.add_argument("--baseline-train", nargs="*", default=[str(DATA_DIR / "train.jsonl")], help="train files for the TF-IDF baseline (none: skip)")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from stance.model import ModelFolderError
    from stance.records import RecordError
    from training.evaluate import format_report

    folder = Path(args.model)
    if not (folder / "metrics.json").is_file() or not (folder / "README.md").is_file():
        print(f"error: {folder} has no metrics.json and README.md; give a model folder written by training.train", file=sys.stderr)
        return 2
    try:
        evaluation = remeasure(folder, args.data, args.baseline_train or [], args.device)
    except (RecordError, ModelFolderError, FileNotFoundError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(evaluation))
    return 0


if __name__ == "__main__":
    sys.exit(main())
