"""A transformer layer run once per candidate pair, on three query tokens only.

The encoder reads a sentence once and does not know which pair is asked about; this layer does. Its two
queries are the pair's speaker and counterparty vectors, each plus a role embedding; its keys
and values are the sentence's tokens as the encoder's second-to-last layer left them, with the
speaker's tokens and the counterparty's tokens marked by the same role embeddings (typed markers, added after the encoder rather than written into its input).
Role marks are added to keys and values as rank-one terms, so no per-pair copy of the sentence is
made: the layer costs a few tokens' worth of work per pair, not an encoder pass.

It has BERT's layer parameter names, so it starts as a copy of a BERT encoder's last layer: a
pair-aware second reading of that layer for two tokens.
"""

from __future__ import annotations

import logging
from typing import Any

import torch
from torch import nn
from torch.nn import functional

from stance.bert import _Layer

logger = logging.getLogger(__name__)

ROLES = 2  # 0 speaker, 1 counterparty


def layer_shape(encoder_config: dict[str, Any], hidden: int) -> tuple[int, int]:
    """Attention heads and feed-forward width of the encoder's layers (BERT or DistilBERT names)."""
    heads = int(encoder_config.get("num_attention_heads") or encoder_config.get("n_heads") or max(1, hidden // 64))
    width = int(encoder_config.get("intermediate_size") or encoder_config.get("hidden_dim") or 4 * hidden)
    if hidden % heads:
        heads = 1
    return heads, width


class PairAttention(nn.Module):
    """``forward`` maps each pair to two vectors (speaker, counterparty) that know the pair."""

    def __init__(self, hidden: int, heads: int, width: int, eps: float = 1e-12, dropout: float = 0.1) -> None:
        super().__init__()
        self.heads = heads
        self.roles = nn.Embedding(ROLES, hidden)
        nn.init.normal_(self.roles.weight, std=0.5)
        self.layer = _Layer(hidden, heads, width, eps, dropout, dropout)

    def copy_last_layer(self, encoder: nn.Module) -> bool:
        """Start from the encoder's last layer when it is a BERT layer; False (random start) otherwise."""
        layers = getattr(getattr(encoder, "encoder", None), "layer", None)
        if not layers:
            return False
        try:
            self.layer.load_state_dict(layers[-1].state_dict(), strict=True)
        except (RuntimeError, KeyError) as error:
            logger.info("pair attention starts untrained: the encoder's last layer does not fit (%s)", str(error)[:120])
            return False
        return True

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
        """``hidden`` (B, T, d) the encoder's second-to-last hidden states, ``keep`` (B, T) tokens to attend to; per pair ``p``:
        ``rows[p]`` its sentence, ``slot[p]`` its place among that sentence's pairs (``width`` the most),
        ``queries`` (P, 2, d) its speaker and counterparty vectors, ``*_mask`` (P, T) their tokens.
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
        states = layer.output(functional.gelu(layer.intermediate.dense(states)), states)
        return states.reshape(pairs, ROLES * size)
