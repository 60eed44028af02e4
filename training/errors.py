"""List a model's errors on record files: `python -m training.errors MODEL DATA... [--show N] [--jsonl OUT]`.

Every gold relation the model missed, every statement that matches no gold relation, and every matched
pair given the wrong stance, each with its sentence, matched the way `training.evaluate` scores them;
then the counts by error, reason and stance. Reasons for a miss: ``no-statement`` (nothing found in the
sentence), ``other-speaker`` (the counterparty found, with another speaker), ``other-pairs`` (only other
pairs found). A false positive is ``reversed`` when it is a gold relation of its sentence read backwards,
else ``spurious``.

Example::

    python -m training.errors models/stance-minilm training/data/dev.jsonl --show 10
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stance.records import RecordError
from training.evaluate import _same_actor, align, check_inputs, resolve_set

ERRORS = ("missed", "false_positive", "wrong_stance")


@dataclass(frozen=True)
class ErrorCase:
    """One error: what was expected (``gold_stance``), what was found (``predicted_stance``) and where."""

    article: str
    error: str  # one of ERRORS
    reason: str | None
    speaker: str
    counterparty: str
    gold_stance: str | None
    predicted_stance: str | None
    score: float | None
    sentence: str
    start: int
    end: int
    found: tuple[str, ...] = ()  # for a miss: the pairs found in its sentence, "speaker -> counterparty"

    @property
    def stance(self) -> str:
        """The stance the error is counted under: gold for a miss or a wrong stance, predicted otherwise."""
        return self.gold_stance or self.predicted_stance or ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pair(statement: Any) -> str:
    return f"{statement.speaker} -> {statement.counterparty}"


def _is_reversed(statement: Any, relations: list[dict[str, Any]], text: str) -> bool:
    """True when ``statement`` reads one of ``relations`` (those of its sentence) backwards."""
    return any(
        _same_actor(statement.speaker, statement.speaker_span, r["counterparty"], r.get("counterparty_span"), text)
        and _same_actor(statement.counterparty, statement.counterparty_span, r["speaker"], r.get("speaker_span"), text)
        for r in relations
    )


def find_errors(records: list[dict[str, Any]], predictions: list[list[Any]]) -> list[ErrorCase]:
    """Errors of ``predictions`` (statements per record) against the records' gold relations, in text order.

    >>> find_errors([{"id": "a", "text": "Mali thanked Chad.", "relations": []}], [[]])
    []
    """
    cases: list[ErrorCase] = []
    for number, (record, statements) in enumerate(zip(records, predictions)):
        text, article = record["text"], str(record.get("id", number))
        relations = record.get("relations", [])
        alignment = align(relations, statements, text)
        for relation, same, found, match in zip(relations, alignment.same_sentence, alignment.counterparty_found, alignment.matches):
            start, end = relation["sentence"]
            common = {"article": article, "speaker": relation["speaker"], "counterparty": relation["counterparty"], "gold_stance": relation["stance"], "sentence": text[start:end], "start": start, "end": end}
            if match is None:
                reason = "other-speaker" if found else "other-pairs" if same else "no-statement"
                cases.append(ErrorCase(error="missed", reason=reason, predicted_stance=None, score=None, found=tuple(_pair(statements[k]) for k in same), **common))
            elif statements[match].stance != relation["stance"]:
                cases.append(ErrorCase(error="wrong_stance", reason=None, predicted_stance=statements[match].stance, score=statements[match].score, **common))
        for k in alignment.unmatched:
            s = statements[k]
            of_sentence = [r for r, same in zip(relations, alignment.same_sentence) if k in same]
            cases.append(ErrorCase(article, "false_positive", "reversed" if _is_reversed(s, of_sentence, text) else "spurious", s.speaker, s.counterparty, None, s.stance, s.score, s.text, s.start, s.end))
    return sorted(cases, key=lambda c: (c.article, c.start, ERRORS.index(c.error)))


def summarise(cases: Iterable[ErrorCase]) -> Counter[tuple[str, str, str]]:
    """Counts by ``(error, reason or "-", stance)``."""
    return Counter((c.error, c.reason or "-", c.stance) for c in cases)


def format_errors(cases: list[ErrorCase], show: int) -> str:
    """A count table, then up to ``show`` examples per error type."""
    lines = [f"{'error':<15} {'reason':<14} {'stance':<12} {'n':>5}"]
    lines += [f"{e:<15} {r:<14} {s:<12} {n:>5}" for (e, r, s), n in sorted(summarise(cases).items())]
    for error in ERRORS:
        examples = [c for c in cases if c.error == error][:show]
        if examples:
            lines.append(f"\n{error} (first {len(examples)}):")
        for c in examples:
            label = f"gold {c.gold_stance}" if c.gold_stance else ""
            if c.predicted_stance:
                label += f"{', ' if label else ''}predicted {c.predicted_stance} {c.score:.2f}"
            extra = f" [found: {'; '.join(c.found)}]" if c.found else ""
            lines.append(f"- {c.article} [{c.reason or '-'}] {c.speaker} -> {c.counterparty} ({label}){extra}\n    {c.sentence}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.errors", description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model folder")
    parser.add_argument("data", nargs="+", help="JSON Lines record files, or 'realnews'")
    parser.add_argument("--show", type=int, default=5, help="examples printed per error type (default 5)")
    parser.add_argument("--jsonl", help="write every error as one JSON line here (atomically)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    if "dse" in args.data:
        parser.error("'dse' has no relations to list errors on; give record files or 'realnews'")
    if args.show < 0 or args.batch_size < 1:
        parser.error("--show must be >= 0 and --batch-size >= 1")
    if args.jsonl and Path(args.jsonl).is_dir():
        parser.error(f"--jsonl {args.jsonl} is a folder; give a file path")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from stance.classifier import Classifier
    from stance.model import ModelFolderError

    try:
        check_inputs(args.data, [])
        classifier = Classifier.from_pretrained(args.model, device=args.device)
        cases: list[ErrorCase] = []
        for spec in args.data:
            name, records = resolve_set(spec)
            predictions = classifier.classify([r["text"] for r in records], batch_size=args.batch_size)
            found = find_errors(records, predictions)
            print(f"== {name}: {len(records)} articles, {len(found)} errors\n{format_errors(found, args.show)}\n")
            cases += found
    except (RecordError, ModelFolderError, FileNotFoundError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.jsonl:
        from stance.io import atomic_file

        with atomic_file(args.jsonl) as handle:
            for case in cases:
                handle.write(json.dumps(case.to_dict(), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
