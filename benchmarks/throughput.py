"""Inference throughput on CPU: end to end, encoder ceiling, hardware ceiling, naive reference.

    python benchmarks/throughput.py            # table
    python benchmarks/throughput.py --json out.json

Workload: the test split (training/data/test.jsonl), dealt into two halves of similar make-up (even
and odd articles). A *round* is one half; the workload is ``--copies`` copies of the split (default 3,
2,349 sentences), i.e. ``2 * copies`` rounds. In every round each mode runs over that round's articles
back to back (the order of the modes rotates from round to round) and a large fp32 matrix product is
timed, so every ratio is taken between measurements seconds apart and is robust to a noisy machine.
Rates are the median over rounds with min-max; ratios are the median of the per-round ratios.

Modes:
  end to end   ``stance.classify(articles)``: segmentation, mentions, tokenisation, encoder, head, statements.
  model fwd    ``StanceModel.forward`` (encoder + span-pair head) on the same batches, pre-encoded.
  encoder      the BERT encoder alone on the same sentences, pre-tokenised, sorted by token count,
               at the best batch size (swept once on a sample before the rounds): the encoder ceiling.
  naive        the same model the simple way: one sentence at a time, no batching, no length sorting,
               ``torch.no_grad`` (not inference_mode); on every ``--naive-every``-th article of the round
               (it is slow), compared by sentences/s.
  matmul       ``a @ b`` with fp32 ``--matmul-size`` square matrices (default 2048): the hardware ceiling.

Useful encoder FLOPs are counted from the model config and the real token count of every sentence
(padding excluded); see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEST_SPLIT = ROOT / "training" / "data" / "test.jsonl"


def encoder_flops(config: dict[str, Any], lengths: list[int]) -> float:
    """Useful forward FLOPs of a BERT encoder over sequences of the given real token counts.

    Per layer and sequence of n tokens (hidden h, FFN width f), multiply-adds counted as 2 FLOPs:
    Q, K, V and output projections 4 * 2*n*h*h; scores Q K^T 2*n*n*h; probabilities x V 2*n*n*h;
    FFN 2 * 2*n*h*f. Embeddings, layer norms, softmax, GELU and biases are left out (< 1 %).
    """
    h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    return float(sum(layers * (8 * n * h * h + 4 * n * h * f + 4 * n * n * h) for n in lengths))


def matmul_rate(size: int, repeats: int = 3, precision: str = "float32") -> float:
    """GFLOP/s of a ``size`` x ``size`` matrix product in ``precision`` (best of ``repeats``; one warm-up)."""
    import torch

    a, b = torch.randn(size, size, dtype=getattr(torch, precision)), torch.randn(size, size, dtype=getattr(torch, precision))
    a @ b
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def model_inputs(clf: Any, texts: list[str]) -> list[tuple[int, Any]]:
    """(article, SentenceInput) of every sentence the pipeline sends to the model (those with pairs)."""
    work = [(a, item) for a, text in enumerate(texts) for item in clf._prepare(text, None, None)]
    return [(a, item) for a, item in work if item.pairs]


def pre_encode(clf: Any, texts: list[str], work: list[tuple[int, Any]], batch_size: int) -> list[dict[str, Any]]:
    """Tensors of every batch, sentences sorted by token count (as the classifier batches them)."""
    import torch

    tokenized = clf._tokenize([texts[a] for a, _ in work], [item for _, item in work])
    lengths = tokenized.lengths
    order = sorted(range(len(work)), key=lengths.__getitem__)
    batches = []
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        encoded = clf._tensors(tokenized.select(chunk), [work[w][1] for w in chunk])
        batches.append({k: v for k, v in encoded.items() if isinstance(v, torch.Tensor)})
    return batches


def run_encoder(model: Any, batches: list[dict[str, Any]], precision: str = "float32") -> float:
    import torch

    from stance.precision import autocast

    started = time.perf_counter()
    with torch.inference_mode(), autocast(precision, "cpu"):
        for b in batches:
            model.encoder(input_ids=b["input_ids"], attention_mask=b["attention_mask"], token_type_ids=b.get("token_type_ids"))
    return time.perf_counter() - started


def run_model(model: Any, batches: list[dict[str, Any]]) -> float:
    import torch

    started = time.perf_counter()
    with torch.inference_mode():
        for b in batches:
            model(**b)
    return time.perf_counter() - started


def naive_classify(clf: Any, texts: list[str]) -> list[list[Any]]:
    """The simple way: every sentence through tokenizer and model on its own."""
    import torch

    results = []
    for text in texts:
        statements = []
        for item in clf._prepare(text, None, None):
            if not item.pairs:
                continue
            encoded = clf._tensors(clf._tokenize([text], [item]), [item])
            with torch.no_grad():
                relation, kind = clf.model(**{k: v for k, v in encoded.items() if isinstance(v, torch.Tensor)})
                relation = torch.softmax(relation / clf.model.config.temperature, dim=-1).tolist()
                kind = torch.softmax(kind, dim=-1).tolist()
            result: list[Any] = [None] * len(item.pairs)
            for (_, p), rel, kin in zip(encoded["pair_index"], relation, kind):
                result[p] = (rel, kin)
            statements.extend(clf._statements(text, item, result, forced=False))
        statements.sort(key=lambda s: (s.start, s.speaker_span or (s.start, s.start), s.counterparty_span or (s.end, s.end)))
        results.append(statements)
    return results


def _key(statement: Any) -> tuple[Any, ...]:
    return (statement.start, statement.speaker, statement.counterparty, statement.stance, statement.kind)


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the test split in the workload (2 rounds each; default 3)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size of stance.classify (its default: 32)")
    parser.add_argument("--sweep", type=int, nargs="*", default=[8, 16, 32, 64, 128], help="encoder batch sizes to try")
    parser.add_argument("--matmul-size", type=int, default=2048)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive reference")
    parser.add_argument("--naive-every", type=int, default=4, help="naive runs on every Nth article of each round (default 4: it is slow)")
    parser.add_argument("--split", default=str(TEST_SPLIT), help="JSON Lines articles (default: the corpus test split)")
    parser.add_argument("--json", help="also write the results as JSON here")
    parser.add_argument("--precisions", nargs="*", choices=["bfloat16"], default=None,
                        help="lower precisions to measure besides float32 (default: bfloat16 where the CPU has it in hardware)")
    args = parser.parse_args(argv)

    import torch

    import stance
    from stance.classifier import Classifier
    from stance.precision import native_cpu_bfloat16
    from stance.segment import segment

    lower = args.precisions if args.precisions is not None else (["bfloat16"] if native_cpu_bfloat16() else [])

    texts = [json.loads(line)["text"] for line in Path(args.split).read_text(encoding="utf-8").splitlines() if line.strip()]
    halves = [texts[0::2], texts[1::2]]
    rounds = [halves[r % 2] for r in range(2 * args.copies)]
    started_all = time.perf_counter()
    clf = stance._default_classifier()
    model = clf.model
    config = model.config.encoder_config
    stance.classify(halves[0][:2])  # warm-up: lazy imports, first allocations

    # per half: the model inputs, sentence counts, real token counts, pre-encoded batches
    prepared = []
    for half in halves:
        work = model_inputs(clf, half)
        lengths = clf._tokenize([half[a] for a, _ in work], [item for _, item in work]).lengths
        prepared.append({
            "sentences": sum(len(segment(t).sentences) for t in half),
            "encoded_sentences": len(work),
            "tokens": sum(lengths),
            "flops": encoder_flops(config, lengths),
            "work": work,
            "pipeline_batches": pre_encode(clf, half, work, args.batch_size),
        })

    # best encoder batch size, on every 3rd sentence of each half (sorted by length): a short sweep
    sweep = {}
    for size in args.sweep:
        seconds = 0.0
        for half, prep in zip(halves, prepared):
            sample = prep["work"][::3]
            batches = pre_encode(clf, half, sample, size)
            run_encoder(model, batches[:1])
            seconds += run_encoder(model, batches)
        sweep[size] = sum(p["encoded_sentences"] for p in prepared) / 3 / seconds
    best = max(sweep, key=sweep.__getitem__)
    for prep, half in zip(prepared, halves):
        prep["ceiling_batches"] = pre_encode(clf, half, prep["work"], best)
    lower_classifiers = {p: Classifier(model, clf.tokenizer, device="cpu", precision=p) for p in lower}
    lower_best = {}
    for p in lower:  # the same sweep in each lower precision (its best batch size may differ)
        rates_p = {}
        for size in args.sweep:
            batches = [pre_encode(clf, half, prep["work"][::3], size) for half, prep in zip(halves, prepared)]
            run_encoder(model, batches[0][:1], p)
            rates_p[size] = sum(len(prep["work"][::3]) for prep in prepared) / sum(run_encoder(model, b, p) for b in batches)
        lower_best[p] = max(rates_p, key=rates_p.__getitem__)
        lower_classifiers[p].classify(halves[0][:2])
        for prep, half in zip(prepared, halves):
            prep[f"ceiling_batches {p}"] = pre_encode(clf, half, prep["work"], lower_best[p])
    naive_prepared = []  # the naive mode's sample of each half
    for half in halves:
        sample = half[:: args.naive_every]
        work = model_inputs(clf, sample)
        lengths = clf._tokenize([sample[a] for a, _ in work], [item for _, item in work]).lengths
        naive_prepared.append({"sentences": sum(len(segment(t).sentences) for t in sample), "encoded_sentences": len(work),
                               "flops": encoder_flops(config, lengths), "articles": len(sample)})

    modes = ["end to end", "model fwd", "encoder", *([] if args.no_naive else ["naive"])]
    modes += [f"{kind} ({p})" for p in lower for kind in ("end to end", "encoder")]
    timings: dict[str, list[float]] = {m: [] for m in modes}
    statements_per_round: list[int] = []
    gflops: list[float] = []
    lower_gflops: dict[str, list[float]] = {p: [] for p in lower}
    float32_results: dict[int, list[Any]] = {}
    lower_results: dict[str, dict[int, list[Any]]] = {}
    naive_identical = True
    for r, half in enumerate(rounds):
        prep = prepared[r % 2]
        gflops.append(matmul_rate(args.matmul_size))
        for p in lower:
            lower_gflops[p].append(matmul_rate(args.matmul_size, precision=p))
        for mode in modes[r % len(modes) :] + modes[: r % len(modes)]:
            if mode == "end to end":
                t0 = time.perf_counter()
                result = stance.classify(half, batch_size=args.batch_size)
                timings[mode].append(time.perf_counter() - t0)
                statements_per_round.append(sum(map(len, result)))
                float32_results.setdefault(r % 2, result)
            elif mode.startswith("end to end ("):
                p = mode[len("end to end (") : -1]
                t0 = time.perf_counter()
                lower_result = lower_classifiers[p].classify(half, batch_size=args.batch_size)
                timings[mode].append(time.perf_counter() - t0)
                lower_results.setdefault(p, {}).setdefault(r % 2, lower_result)
            elif mode.startswith("encoder ("):
                p = mode[len("encoder (") : -1]
                timings[mode].append(run_encoder(model, prep[f"ceiling_batches {p}"], p))
            elif mode == "model fwd":
                timings[mode].append(run_model(model, prep["pipeline_batches"]))
            elif mode == "encoder":
                timings[mode].append(run_encoder(model, prep["ceiling_batches"]))
            else:
                sample = half[:: args.naive_every]
                t0 = time.perf_counter()
                naive = naive_classify(clf, sample)
                timings[mode].append(time.perf_counter() - t0)
                if r < 2:
                    batched = stance.classify(sample, batch_size=args.batch_size)
                    naive_identical &= all(
                        [(s.speaker, s.counterparty, s.stance, s.kind) for s in a] == [(s.speaker, s.counterparty, s.stance, s.kind) for s in b]
                        for a, b in zip(naive, batched)
                    )

    def rates(mode: str, key: str) -> list[float]:
        source = naive_prepared if mode == "naive" else prepared
        return [source[r % 2][key] / t for r, t in enumerate(timings[mode])]

    n_articles = [len(h) for h in rounds]
    results: dict[str, Any] = {
        "workload": {
            "articles": sum(n_articles),
            "sentences": sum(prepared[r % 2]["sentences"] for r in range(len(rounds))),
            "encoded_sentences": sum(prepared[r % 2]["encoded_sentences"] for r in range(len(rounds))),
            "tokens": sum(prepared[r % 2]["tokens"] for r in range(len(rounds))),
            "statements": sum(statements_per_round),
            "rounds": len(rounds),
        },
        "split": Path(args.split).resolve().relative_to(ROOT).as_posix() if Path(args.split).resolve().is_relative_to(ROOT) else args.split,
        "threads": torch.get_num_threads(),
        "batch_size": args.batch_size,
        "encoder_batch_size_sweep": {str(k): round(v, 2) for k, v in sweep.items()},
        "encoder_best_batch_size": best,
        "matmul_gflops": summary(gflops),
        "modes": {},
        "ratios": {},
    }
    for mode in modes:
        sentence_rates = rates(mode, "sentences" if mode.startswith("end to end") or mode == "naive" else "encoded_sentences")
        entry: dict[str, Any] = {
            "seconds": summary(timings[mode]),
            "sentences_per_s": summary(sentence_rates),
            "encoded_sentences_per_s": summary(rates(mode, "encoded_sentences")),
            "useful_gflops": summary([f / 1e9 for f in rates(mode, "flops")]),
        }
        if mode.startswith("end to end"):
            entry["articles_per_s"] = summary([n / t for n, t in zip(n_articles, timings[mode])])
        if mode == "naive":
            entry["articles_per_s"] = summary([naive_prepared[r % 2]["articles"] / t for r, t in enumerate(timings[mode])])
        if mode == "end to end":
            entry["statements_per_s"] = summary([n / t for n, t in zip(statements_per_round, timings[mode])])
        results["modes"][mode] = entry

    def ratio(numerator: list[float], denominator: list[float]) -> dict[str, float]:
        return summary([a / b for a, b in zip(numerator, denominator)])

    e2e, enc, fwd = timings["end to end"], timings["encoder"], timings["model fwd"]
    results["ratios"]["end to end / encoder ceiling"] = ratio(enc, e2e)  # same encoded sentences: rate ratio = time ratio
    results["ratios"]["model fwd / encoder ceiling"] = ratio(enc, fwd)
    results["ratios"]["end to end / model fwd"] = ratio(fwd, e2e)
    results["ratios"]["encoder useful FLOP/s / matmul"] = ratio([g / 1e9 for g in rates("encoder", "flops")], gflops)
    results["ratios"]["end to end useful FLOP/s / matmul"] = ratio([g / 1e9 for g in rates("end to end", "flops")], gflops)
    if "naive" in timings:
        results["ratios"]["end to end speed-up over naive"] = ratio(rates("end to end", "sentences"), rates("naive", "sentences"))
        # Batching cannot make the same FLOPs run faster than the matrix-product rate: this bounds the speed-up.
        results["ratios"]["matmul / naive useful FLOP/s (bound on any speed-up from batching)"] = ratio(gflops, [g / 1e9 for g in rates("naive", "flops")])
        results["naive_every"] = args.naive_every
        results["naive_same_statements"] = naive_identical
    for p in lower:
        e2e_p, enc_p = timings[f"end to end ({p})"], timings[f"encoder ({p})"]
        results["ratios"][f"end to end / encoder ceiling ({p})"] = ratio(enc_p, e2e_p)
        results["ratios"][f"encoder useful FLOP/s / matmul ({p})"] = ratio([g / 1e9 for g in rates(f"encoder ({p})", "flops")], lower_gflops[p])
        results["ratios"][f"end to end ({p}) / end to end (float32)"] = ratio(e2e, e2e_p)
        if "naive" in timings:
            results["ratios"][f"end to end ({p}) speed-up over naive (float32)"] = ratio(
                rates(f"end to end ({p})", "sentences"), rates("naive", "sentences")
            )
        results[f"matmul_gflops ({p})"] = summary(lower_gflops[p])
        results[f"encoder_best_batch_size ({p})"] = lower_best[p]
        same = sum(len(set(map(_key, a)) & set(map(_key, b))) for h in (0, 1) for a, b in zip(float32_results[h], lower_results[p][h]))
        results[f"statements identical to float32 ({p})"] = [same, sum(len(a) for h in (0, 1) for a in float32_results[h])]
    results["precisions"] = ["float32", *lower]
    results["seconds_total"] = round(time.perf_counter() - started_all, 1)

    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _fmt(s: dict[str, float], digits: int = 1) -> str:
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f})"


def table(results: dict[str, Any]) -> str:
    w = results["workload"]
    lines = [
        f"workload: {results['split']} x {w['rounds'] // 2} = {w['articles']} articles, {w['sentences']} sentences "
        f"({w['encoded_sentences']} with candidate pairs, {w['tokens']} tokens), {w['statements']} statements; "
        f"{w['rounds']} rounds; torch threads {results['threads']}",
        "median (min-max) over rounds",
        "",
        "| mode | sentences/s | articles/s | statements/s | useful encoder GFLOP/s |",
        "|---|---|---|---|---|",
    ]
    for mode, entry in results["modes"].items():
        art = _fmt(entry["articles_per_s"], 2) if "articles_per_s" in entry else "-"
        sta = _fmt(entry["statements_per_s"]) if "statements_per_s" in entry else "-"
        labels = {"encoder": f"encoder ceiling (batch {results['encoder_best_batch_size']})",
                  "model fwd": f"model fwd, encoder + head (batch {results['batch_size']})",
                  "end to end": f"end to end, stance.classify (batch {results['batch_size']})",
                  "naive": f"naive, one sentence at a time (every {results.get('naive_every')}th article)"}
        for p in results.get("precisions", [])[1:]:
            labels[f"end to end ({p})"] = f"end to end, precision={p!r} (batch {results['batch_size']})"
            labels[f"encoder ({p})"] = f"encoder ceiling, {p} (batch {results[f'encoder_best_batch_size ({p})']})"
        label = labels[mode]
        lines.append(f"| {label} | {_fmt(entry['sentences_per_s'])} | {art} | {sta} | {_fmt(entry['useful_gflops'])} |")
    lines.append(f"| fp32 matmul (hardware ceiling) | - | - | - | {_fmt(results['matmul_gflops'])} |")
    for p in results.get("precisions", [])[1:]:
        lines.append(f"| {p} matmul (hardware ceiling) | - | - | - | {_fmt(results[f'matmul_gflops ({p})'])} |")
    lines += ["", "| ratio | median (min-max) |", "|---|---|"]
    for name, value in results["ratios"].items():
        lines.append(f"| {name} | {_fmt(value, 2)} |")
    sweep = ", ".join(f"{k}: {v:.1f}" for k, v in results["encoder_batch_size_sweep"].items())
    lines += ["", f"encoder batch-size sweep (sentences/s on a third of the sentences): {sweep}"]
    lines.append("sentences/s: all sentences for end to end and naive; sentences with candidate pairs (the ones encoded) for model fwd and encoder")
    for p in results.get("precisions", [])[1:]:
        same, total = results[f"statements identical to float32 ({p})"]
        lines.append(f"precision={p!r}: {same} of {total} float32 statements found identically (sentence, speaker, counterparty, stance, kind), both halves")
    if "naive_same_statements" in results:
        lines.append(f"naive gives the same statements as stance.classify: {results['naive_same_statements']}")
    lines.append(f"benchmark wall time: {results['seconds_total']} s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
