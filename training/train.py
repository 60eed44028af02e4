"""Train a stance model: `python -m training.train [--config FILE.json] [--field value ...]`.

Reads the corpus (validated first; bad records fail with file, line and reason), trains with
per-epoch atomic checkpoints (`--resume` continues), picks the best epoch on dev, calibrates,
evaluates on every held-out set, and writes a self-describing model folder atomically.
"""

from __future__ import annotations

import json
import logging
import shlex
import sys
import time
from typing import Any

from stance.io import atomic_directory
from stance.records import RecordError
from training.arguments import TrainingArguments, parse_arguments

logger = logging.getLogger("training.train")


def load_training_data(args: TrainingArguments) -> tuple[Any, Any, list[dict[str, Any]], list[str]]:
    """Datasets for train and dev, the dev records, and a description of every source used."""
    import datasets

    from stance.records import load_records
    from training.adapters import extra_training_records
    from training.data import records_to_dataset

    train_records = load_records(*args.train_files)
    dev_records = load_records(*args.dev_files)
    for name, records, paths in (("train", train_records, args.train_files), ("dev", dev_records, args.dev_files)):
        if not records:
            raise ValueError(f"no {name} records in {', '.join(map(str, paths))}; give JSON Lines files in the guide's format")
    used = [f"{path} ({n} articles)" for path, n in _counts(args.train_files)]
    by_set = {name: extra_training_records(name, args.extra_limit, args.seed) for name in args.extra_sets}
    annotated = {record["text"] for records in by_set.values() for record in records if not record.get("partial")}
    extra = []
    for name, records in by_set.items():
        # a sentence annotated to the guide replaces the partially labelled copy of it
        records = [r for r in records if not r.get("partial") or r["text"] not in annotated]
        if args.extra_stance_only:
            records = [{**record, "stance_only": True} if record.get("partial") else record for record in records]
        extra.extend(records)
        source = "training/public_annotated.py" if name == "public-annotated" else "adapter in training/adapters.py"
        used.append(f"{name} ({len(records)} records, {source})")
    train = records_to_dataset(train_records + extra, args.context_size)
    dev = records_to_dataset(dev_records, args.context_size)
    datasets.disable_progress_bars()
    return train, dev, dev_records, used


def check_output_dir(output_dir: str) -> None:
    """Refuse an output path that is a file, or a non-empty folder that is not a model folder (it would be replaced)."""
    from pathlib import Path

    path = Path(output_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--output-dir {output_dir} is a file; give a folder path")
    if path.is_dir() and any(path.iterdir()) and not (path / "config.json").exists():
        raise ValueError(f"--output-dir {output_dir} is a folder that is not a model folder and would be replaced; choose another path")


def shown_paths(paths: list[str]) -> list[str]:
    """``paths`` as the model card and metrics show them: relative to the repository when inside it."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    return [str(Path(p).resolve().relative_to(root)) if Path(p).resolve().is_relative_to(root) else p for p in paths]


def _counts(paths: list[str]) -> list[tuple[str, int]]:
    from stance.records import load_records

    return [(name, len(load_records(path))) for name, path in zip(shown_paths(paths), paths)]


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv, description=__doc__.splitlines()[0])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    from training.evaluate import evaluate_sets
    from training.host import cpu_description
    from training.model_card import write_model_card
    from training.threshold import fit_end_to_end_thresholds, one_cut_off, rounded, set_thresholds
    from training.trainer import Trainer, build_model, seed_everything, threads_note

    try:
        check_output_dir(args.output_dir)
        train, dev, dev_records, used = load_training_data(args)
        seed_everything(args.seed)
        try:
            model, tokenizer = build_model(args)
        except (OSError, ValueError) as error:
            raise ValueError(f"--base-model {args.base_model}: cannot load it as an encoder with a fast tokenizer ({error})") from None
        trainer = Trainer(args, model, tokenizer, train, dev)
    except (RecordError, FileNotFoundError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    logger.info("training on %d sentences (%s), dev %d; device %s; %s", len(train), "; ".join(used), len(dev), trainer.device, threads_note())
    started = time.perf_counter()
    state = trainer.train()
    elapsed = time.perf_counter() - started
    command = "python -m training.train " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    from stance.classifier import Classifier

    classifier = Classifier(trainer.model, tokenizer, device=trainer.device)
    pair_level_threshold = trainer.model.config.relation_threshold
    threshold, top_pair_threshold, dev_scores = fit_end_to_end_thresholds(classifier, dev_records)
    set_thresholds(trainer.model.config, threshold, top_pair_threshold)
    logger.info("relation threshold %s, %s for a sentence's top pair (end to end on dev; %s on dev pairs)", threshold, top_pair_threshold, pair_level_threshold)
    results = evaluate_sets(classifier, args.eval_files, train_files=args.train_files, context_size=args.context_size)
    metrics = {
        "training": {"best_epoch": state.best_epoch, "history": state.history, "average": state.average, "seconds": round(elapsed, 1),
                     "device": trainer.device, "host": cpu_description(), "temperature": trainer.model.config.temperature,
                     "relation_threshold": threshold, "top_pair_threshold": top_pair_threshold, "relation_threshold_pair_level": pair_level_threshold,
                     "relation_threshold_end_to_end": {"dev_relation_f1": rounded(one_cut_off(dev_scores))}},
        "evaluation": results,
        "arguments": args.to_dict(),
    }
    with atomic_directory(args.output_dir) as folder:
        trainer.save_model(folder)
        (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        write_model_card(folder / "README.md", args, metrics, used, command)
    logger.info("wrote %s", args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
