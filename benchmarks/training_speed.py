"""Training speed: seconds per epoch on the corpus (training/data/train.jsonl), CPU by default.

    python benchmarks/training_speed.py                 # time 12 steps, extrapolate to one epoch
    python benchmarks/training_speed.py --steps 0       # time one full epoch (about 4 min on 2 cores)
    python benchmarks/training_speed.py --device cuda   # the same on a GPU (mixed precision as in training)

It builds the model and trainer exactly as ``python -m training.train`` does (default arguments, the
packaged base encoder, output and checkpoint paths in a temporary folder; nothing is written under
models/), takes epoch 1's seeded, length-bucketed, shuffled batches, runs one warm-up step, then times
``--steps`` optimiser steps (forward, backward, clip, AdamW, schedule). Seconds per epoch =
mean step time x steps per epoch: an extrapolation, since the timed batches are a random sample of
the epoch's. The per-epoch dev evaluation and checkpoint of the real trainer are not included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(device: str, steps: int, threads: int = 0, mixed_precision: bool = True) -> dict:
    import torch

    from training.arguments import parse_arguments
    from training.train import load_training_data
    from training.trainer import Trainer, build_model, seed_everything

    with tempfile.TemporaryDirectory(prefix="stance-train-bench-") as tmp:
        argv = ["--output-dir", f"{tmp}/model", "--checkpoint-dir", f"{tmp}/checkpoint", "--device", device,
                "--threads", str(threads), "--mixed-precision", str(mixed_precision).lower()]
        args = parse_arguments(argv)
        started = time.perf_counter()
        train, dev, _, _ = load_training_data(args)
        seed_everything(args.seed)
        model, tokenizer = build_model(args)
        trainer = Trainer(args, model, tokenizer, train, dev)
        setup = time.perf_counter() - started
        batches = trainer._epoch_batches(0)
        timed = batches[1 : 1 + steps] if steps else batches[1:]
        trainer.model.train()
        trainer._step([trainer.train_data[int(i)] for i in batches[0]])  # warm-up
        times, sentences = [], 0
        sync = torch.cuda.synchronize if trainer.device.startswith("cuda") else (lambda: None)
        for batch in timed:
            rows = [trainer.train_data[int(i)] for i in batch]
            sync()
            t = time.perf_counter()
            trainer._step(rows)
            sync()
            times.append(time.perf_counter() - t)
            sentences += len(rows)
        per_step = statistics.fmean(times)
        return {
            "device": trainer.device,
            "threads": torch.get_num_threads(),
            "mixed_precision": trainer._amp,
            "amp_dtype": str(trainer.amp_dtype).replace("torch.", "") if trainer._amp else "float32",
            "train_sentences": len(train),
            "batch_size": args.batch_size,
            "steps_per_epoch": len(batches),
            "timed_steps": len(times),
            "extrapolated": bool(steps) and len(times) < len(batches),
            "step_seconds": {"mean": per_step, "median": statistics.median(times), "min": min(times), "max": max(times)},
            "sentences_per_s": sentences / sum(times),
            "seconds_per_epoch": per_step * len(batches),
            "setup_seconds": setup,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12, help="optimiser steps to time (0: the whole epoch); default 12")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--json", help="also write the results as JSON here")
    args = parser.parse_args(argv)
    import datasets
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    datasets.disable_progress_bars()
    r = measure(args.device, args.steps, args.threads)
    shipped = ROOT / "models" / "stance-minilm" / "metrics.json"
    if shipped.exists():
        history = json.loads(shipped.read_text(encoding="utf-8"))["training"]["history"]
        r["shipped_model_seconds_per_epoch"] = history[-1]["seconds"] / len(history)
    s = r["step_seconds"]
    how = f"mean of {r['timed_steps']} timed steps x {r['steps_per_epoch']} steps" if r["extrapolated"] else "one full epoch"
    lines = [
        "| measurement | value |",
        "|---|---|",
        f"| seconds per epoch ({r['device']}, {r['amp_dtype']}, {r['threads']} threads; {how}) | {r['seconds_per_epoch']:.0f} |",
        f"| step time, batch {r['batch_size']} (s): mean, median (min-max) | {s['mean']:.2f}, {s['median']:.2f} ({s['min']:.2f}-{s['max']:.2f}) |",
        f"| training sentences/s | {r['sentences_per_s']:.1f} |",
        f"| epoch = {r['train_sentences']} sentences with candidate pairs = {r['steps_per_epoch']} steps | |",
    ]
    if "shipped_model_seconds_per_epoch" in r:
        lines.append(f"| shipped model's own training run (metrics.json), seconds per epoch | {r['shipped_model_seconds_per_epoch']:.0f} |")
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
