"""The shared preprocessing path: what the tokenizer sees for a sentence and its actors."""

from __future__ import annotations

import json

from stance.encoding import PREVIOUS_SEPARATOR, model_texts, previous_text, sentence_inputs
from stance.mentions import find_mentions
from stance.segment import segment

ARTICLE = "Morocco accused Algeria of arming the rebels. Algeria rejected the accusations."


def _inputs(text: str):
    sentences = segment(text).sentences
    return sentence_inputs(sentences, find_mentions(text, sentences))


def test_second_sentence_carries_context_names_then_previous_sentence():
    inputs = _inputs(ARTICLE)
    sentences, contexts, spans = model_texts([ARTICLE] * 2, inputs, previous_chars=240)
    assert sentences == ["Morocco accused Algeria of arming the rebels.", "Algeria rejected the accusations."]
    assert contexts[0] == ""  # first sentence: no previous sentence, every actor is in it
    assert contexts[1] == "Morocco" + PREVIOUS_SEPARATOR + "Morocco accused Algeria of arming the rebels."
    morocco = [c.canonical for c in inputs[1].candidates].index("Morocco")
    assert spans[1][morocco] == (0, len("Morocco"))


def test_models_trained_without_previous_sentence_see_names_only():
    _, contexts, _ = model_texts([ARTICLE] * 2, _inputs(ARTICLE))
    assert contexts[1] == "Morocco"


def test_previous_text_keeps_the_end_and_cuts_at_a_word():
    text = "Alpha beta gamma delta. Next one."
    assert previous_text(text, (0, 23), 11) == "delta."
    assert previous_text(text, (0, 23), 0) == ""
    assert previous_text(text, None, 100) == ""


def test_model_folder_records_previous_chars(tiny_model):
    config = json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))
    assert config["previous_chars"] == 240


def _span(text: str, mention: str) -> list[int]:
    return [text.index(mention), text.index(mention) + len(mention)]


def _mwale_against_sino_zam(text: str) -> dict:
    """The gold relation of both tests: Mwale (Zambia, by the gold) -> Sino-Zam Copper, adversarial."""
    return {
        "sentence": [0, len(text)], "speaker": "Chanda Mwale", "speaker_span": _span(text, "Chanda Mwale"), "speaker_country": "ZMB",
        "counterparty": "Sino-Zam Copper", "counterparty_span": _span(text, "Sino-Zam Copper"), "counterparty_country": None,
        "stance": "adversarial", "kind": "reported",
    }


def _labelled_pairs(text: str, relations: list[dict], **flags: bool) -> dict[tuple[str, str], int]:
    from stance.encoding import labelled_inputs

    item = labelled_inputs({"text": text, "relations": relations, **flags})[0]
    return {(item.candidates[i].canonical, item.candidates[j].canonical): label for (i, j), label in zip(item.pairs, item.labels)}


def test_training_pairs_use_the_person_country_that_inference_finds():
    # The gold says Mwale acts for Zambia, but nothing in the text says so: at inference the pair
    # Mwale -> Zambia exists, so training must score it too (as no relation).
    text = "Mines Minister Chanda Mwale said Zambia would cancel the licence of Sino-Zam Copper."
    pairs = _labelled_pairs(text, [_mwale_against_sino_zam(text)])
    assert pairs[("Chanda Mwale", "Sino-Zam Copper")] == 2
    assert pairs[("Chanda Mwale", "Zambia")] == 0


def test_training_pairs_skip_a_person_and_the_state_that_introduces_them():
    text = "Zambian Mines Minister Chanda Mwale said Zambia would cancel the licence of Sino-Zam Copper."
    pairs = _labelled_pairs(text, [_mwale_against_sino_zam(text)])
    assert ("Chanda Mwale", "Zambia") not in pairs  # own side: never a candidate pair
    assert pairs[("Chanda Mwale", "Sino-Zam Copper")] == 2


def test_partial_records_leave_unlabelled_pairs_out_and_stance_only_records_their_gold_pairs_too():
    text = "Mines Minister Chanda Mwale said Zambia would cancel the licence of Sino-Zam Copper."
    gold = [_mwale_against_sino_zam(text)]
    partial = _labelled_pairs(text, gold, partial=True)
    assert partial[("Chanda Mwale", "Sino-Zam Copper")] == 2
    assert partial[("Chanda Mwale", "Zambia")] == -100
    stance_only = _labelled_pairs(text, gold, partial=True, stance_only=True)
    assert stance_only[("Chanda Mwale", "Sino-Zam Copper")] == 5  # adversarial (2) past the three stances
    assert stance_only[("Chanda Mwale", "Zambia")] == -100


def test_no_pairs_between_a_state_and_its_own_side():
    from stance.encoding import Candidate, candidate_pairs

    japan = Candidate("Japan", "JPN", (0, 5))
    minister = Candidate("Taro Sato", "JPN", (10, 19), person=True)
    party = Candidate("Japan Socialist Party", "JPN", (30, 51))  # a domestic body may still be a counterparty
    china = Candidate("China", "CHN", (60, 65))
    names = [japan, minister, party, china]
    found = {(names[i].canonical, names[j].canonical) for i, j in candidate_pairs(names)}
    assert ("Japan", "Taro Sato") not in found and ("Taro Sato", "Japan") not in found
    assert ("Japan Socialist Party", "Japan") not in found  # the speaker's own state is never the counterparty
    assert {("Japan", "Japan Socialist Party"), ("Taro Sato", "China"), ("China", "Taro Sato")} <= found
