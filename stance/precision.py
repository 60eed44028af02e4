"""The number format the encoder runs in: ``float32``, or ``bfloat16``/``float16`` through ``torch.autocast``.

``"auto"`` is float16 on CUDA and float32 on CPU. ``"bfloat16"`` on CPU runs the encoder's matrix
products in bfloat16 and the pair head in float32: several times faster on CPUs with AMX or AVX512-BF16
(Intel Xeon since Sapphire Rapids, AMD Zen 4), slower on CPUs without them. What it costs in accuracy
is measured in benchmarks/RESULTS.md.

>>> resolve_precision("auto", "cpu")
'float32'
>>> resolve_precision("bfloat16", "cpu")
'bfloat16'
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

logger = logging.getLogger(__name__)

PRECISIONS = ("auto", "float32", "bfloat16", "float16")


def resolve_precision(precision: str, device: str, warn: bool = True) -> str:
    """The concrete precision for ``device`` (``float32``, ``bfloat16`` or ``float16``), or a clear error;
    ``warn``: log when bfloat16 will be slow on this CPU (off for a check made before the real resolution)."""
    if not isinstance(precision, str):
        raise TypeError(f"precision must be a str, one of {', '.join(PRECISIONS)}; got {type(precision).__name__}")
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; use one of {', '.join(PRECISIONS)}")
    cuda = device.startswith("cuda")
    if precision == "auto":
        return "float16" if cuda else "float32"
    if precision == "float16" and not cuda:
        raise ValueError("precision 'float16' needs a CUDA device; on CPU use 'bfloat16' (or 'float32')")
    if warn and precision == "bfloat16" and not cuda and not native_cpu_bfloat16():
        logger.warning("this CPU has no AVX512-BF16 or AMX instructions: bfloat16 will be slower than float32")
    return precision


def native_cpu_bfloat16() -> bool:
    """True when this CPU multiplies bfloat16 matrices in hardware (AVX512-BF16 or AMX)."""
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in checks)


@contextlib.contextmanager
def autocast(precision: str, device: str) -> Iterator[Any]:
    """``torch.autocast`` for a resolved ``precision`` on ``device`` (nothing for float32)."""
    import torch

    if precision == "float32":
        yield None
        return
    device_type = "cuda" if device.startswith("cuda") else "cpu"
    with torch.autocast(device_type=device_type, dtype=getattr(torch, precision)) as context:
        yield context


def for_head(states: tuple[Any, ...], precision: str, device: str) -> tuple[tuple[Any, ...], str]:
    """The encoder's states as the pair head reads them, and the head's precision: on CPU the head runs in
    float32 (its small batched products are slower in bfloat16 there); on CUDA it keeps ``precision``."""
    if device.startswith("cuda"):
        return states, precision
    return tuple(None if s is None else s.float() for s in states), "float32"
