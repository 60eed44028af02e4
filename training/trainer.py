"""The training loop: seeded, resumable from atomic checkpoints, best epoch picked on dev."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from stance.io import atomic_directory
from stance.labels import STANCES
from stance.model import ModelConfig, StanceModel, load_pretrained_encoder, resolve_base_model, word_embeddings_hash
from stance.tokenization import PairTokenizer
from training.arguments import TrainingArguments
from training.pairs import PairPredictions, encode_rows, fit_relation_threshold, fit_temperature, pair_metrics, predict_rows

logger = logging.getLogger(__name__)


@dataclass
class TrainerState:
    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    best_score: float = -1.0
    best_epoch: int = -1
    epoch_loss: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    averaged_epochs: list[int] = field(default_factory=list)
    average: dict[str, Any] = field(default_factory=dict)  # dev metrics of the averaged weights, and whether they won


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_training_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"--device {device} was asked for but CUDA is not available; use --device cpu or auto")
    return device


def build_model(args: TrainingArguments) -> tuple[StanceModel, PairTokenizer]:
    """A fresh model on the pretrained base encoder, and the base tokenizer."""
    from transformers import AutoTokenizer

    overrides = {"attention_probs_dropout_prob": args.attention_dropout} if args.attention_dropout >= 0 else {}
    encoder = load_pretrained_encoder(args.base_model, **overrides)
    if overrides and getattr(encoder.config, "attention_probs_dropout_prob", None) != args.attention_dropout:
        raise ValueError(f"--attention-dropout: {args.base_model} has no attention_probs_dropout_prob setting; leave the flag out for this encoder")
    # wrap refuses a slow tokenizer (no character offsets); train.py names the base model in the error
    tokenizer = PairTokenizer.wrap(AutoTokenizer.from_pretrained(resolve_base_model(args.base_model), use_fast=True))
    config = ModelConfig(
        base_model=args.base_model,
        encoder_config=encoder.config.to_dict(),
        max_length=args.max_length,
        context_size=args.context_size,
        previous_chars=args.previous_chars,
        sentence_feature=args.sentence_feature,
        pair_attention=args.pair_attention,
    )
    model = StanceModel(config, encoder)
    if args.freeze_embeddings:
        embeddings = model.encoder.get_input_embeddings().weight
        embeddings.requires_grad_(False)
        config.frozen_word_embeddings = word_embeddings_hash(embeddings)
    return model, tokenizer


_LAYER = re.compile(r"\.layers?\.(\d+)\.")


def parameter_groups(model: StanceModel, args: TrainingArguments) -> list[dict[str, Any]]:
    """Optimiser groups: the heads at ``head_learning_rate``; encoder layer k of L at ``learning_rate *
    layer_lr_decay ** (L - k)``, its embeddings one step lower, anything above the layers (a pooler) at
    ``learning_rate``. Layer-wise decay keeps the lower layers closer to the pre-trained encoder. Encoder
    and heads never share a group, even at one rate, so a checkpoint's optimiser state always fits."""
    named = list(model.named_parameters())
    layer_of = {name: int(match.group(1)) for name, _ in named if name.startswith("encoder.") and (match := _LAYER.search(name))}
    layers = max(layer_of.values(), default=-1) + 1
    groups: dict[tuple[bool, float], list[torch.nn.Parameter]] = {}
    for name, parameter in named:
        if not parameter.requires_grad:
            continue
        if not name.startswith("encoder."):
            rate = args.head_learning_rate
        elif name in layer_of:
            rate = args.learning_rate * args.layer_lr_decay ** (layers - layer_of[name])
        elif "embeddings" in name:
            rate = args.learning_rate * args.layer_lr_decay ** (layers + 1)
        else:
            rate = args.learning_rate
        groups.setdefault((name.startswith("encoder."), rate), []).append(parameter)
    return [{"params": params, "lr": rate} for (_, rate), params in groups.items()]


def dev_score(metrics: dict[str, Any]) -> float:
    """What picks the best epoch (or the averaged weights) on dev: mean of pair-level relation F1 and stance macro-F1."""
    return (metrics["relation_f1"] + metrics["stance_macro_f1"]) / 2


