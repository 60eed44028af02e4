"""GPU inference check: end-to-end throughput and agreement with CPU fp32, encoder rate in bf16/fp16.

    python benchmarks/gpu_inference.py [--copies 3]     # called by benchmarks/gpu.sh; needs CUDA

1. ``Classifier(device="cuda").classify`` over the workload (test split x ``--copies``): the pipeline
   as shipped (``precision="auto"``: fp16 autocast on CUDA); sentences/s, articles/s, statements/s,
   median of ``--repeats``.
2. The same with ``precision="bfloat16"`` and ``"float32"``, to compare the number formats.
3. Agreement: on one copy of the test split, the (speaker, counterparty, stance, kind) of every
   statement from CUDA fp16 against CPU fp32; prints the share of identical statements.
4. Encoder forward alone (pre-tokenised, sorted, batch 128) in fp32, bf16, fp16: sentences/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    import torch

    if not torch.cuda.is_available():
        print("gpu_inference.py: CUDA is not available (torch %s); run this on a machine with an NVIDIA GPU" % torch.__version__, file=sys.stderr)
        return 3
    from stance.classifier import Classifier
    from throughput import model_inputs, pre_encode

    texts = [json.loads(line)["text"] for line in (ROOT / "training/data/test.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    workload = texts * args.copies
    from stance.segment import segment

    n_sentences = sum(len(segment(t).sentences) for t in workload)
    gpu = Classifier.from_pretrained(device="cuda")
    print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}; workload {len(workload)} articles, {n_sentences} sentences")

    def timed(classifier: Classifier) -> tuple[list[float], int]:
        classifier.classify(workload[:4], batch_size=args.batch_size)
        times, n = [], 0
        for _ in range(args.repeats):
            torch.cuda.synchronize()
            t = time.perf_counter()
            n = sum(map(len, classifier.classify(workload, batch_size=args.batch_size)))
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t)
        return times, n

    for name, precision in (("fp16 (default)", "float16"), ("bf16", "bfloat16"), ("fp32", "float32")):
        times, n = timed(Classifier(gpu.model, gpu.tokenizer, device="cuda", precision=precision))
        t = statistics.median(times)
        print(f"end to end {name}: {n_sentences / t:.0f} sentences/s, {len(workload) / t:.1f} articles/s, {n / t:.0f} statements/s "
              f"(median of {len(times)}, {min(times):.2f}-{max(times):.2f} s)")

    cpu = Classifier(gpu.model.float().to("cpu"), gpu.tokenizer, device="cpu")
    cpu_out = cpu.classify(texts, batch_size=args.batch_size)
    gpu = Classifier(cpu.model, cpu.tokenizer, device="cuda")
    gpu_out = gpu.classify(texts, batch_size=args.batch_size)

    def key(s):
        return (s.start, s.speaker, s.counterparty, s.stance, s.kind)

    a = {key(s) for r in cpu_out for s in r}
    b = {key(s) for r in gpu_out for s in r}
    print(f"agreement CUDA fp16 vs CPU fp32 on the test split: {len(a & b)} identical, {len(a - b)} only CPU, {len(b - a)} only CUDA")

    model = gpu.model
    work = model_inputs(gpu, texts)
    batches = [{k: v.to("cuda") for k, v in b.items()} for b in pre_encode(gpu, texts, work, 128)]
    for name, dtype in (("fp32", None), ("bf16", torch.bfloat16), ("fp16", torch.float16)):
        with torch.inference_mode(), torch.autocast("cuda", dtype=dtype or torch.float16, enabled=dtype is not None):
            for b in batches[:2]:
                model.encoder(input_ids=b["input_ids"], attention_mask=b["attention_mask"], token_type_ids=b.get("token_type_ids"))
            times = []
            for _ in range(args.repeats):
                torch.cuda.synchronize()
                t = time.perf_counter()
                for b in batches:
                    model.encoder(input_ids=b["input_ids"], attention_mask=b["attention_mask"], token_type_ids=b.get("token_type_ids"))
                torch.cuda.synchronize()
                times.append(time.perf_counter() - t)
        print(f"encoder alone {name}: {len(work) / statistics.median(times):.0f} sentences/s (batch 128, median of {len(times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
