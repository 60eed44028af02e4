"""The shipped model on real text: the seed article (slow: loads the real model)."""

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SEED = (ROOT / "seeds" / "putin-li-2023-04-17.txt").read_text(encoding="utf-8")


def found(statements, speaker, counterparty, stance):
    return [s for s in statements if s.speaker == speaker and s.counterparty == counterparty and s.stance == stance]


@pytest.fixture(scope="module")
def seed_statements(shipped_classifier):
    return shipped_classifier.classify(SEED)


def test_offsets_are_exact_on_the_seed(seed_statements):
    assert seed_statements
    for s in seed_statements:
        assert SEED[s.start : s.end] == s.text
        if s.speaker_span:
            assert s.start <= s.speaker_span[0] < s.speaker_span[1] <= s.end
        if s.counterparty_span:
            assert s.start <= s.counterparty_span[0] < s.counterparty_span[1] <= s.end


def test_li_shangfu_is_cooperative_toward_russia(seed_statements):
    hits = found(seed_statements, "Li Shangfu", "Russia", "cooperative")
    assert len(hits) >= 3
    assert any(SEED[slice(*h.counterparty_span)] == "Russia" for h in hits if h.counterparty_span)


def test_putin_is_cooperative_toward_china(seed_statements):
    assert found(seed_statements, "Vladimir Putin", "China", "cooperative")


def test_united_states_sanctions_li_shangfu(seed_statements):
    hits = found(seed_statements, "United States", "Li Shangfu", "adversarial")
    assert hits
    assert SEED[slice(*hits[0].speaker_span)] == "US" and SEED[slice(*hits[0].counterparty_span)] == "Shangfu"


def test_russia_and_china_against_a_washington_led_order(seed_statements):
    # the model alone finds China -> United States; Russia, named with China as one subject, shares it (stance/joint.py)
    sentence_start = SEED.index("While both leaders")
    for speaker in ("Russia", "China"):
        hits = [h for h in found(seed_statements, speaker, "United States", "adversarial") if h.start == sentence_start]
        assert hits, speaker
        assert SEED[slice(*hits[0].counterparty_span)] == "Washington"


def test_pair_mode_on_the_seed(shipped_classifier):
    result = shipped_classifier.classify(SEED, speaker="Putin", counterparty="China")
    assert result and all(s.speaker == "Vladimir Putin" and s.counterparty == "China" for s in result)
    assert sum(s.stance == "cooperative" for s in result) > len(result) / 2


def test_real_news_phrasing(shipped_classifier):
    text = (
        "TOKYO, March 27 - Japan's Foreign Ministry on Friday condemned North Korea's latest missile launch. "
        '"This is a grave threat to regional peace," Foreign Minister Kenji Morita told reporters. '
        "Separately, Japan and Australia signed an agreement to deepen defence cooperation."
    )
    statements = shipped_classifier.classify(text)
    pairs = {(s.speaker, s.counterparty, s.stance) for s in statements}
    assert any(sp.startswith("Japan") and cp == "North Korea" and st == "adversarial" for sp, cp, st in pairs)
    assert ("Japan", "Australia", "cooperative") in pairs


def test_readme_shows_the_real_output_on_the_seed():
    from training.readme_tables import README, seed_table

    assert seed_table() in README.read_text(encoding="utf-8")


def test_model_folder_is_self_describing_and_small():
    import json

    from tests.conftest import SHIPPED

    names = {p.name for p in SHIPPED.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md", "metrics.json"} <= names
    assert sum(p.stat().st_size for p in SHIPPED.iterdir()) <= 25_000_000  # issue 3: at most 25 MB per model version
    metrics = json.loads((SHIPPED / "metrics.json").read_text())
    assert {"corpus-test", "realnews-dev", "dse-valid"} <= set(metrics["evaluation"])
