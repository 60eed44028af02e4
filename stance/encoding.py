"""The one preprocessing path from sentences and actors to model input, for training and inference.

A sentence is encoded once, as ``sentence [SEP] context names | previous sentence``: the context names
are actors of the article that the sentence does not mention (the speaker of a continued quote, the
party an implicit reply is aimed at), so every candidate, in the sentence or not, has tokens to pool;
the end of the previous sentence (when the model was trained with it, ``previous_chars`` > 0) tells
who "he" is and what "the accusations" were.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stance.gazetteer import gazetteer
from stance.mentions import Mention

if TYPE_CHECKING:
    from stance.tokenization import PairTokenizer

_SURROGATE = re.compile("[\ud800-\udfff]")
CONTEXT_SEPARATOR = " ; "
PREVIOUS_SEPARATOR = " | "
MAX_CONTEXT = 8  # context ranks above this share one embedding
MAX_LOOKBACK = 64  # sentences searched back for context actors (keeps long articles linear)


@dataclass(frozen=True)
class Candidate:
    """An actor the sentence may relate: ``span`` (offsets into the article) is None for a context actor."""

    canonical: str
    country: str | None
    span: tuple[int, int] | None
    person: bool = False  # a named person (their state never relates to them: see own_side)


@dataclass
class SentenceInput:
    """One sentence with its candidate actors and the ordered candidate pairs to classify."""

    start: int
    end: int
    candidates: list[Candidate]
    pairs: list[tuple[int, int]] = field(default_factory=list)
    labels: list[int] | None = None
    kinds: list[int] | None = None
    sources: list[int] | None = None  # index of the gold relation behind each labelled pair, or -1
    previous: tuple[int, int] | None = None  # the previous sentence's offsets in the article


def own_side(speaker: Candidate, counterparty: Candidate) -> bool:
    """True when the counterparty is the speaker's own state ("the Soviet foreign ministry" → "Soviet
    Union") or the speaker is a state and the counterparty one of its own people ("Japan" → its prime
    minister): the guide's counterparty is always the other side."""
    if speaker.country is None or speaker.country != counterparty.country:
        return False
    states = gazetteer().states
    return counterparty.canonical in states or (counterparty.person and speaker.canonical in states)


def candidate_pairs(candidates: Sequence[Candidate]) -> list[tuple[int, int]]:
    """Ordered ``(speaker, counterparty)`` index pairs of distinct actors, at least one in the sentence,
    the counterparty not the speaker's own state."""
    return [
        (i, j)
        for i, speaker in enumerate(candidates)
        for j, counterparty in enumerate(candidates)
        if speaker.canonical != counterparty.canonical
        and (speaker.span is not None or counterparty.span is not None)
        and not own_side(speaker, counterparty)
    ]


def sentence_inputs(
    sentences: Sequence[tuple[int, int]], mentions: Sequence[Sequence[Mention]], context_size: int = 6
) -> list[SentenceInput]:
    """Candidates for every sentence: its own mentions, then up to ``context_size`` nearby actors it lacks.

    Context actors come from the previous sentence, the next one, then earlier ones (at most
    ``MAX_LOOKBACK`` back), nearest first.
    """
    inputs = []
    for index, ((start, end), own) in enumerate(zip(sentences, mentions)):
        candidates = [Candidate(m.canonical, m.country, (m.start, m.end), m.type == "person") for m in own]
        present = {m.canonical for m in own}
        context: list[Candidate] = []
        for other in itertools.chain((index - 1, index + 1), range(index - 2, max(-1, index - MAX_LOOKBACK), -1)):
            if len(context) >= context_size:
                break
            if not 0 <= other < len(mentions):
                continue
            for m in mentions[other]:
                if m.canonical not in present and len(context) < context_size:
                    present.add(m.canonical)
                    context.append(Candidate(m.canonical, m.country, None, m.type == "person"))
        candidates.extend(context)
        previous = sentences[index - 1] if index else None
        inputs.append(SentenceInput(start, end, candidates, candidate_pairs(candidates), previous=previous))
    return inputs


