"""The country-level PETRARCH-2 check: reading coded events and scoring dyads, against hand-computed values."""

import json
from types import SimpleNamespace

import pytest

from training.petrarch import country_of, guide_stance, read_petrarch, score_dyads


def statement(speaker, counterparty, stance, relation_score=0.9):
    return SimpleNamespace(speaker_country=speaker, counterparty_country=counterparty, stance=stance, relation_score=relation_score)


def test_cameo_roots_follow_our_guide():
    assert [guide_stance(root) for root in ("01", "02", "04", "08", "09", "10", "19")] == [
        "neutral", "cooperative", "cooperative", "cooperative", "neutral", "adversarial", "adversarial",
    ]


def test_only_codes_that_start_with_a_country_are_compared():
    assert [country_of(code) for code in ("USAGOV", "RUS", "IGOUNO", "---REB", "SYRREB")] == ["USA", "RUS", None, None, "SYR"]


def test_reading_events(tmp_path):
    path = tmp_path / "validation.jsonl"
    rows = [
        {"id": "a", "text": "Kenya praised Uganda.", "events": [{"source": "KENGOV", "target": "UGA", "cameo_root": "05"}, {"source": "IGOUNO", "target": "UGA", "cameo_root": "04"}]},
        {"id": "b", "text": "Nothing happened.", "events": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    read = read_petrarch(path)
    assert read[0]["events"] == {("KEN", "UGA", "cooperative")} and read[0]["coded"] == 2
    assert read[1]["events"] == set()


def test_bad_line_names_file_and_line(tmp_path):
    path = tmp_path / "validation.jsonl"
    path.write_text('{"id": "a", "text": "x", "events": []}\n{"text": "no events"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"validation.jsonl:2: not a PETRARCH-2 sentence"):
        read_petrarch(path)


def test_dyad_scores_equal_hand_computed_values():
    rows = [
        {"events": {("KEN", "UGA", "cooperative"), ("UGA", "KEN", "cooperative")}},
        {"events": {("USA", "RUS", "adversarial")}},
        {"events": set()},
    ]
    predictions = [
        # found twice: the more confident statement's stance counts; one without countries is set apart
        [statement("KEN", "UGA", "neutral", 0.6), statement("KEN", "UGA", "cooperative", 0.8), statement("KEN", None, "neutral")],
        [statement("USA", "RUS", "neutral")],
        [statement("FRA", "DEU", "cooperative")],
    ]
    result = score_dyads(rows, predictions)
    # gold 3 dyads, predicted 3 (KEN-UGA, USA-RUS, FRA-DEU), found 2, of which 1 with the right stance
    assert (result["gold_dyads"], result["predicted_dyads"], result["found_dyads"]) == (3, 3, 2)
    assert result["dyad"]["precision"] == pytest.approx(2 / 3) and result["dyad"]["recall"] == pytest.approx(2 / 3)
    assert result["dyad_stance"]["f1"] == pytest.approx(1 / 3)
    assert result["stance_accuracy_on_found_dyads"] == pytest.approx(0.5)
    assert result["statements_without_countries"] == 1
