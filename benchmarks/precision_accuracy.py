"""What a lower precision costs in accuracy: the shipped model evaluated in float32 and in bfloat16.

    python benchmarks/precision_accuracy.py            # table
    python benchmarks/precision_accuracy.py --json out.json
    python benchmarks/precision_accuracy.py --precisions float32 bfloat16 int8-dynamic

`int8-dynamic` is not a library option: the float32 model with its encoder's linear layers quantised to
int8 by `torch.ao.quantization.quantize_dynamic`, measured to see whether an int8 path would qualify.

Each held-out set is evaluated as `python -m training.evaluate --precision P` does (stance macro-F1 on
gold pairs, end-to-end relation F1, speaker attribution; no baseline). Issue 5 allows a faster
number format as an option if test stance macro-F1 drops by at most 0.5 points.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS = ("training/data/test.jsonl", "realnews")
MAX_STANCE_DROP = 0.005
INT8 = "int8-dynamic"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS), help="record files or set names (default: the test split and realnews)")
    parser.add_argument("--precisions", nargs="*", default=["float32", "bfloat16"], help="library precisions, or int8-dynamic")
    parser.add_argument("--json", help="also write the results as JSON here")
    args = parser.parse_args(argv)

    import datasets

    from training.evaluate import evaluate_records, resolve_set

    datasets.disable_progress_bars()

    sets = [resolve_set(spec if spec == "realnews" else str(ROOT / spec)) for spec in args.sets]
    results: dict[str, Any] = {}
    for precision in args.precisions:
        classifier = load(precision)
        for name, records in sets:
            started = time.perf_counter()
            report = evaluate_records(classifier, records, context_size=classifier.model.config.context_size)
            results.setdefault(name, {})[precision] = {
                "stance_macro_f1": report["stance_gold_pairs"]["macro_f1"],
                "relation_f1": report["relations"]["pair_stance"]["f1"],
                "speaker_attribution": report["relations"]["speaker_attribution"]["accuracy"],
                "seconds": round(time.perf_counter() - started, 1),
            }
    print(table(results, args.precisions))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def load(precision: str) -> Any:
    """The shipped model on CPU in ``precision``; ``int8-dynamic``: float32 with an int8 dynamic-quantised encoder."""
    from stance.classifier import Classifier

    if precision != INT8:
        return Classifier.from_pretrained(device="cpu", precision=precision)
    import torch

    classifier = Classifier.from_pretrained(device="cpu", precision="float32")
    classifier.model.encoder = torch.ao.quantization.quantize_dynamic(classifier.model.encoder, {torch.nn.Linear}, dtype=torch.qint8)
    return classifier


def table(results: dict[str, Any], precisions: list[str]) -> str:
    lines = ["| held-out set | precision | stance macro-F1, gold pairs | relation F1 (pair + stance) | speaker attribution | evaluation seconds |",
             "|---|---|---|---|---|---|"]
    for name, by_precision in results.items():
        for precision in precisions:
            r = by_precision[precision]
            lines.append(f"| {name} | {precision} | {r['stance_macro_f1']:.4f} | {r['relation_f1']:.4f} | {r['speaker_attribution']:.4f} | {r['seconds']} |")
    base = precisions[0]
    for name, by_precision in results.items():
        for precision in precisions[1:]:
            drop = by_precision[base]["stance_macro_f1"] - by_precision[precision]["stance_macro_f1"]
            verdict = "within" if drop <= MAX_STANCE_DROP else "**over**"
            lines.append(f"\n{name}: stance macro-F1 {precision} vs {base}: {-drop * 100:+.2f} points ({verdict} the 0.5-point allowance)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
