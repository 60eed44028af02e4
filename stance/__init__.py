"""stance: who said what about whom, and how.

For every statement in a news article, ``stance`` finds the speaker, the counterparty the
statement is aimed at, and the speaker's stance toward it (cooperative, adversarial, neutral).

>>> import stance
>>> statements = stance.classify("Japan praised India on Monday.")  # doctest: +SKIP
>>> [(s.speaker, s.counterparty, s.stance) for s in statements]      # doctest: +SKIP
[('Japan', 'India', 'cooperative')]

Importing the package is light: torch, transformers and the model load on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

from stance.statement import Statement

if TYPE_CHECKING:
    from stance.classifier import Classifier

__all__ = ["Classifier", "Statement", "classify", "__version__"]
__version__ = "0.1.0"

_default: Classifier | None = None
_default_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    if name == "Classifier":
        from stance.classifier import Classifier

        return Classifier
    raise AttributeError(f"module 'stance' has no attribute {name!r}")


def _default_classifier() -> Classifier:
    global _default
    with _default_lock:
        if _default is None:
            from stance.classifier import Classifier

            _default = Classifier.from_pretrained()
        return _default


@overload
def classify(text: str, *, speaker: str | None = ..., counterparty: str | None = ..., batch_size: int = ..., progress: bool = ...) -> list[Statement]: ...


@overload
def classify(
    text: Sequence[str], *, speaker: str | None = ..., counterparty: str | None = ..., batch_size: int = ..., progress: bool = ...
) -> list[list[Statement]]: ...


def classify(
    text: str | Sequence[str],
    *,
    speaker: str | None = None,
    counterparty: str | None = None,
    batch_size: int = 32,
    progress: bool = False,
) -> list[Statement] | list[list[Statement]]:
    """Classify with the shipped model (loaded once, on first call). See :meth:`Classifier.classify`."""
    if not isinstance(text, (str, list, tuple)):
        raise TypeError(f"text must be a str or a list of str, got {type(text).__name__}")
    return _default_classifier().classify(text, speaker=speaker, counterparty=counterparty, batch_size=batch_size, progress=progress)
