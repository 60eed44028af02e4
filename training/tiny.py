"""A tiny random BERT base model, for tests and smoke runs (no download)."""

from __future__ import annotations

from pathlib import Path


def make_tiny_base_model(folder: str | Path, seed: int = 0) -> Path:
    """Write a 2-layer, 32-wide random BERT with the packaged MiniLM tokenizer into ``folder``."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel

    from stance.model import DEFAULT_BASE_MODEL, resolve_base_model

    folder = Path(folder)
    tokenizer = AutoTokenizer.from_pretrained(resolve_base_model(DEFAULT_BASE_MODEL), use_fast=True)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=512,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    return folder
