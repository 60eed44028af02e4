"""A BERT encoder on torch alone, with transformers' parameter names.

Loading a model folder with it skips importing transformers' modelling code (several seconds of a
cold start on a small CPU). It computes what ``transformers.BertModel`` (without pooler) computes,
for the configurations :func:`supports` accepts; any other encoder is built by transformers.

>>> encoder = BertEncoder({"vocab_size": 100, "hidden_size": 8, "num_hidden_layers": 1,
...                        "num_attention_heads": 2, "intermediate_size": 16})
>>> ids = torch.tensor([[2, 5, 7, 3]])
>>> encoder(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state.shape
torch.Size([1, 4, 8])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional


def supports(encoder_config: dict[str, Any]) -> bool:
    """True for a plain BERT encoder (absolute positions, GELU, not a decoder)."""
    return (
        encoder_config.get("model_type") == "bert"
        and encoder_config.get("position_embedding_type", "absolute") == "absolute"
        and encoder_config.get("hidden_act", "gelu") == "gelu"
        and not encoder_config.get("is_decoder", False)
        and not encoder_config.get("add_cross_attention", False)
    )


@dataclass(frozen=True)
class EncoderOutput:
    last_hidden_state: torch.Tensor
    hidden_states: tuple[torch.Tensor, ...] | None = None  # embeddings and every layer's output, when asked for


class _Embeddings(nn.Module):
    def __init__(self, vocab: int, hidden: int, positions: int, types: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(positions, hidden)
        self.token_type_embeddings = nn.Embedding(types, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        embedded = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(embedded))


class _Projection(nn.Module):
    """``dense`` then dropout, residual and ``LayerNorm`` (BERT's attention and feed-forward outputs)."""

    def __init__(self, width: int, hidden: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.dense = nn.Linear(width, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, states: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(states)) + residual)


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = dropout

    def forward(self, states: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = states.shape

        def split(projection: nn.Linear) -> torch.Tensor:
            return projection(states).view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        attended = functional.scaled_dot_product_attention(
            split(self.query), split(self.key), split(self.value), attn_mask=keep, dropout_p=self.dropout if self.training else 0.0
        )
        return attended.transpose(1, 2).reshape(batch, length, hidden)


class _Attention(nn.Module):
    def __init__(self, hidden: int, heads: int, eps: float, dropout: float, attention_dropout: float) -> None:
        super().__init__()
        self.self = _SelfAttention(hidden, heads, attention_dropout)
        self.output = _Projection(hidden, hidden, eps, dropout)


class _Intermediate(nn.Module):
    def __init__(self, hidden: int, width: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, width)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return functional.gelu(self.dense(states))


class _Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, width: int, eps: float, dropout: float, attention_dropout: float) -> None:
        super().__init__()
        self.attention = _Attention(hidden, heads, eps, dropout, attention_dropout)
        self.intermediate = _Intermediate(hidden, width)
        self.output = _Projection(width, hidden, eps, dropout)

    def forward(self, states: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        states = self.attention.output(self.attention.self(states, keep), states)
        return self.output(self.intermediate(states), states)


class _Layers(nn.Module):
    def __init__(self, layers: list[_Layer]) -> None:
        super().__init__()
        self.layer = nn.ModuleList(layers)


class BertEncoder(nn.Module):
    """BERT without pooler: ``forward(input_ids, attention_mask, token_type_ids)`` returns ``last_hidden_state``."""

    def __init__(self, encoder_config: dict[str, Any]) -> None:
        super().__init__()
        c = encoder_config
        hidden, eps = int(c["hidden_size"]), float(c.get("layer_norm_eps", 1e-12))
        dropout, attention_dropout = float(c.get("hidden_dropout_prob", 0.1)), float(c.get("attention_probs_dropout_prob", 0.1))
        self.embeddings = _Embeddings(
            int(c["vocab_size"]), hidden, int(c.get("max_position_embeddings", 512)), int(c.get("type_vocab_size", 2)), eps, dropout
        )
        self.encoder = _Layers(
            [
                _Layer(hidden, int(c["num_attention_heads"]), int(c["intermediate_size"]), eps, dropout, attention_dropout)
                for _ in range(int(c["num_hidden_layers"]))
            ]
        )

    def get_input_embeddings(self) -> nn.Embedding:
        return self.embeddings.word_embeddings

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        output_hidden_states: bool = False,
    ) -> EncoderOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        keep = (attention_mask > 0)[:, None, None, :]
        states = self.embeddings(input_ids, token_type_ids)
        every = [states] if output_hidden_states else None
        for layer in self.encoder.layer:
            states = layer(states, keep)
            if every is not None:
                every.append(states)
        return EncoderOutput(states, tuple(every) if every is not None else None)
