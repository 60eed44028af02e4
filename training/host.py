"""The machine a run happened on, in words, so that training times and benchmarks can be compared.

Example::

    >>> from training.host import cpu_description
    >>> "threads" in cpu_description()
    True
"""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_name() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (Linux), else what :mod:`platform` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def cpu_description() -> str:
    """``"<model name>, <torch CPU kernels> kernels, <n> torch threads"``: vector width matters as much as cores."""
    import torch

    return f"{cpu_name()}, {torch.backends.cpu.get_cpu_capability()} kernels, {torch.get_num_threads()} torch threads"
