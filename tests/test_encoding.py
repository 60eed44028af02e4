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
