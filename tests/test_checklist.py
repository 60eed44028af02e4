"""The behavioural (CheckList-style) suite: the case file, its loader, the scoring, and the committed report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from training.checklist import (
    DEFAULT_CASES,
    STANCES,
    TARGETS,
    Case,
    CasePredictions,
    Pred,
    load_cases,
    markdown_table,
    score,
    text_table,
)

REPORT = DEFAULT_CASES.parent / "results.json"


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases(DEFAULT_CASES)


def _names_in(text: str) -> set[str]:
    from stance.gazetteer import gazetteer

    return {entry.canonical.casefold() for _, _, entry in gazetteer().find(text)}


def test_case_file_is_complete_and_valid(cases: list[Case]) -> None:
    assert len(cases) >= 300
    counts = Counter(c.capability for c in cases)
    assert set(counts) == set(TARGETS)
    assert min(counts.values()) >= 20, counts
    assert len({c.id for c in cases}) == len(cases)
    for c in cases:
        if c.test == "MFT":
            assert c.stance in STANCES, c.id
            assert c.variant is None, c.id
        else:
            assert c.variant and c.variant != c.text and c.variant_speaker and c.variant_counterparty, c.id
        pairs = [(c.text, c.speaker), (c.text, c.counterparty)]
        if c.variant is not None:
            pairs += [(c.variant, c.variant_speaker), (c.variant, c.variant_counterparty)]
        for text, name in pairs:
            assert name is not None
            assert name.casefold() in text.casefold() or name.casefold() in _names_in(text), (c.id, name)
        assert c.speaker.casefold() != c.counterparty.casefold(), c.id


def test_case_texts_are_not_copied_from_the_corpus(cases: list[Case]) -> None:
    root = DEFAULT_CASES.parent.parent
    files = [p for folder in ("corpus", "data") for p in (root / folder).rglob("*") if p.suffix in {".art", ".jsonl"}]
    corpus = " ".join(p.read_text(encoding="utf-8") for p in files)
    copied = [c.id for c in cases if c.text in corpus]
    assert not copied


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _row(**fields: object) -> str:
    base = {"id": "a", "capability": "negation", "test": "MFT", "text": "Japan praised India.", "speaker": "Japan"}
    return json.dumps({**base, "counterparty": "India", "stance": "cooperative", **fields})


GOOD = _row()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", r"cases\.jsonl:2: not valid JSON"),
        (_row(id="b", stance="hostile"), r"cases\.jsonl:2: stance must be"),
        (json.dumps({"id": "b", "test": "MFT", "text": "x", "speaker": "A"}), r"cases\.jsonl:2: missing field\(s\) capability"),
        (_row(id="b", capability="sarcasm"), r"cases\.jsonl:2: unknown capability"),
        (_row(id="b", capability="name_swap", test="INV"), r"cases\.jsonl:2: missing field\(s\) variant"),
        (_row(id="b", speaker=""), r"cases\.jsonl:2: field 'speaker' must be a non-empty string"),
        (_row(id="b", evidence="Kenya"), r"cases\.jsonl:2: evidence 'Kenya' is not part of the text"),
        (json.dumps({"id": "b", "capability": "negation", "test": "DIR", "text": "x"}), r"cases\.jsonl:2: 'test' must be"),
        (GOOD, r"cases\.jsonl:2: duplicate id 'a'"),
        ("[1, 2]", r"cases\.jsonl:2: expected a JSON object"),
    ],
)
def test_malformed_case_file_names_the_line(tmp_path: Path, bad: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_cases(_write(tmp_path, [GOOD, bad]))


def test_good_case_file_loads(tmp_path: Path) -> None:
    (case,) = load_cases(_write(tmp_path, [GOOD, ""]))
    assert case.speaker == "Japan" and case.stance == "cooperative"


def _mft(id: str, stance: str, evidence: str | None = None) -> Case:
    text = "Japan praised India. Later, Japan criticised India."
    return Case(id, "negation", "MFT", text, "Japan", "India", stance=stance, evidence=evidence)


def _inv(id: str) -> Case:
    variant = {"variant": "Peru warned Chile.", "variant_speaker": "Peru", "variant_counterparty": "Chile"}
    return Case(id, "name_swap", "INV", "Japan warned India.", "Japan", "India", **variant)


def P(speaker: str, counterparty: str, stance: str, sentence: str = "s") -> Pred:  # noqa: N802
    return Pred(speaker, counterparty, stance, sentence)


def test_scoring_gives_the_hand_computed_rates() -> None:
    cases = [_mft("A", "cooperative"), _mft("B", "adversarial"), _mft("C", "adversarial", evidence="Later")]
    cases += [_inv("D"), _inv("E"), _inv("F")]
    first, later = "Japan praised India.", "Later, Japan criticised India."
    predictions = [
        # A: found cooperative (names case-insensitive); pair 2 of 3 cooperative -> both pass
        CasePredictions(
            full=(P("JAPAN", "india", "cooperative"), P("India", "Japan", "adversarial")),
            pair=(P("Japan", "India", "cooperative"),) * 2 + (P("Japan", "India", "adversarial"),),
        ),
        # B: full finds only the wrong stance -> e2e fails; pair says adversarial -> stance passes
        CasePredictions(full=(P("Japan", "India", "cooperative"),), pair=(P("Japan", "India", "adversarial"),)),
        # C: evidence sentence restricts both modes to "Later, ..." -> both pass despite the other sentence
        CasePredictions(
            full=(P("Japan", "India", "cooperative", first), P("Japan", "India", "adversarial", later)),
            pair=(P("Japan", "India", "cooperative", first), P("Japan", "India", "adversarial", later)),
        ),
        # D: same stance on both -> both pass
        CasePredictions(full=(P("Japan", "India", "adversarial"),), pair=(P("Japan", "India", "adversarial"),),
                        variant_full=(P("Peru", "Chile", "adversarial"),), variant_pair=(P("Peru", "Chile", "adversarial"),)),
        # E: found on the text, not on the variant -> e2e fails; pair agrees -> stance passes
        CasePredictions(full=(P("Japan", "India", "adversarial"),), pair=(P("Japan", "India", "adversarial"),),
                        variant_full=(P("Chile", "Peru", "adversarial"),), variant_pair=(P("Peru", "Chile", "adversarial"),)),
        # F: found on neither (vacuous e2e pass); pair differs -> stance fails
        CasePredictions(pair=(), variant_pair=(P("Peru", "Chile", "cooperative"),)),
    ]
    result = score(cases, predictions)
    negation, swap = result["capabilities"]["negation"], result["capabilities"]["name_swap"]
    assert (negation["n"], negation["passed_e2e"], negation["passed_stance"]) == (3, 2, 3)
    assert negation["pass_e2e"] == pytest.approx(0.6667) and negation["pass_stance"] == 1.0
    assert negation["failed"] == ["B"] and not negation["met"] and negation["test"] == "MFT"
    assert (swap["n"], swap["passed_e2e"], swap["passed_stance"], swap["vacuous_e2e"]) == (3, 2, 2, 1)
    assert swap["test"] == "INV" and swap["failed"] == ["E"] and swap["target"] == 0.95
    assert list(result["capabilities"]) == ["name_swap", "negation"]  # report order follows TARGETS
    total = {"n": 6, "passed_e2e": 4, "passed_stance": 5, "pass_e2e": 0.6667, "pass_stance": 0.8333, "met": 0, "capabilities": 2}
    assert result["total"] == total
    by_id = {c["id"]: c for c in result["cases"]}
    assert by_id["B"]["full"] == ["cooperative"] and by_id["E"]["variant_found"] == ["Chile -> Peru: adversarial"]


def test_scoring_majority_is_strict_and_empty_fails() -> None:
    tie = CasePredictions(full=(), pair=(P("Japan", "India", "cooperative"), P("Japan", "India", "adversarial")))
    empty = CasePredictions()
    result = score([_mft("A", "cooperative"), _mft("B", "cooperative")], [tie, empty])
    assert result["capabilities"]["negation"]["passed_stance"] == 0
    with pytest.raises(ValueError, match="2 cases but 1 predictions"):
        score([_mft("A", "cooperative"), _mft("B", "cooperative")], [tie])


def test_tables_show_every_capability_and_the_total() -> None:
    result = score([_mft("A", "cooperative")], [CasePredictions(full=(P("Japan", "India", "cooperative"),))])
    table = markdown_table(result)
    lines = table.strip().splitlines()
    assert lines[0] == "| capability | test | n | pass end-to-end | pass stance-only | target | status |"
    assert lines[2].startswith("| negation | MFT | 1 | 100.0% | 0.0% | ≥ 85.0% | met |")
    assert lines[-1].startswith("| **total** |")
    assert "negation" in text_table(result)


@pytest.mark.slow
def test_shipped_model_report_is_in_sync() -> None:
    from tests.conftest import SHIPPED
    from training.checklist import run

    fresh = json.loads(json.dumps(run(SHIPPED, DEFAULT_CASES)))
    assert set(fresh["capabilities"]) == set(TARGETS)
    for name, c in fresh["capabilities"].items():
        assert 0.0 <= c["pass_e2e"] <= 1.0 and 0.0 <= c["pass_stance"] <= 1.0, name
    committed = json.loads(REPORT.read_text(encoding="utf-8"))
    assert committed == fresh, "stale report: rerun python -m training.checklist --json training/checklist/results.json"
