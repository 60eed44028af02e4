"""The per-pair transformer layer: equal to running a BERT layer on role-marked copies of the sentence,
the encoder's own last layer, and a model with it trains, saves and loads."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch.nn import functional

from stance.bert import BertEncoder
from stance.model import ModelConfig, StanceModel, _slots
from stance.pair_attention import PairAttention, bert_last_layer, layer_shape
from tests.conftest import train_args
from tests.test_classifier import same


def reference_pair_attention(layer: PairAttention, hidden, keep, rows, queries, speaker_mask, counterparty_mask):
    """The same layer written the slow way: one role-marked copy of the sentence per pair."""
    attention = layer.layer.attention.self
    heads = layer.heads
    out = []
    for p in range(queries.shape[0]):
        marked = hidden[rows[p]] + speaker_mask[p, :, None] * layer.roles.weight[0] + counterparty_mask[p, :, None] * layer.roles.weight[1]
        states = queries[p] + layer.roles.weight
        kept = marked[keep[rows[p]] > 0]
        keys_in = torch.cat([kept, states])
        size = states.shape[-1]
        head = size // heads
        q = attention.query(states).view(2, heads, head).transpose(0, 1)
        k = attention.key(keys_in).view(-1, heads, head).transpose(0, 1)
        v = attention.value(keys_in).view(-1, heads, head).transpose(0, 1)
        attended = torch.softmax(q @ k.transpose(1, 2) / head**0.5, dim=-1) @ v
        states = layer.layer.attention.output(attended.transpose(0, 1).reshape(2, size), states)
        states = layer.layer.output(functional.gelu(layer.layer.intermediate.dense(states)), states)
        out.append(states.reshape(-1))
    return torch.stack(out)


def test_pair_attention_equals_a_layer_over_role_marked_copies():
    torch.manual_seed(3)
    layer = PairAttention(hidden=16, heads=4, width=32).eval()
    hidden = torch.randn(3, 7, 16)
    keep = torch.ones(3, 7)
    keep[1, 5:] = 0
    rows = torch.tensor([0, 0, 1, 1, 1, 2])
    slot, width = _slots(rows, 3)
    queries = torch.randn(6, 2, 16)
    speaker_mask = torch.zeros(6, 7)
    counterparty_mask = torch.zeros(6, 7)
    for p, (s, c) in enumerate([(1, 3), (3, 1), (0, 2), (2, 4), (4, 0), (5, 6)]):
        speaker_mask[p, s] = 1.0
        counterparty_mask[p, c : c + 1] = 1.0
    with torch.inference_mode():
        got = layer(hidden, keep, rows, slot, width, queries, speaker_mask, counterparty_mask)
        expected = reference_pair_attention(layer, hidden, keep, rows, queries, speaker_mask, counterparty_mask)
    assert got.shape == (6, 32)
    assert torch.allclose(got, expected, atol=1e-5)
    # the roles matter: swapping who speaks changes the pair's vectors
    with torch.inference_mode():
        swapped = layer(hidden, keep, rows, slot, width, queries, counterparty_mask, speaker_mask)
    assert not torch.allclose(swapped, got, atol=1e-3)


def test_pair_attention_reuses_the_encoders_last_layer_and_stores_only_roles(tiny_base: Path):
    encoder_config = json.loads((tiny_base / "config.json").read_text())
    config = ModelConfig(base_model=str(tiny_base), encoder_config=encoder_config, pair_attention=True)
    model = StanceModel(config, BertEncoder(encoder_config))
    assert model.pair_attention.layer is model.encoder.encoder.layer[-1]
    assert [name for name in model.stored_state() if name.startswith("pair_attention.")] == ["pair_attention.roles.weight"]
    hidden = int(encoder_config["hidden_size"])
    assert layer_shape(encoder_config, hidden) == (encoder_config["num_attention_heads"], encoder_config["intermediate_size"])
    assert layer_shape({"n_heads": 12, "hidden_dim": 3072}, 768) == (12, 3072)
    # an encoder not built like BERT: the layer has weights of its own
    assert bert_last_layer(torch.nn.Linear(2, 2)) is None
    assert PairAttention(8, 2, 16).own_layer is not None


def test_a_model_with_pair_attention_trains_saves_and_loads(tmp_path, tiny_base, tiny_jsonl):
    from stance.classifier import Classifier
    from training.train import main

    output = tmp_path / "model"
    assert main(train_args(tiny_base, tiny_jsonl, output, **{"--pair-attention": "true"})) == 0
    assert json.loads((output / "config.json").read_text())["pair_attention"] is True
    classifier = Classifier.from_pretrained(output, device="cpu")
    assert classifier.model.pair_attention is not None
    text = json.loads(tiny_jsonl.read_text().splitlines()[0])["text"]
    one_by_one = classifier.classify(text)
    assert one_by_one and all(same(batched, one_by_one) for batched in classifier.classify([text, text], batch_size=1))
