"""Evaluation metrics on a hand-made 5-record file equal hand-computed values."""

from dataclasses import dataclass

import pytest
import torch

from stance.records import load_records
from stance.statement import Statement
from tests.conftest import DATA
from training.evaluate import end_to_end_eval, gold_pair_eval, stance_report
from training.pairs import PairPredictions

RECORDS = load_records(DATA / "eval5.jsonl")


def statement(text, sentence, speaker, counterparty, stance):
    start = text.index(sentence)
    sp, cp = text.index(speaker, start), text.index(counterparty, start)
    scores = {s: (0.8 if s == stance else 0.1) for s in ("cooperative", "adversarial", "neutral")}
    return Statement(sentence, start, start + len(sentence), speaker, (sp, sp + len(speaker)), None, counterparty,
                     (cp, cp + len(counterparty)), None, stance, 0.8, scores, "reported", None, 0.9)


@dataclass
class FakeClassifier:
    outputs: list

    def classify(self, texts, batch_size=32):
        return self.outputs


def test_end_to_end_metrics_by_hand():
    t = [r["text"] for r in RECORDS]
    outputs = [
        [statement(t[0], "Japan praised India.", "Japan", "India", "cooperative")],  # right
        [statement(t[1], "Kenya accused Somalia.", "Kenya", "Somalia", "cooperative"),  # pair right, stance wrong
         statement(t[1], "Egypt warned Sudan.", "Sudan", "Egypt", "adversarial")],  # direction wrong
        [],  # missed
        [statement(t[3], "Peru blamed Bolivia.", "Peru", "Bolivia", "adversarial"),  # right
         statement(t[3], "Brazil observed Argentina.", "Brazil", "Argentina", "neutral")],  # right
        [statement(t[4], "Norway thanked Sweden.", "Norway", "Sweden", "cooperative"),  # right
         statement(t[4], "Norway thanked Sweden.", "Sweden", "Norway", "cooperative")],  # spurious
    ]
    result = end_to_end_eval(FakeClassifier(outputs), RECORDS)
    # 7 predicted, 7 gold; pairs found: Japan, Kenya, Peru, Brazil, Norway = 5; with stance: 4.
    assert (result["predicted"], result["gold"]) == (7, 7)
    assert result["pair"]["precision"] == pytest.approx(5 / 7)
    assert result["pair"]["f1"] == pytest.approx(5 / 7)
    assert result["pair_stance"]["precision"] == pytest.approx(4 / 7)
    assert result["pair_stance"]["recall"] == pytest.approx(4 / 7)
    # speaker attribution: gold relations whose counterparty was found in the sentence:
    # Japan(India) right, Kenya(Somalia) right, Egypt(Sudan): no prediction has counterparty Sudan,
    # Peru right, Brazil right, Norway(Sweden) right -> 5 of 5.
    assert result["speaker_attribution"] == {"accuracy": 1.0, "n": 5}
    # negation: Kenya (stance wrong) and Brazil (right) -> recall 1/2
    assert result["per_tag_recall"]["negation"] == {"n": 2, "recall": 0.5}


def test_gold_pair_stance_metrics_by_hand():
    # Gold stances of 7 pairs (1 coop, 2 adv, 3 neutral) and one 'none' pair that must be ignored.
    labels = torch.tensor([1, 2, 2, 1, 2, 3, 1, 0])
    predicted = [1, 1, 2, 1, 2, 3, 3, 1]
    logits = torch.full((8, 4), -5.0)
    for row, p in enumerate(predicted):
        logits[row, p] = 5.0
    pairs = PairPredictions(logits, torch.zeros(8, 3), labels, torch.full((8,), -100), ["e1", "e2", "e2", "e3", "e4", "e4", "e5", "e5"], [0, 0, 1, 0, 0, 1, 0, -1])
    report = gold_pair_eval(pairs, {r["id"]: r for r in RECORDS})
    # cooperative: tp 2 (rows 0, 3), predicted 3 (rows 0, 1, 3), gold 3 -> P 2/3 R 2/3
    # adversarial: tp 2 (rows 2, 4), predicted 2, gold 3 -> P 1, R 2/3, F1 0.8
    # neutral: tp 1 (row 5), predicted 2 (rows 5, 6), gold 1 -> P 1/2, R 1, F1 2/3
    assert report["n"] == 7
    assert report["per_class"]["cooperative"]["f1"] == pytest.approx(2 / 3)
    assert report["per_class"]["adversarial"]["f1"] == pytest.approx(0.8)
    assert report["per_class"]["neutral"]["f1"] == pytest.approx(2 / 3)
    assert report["macro_f1"] == pytest.approx((2 / 3 + 0.8 + 2 / 3) / 3)
    assert report["confusion"] == [[2, 0, 1], [1, 2, 0], [0, 0, 1]]
    # negation-tagged gold relations: e2 #0 (Kenya, row 1, wrong) and e4 #1 (Brazil, row 5, right)
    assert report["per_tag_accuracy"]["negation"] == {"n": 2, "accuracy": 0.5}
    low, high = report["macro_f1_ci95"]
    assert 0.0 <= low <= high <= 1.0


def test_stance_report_empty():
    assert stance_report([], [])["n"] == 0


def test_a_pronoun_speaker_counts_only_with_the_right_name():
    from training.evaluate import align

    text = "Kenji Arai met Paul Hanna. He criticised Japan."
    relation = {"sentence": [27, 47], "speaker": "Kenji Arai", "speaker_span": [27, 29], "counterparty": "Japan",
                "counterparty_span": [41, 46], "stance": "adversarial"}
    scores = {"cooperative": 0.1, "adversarial": 0.8, "neutral": 0.1}

    def said_by(name):
        return Statement("He criticised Japan.", 27, 47, name, (27, 29), None, "Japan", (41, 46), "JPN", "adversarial", 0.8, scores, "reported", None, 0.9)

    assert align([relation], [said_by("Kenji Arai")], text).matches == [0]
    assert align([relation], [said_by("Paul Hanna")], text).matches == [None]  # "He" resolved to the wrong man
    assert align([relation], [said_by("Paul Hanna")]).matches == [0]  # without the text, mentions overlap
