"""Loading a model folder without transformers: the torch-only BERT and the `tokenizers`-only tokenizer
compute exactly what transformers computes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from stance.bert import BertEncoder, supports
from stance.tokenization import PairTokenizer

SENTENCES = [
    "Russian President Vladimir Putin and China\u2019s defence minister Li Shangfu met over the weekend.",
    "\u201cWe oppose any interference,\u201d Wang said, according to Xinhua.",
    "Tehran rejected the U.S. demands.",
]
CONTEXTS = ["Xi Jinping ; Russia | he said on Sunday", "", "United States ; Iran"]


def test_bert_encoder_equals_transformers_bert(tiny_base: Path):
    from transformers import BertModel

    reference = BertModel.from_pretrained(str(tiny_base), add_pooling_layer=False).eval()
    lean = BertEncoder(reference.config.to_dict()).eval()
    lean.load_state_dict(reference.state_dict(), strict=True)
    torch.manual_seed(0)
    ids = torch.randint(5, 1000, (3, 17))
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0
    types = torch.zeros_like(ids)
    types[:, 11:] = 1
    with torch.inference_mode():
        expected = reference(input_ids=ids, attention_mask=mask, token_type_ids=types, output_hidden_states=True)
        got = lean(input_ids=ids, attention_mask=mask, token_type_ids=types, output_hidden_states=True)
    assert torch.allclose(got.last_hidden_state, expected.last_hidden_state, atol=1e-5)
    assert len(got.hidden_states) == len(expected.hidden_states)  # pair attention reads the second-to-last
    assert all(torch.allclose(g[mask > 0], e[mask > 0], atol=1e-5) for g, e in zip(got.hidden_states, expected.hidden_states))


def test_only_plain_bert_is_built_without_transformers(tiny_base: Path):
    config = json.loads((tiny_base / "config.json").read_text())
    assert supports(config)
    assert not supports({**config, "model_type": "roberta"})
    assert not supports({**config, "position_embedding_type": "relative_key"})
    assert not supports({**config, "hidden_act": "relu"})


def test_pair_tokenizer_equals_the_transformers_tokenizer(tiny_model: Path):
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(tiny_model), use_fast=True)
    for max_length in (256, 24):
        expected = reference(SENTENCES, CONTEXTS, truncation="only_first", max_length=max_length, padding=True, return_offsets_mapping=True)
        for tokenizer in (PairTokenizer.from_folder(tiny_model), PairTokenizer.wrap(reference)):
            got = tokenizer(SENTENCES, CONTEXTS, max_length)
            assert [e.ids for e in got] == expected["input_ids"]
            assert [e.type_ids for e in got] == expected["token_type_ids"]
            assert [e.attention_mask for e in got] == expected["attention_mask"]
            assert [[tuple(o) for o in e.offsets] for e in got] == [[tuple(o) for o in row] for row in expected["offset_mapping"]]
            assert [e.sequence_ids for e in got] == [expected.sequence_ids(b) for b in range(len(SENTENCES))]


def test_a_context_longer_than_max_length_cuts_both_parts(tiny_model: Path):
    encodings = PairTokenizer.from_folder(tiny_model)(SENTENCES, CONTEXTS, 8)
    assert [len(e.ids) for e in encodings] == [8, 8, 8]
    assert [1 in e.sequence_ids for e in encodings] == [True, False, True]  # a non-empty context keeps tokens


def test_a_pairs_tokens_do_not_depend_on_its_batch(tiny_model: Path):
    tokenizer = PairTokenizer.from_folder(tiny_model)
    together = tokenizer(SENTENCES, CONTEXTS, 8, pad=False)  # the second context alone is over 8 tokens
    alone = [tokenizer([s], [c], 8, pad=False)[0] for s, c in zip(SENTENCES, CONTEXTS)]
    assert [e.ids for e in together] == [e.ids for e in alone]


def test_pair_tokenizer_saves_the_files_it_read(tiny_model: Path, tmp_path: Path):
    PairTokenizer.from_folder(tiny_model).save_pretrained(tmp_path)
    assert (tmp_path / "tokenizer.json").read_bytes() == (tiny_model / "tokenizer.json").read_bytes()
    assert (tmp_path / "tokenizer_config.json").is_file()


def test_folder_without_tokenizer_json_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="has no tokenizer.json"):
        PairTokenizer.from_folder(tmp_path)


def test_classifying_with_a_bert_model_folder_does_not_import_transformers(tiny_model: Path):
    code = (
        "import sys, stance\n"
        f"clf = stance.Classifier.from_pretrained({str(tiny_model)!r}, device='cpu')\n"
        "clf.classify('France condemned the strikes. Germany welcomed the talks with Russia.')\n"
        "print(type(clf.model.encoder).__name__, 'transformers' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["BertEncoder", "False"]


def test_another_encoder_architecture_trains_and_loads_through_transformers(tmp_path: Path, tiny_jsonl: Path):
    from transformers import AutoTokenizer, DistilBertConfig, DistilBertModel

    from stance.model import DEFAULT_BASE_MODEL, resolve_base_model
    from tests.conftest import train_args
    from training.train import main

    base = tmp_path / "tiny-distilbert"
    tokenizer = AutoTokenizer.from_pretrained(resolve_base_model(DEFAULT_BASE_MODEL), use_fast=True)
    torch.manual_seed(0)
    config = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=32, n_layers=1, n_heads=2, hidden_dim=64)
    DistilBertModel(config).save_pretrained(str(base), safe_serialization=True)
    tokenizer.save_pretrained(str(base))
    assert main(train_args(base, tiny_jsonl, tmp_path / "model")) == 0
    from stance.classifier import Classifier

    classifier = Classifier.from_pretrained(tmp_path / "model", device="cpu")
    assert type(classifier.model.encoder).__name__ == "DistilBertModel"
    statements = classifier.classify("France condemned the strikes. Germany welcomed the talks with Russia.")
    assert all(s.stance in {"cooperative", "adversarial", "neutral"} for s in statements)
