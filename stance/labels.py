"""The label sets of the annotation guide, shared by records, model and training."""

from __future__ import annotations

STANCES: tuple[str, ...] = ("cooperative", "adversarial", "neutral")
KINDS: tuple[str, ...] = ("quote", "reported", "action")
TAGS: tuple[str, ...] = (
    "pronoun_speaker",
    "short_form_speaker",
    "unnamed_speaker",
    "multiple_counterparties",
    "negation",
    "conditional_threat",
    "denial",
    "hedged",
    "metonymy",
    "relay",
    "reciprocal",
    "unnamed_counterparty",
    "augmented",
)
REGIONS: tuple[str, ...] = (
    "Europe",
    "Russia/Central Asia",
    "East Asia",
    "South/Southeast Asia",
    "Middle East",
    "Africa",
    "Americas",
    "Oceania",
)
NO_RELATION = "none"
# Order of the model's relation head: index 0 is "no relation".
RELATION_LABELS: tuple[str, ...] = (NO_RELATION, *STANCES)
