"""Behavioural test suite in the spirit of CheckList (Ribeiro et al., ACL 2020) for a stance model.

Hand-written cases (``training/checklist/cases.jsonl``) probe one capability each: minimum
functionality tests (MFT) with an expected stance, invariance tests (INV) with a variant text whose
prediction must not change. Each case is scored twice:

* **end-to-end**: ``classify(text)`` must find the (speaker, counterparty) pair itself; an MFT case
  passes when a statement of that pair carries the expected stance, an INV case when the original and
  the variant give the same stances for their pairs (both not found counts as the same);
* **stance-only**: pair mode ``classify(text, speaker=..., counterparty=...)``; an MFT case passes when
  the expected stance is the stance of a strict majority of the returned statements, an INV case
  when both texts give the same stances.

An optional ``evidence`` field (a substring of one sentence) restricts both checks to the statements
of the sentence that carries the stance. Scoring (:func:`score`) is a pure function of the cases and
the predictions, so it is tested without a model.

    python -m training.checklist [--model models/stance-minilm] [--cases training/checklist/cases.jsonl] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "stance-minilm"
DEFAULT_CASES = ROOT / "training" / "checklist" / "cases.jsonl"

STANCES = ("cooperative", "adversarial", "neutral")
TESTS = ("MFT", "INV")
#: capability -> target pass rate (end-to-end), in report order
TARGETS: dict[str, float] = {
    "name_swap": 0.95,
    "negation": 0.85,
    "denial": 0.85,
    "passive_voice": 0.85,
    "pronoun_speaker": 0.85,
    "short_form_speaker": 0.85,
    "quote_style": 0.85,
    "attribution_position": 0.85,
    "counterparty_order": 0.85,
    "hedged": 0.85,
    "conditional_threat": 0.85,
    "typos_case": 0.85,
}

_REQUIRED = {
    "MFT": ("id", "capability", "test", "text", "speaker", "counterparty", "stance"),
    "INV": ("id", "capability", "test", "text", "variant", "speaker", "counterparty", "variant_speaker", "variant_counterparty"),
}
_OPTIONAL = {"evidence", "note"}


@dataclass(frozen=True)
class Case:
    """One behavioural test case."""

    id: str
    capability: str
    test: str
    text: str
    speaker: str
    counterparty: str
    stance: str | None = None
    variant: str | None = None
    variant_speaker: str | None = None
    variant_counterparty: str | None = None
    evidence: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Pred:
    """The part of a :class:`stance.Statement` that scoring looks at."""

    speaker: str
    counterparty: str
    stance: str
    sentence: str


@dataclass(frozen=True)
class CasePredictions:
    """Model output for one case: full mode and pair mode, on the text and (INV) on the variant."""

    full: tuple[Pred, ...] = ()
    pair: tuple[Pred, ...] = ()
    variant_full: tuple[Pred, ...] = ()
    variant_pair: tuple[Pred, ...] = ()


@dataclass(frozen=True)
class CaseResult:
    """Whether one case passed, and what the model said."""

    id: str
    capability: str
    test: str
    passed_e2e: bool
    passed_stance: bool
    predicted: dict[str, list[str]] = field(default_factory=dict)  # stances per mode; "found": all full-mode statements


def _parse_case(data: Any, where: str, seen: set[str]) -> Case:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(data).__name__}")
    test = data.get("test")
    if test not in TESTS:
        raise ValueError(f"{where}: 'test' must be one of {', '.join(TESTS)}, got {test!r}")
    required = _REQUIRED[test]
    missing = [key for key in required if key not in data]
    if missing:
        raise ValueError(f"{where}: missing field(s) {', '.join(missing)} for a {test} case")
    unknown = sorted(set(data) - set(required) - _OPTIONAL - ({"stance"} if test == "INV" else set()))
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for key in [*required, *(_OPTIONAL & set(data))]:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: field {key!r} must be a non-empty string, got {value!r}")
    if data["capability"] not in TARGETS:
        raise ValueError(f"{where}: unknown capability {data['capability']!r}; known: {', '.join(TARGETS)}")
    if "stance" in data and data["stance"] not in STANCES:
        raise ValueError(f"{where}: stance must be one of {', '.join(STANCES)}, got {data['stance']!r}")
    if data["id"] in seen:
        raise ValueError(f"{where}: duplicate id {data['id']!r}")
    if "evidence" in data and data["evidence"] not in data["text"]:
        raise ValueError(f"{where}: evidence {data['evidence']!r} is not part of the text")
    if test == "INV" and data["variant"] == data["text"]:
        raise ValueError(f"{where}: the variant is identical to the text")
    seen.add(data["id"])
    return Case(**{key: data[key] for key in data})


def load_cases(path: str | Path) -> list[Case]:
    """Read and validate a cases file (JSON Lines); a bad line raises ValueError naming file:line."""
    path = Path(path)
    cases: list[Case] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{where}: not valid JSON ({error.msg})") from None
            cases.append(_parse_case(data, where, seen))
    if not cases:
        raise ValueError(f"{path}: no cases")
    return cases


def _same(a: str, b: str, names: Callable[[str], str]) -> bool:
    return names(a) == names(b)


def _pair_stances(
    preds: Iterable[Pred], speaker: str, counterparty: str, evidence: str | None, names: Callable[[str], str]
) -> list[str]:
    """Stances of the statements of (speaker, counterparty), restricted to the evidence sentence if any."""
    return [
        p.stance
        for p in preds
        if _same(p.speaker, speaker, names)
        and _same(p.counterparty, counterparty, names)
        and (evidence is None or evidence in p.sentence)
    ]


def _majority(stances: Sequence[str], expected: str) -> bool:
    return bool(stances) and sum(s == expected for s in stances) * 2 > len(stances)


def score_case(case: Case, preds: CasePredictions, names: Callable[[str], str] = str.casefold) -> CaseResult:
    """Score one case. ``names`` maps a name to its comparison key (default: case-insensitive)."""
    # pair mode forces the requested names, so only the evidence restriction applies there
    pair = [p.stance for p in preds.pair if case.evidence is None or case.evidence in p.sentence]
    full = _pair_stances(preds.full, case.speaker, case.counterparty, case.evidence, names)
    predicted = {"full": full, "pair": pair, "found": _found(preds.full)}
    if case.test == "MFT":
        assert case.stance is not None
        return CaseResult(case.id, case.capability, case.test, case.stance in full, _majority(pair, case.stance), predicted)
    assert case.variant_speaker is not None and case.variant_counterparty is not None
    variant_full = _pair_stances(preds.variant_full, case.variant_speaker, case.variant_counterparty, None, names)
    variant_pair = [p.stance for p in preds.variant_pair]
    predicted.update(variant_full=variant_full, variant_pair=variant_pair, variant_found=_found(preds.variant_full))
    return CaseResult(case.id, case.capability, case.test, full == variant_full, pair == variant_pair, predicted)


def _found(preds: Iterable[Pred]) -> list[str]:
    """Every statement of full mode, as ``speaker -> counterparty: stance`` (for reading the failures)."""
    return [f"{p.speaker} -> {p.counterparty}: {p.stance}" for p in preds]


def _vacuous(result: CaseResult) -> bool:
    """An INV pass where neither text gave the pair in full mode."""
    found = result.predicted.get("full") or result.predicted.get("variant_full")
    return result.test == "INV" and result.passed_e2e and not found


def _rate(passed: int, n: int) -> float:
    return round(passed / n, 4) if n else 0.0


def score(
    cases: Sequence[Case], predictions: Sequence[CasePredictions], names: Callable[[str], str] = str.casefold
) -> dict[str, Any]:
    """Per-capability and total pass rates; pure (no model). ``predictions`` align with ``cases``."""
    if len(cases) != len(predictions):
        raise ValueError(f"{len(cases)} cases but {len(predictions)} predictions")
    results = [score_case(case, pred, names) for case, pred in zip(cases, predictions)]
    capabilities: dict[str, dict[str, Any]] = {}
    for capability in [c for c in TARGETS if any(r.capability == c for r in results)]:
        rows = [r for r in results if r.capability == capability]
        n, e2e, only = len(rows), sum(r.passed_e2e for r in rows), sum(r.passed_stance for r in rows)
        target = TARGETS[capability]
        capabilities[capability] = {
            "test": "+".join(t for t in TESTS if any(r.test == t for r in rows)),
            "n": n,
            "passed_e2e": e2e,
            "passed_stance": only,
            "pass_e2e": _rate(e2e, n),
            "pass_stance": _rate(only, n),
            "target": target,
            "met": e2e >= target * n - 1e-9,
            # INV passes where neither text gave the pair in full mode: consistent, but only by finding nothing
            "vacuous_e2e": sum(_vacuous(r) for r in rows),
            "failed": sorted(r.id for r in rows if not r.passed_e2e),
        }
    n = len(results)
    e2e, only = sum(r.passed_e2e for r in results), sum(r.passed_stance for r in results)
    return {
        "capabilities": capabilities,
        "total": {"n": n, "passed_e2e": e2e, "passed_stance": only, "pass_e2e": _rate(e2e, n), "pass_stance": _rate(only, n),
                  "met": sum(c["met"] for c in capabilities.values()), "capabilities": len(capabilities)},
        "cases": [{"id": r.id, "pass_e2e": r.passed_e2e, "pass_stance": r.passed_stance, **r.predicted} for r in results],
    }


def _preds(statements: Iterable[Any]) -> tuple[Pred, ...]:
    return tuple(Pred(s.speaker, s.counterparty, s.stance, s.text) for s in statements)


def predict(classifier: Any, cases: Sequence[Case], batch_size: int = 32) -> list[CasePredictions]:
    """Run the classifier on every case: one batched full-mode pass, one pair-mode pass per name pair."""
    texts = sorted({c.text for c in cases} | {c.variant for c in cases if c.variant is not None})
    logger.info("full mode on %d texts", len(texts))
    full = dict(zip(texts, (_preds(r) for r in classifier.classify(texts, batch_size=batch_size))))
    groups: dict[tuple[str, str], set[str]] = {}
    for c in cases:
        groups.setdefault((c.speaker, c.counterparty), set()).add(c.text)
        if c.variant is not None:
            assert c.variant_speaker is not None and c.variant_counterparty is not None
            groups.setdefault((c.variant_speaker, c.variant_counterparty), set()).add(c.variant)
    logger.info("pair mode on %d (speaker, counterparty) pairs", len(groups))
    pair: dict[tuple[str, str, str], tuple[Pred, ...]] = {}
    for (speaker, counterparty), group in sorted(groups.items()):
        ordered = sorted(group)
        out = classifier.classify(ordered, speaker=speaker, counterparty=counterparty, batch_size=batch_size)
        pair.update({(speaker, counterparty, t): _preds(r) for t, r in zip(ordered, out)})
    return [
        CasePredictions(
            full=full[c.text],
            pair=pair[(c.speaker, c.counterparty, c.text)],
            variant_full=full[c.variant] if c.variant is not None else (),
            variant_pair=pair[(str(c.variant_speaker), str(c.variant_counterparty), c.variant)] if c.variant is not None else (),
        )
        for c in cases
    ]


def canonical_key(name: str) -> str:
    """Comparison key of a name: the gazetteer's canonical name when it has one, case-insensitive."""
    from stance.gazetteer import gazetteer

    entry = gazetteer().lookup(name.strip())
    return (entry.canonical if entry is not None else name.strip()).casefold()


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