def _shown(metrics: dict[str, Any]) -> str:
    return json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()})


class Trainer:
    """Trains a :class:`StanceModel` on dataset rows from :mod:`training.data`."""

    def __init__(self, args: TrainingArguments, model: StanceModel, tokenizer: PairTokenizer, train: Any, dev: Any) -> None:
        self.args = args
        self.device = resolve_training_device(args.device)
        if self.device == "cpu" and args.threads:
            torch.set_num_threads(args.threads)
        self.model = model.to(self.device)
        self.tokenizer = tokenizer
        self.train_data, self.dev_data = train, dev
        self._lengths = [end - start for start, end in zip(train["start"], train["end"])]
        self.optimizer = torch.optim.AdamW(parameter_groups(model, args), weight_decay=args.weight_decay)
        from transformers import get_linear_schedule_with_warmup

        self.steps_per_epoch = max(1, -(-len(train) // args.batch_size))
        total = args.max_steps or self.steps_per_epoch * args.epochs
        self.scheduler = get_linear_schedule_with_warmup(self.optimizer, int(args.warmup_ratio * total), total)
        self.state = TrainerState()
        self.best_state: dict[str, torch.Tensor] | None = None
        self.average_state: dict[str, torch.Tensor] | None = None
        self.amp_dtype = torch.bfloat16 if self.device.startswith("cuda") and torch.cuda.is_bf16_supported() else torch.float16
        self.scaler = torch.amp.GradScaler("cuda", enabled=self._amp and self.amp_dtype == torch.float16)
        weights = torch.tensor([args.none_weight, 1.0, 1.0, 1.0], device=self.device)
        self.relation_loss = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
        self.kind_loss = torch.nn.CrossEntropyLoss(ignore_index=-100)
        self.stance_loss = torch.nn.CrossEntropyLoss()

    @property
    def _amp(self) -> bool:
        return self.args.mixed_precision and self.device.startswith("cuda")

    @property
    def cpu_bfloat16(self) -> bool:
        """True when the encoder trains under bfloat16 autocast on CPU (``--cpu-bfloat16``)."""
        return self.args.cpu_bfloat16 and not self.device.startswith("cuda")

    def _epoch_batches(self, epoch: int) -> list[list[int]]:
        """Seeded batches of similar-length sentences (less padding), in shuffled order."""
        generator = torch.Generator().manual_seed(self.args.seed * 1000 + epoch)
        order = torch.randperm(len(self.train_data), generator=generator).tolist()
        size = self.args.batch_size
        chunk = size * 50
        batched: list[list[int]] = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start : start + chunk], key=self._lengths.__getitem__)
            batched.extend(part[i : i + size] for i in range(0, len(part), size))
        shuffle = torch.randperm(len(batched), generator=generator).tolist()
        return [batched[i] for i in shuffle]

    def train(self) -> TrainerState:
        args = self.args
        if args.resume and (args.checkpoint_path / "trainer_state.json").exists():
            self.load_checkpoint(args.checkpoint_path)
            logger.info("resumed from %s at epoch %d step %d", args.checkpoint_path, self.state.epoch, self.state.step_in_epoch)
        from tqdm.auto import tqdm

        best_dev: PairPredictions | None = None
        while self.state.epoch < args.epochs:
            epoch = self.state.epoch
            all_batches = self._epoch_batches(epoch)
            started = time.perf_counter()
            self.model.train()
            bar = tqdm(total=len(all_batches), initial=self.state.step_in_epoch, desc=f"epoch {epoch + 1}/{args.epochs}", disable=not args.progress)
            if self.state.step_in_epoch == 0:
                self.state.epoch_loss = 0.0
            for step in range(self.state.step_in_epoch, len(all_batches)):
                if args.max_steps and self.state.global_step >= args.max_steps:
                    break
                rows = [self.train_data[int(i)] for i in all_batches[step]]
                loss = self._step(rows)
                self.state.epoch_loss += loss
                self.state.step_in_epoch = step + 1
                self.state.global_step += 1
                bar.update(1)
                bar.set_postfix(loss=f"{loss:.3f}")
                if args.save_steps and self.state.global_step % args.save_steps == 0:
                    self.state.seconds += time.perf_counter() - started
                    started = time.perf_counter()
                    self.save_checkpoint(args.checkpoint_path)
            bar.close()
            self.state.seconds += time.perf_counter() - started
            stopping = bool(args.max_steps) and self.state.global_step >= args.max_steps
            if args.average_last > 1 and epoch + 1 > args.epochs - args.average_last and not stopping:
                self._accumulate_average(epoch + 1)
            # early epochs never win under the decaying learning rate; skipping their dev pass saves its time
            evaluated = epoch + 1 >= min(args.eval_from_epoch, args.epochs) or stopping
            metrics, dev_predictions = self.evaluate_dev() if evaluated else ({}, None)
            metrics.update(epoch=epoch + 1, train_loss=self.state.epoch_loss / max(1, len(all_batches)), seconds=round(self.state.seconds, 1))
            self.state.history.append(metrics)
            logger.info("epoch %d: %s", epoch + 1, _shown(metrics))
            score = dev_score(metrics) if evaluated else float("-inf")
            if score > self.state.best_score:
                self.state.best_score, self.state.best_epoch = score, epoch + 1
                self.best_state = self._weights()
                best_dev = dev_predictions
            self.state.epoch, self.state.step_in_epoch = epoch + 1, 0
            self.save_checkpoint(args.checkpoint_path)
            if args.max_steps and self.state.global_step >= args.max_steps:
                break
        if len(self.state.averaged_epochs) > 1 and not self.state.average:
            best_dev = self._try_average(best_dev)
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        # the best epoch's dev predictions when this run made them (not after --resume): the same weights, one pass less
        dev = best_dev if best_dev is not None else predict_rows(self.model, self.tokenizer, self.dev_data, device=self.device)
        self.model.config.temperature = fit_temperature(dev.logits, dev.labels)
        self.model.config.relation_threshold = fit_relation_threshold(dev.logits, dev.labels, self.model.config.temperature)
        logger.info(
            "best epoch %d; calibrated temperature %.3f; relation threshold %.3f",
            self.state.best_epoch, self.model.config.temperature, self.model.config.relation_threshold,
        )
        return self.state

    def _weights(self) -> dict[str, torch.Tensor]:
        """A CPU copy of the model's current weights."""
        return {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}

    def _accumulate_average(self, epoch: int) -> None:
        """Add this epoch's weights to the running mean of the averaged epochs (floating tensors only)."""
        weights = self._weights()
        self.state.averaged_epochs.append(epoch)
        if self.average_state is None:
            self.average_state = weights
            return
        n = len(self.state.averaged_epochs)
        for name, value in weights.items():
            if value.is_floating_point():
                self.average_state[name] += (value - self.average_state[name]) / n

    def _try_average(self, best_dev: PairPredictions | None) -> PairPredictions | None:
        """Score the averaged weights on dev like an epoch; they become the result when they score higher."""
        assert self.average_state is not None
        self.model.load_state_dict(self.average_state)
        metrics, dev = self.evaluate_dev()
        score = dev_score(metrics)
        chosen = score > self.state.best_score
        self.state.average = {**metrics, "epochs": list(self.state.averaged_epochs), "chosen": chosen}
        logger.info("mean of epochs %s: %s", self.state.averaged_epochs, _shown(self.state.average))
        if not chosen:
            return best_dev
        self.state.best_score = score
        self.best_state = self.average_state
        return dev

    def _forward(self, encoded: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
        if self.cpu_bfloat16:
            return self.model.forward_in("bfloat16", self.device, **encoded)
        return self.model(**encoded)

    def _step(self, rows: list[dict[str, Any]]) -> float:
        encoded = encode_rows(self.tokenizer, rows, self.model.config, self.device)
        with torch.autocast(device_type="cuda", dtype=self.amp_dtype, enabled=self._amp):
            relation, kind = self._forward(encoded)
            labels = encoded["pair_labels"]
            # gold pairs of extra sets that teach stance only stay out of the relation loss
            relation_labels = labels.masked_fill(labels > len(STANCES), -100)
            loss = self.relation_loss(relation.float(), relation_labels) if (relation_labels != -100).any() else relation.sum() * 0.0
            positive = labels > 0
            if self.args.stance_weight and positive.any():
                # stance among the three labels on gold pairs: what "stance on gold pairs" measures
                stances = (labels[positive] - 1) % len(STANCES)
                loss = loss + self.args.stance_weight * self.stance_loss(relation[positive, 1:].float(), stances)
            if (encoded["pair_kinds"] >= 0).any():
                loss = loss + self.args.kind_weight * self.kind_loss(kind.float(), encoded["pair_kinds"])
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()
        return float(loss.detach())

    def evaluate_dev(self) -> tuple[dict[str, Any], PairPredictions]:
        """Pair-level dev metrics and the predictions they come from."""
        dev = predict_rows(self.model, self.tokenizer, self.dev_data, device=self.device)
        self.model.train()
        metrics: dict[str, Any] = pair_metrics(dev.logits, dev.labels)
        known = dev.kinds >= 0
        metrics["kind_accuracy"] = float((dev.kind_logits[known].argmax(-1) == dev.kinds[known]).float().mean()) if known.any() else 0.0
        return metrics, dev

    def save_checkpoint(self, path: Path) -> None:
        """Everything needed to continue exactly: weights (safetensors), optimizer, scheduler, RNG, state."""
        from safetensors.torch import save_file

        with atomic_directory(path) as folder:
            save_file({k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}, str(folder / "model.safetensors"))
            if self.best_state is not None:
                save_file({k: v.contiguous() for k, v in self.best_state.items()}, str(folder / "best.safetensors"))
            if self.average_state is not None:
                save_file({k: v.contiguous() for k, v in self.average_state.items()}, str(folder / "average.safetensors"))
            torch.save(
                {
                    "optimizer": self.optimizer.state_dict(),
                    "scheduler": self.scheduler.state_dict(),
                    "scaler": self.scaler.state_dict(),
                    "torch_rng": torch.get_rng_state(),
                    "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
                    "numpy_rng": [np.random.get_state()[1].tolist(), int(np.random.get_state()[2])],
                    "python_rng": random.getstate()[1],
                },
                folder / "optimizer.pt",
            )
            (folder / "trainer_state.json").write_text(json.dumps(self.state.__dict__, indent=2), encoding="utf-8")
            (folder / "model_config.json").write_text(self.model.config.to_json(), encoding="utf-8")

    def load_checkpoint(self, path: Path) -> None:
        from safetensors.torch import load_file

        self.model.load_state_dict({k: v.to(self.device) for k, v in load_file(str(path / "model.safetensors")).items()})
        if (path / "best.safetensors").exists():
            self.best_state = load_file(str(path / "best.safetensors"))
        if (path / "average.safetensors").exists():
            self.average_state = load_file(str(path / "average.safetensors"))
        extra = torch.load(path / "optimizer.pt", weights_only=True, map_location="cpu")
        self.optimizer.load_state_dict(extra["optimizer"])
        self.scheduler.load_state_dict(extra["scheduler"])
        self.scaler.load_state_dict(extra["scaler"])
        torch.set_rng_state(extra["torch_rng"])
        if extra["cuda_rng"] and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(extra["cuda_rng"])
        np.random.set_state(("MT19937", np.array(extra["numpy_rng"][0], dtype=np.uint32), extra["numpy_rng"][1], 0, 0.0))
        random.setstate((3, tuple(extra["python_rng"]), None))
        self.state = TrainerState(**json.loads((path / "trainer_state.json").read_text(encoding="utf-8")))
        self.model.config.temperature = ModelConfig.from_file(path / "model_config.json").temperature

    def save_model(self, folder: Path) -> None:
        """Write weights, config and tokenizer into ``folder`` (inside the caller's atomic block)."""
        self.model.save(folder)
        self.tokenizer.save_pretrained(str(folder))


def threads_note() -> str:
    return f"torch threads {torch.get_num_threads()}, cpu count {os.cpu_count()}"
