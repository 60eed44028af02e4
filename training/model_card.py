"""The model card (`README.md` of a model folder): data, command, held-out metrics, limitations."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from stance.io import atomic_file
from training.arguments import TrainingArguments


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _dev(epoch: dict[str, Any], name: str) -> str:
    """A dev metric of one epoch, or "-" for an epoch whose dev pass was skipped (``--eval-from-epoch``)."""
    return f"{epoch[name]:.3f}" if name in epoch else "-"


def metrics_table(evaluation: dict[str, Any]) -> list[str]:
    lines = [
        "| held-out set | stance macro-F1, gold pairs [95% CI] | relation F1 (pair + stance) [95% CI] | pair F1 | speaker attribution | TF-IDF baseline stance macro-F1 | baseline / model pair-level relation F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, result in evaluation.items():
        if "dyad" in result:
            d = result["dyad"]
            lines.append(
                f"| {name} (country dyads of {result['sentences']} real news sentences coded by others; a proxy) | "
                f"stance accuracy on found dyads {_fmt(result['stance_accuracy_on_found_dyads'])} | dyad + stance {_fmt(result['dyad_stance']['f1'])} "
                f"| dyad {_fmt(d['f1'])} (P {_fmt(d['precision'])} / R {_fmt(d['recall'])}) | | | |"
            )
            continue
        if "model_macro_f1" in result:
            lines.append(f"| {name} (5-class directed macro-F1, n={result['n']}) | {_fmt(result['model_macro_f1'])} | | | | {_fmt(result['baseline_tfidf_macro_f1'])} | |")
            continue
        stance, rel = result["stance_gold_pairs"], result["relations"]
        ci = stance["macro_f1_ci95"]
        rci = rel["pair_stance"]["f1_ci95"]
        base = result.get("baseline_tfidf", {})
        lines.append(
            f"| {name} ({result['articles']} articles, {stance['gold_relations']} relations) | {_fmt(stance['macro_f1'])} [{_fmt(ci[0])}, {_fmt(ci[1])}] "
            f"| {_fmt(rel['pair_stance']['f1'])} [{_fmt(rci[0])}, {_fmt(rci[1])}] | {_fmt(rel['pair']['f1'])} | {_fmt(rel['speaker_attribution']['accuracy'])} "
            f"| {_fmt(base.get('macro_f1', float('nan')))} | {_fmt(base.get('pair_level_relation', {}).get('f1', float('nan')))} / {_fmt(result['pair_level_relation']['f1'])} |"
        )
    return lines


def _epochs(epochs: list[int]) -> str:
    return f"epochs {epochs[0]}-{epochs[-1]}"


def _chosen(training: dict[str, Any]) -> str:
    """Which weights the folder holds: the best epoch, or the mean of the last epochs' weights."""
    best = f"best epoch {training['best_epoch']} of {len(training['history'])}"
    average = training.get("average") or {}
    if not average:
        return best
    if average["chosen"]:
        return f"weights: the mean of {_epochs(average['epochs'])} (checkpoint averaging), ahead of the {best}"
    return f"{best}, ahead of the mean of {_epochs(average['epochs'])}"


def write_model_card(path: Path, args: TrainingArguments, metrics: dict[str, Any], data: list[str], command: str, extra: str = "") -> None:
    training = metrics["training"]
    history = training["history"]
    lines = [
        "---",
        "library_name: stance",
        "language: en",
        "pipeline_tag: text-classification",
        f"base_model: {args.base_model}",
        "---",
        "",
        f"# {Path(args.output_dir).name}",
        "",
        "A `stance` model: for every sentence of a news article it scores ordered (speaker, counterparty) pairs of",
        "candidate actors as `none`, `cooperative`, `adversarial` or `neutral`, and the statement kind",
        "(`quote`, `reported`, `action`). One encoder pass per sentence, with the names of up to "
        f"{args.context_size} nearby actors it does not mention"
        + (f" and the last {args.previous_chars} characters of the previous sentence" if args.previous_chars else "")
        + "; a span-pair head over pooled mention tokens"
        + (", and the encoder's last layer run again for each pair's speaker and counterparty with role marks (pair attention)" if args.pair_attention else "")
        + ".",
        "Load it with `stance.Classifier.from_pretrained(folder)`.",
        "",
        "## Training",
        "",
        f"- base encoder: `{args.base_model}`" + (" (word embeddings frozen and not stored: they are read back from the base model and checked by hash; all other weights stored in fp16)" if args.freeze_embeddings else ""),
        f"- data: {'; '.join(data)}",
        f"- command: `{command}`",
        f"- device: {training['device']}; {training.get('host') or platform.machine()}; training time {training['seconds']} s; {_chosen(training)} (picked on dev: mean of pair-level relation F1 and stance macro-F1)",
        f"- calibration: temperature {training['temperature']:.3f} fitted on dev (scores are softmax(logits / T)); a pair is a relation when P(none) < {training.get('relation_threshold', 0.5)}"
        f"{_top_pair_note(training)} (tuned on dev: end-to-end relation F1 of `classify()` on the dev articles)",
        "",
        "| epoch | train loss | dev stance macro-F1 | dev pair-level relation F1 | dev kind accuracy |",
        "|---:|---:|---:|---:|---:|",
        *[f"| {h['epoch']} | {h['train_loss']:.4f} | {_dev(h, 'stance_macro_f1')} | {_dev(h, 'relation_f1')} | {_dev(h, 'kind_accuracy')} |" for h in history],
        *([f"| mean of {_epochs(average['epochs'])} | - | {_dev(average, 'stance_macro_f1')} | {_dev(average, 'relation_f1')} | {_dev(average, 'kind_accuracy')} |"] if (average := training.get("average")) else []),
        "",
        "## Held-out metrics",
        "",
        "Stance on gold pairs: the model's stance for each annotated (speaker, counterparty) pair. Relation F1: statements",
        "found by `classify()` end to end, matched to gold by sentence, speaker and counterparty (same canonical name or",
        "overlapping mention; a pronoun mention only with the right name), counted correct when the stance also agrees.",
        "The TF-IDF + logistic-regression baseline is",
        "trained on the same train split over the same candidate-pair inputs. Intervals: 95% bootstrap over articles.",
        "",
        *metrics_table(metrics["evaluation"]),
        "",
        "All numbers are in `metrics.json`.",
        "",
        extra,
        "## Limitations",
        "",
        "- Trained mostly on the project's own newswire prose"
        + (f" (plus partially labelled real-news sentences: {', '.join(args.extra_sets)})" if args.extra_sets else "")
        + "; real news (realnews-dev) scores lower, see above.",
        "- Candidate actors come from a gazetteer and capitalisation heuristics: actors they miss cannot be found, and",
        "  pronoun resolution is recency-based.",
        "- Counterparties outside the sentence are only found among the few nearby actors offered as context.",
        "- English only; sentences longer than the maximum length are truncated.",
        "",
    ]
    with atomic_file(path) as handle:
        handle.write("\n".join(lines))


def _top_pair_note(training: dict[str, Any]) -> str:
    """The cut-off of each sentence's most likely pair, when it has its own."""
    top = training.get("top_pair_threshold")
    return f", or < {top} for each sentence's most likely pair" if top is not None and top != training.get("relation_threshold") else ""