def run(
    model: str | Path = DEFAULT_MODEL,
    cases_path: str | Path = DEFAULT_CASES,
    device: str = "cpu",
    batch_size: int = 32,
    threads: int | None = 1,
) -> dict[str, Any]:
    """Load the cases and the model once, predict, score; the result is deterministic for a model.

    ``threads`` sets torch's CPU threads for the run (restored afterwards): one thread keeps the
    arithmetic order fixed and is much faster than several on a busy machine; None leaves it alone.
    """
    import torch

    from stance.classifier import Classifier

    cases = load_cases(cases_path)
    logger.info("%d cases from %s", len(cases), cases_path)
    previous = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        classifier = Classifier.from_pretrained(model, device=device)
        result = score(cases, predict(classifier, cases, batch_size=batch_size), names=canonical_key)
    finally:
        torch.set_num_threads(previous)
    return {"model": _relative(Path(model)), "cases_file": _relative(Path(cases_path)), **result}


def _pct(rate: float) -> str:
    return f"{100 * rate:.1f}%"


def markdown_table(results: dict[str, Any]) -> str:
    """A markdown table of the pass rates, one row per capability plus the total (for the model card)."""
    lines = [
        "| capability | test | n | pass end-to-end | pass stance-only | target | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, c in results["capabilities"].items():
        status = "met" if c["met"] else "**below target** (known weakness)"
        rates = f"{_pct(c['pass_e2e'])} | {_pct(c['pass_stance'])} | ≥ {_pct(c['target'])}"
        lines.append(f"| {name} | {c['test']} | {c['n']} | {rates} | {status} |")
    t = results["total"]
    lines.append(
        f"| **total** | | {t['n']} | {_pct(t['pass_e2e'])} | {_pct(t['pass_stance'])} | "
        f"| {t['met']} of {t['capabilities']} capabilities met |"
    )
    return "\n".join(lines) + "\n"


def text_table(results: dict[str, Any]) -> str:
    """A plain-text table for the terminal."""
    lines = [f"{'capability':<22} {'test':<4} {'n':>4} {'end-to-end':>11} {'stance-only':>12} {'target':>7}  met?"]
    for name, c in results["capabilities"].items():
        lines.append(
            f"{name:<22} {c['test']:<4} {c['n']:>4} {_pct(c['pass_e2e']):>11} {_pct(c['pass_stance']):>12} "
            f"{_pct(c['target']):>7}  {'yes' if c['met'] else 'NO'}"
        )
    t = results["total"]
    rates = f"{_pct(t['pass_e2e']):>11} {_pct(t['pass_stance']):>12}"
    lines.append(f"{'total':<22} {'':<4} {t['n']:>4} {rates} {'':>7}  {t['met']}/{t['capabilities']}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the suite, print the table, optionally write the JSON report atomically."""
    parser = argparse.ArgumentParser(prog="python -m training.checklist", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(DEFAULT_MODEL), help="model folder (default: the shipped model)")
    parser.add_argument("--cases", default=str(DEFAULT_CASES), help="cases file, JSON Lines")
    parser.add_argument("--json", dest="json_out", help="write the full report (rates, failures, per-case predictions) here")
    parser.add_argument("--markdown", action="store_true", help="print the markdown table for the model card instead")
    parser.add_argument("--device", default="cpu", help="cpu (default, reproducible), cuda or auto")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads during the run (default 1: reproducible, fast on busy machines)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        results = run(args.model, args.cases, device=args.device, batch_size=args.batch_size, threads=args.threads)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json_out:
        from stance.io import atomic_file

        with atomic_file(args.json_out) as handle:
            json.dump(results, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
        logger.info("wrote %s", args.json_out)
    print(markdown_table(results) if args.markdown else text_table(results), end="")
    failed = [name for name, c in results["capabilities"].items() if not c["met"]]
    if failed:
        logger.warning("below target: %s", ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