def previous_text(text: str, span: tuple[int, int] | None, previous_chars: int) -> str:
    """The last ``previous_chars`` characters of the previous sentence, cut at a word boundary."""
    if span is None or previous_chars <= 0:
        return ""
    tail = text[span[0] : span[1]]
    if len(tail) > previous_chars:
        tail = tail[-previous_chars:]
        tail = tail[tail.find(" ") + 1 :] if " " in tail else tail
    return _SURROGATE.sub("\ufffd", tail.strip())


def model_texts(
    texts: Sequence[str], inputs: Sequence[SentenceInput], previous_chars: int = 0
) -> tuple[list[str], list[str], list[list[tuple[int, int] | None]]]:
    """The text pair the tokenizer sees for each input: the sentence, and its context names joined by
    ``CONTEXT_SEPARATOR`` then (``previous_chars`` > 0) the end of the previous sentence after
    ``PREVIOUS_SEPARATOR``; with each candidate's span in the context string (None: in the sentence)."""
    # Lone surrogates cannot be encoded for the tokenizer; one-for-one replacement keeps offsets.
    sentences = [_SURROGATE.sub("\ufffd", text[item.start : item.end]) for text, item in zip(texts, inputs)]
    contexts = []
    context_spans: list[list[tuple[int, int] | None]] = []
    for text, item in zip(texts, inputs):
        parts, spans, cursor = [], [], 0
        for candidate in item.candidates:
            if candidate.span is not None:
                spans.append(None)
                continue
            if parts:
                cursor += len(CONTEXT_SEPARATOR)
            spans.append((cursor, cursor + len(candidate.canonical)))
            parts.append(candidate.canonical)
            cursor += len(candidate.canonical)
        context = CONTEXT_SEPARATOR.join(parts)
        previous = previous_text(text, item.previous, previous_chars)
        contexts.append(f"{context}{PREVIOUS_SEPARATOR}{previous}" if previous else context)
        context_spans.append(spans)
    return sentences, contexts, context_spans


@dataclass(frozen=True)
class Tokenized:
    """Unpadded tokenizer output for a list of inputs, with each candidate's span in its context string."""

    encodings: list[Any]  # tokenizers.Encoding, one per input
    context_spans: list[list[tuple[int, int] | None]]

    def select(self, indices: Sequence[int]) -> Tokenized:
        return Tokenized([self.encodings[i] for i in indices], [self.context_spans[i] for i in indices])

    @property
    def lengths(self) -> list[int]:
        return [len(e.ids) for e in self.encodings]


def tokenize(
    tokenizer: PairTokenizer, texts: Sequence[str], inputs: Sequence[SentenceInput], max_length: int = 256, previous_chars: int = 0
) -> Tokenized:
    """Tokenise every input once (sentence, context) without padding; :func:`tensors` pads a batch of them."""
    sentences, contexts, context_spans = model_texts(texts, inputs, previous_chars)
    return Tokenized(tokenizer(sentences, contexts, max_length, pad=False), context_spans)


def encode(
    tokenizer: PairTokenizer,
    texts: Sequence[str],
    inputs: Sequence[SentenceInput],
    max_length: int = 256,
    max_context: int = MAX_CONTEXT,
    previous_chars: int = 0,
) -> dict[str, Any]:
    """Tokenise a batch of sentences (one pass each) and index every candidate's tokens.

    ``texts[i]`` is the article that ``inputs[i]`` (a sentence of it) indexes into; ``previous_chars``
    (the model config's) is how much of the previous sentence the context carries. The same as
    ``tensors(tokenize(...), inputs, tokenizer.pad_id)``; see :func:`tensors` for what it returns.
    """
    return tensors(tokenize(tokenizer, texts, inputs, max_length, previous_chars), inputs, tokenizer.pad_id, max_context)


def _mention_row(offsets: Any, sequence_ids: Any, segment_id: int, span: tuple[int, int]) -> Any:
    """The tokens (numpy bool row) of ``segment_id`` whose characters overlap ``span``."""
    s, e = span
    starts, ends = offsets[:, 0], offsets[:, 1]
    return (sequence_ids == segment_id) & (ends > starts) & (starts < e) & (s < ends)


