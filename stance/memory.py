"""Hand memory that the process has freed back to the operating system.

PyTorch on CPU frees each batch's activations into the C allocator, which keeps them. Batches of
ever-changing shapes then fragment the heap: over a long run, resident memory drifts upward by
up to 200 MB, by a different amount on each run. ``malloc_trim`` (glibc) returns the free pages.
Elsewhere (macOS, musl, Windows) this module does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def resident_bytes() -> int | None:
    """This process's resident memory now (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def release_freed_memory() -> bool:
    """Return freed heap pages to the operating system; True when the platform allows it."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


class MemoryWatch:
    """Releases freed memory whenever resident memory has grown by ``slack`` bytes since the last release.

    >>> watch = MemoryWatch()
    >>> watch.step()  # after each batch
    """

    def __init__(self, slack: int = 48 * 2**20) -> None:
        self.slack = slack
        self.level = resident_bytes() if _malloc_trim() is not None else None

    @property
    def enabled(self) -> bool:
        """False where freed memory cannot be handed back or resident memory cannot be read."""
        return self.level is not None

    def step(self) -> None:
        if self.level is None:
            return
        now = resident_bytes()
        if now is not None and now > self.level + self.slack:
            release_freed_memory()
            self.level = resident_bytes() or now
