"""Batching dataset rows through the model: pair labels and probabilities, shared by training and evaluation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from stance.encoding import encode
from stance.tokenization import PairTokenizer
from training.data import row_to_input


def batches(dataset: Any, indices: Sequence[int], batch_size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(indices), batch_size):
        yield [dataset[int(i)] for i in indices[start : start + batch_size]]


def encode_rows(tokenizer: PairTokenizer, rows: list[dict[str, Any]], config: Any, device: str) -> dict[str, Any]:
    """Encode dataset rows as ``config`` (a model config) says: its ``max_length`` and ``previous_chars``."""
    inputs = [row_to_input(row) for row in rows]
    encoded = encode(tokenizer, [row["text"] for row in rows], inputs, config.max_length, previous_chars=config.previous_chars)
    return {k: (v.to(device) if isinstance(v, torch.Tensor) else v) for k, v in encoded.items()}


@dataclass
class PairPredictions:
    """Model outputs for every candidate pair of a dataset, with where each pair came from."""

    logits: torch.Tensor  # (P, 4) relation logits
    kind_logits: torch.Tensor  # (P, 3)
    labels: torch.Tensor  # (P,) 0 none, 1+ stance, -100 ignored
    kinds: torch.Tensor  # (P,) kind index or -100
    articles: list[str]  # article id of each pair
    sources: list[int]  # gold relation index in its article, or -1


@torch.inference_mode()
def predict_rows(
    model: Any, tokenizer: PairTokenizer, dataset: Any, batch_size: int = 32, device: str = "cpu", precision: str | None = None
) -> PairPredictions:
    """Run the model over every pair of ``dataset`` (sentences sorted by length for tight batches), the
    encoder in ``precision`` (default: bfloat16 on CUDA, float32 on CPU; see :mod:`stance.precision`)."""
    model.eval()
    precision = precision or ("bfloat16" if device.startswith("cuda") else "float32")
    order = sorted(range(len(dataset)), key=lambda i: dataset[i]["end"] - dataset[i]["start"])
    logits, kind_logits, labels, kinds, articles, sources = [], [], [], [], [], []
    for rows in batches(dataset, order, batch_size):
        encoded = encode_rows(tokenizer, rows, model.config, device)
        relation, kind = model.forward_in(precision, device, **encoded)
        logits.append(relation.float().cpu())
        kind_logits.append(kind.float().cpu())
        labels.append(encoded["pair_labels"].cpu())
        kinds.append(encoded["pair_kinds"].cpu())
        for b, p in encoded["pair_index"]:
            articles.append(rows[b]["article"])
            sources.append(rows[b]["sources"][p] if rows[b].get("sources") else -1)
    if not logits:
        empty = torch.zeros(0, dtype=torch.long)
        return PairPredictions(torch.zeros(0, 4), torch.zeros(0, 3), empty, empty, [], [])
    return PairPredictions(torch.cat(logits), torch.cat(kind_logits), torch.cat(labels), torch.cat(kinds), articles, sources)


def pair_metrics(logits: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """Pair-level scores: stance macro-F1 on gold relations, relation F1 (found + right stance)."""
    from sklearn.metrics import f1_score

    keep = labels >= 0
    logits, labels = logits[keep], labels[keep]
    gold = labels > 0
    stance_pred = logits[:, 1:].argmax(dim=-1) + 1
    macro = f1_score(labels[gold].numpy(), stance_pred[gold].numpy(), labels=[1, 2, 3], average="macro", zero_division=0) if gold.any() else 0.0
    predicted = logits.argmax(dim=-1)
    true_positive = int(((predicted == labels) & gold).sum())
    precision = true_positive / max(int((predicted > 0).sum()), 1)
    recall = true_positive / max(int(gold.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"stance_macro_f1": float(macro), "relation_precision": precision, "relation_recall": recall, "relation_f1": f1}


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Temperature that minimises the negative log-likelihood of ``labels`` (calibration on dev)."""
    keep = labels >= 0
    logits, labels = logits[keep], labels[keep]
    if len(labels) == 0:
        return 1.0
    log_t = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    with torch.enable_grad():
        optimizer.step(closure)
    return float(log_t.detach().exp().clamp(0.05, 20.0))


def fit_relation_threshold(logits: torch.Tensor, labels: torch.Tensor, temperature: float) -> float:
    """The P(none) cut-off that maximises pair-level relation F1 (pair found and stance right) on dev."""
    keep = labels >= 0
    probs = torch.softmax(logits[keep] / temperature, dim=-1)
    labels = labels[keep]
    stance = probs[:, 1:].argmax(-1) + 1
    gold = int((labels > 0).sum())
    best, best_f1 = 0.5, -1.0
    for threshold in torch.linspace(0.2, 0.9, 29).tolist():
        found = probs[:, 0] < threshold
        tp = int((found & (stance == labels) & (labels > 0)).sum())
        precision, recall = tp / max(int(found.sum()), 1), tp / max(gold, 1)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return round(best, 3)