def padded(tokenized: Tokenized, pad_id: int) -> dict[str, Any]:
    """``input_ids``, ``attention_mask`` and ``token_type_ids`` of a batch, padded on the right to its longest."""
    import numpy as np
    import torch

    encodings = tokenized.encodings
    length = max((len(e.ids) for e in encodings), default=0)
    ids = np.full((len(encodings), length), pad_id, dtype=np.int64)
    attention = np.zeros((len(encodings), length), dtype=np.int64)
    types = np.zeros((len(encodings), length), dtype=np.int64)
    for b, encoding in enumerate(encodings):
        n = len(encoding.ids)
        ids[b, :n], attention[b, :n], types[b, :n] = encoding.ids, encoding.attention_mask, encoding.type_ids
    return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(attention), "token_type_ids": torch.from_numpy(types)}


def tensors(tokenized: Tokenized, inputs: Sequence[SentenceInput], pad_id: int, max_context: int = MAX_CONTEXT) -> dict[str, Any]:
    """Padded model tensors for a batch of tokenised inputs.

    Returns ``input_ids``, ``attention_mask``, ``token_type_ids`` (1 on the context segment;
    passed to encoders that have token types), ``mention_batch`` (M,), ``mention_mask`` (M, T),
    ``mention_context`` (M,: 0 in the sentence, else the context actor's rank, at most ``max_context``),
    ``pair_speaker`` and ``pair_counterparty`` (P,) indexing mentions, and ``pair_labels``/``pair_kinds``
    (P,) when the inputs carry labels. Candidates cut off by truncation get an all-zero mask and their
    pairs are dropped (``pair_index`` maps kept pairs back).
    """
    import numpy as np
    import torch

    encoded: dict[str, Any] = padded(tokenized, pad_id)
    encodings = tokenized.encodings
    length = encoded["input_ids"].shape[1]
    mention_batch, mention_rows, mention_context = [], [], []
    pair_speaker, pair_counterparty, pair_labels, pair_kinds, pair_index = [], [], [], [], []
    for b, item in enumerate(inputs):
        encoding = encodings[b]
        n = len(encoding.ids)
        offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(n, 2)
        sequence_ids = np.asarray([-1 if s is None else s for s in encoding.sequence_ids], dtype=np.int64)
        first = len(mention_batch)
        usable = []
        rank = 0
        for c, candidate in enumerate(item.candidates):
            if candidate.span is not None:
                segment_id, span = 0, (candidate.span[0] - item.start, candidate.span[1] - item.start)
            else:
                segment_id, span = 1, tokenized.context_spans[b][c]  # type: ignore[assignment]
            row = np.zeros(length, dtype=np.float32)
            row[:n] = _mention_row(offsets, sequence_ids, segment_id, span)  # type: ignore[arg-type]
            usable.append(bool(row.any()))
            mention_batch.append(b)
            mention_rows.append(row)
            if segment_id:
                rank += 1
            mention_context.append(min(rank, max_context) if segment_id else 0)
        for p, (i, j) in enumerate(item.pairs):
            if not (usable[i] and usable[j]):
                continue
            pair_speaker.append(first + i)
            pair_counterparty.append(first + j)
            pair_index.append((b, p))
            if item.labels is not None:
                pair_labels.append(item.labels[p])
                pair_kinds.append(item.kinds[p] if item.kinds is not None else -100)
    masks = np.stack(mention_rows) if mention_rows else np.zeros((0, length), dtype=np.float32)
    encoded |= {
        "mention_batch": torch.tensor(mention_batch, dtype=torch.long),
        "mention_mask": torch.from_numpy(masks),
        "mention_context": torch.tensor(mention_context, dtype=torch.long),
        "pair_speaker": torch.tensor(pair_speaker, dtype=torch.long),
        "pair_counterparty": torch.tensor(pair_counterparty, dtype=torch.long),
        "pair_index": pair_index,
    }
    if any(item.labels is not None for item in inputs):
        encoded["pair_labels"] = torch.tensor(pair_labels, dtype=torch.long)
        encoded["pair_kinds"] = torch.tensor(pair_kinds, dtype=torch.long)
    return encoded


def _overlaps(candidate: Candidate, span: Sequence[int] | None, name: str) -> bool:
    if span is None:
        return candidate.span is None and candidate.canonical == name
    return candidate.span is not None and candidate.span[0] < span[1] and span[0] < candidate.span[1]


