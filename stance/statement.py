"""The result type: one statement of a speaker toward a counterparty."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Statement:
    """A relation found in an article. Offsets index the text passed in, end exclusive.

    >>> s = Statement(text="Rome praised Paris.", start=0, end=19, speaker="Italy", speaker_span=(0, 4),
    ...     speaker_country="ITA", counterparty="France", counterparty_span=(13, 18), counterparty_country="FRA",
    ...     stance="cooperative", score=0.9, scores={"cooperative": 0.9, "adversarial": 0.05, "neutral": 0.05},
    ...     kind="reported", via=None, relation_score=0.97)
    >>> s.label, s.to_dict()["speaker_span"]
    ('cooperative', [0, 4])
    """

    text: str
    start: int
    end: int
    speaker: str
    speaker_span: tuple[int, int] | None
    speaker_country: str | None
    counterparty: str
    counterparty_span: tuple[int, int] | None
    counterparty_country: str | None
    stance: str
    score: float
    scores: dict[str, float]
    kind: str
    via: str | None
    relation_score: float  # probability that the sentence holds this relation at all (1 - P(none))

    @property
    def label(self) -> str:
        """The stance, under the name pipelines use."""
        return self.stance

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (spans as lists), in the guide's field names."""
        data = asdict(self)
        for key in ("speaker_span", "counterparty_span"):
            if data[key] is not None:
                data[key] = list(data[key])
        data["scores"] = dict(self.scores)
        return data
