#!/usr/bin/env bash
# GPU check: one training epoch and end-to-end inference (fp16 and bf16) on CUDA, with throughput.
#   bash benchmarks/gpu.sh
# Needs a machine with an NVIDIA GPU and a CUDA build of torch; without CUDA it stops at once (exit 3).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if ! ls /dev/nvidia0 >/dev/null 2>&1 && ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "benchmarks/gpu.sh: no NVIDIA GPU on this machine (no /dev/nvidia0, no nvidia-smi); run it on a machine with CUDA" >&2
    exit 3
fi

if ! "$PYTHON" - <<'PY'
import sys, torch
if not torch.cuda.is_available():
    print(f"benchmarks/gpu.sh: CUDA is not available here (torch {torch.__version__}, "
          f"CUDA build: {torch.version.cuda or 'no'}); run it on a machine with an NVIDIA GPU "
          "and a CUDA build of torch", file=sys.stderr)
    sys.exit(3)
print(f"GPU: {torch.cuda.get_device_name()} (torch {torch.__version__}, CUDA {torch.version.cuda}, "
      f"bf16 supported: {torch.cuda.is_bf16_supported()})")
PY
then
    exit 3
fi

echo "== training: one full epoch on CUDA (mixed precision as python -m training.train uses it)"
"$PYTHON" benchmarks/training_speed.py --device cuda --steps 0
echo
echo "== inference: end to end on CUDA, fp16 and bf16"
"$PYTHON" benchmarks/gpu_inference.py