def record_sentences(record: dict[str, Any]) -> list[tuple[int, int]]:
    """The annotated sentence spans of a record, plus the segmenter's sentences elsewhere."""
    from stance.segment import segment

    gold = sorted({tuple(r["sentence"]) for r in record.get("relations", [])})
    spans = list(gold)
    for s, e in segment(record["text"]).sentences:
        if all(e <= gs or s >= ge for gs, ge in gold):
            spans.append((s, e))
    return sorted(spans)  # type: ignore[arg-type]


def stance_only_label(label: int) -> int:
    """The label of a gold pair that teaches its stance only (``label`` is ``1 + i`` for the i-th stance)."""
    from stance.labels import STANCES

    return label + len(STANCES)


def labelled_inputs(record: dict[str, Any], context_size: int = 6, force_gold: bool = False) -> list[SentenceInput]:
    """Inputs for one annotated record: detected candidates with gold mentions merged in, every
    candidate pair labelled (``0`` none, ``1+i`` the i-th stance, ``-100`` ignored).

    A gold actor outside its sentence is only a candidate when it is among the context actors, as at
    inference; ``force_gold`` adds it anyway (to score every gold pair in evaluation). A record with
    ``"partial": true`` (an extra set that labels some pairs only) leaves its other pairs unlabelled; one with
    ``"stance_only": true`` labels its gold pairs ``1 + len(STANCES) + i`` so that they teach stance but not
    whether the pair is a relation (see :func:`stance_only_label`)."""
    from stance.labels import KINDS, STANCES
    from stance.mentions import Mention, find_mentions

    text = record["text"]
    partial = bool(record.get("partial"))
    stance_only = bool(record.get("stance_only"))
    sentences = record_sentences(record)
    by_sentence: dict[tuple[int, int], list[dict[str, Any]]] = {}
    relation_index = {id(relation): i for i, relation in enumerate(record.get("relations", []))}
    for relation in record.get("relations", []):
        by_sentence.setdefault(tuple(relation["sentence"]), []).append(relation)  # type: ignore[arg-type]
    mentions = find_mentions(text, sentences)
    for index, sentence in enumerate(sentences):
        gold: dict[tuple[int, int], Mention] = {}
        for relation in by_sentence.get(sentence, []):
            for role in ("speaker", "counterparty"):
                span = relation.get(f"{role}_span")
                if span is not None:
                    country = relation.get(f"{role}_country")
                    # A person's country decides which pairs exist (own_side): take it from the mention
                    # finder, as at inference, so the model also learns the pairs it will meet there.
                    found = next((m for m in mentions[index] if m.overlaps(*span) and m.type in ("person", "pronoun")), None)
                    if found is not None:
                        country = found.country
                    kind = "person" if found is not None and found.type == "person" else "gold"
                    gold[tuple(span)] = Mention(span[0], span[1], relation[role], country, kind)  # type: ignore[index]
        kept = [m for m in mentions[index] if not any(m.overlaps(*span) for span in gold)]
        mentions[index] = sorted(kept + list(gold.values()), key=lambda m: (m.start, m.end))
    inputs = sentence_inputs(sentences, mentions, context_size)
    for item, sentence in zip(inputs, sentences):
        relations = by_sentence.get(sentence, [])
        names = {c.canonical for c in item.candidates}
        for relation in relations if force_gold else []:
            for role in ("speaker", "counterparty"):
                if relation.get(f"{role}_span") is None and relation[role] not in names:
                    item.candidates.append(Candidate(relation[role], relation.get(f"{role}_country"), None))
                    names.add(relation[role])
        item.pairs = candidate_pairs(item.candidates)
        item.labels, item.kinds, item.sources = [], [], []
        named = {(r["speaker"], r["counterparty"]) for r in relations}
        for i, j in item.pairs:
            speaker, counterparty = item.candidates[i], item.candidates[j]
            label, kind, source = 0, -100, -1
            for relation in relations:
                if _overlaps(speaker, relation.get("speaker_span"), relation["speaker"]) and _overlaps(
                    counterparty, relation.get("counterparty_span"), relation["counterparty"]
                ):
                    label, kind = 1 + STANCES.index(relation["stance"]), KINDS.index(relation["kind"])
                    if stance_only:
                        label = stance_only_label(label)
                    source = relation_index[id(relation)]
                    break
            else:
                if partial or (speaker.canonical, counterparty.canonical) in named:
                    label = -100
            item.labels.append(label)
            item.kinds.append(kind)
            item.sources.append(source)
    return inputs
