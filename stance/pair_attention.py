"""A transformer layer run once per candidate pair, on two query tokens only.

The encoder reads a sentence once and does not know which pair is asked about; this layer does. Its two
queries are the pair's speaker and counterparty vectors, each plus a role embedding; its keys and values
are the sentence's tokens as the encoder's second-to-last layer left them, with the speaker's and the
counterparty's tokens marked by the same role embeddings (typed markers, added after the encoder rather
than written into its input). The marks enter keys and values as rank-one terms, so no per-pair copy of
the sentence is made: the layer costs a few tokens' worth of work per pair, not an encoder pass.

With a BERT-style encoder the layer is the encoder's own last layer, run a second time for the pair's
two tokens (the encoder's weights, trained by both uses; only two role embeddings are added).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional

from stance.bert import _Layer

ROLES = 2  # 0 speaker, 1 counterparty


def layer_shape(encoder_config: dict[str, Any], hidden: int) -> tuple[int, int]:
    """Attention heads and feed-forward width of the encoder's layers (BERT or DistilBERT names)."""
    heads = int(encoder_config.get("num_attention_heads") or encoder_config.get("n_heads") or max(1, hidden // 64))
    width = int(encoder_config.get("intermediate_size") or encoder_config.get("hidden_dim") or 4 * hidden)
    if hidden % heads:
        heads = 1
    return heads, width


_BERT_LAYER_PARTS = (
    "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
    "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm",
)


def bert_last_layer(encoder: nn.Module) -> nn.Module | None:
    """The encoder's last layer when it is built like BERT's (BERT, RoBERTa, ELECTRA, ...), else None."""
    layers = getattr(getattr(encoder, "encoder", None), "layer", None)
    if not layers:
        return None
    names = {name for name, _ in layers[-1].named_modules()}
    return layers[-1] if all(part in names for part in _BERT_LAYER_PARTS) else None


class PairAttention(nn.Module):
    """``forward`` maps each pair to two vectors (speaker, counterparty) that know the pair.

    With ``shared`` (a BERT-style layer, normally the encoder's last) the layer's weights are the
    encoder's own and only the role embeddings are new; without it the layer has its own weights.
    """

    def __init__(self, hidden: int, heads: int, width: int, eps: float = 1e-12, shared: nn.Module | None = None) -> None:
        super().__init__()
        self.heads = heads
        self.roles = nn.Embedding(ROLES, hidden)
        nn.init.normal_(self.roles.weight, std=0.5)
        self.own_layer = _Layer(hidden, heads, width, eps, 0.1, 0.1) if shared is None else None
        self.__dict__["_shared"] = shared  # not registered: its parameters belong to the encoder

    @property
    def layer(self) -> nn.Module:
        return self.own_layer if self.own_layer is not None else self._shared

    def forward(
        self,
        hidden: torch.Tensor,
        keep: torch.Tensor,
        rows: torch.Tensor,
        slot: torch.Tensor,
        width: int,
        queries: torch.Tensor,
        speaker_mask: torch.Tensor,
        counterparty_mask: torch.Tensor,
    ) -> torch.Tensor:
        """``hidden`` (B, T, d) the encoder's second-to-last hidden states, ``keep`` (B, T) the tokens to
        attend to; per pair ``p``: ``rows[p]`` its sentence, ``slot[p]`` its place among that sentence's
        pairs (``width`` the most), ``queries`` (P, 2, d) its speaker and counterparty vectors, ``*_mask`` (P, T) their tokens.
        Returns (P, 2 * d)."""
        batch, length, size = hidden.shape
        pairs, heads = queries.shape[0], self.heads
        head = size // heads
        attention = self.layer.attention.self
        roles = self.roles.weight.to(hidden.dtype)
        states = queries + roles.unsqueeze(0)
        query = attention.query(states).view(pairs, ROLES, heads, head)
        key = attention.key(hidden).view(batch, length, heads, head)
        value = attention.value(hidden).view(batch, length, heads, head)
        # W(h + role) + b = (W h + b) + W role: the role marks of the speaker's and counterparty's tokens
        role_key = functional.linear(roles, attention.key.weight).view(ROLES, heads, head)
        role_value = functional.linear(roles, attention.value.weight).view(ROLES, heads, head)
        marks = torch.stack([speaker_mask, counterparty_mask], dim=1).to(hidden.dtype)  # (P, 2, T)

        dense = query.new_zeros(batch, width, ROLES, heads, head)
        dense[rows, slot] = query
        scores = torch.einsum("bwqhe,bthe->bwqht", dense, key)[rows, slot]  # (P, 2, heads, T)
        scores = scores + torch.einsum("pqhr,prt->pqht", torch.einsum("pqhe,rhe->pqhr", query, role_key), marks)
        own_key = attention.key(states).view(pairs, ROLES, heads, head)
        own_scores = torch.einsum("pqhe,pkhe->pqhk", query, own_key)  # the pair's two tokens see each other
        scores = scores.masked_fill(~keep[rows].bool()[:, None, None, :], torch.finfo(scores.dtype).min)
        weights = torch.softmax(torch.cat([scores, own_scores], dim=-1) / head**0.5, dim=-1)
        on_tokens, on_own = weights[..., :length], weights[..., length:]

        dense_weights = on_tokens.new_zeros(batch, width, ROLES, heads, length)
        dense_weights[rows, slot] = on_tokens
        attended = torch.einsum("bwqht,bthe->bwqhe", dense_weights, value)[rows, slot]
        attended = attended + torch.einsum("pqhr,rhe->pqhe", torch.einsum("pqht,prt->pqhr", on_tokens, marks), role_value)
        own_value = attention.value(states).view(pairs, ROLES, heads, head)
        attended = attended + torch.einsum("pqhk,pkhe->pqhe", on_own, own_value)

        layer = self.layer
        states = layer.attention.output(attended.reshape(pairs, ROLES, size), states)
        states = layer.output(layer.intermediate(states), states)
        return states.reshape(pairs, ROLES * size)
