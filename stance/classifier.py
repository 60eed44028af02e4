"""`Classifier`: articles in, statements (speaker, counterparty, stance) out."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from stance.encoding import Candidate, SentenceInput, Tokenized, padded, sentence_inputs, tensors, tokenize
from stance.joint import share_joint_readings
from stance.labels import KINDS, NO_RELATION, STANCES
from stance.memory import MemoryWatch
from stance.precision import autocast, resolve_precision
from stance.mentions import Mention, find_mentions
from stance.relay import find_relay
from stance.segment import segment
from stance.statement import Statement
from stance.tokenization import PairTokenizer

logger = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 2_000_000
# Bounds on the work one sentence can cause (pairs grow with the square of its mentions): only the first
# few mentions of an actor in a sentence pair up, and at most MAX_PAIRS pairs per sentence are scored.
# Our corpus has at most 3 mentions of an actor and 100 pairs in a sentence; these bind on junk only.
MAX_MENTIONS_PER_ACTOR = 4
MAX_PAIRS = 512
# Articles are classified in groups of about this many sentences (those with candidate pairs): enough for
# length-sorted batches with little padding, few enough that memory does not grow with the input.
SENTENCES_PER_GROUP = 4096


def default_model_path() -> Path:
    """The shipped model folder."""
    return Path(__file__).resolve().parent.parent / "models" / "stance-minilm"


def resolve_device(device: str | None) -> str:
    """``"auto"`` (or None) picks CUDA when available; ``"cpu"``, ``"cuda"``, ``"cuda:N"`` are checked."""
    import torch

    if device is None or device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if not isinstance(device, str):
        raise TypeError(f"device must be a string such as 'cpu', 'cuda' or 'auto', got {type(device).__name__}")
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device {device!r} was asked for but CUDA is not available; use device='cpu' or 'auto'")
        return device
    if device != "cpu":
        raise ValueError(f"unknown device {device!r}; use 'cpu', 'cuda', 'cuda:N' or 'auto'")
    return device


def _check_text(text: object, max_chars: int, name: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str (or a list of str), got {type(text).__name__}")
    if len(text) > max_chars:
        raise ValueError(
            f"{name} has {len(text):,} characters, over the limit of {max_chars:,}; split it into articles "
            "or raise max_chars on the Classifier"
        )
    return text


def check_max_chars(max_chars: object) -> int:
    """``max_chars`` as a positive int, or a ``TypeError``/``ValueError`` naming the problem."""
    if isinstance(max_chars, bool) or not isinstance(max_chars, int):
        raise TypeError(f"max_chars must be an int, got {type(max_chars).__name__}")
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    return max_chars


# The span-pair head holds (sentences x most pairs of a sentence x hidden) products and a few
# (pairs x tokens) masks per run: cap pairs x tokens so a run of long, actor-rich sentences stays within a
# few MB. Only the head's runs are cut to it; the encoder reads whole batches (benchmarks/RESULTS.md at
# 4d2bd41: peak RSS 571 MiB, end to end 0.81 x the encoder ceiling on 2 CPU cores).
PAIR_TOKEN_BUDGET = 16384
# The encoder's activations grow with sentences x padded length (and its attention with the square of the
# length): batches of long sentences are cut to this many padded tokens.
ENCODER_TOKEN_BUDGET = 2048


def _batches(order: list[int], batch_size: int, lengths: list[int], pairs: list[int] | None = None) -> list[list[int]]:
    """Consecutive runs of ``order`` (sorted by token count): at most ``batch_size`` sentences, at most
    ``ENCODER_TOKEN_BUDGET`` padded tokens and (given ``pairs``) at most ``PAIR_TOKEN_BUDGET`` pair-tokens
    (pairs x padded length), unless a sentence alone is over a budget."""
    batches: list[list[int]] = []
    current: list[int] = []
    total_pairs = 0
    for w in order:
        longest = max(lengths[w], max((lengths[v] for v in current), default=0))
        if current and (
            len(current) >= batch_size
            or (len(current) + 1) * longest > ENCODER_TOKEN_BUDGET
            or (pairs is not None and (total_pairs + pairs[w]) * longest > PAIR_TOKEN_BUDGET)
        ):
            batches.append(current)
            current, total_pairs = [], 0
        current.append(w)
        total_pairs += pairs[w] if pairs is not None else 0
    if current:
        batches.append(current)
    return batches


def _matches(candidate: Candidate | Mention, name: str) -> bool:
    from stance.gazetteer import gazetteer

    canonical = candidate.canonical
    entry = gazetteer().lookup(name)
    if entry is not None:
        name = entry.canonical
    if canonical.lower() == name.lower():
        return True
    tokens = name.lower().split()
    return len(tokens) == 1 and tokens[0] in canonical.lower().split()


def _outside_speaker(name: str) -> Candidate:
    """A pair-mode speaker the article never names: its gazetteer name when it is an alias ("Washington")."""
    from stance.gazetteer import gazetteer

    entry = gazetteer().lookup(name)
    return Candidate(entry.canonical, entry.country, None) if entry else Candidate(name, None, None)


def _bounded(item: SentenceInput) -> SentenceInput:
    """``item`` with pairs only among the first :data:`MAX_MENTIONS_PER_ACTOR` mentions of each actor, at most :data:`MAX_PAIRS`."""
    if len(item.pairs) <= MAX_PAIRS and len(item.candidates) <= MAX_MENTIONS_PER_ACTOR * 2:
        return item
    seen: dict[str, int] = {}
    usable = []
    for candidate in item.candidates:
        seen[candidate.canonical] = seen.get(candidate.canonical, 0) + 1
        usable.append(candidate.span is None or seen[candidate.canonical] <= MAX_MENTIONS_PER_ACTOR)
    pairs = [(i, j) for i, j in item.pairs if usable[i] and usable[j]]
    if len(pairs) > MAX_PAIRS:
        logger.warning("sentence at %d-%d has %d candidate pairs; scoring the first %d", item.start, item.end, len(pairs), MAX_PAIRS)
        pairs = pairs[:MAX_PAIRS]
    item.pairs = pairs
    return item


class Classifier:
    """A loaded stance model with its tokenizer.

    >>> clf = Classifier.from_pretrained()            # doctest: +SKIP
    >>> clf.classify("Japan praised India's stance.")  # doctest: +SKIP
    [Statement(text="Japan praised India's stance.", ..., speaker='Japan', ..., stance='cooperative', ...)]
    """

    def __init__(
        self, model: Any, tokenizer: Any, device: str = "cpu", max_chars: int = DEFAULT_MAX_CHARS, precision: str = "auto"
    ) -> None:
        """``max_chars``: the longest article accepted (characters); longer ones raise ``ValueError``.
        ``precision``: the encoder's number format, ``auto``, ``float32``, ``bfloat16`` or ``float16``
        (see :mod:`stance.precision`)."""
        self.max_chars = check_max_chars(max_chars)
        self.device = resolve_device(device)
        self.precision = resolve_precision(precision, self.device)
        self.model = model.to(self.device).eval()
        self.tokenizer = PairTokenizer.wrap(tokenizer)
        self._lock = threading.Lock()

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, device: str = "auto", **kwargs: Any) -> Classifier:
        """Load a model folder (default: the shipped model) onto ``device``; ``max_chars=`` sets the input-size
        limit, ``precision=`` the encoder's number format."""
        if path is not None and not isinstance(path, (str, Path)):
            raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
        if "max_chars" in kwargs:
            check_max_chars(kwargs["max_chars"])
        resolve_precision(kwargs.get("precision", "auto"), resolve_device(device), warn=False)  # bad arguments fail before the model loads
        from stance.model import ModelFolderError, StanceModel

        folder = Path(path) if path is not None else default_model_path()
        model = StanceModel.load(folder)
        try:
            tokenizer = PairTokenizer.from_folder(folder)
        except (OSError, ValueError) as error:
            raise ModelFolderError(f"{folder} has no usable tokenizer: {error}") from None
        return cls(model, tokenizer, device=device, **kwargs)

    def save_pretrained(self, path: str | Path) -> None:
        """Write the model folder (config, safetensors weights, tokenizer) atomically."""
        from stance.io import atomic_directory

        with atomic_directory(path) as folder:
            self.model.save(folder)
            self.tokenizer.save_pretrained(str(folder))

    @overload
    def classify(
        self, text: str, *, speaker: str | None = ..., counterparty: str | None = ..., batch_size: int = ..., progress: bool = ...
    ) -> list[Statement]: ...

    @overload
    def classify(
        self,
        text: Sequence[str],
        *,
        speaker: str | None = ...,
        counterparty: str | None = ...,
        batch_size: int = ...,
        progress: bool = ...,
    ) -> list[list[Statement]]: ...

    def classify(
        self,
        text: str | Sequence[str],
        *,
        speaker: str | None = None,
        counterparty: str | None = None,
        batch_size: int = 32,
        progress: bool = False,
    ) -> list[Statement] | list[list[Statement]]:
        """Statements of every article: a ``str`` gives a list, a list of ``str`` a list of lists.

        With ``speaker`` and ``counterparty`` (names or aliases), one statement per sentence that
        mentions the counterparty: the model's stance of that speaker toward it.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise TypeError(f"batch_size must be an int, got {type(batch_size).__name__}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if (speaker is None) != (counterparty is None):
            raise ValueError("give both speaker= and counterparty=, or neither")
        for name, value in (("speaker", speaker), ("counterparty", counterparty)):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise TypeError(f"{name} must be a non-empty str, got {value!r}")
        if isinstance(text, str):
            return self._classify_articles([_check_text(text, self.max_chars)], speaker, counterparty, batch_size, progress)[0]
        if isinstance(text, (bytes, bytearray)) or not isinstance(text, Sequence):
            raise TypeError(f"text must be a str or a list of str, got {type(text).__name__}")
        for index, item in enumerate(text):
            if not isinstance(item, str):
                raise TypeError(f"text[{index}] must be a str, got {type(item).__name__}")
            _check_text(item, self.max_chars, f"text[{index}]")
        return self._classify_articles(list(text), speaker, counterparty, batch_size, progress)

    def _prepare(self, text: str, speaker: str | None, counterparty: str | None) -> list[SentenceInput]:
        sentences = segment(text).sentences
        mentions = find_mentions(text, sentences)
        inputs = [_bounded(item) for item in sentence_inputs(sentences, mentions, self.model.config.context_size)]
        if speaker is None or counterparty is None:
            return inputs
        named = next((c for item in inputs for c in item.candidates if c.span is not None and _matches(c, speaker)), None)
        absent = Candidate(named.canonical, named.country, None) if named else _outside_speaker(speaker)
        pair_inputs = []
        for item in inputs:
            targets = [i for i, c in enumerate(item.candidates) if c.span is not None and _matches(c, counterparty)]
            if not targets:
                continue
            speakers = [i for i, c in enumerate(item.candidates) if c.span is not None and _matches(c, speaker)]
            speakers += [i for i, c in enumerate(item.candidates) if c.span is None and c.canonical == absent.canonical]
            candidates = list(item.candidates)
            if speakers:
                source = speakers[0]
            else:
                candidates.append(absent)
                source = len(candidates) - 1
            pairs = [(source, t) for t in targets if candidates[t].canonical != candidates[source].canonical]
            pair_inputs.append(SentenceInput(item.start, item.end, candidates, pairs, previous=item.previous))
        return pair_inputs

    def _classify_articles(
        self, texts: list[str], speaker: str | None, counterparty: str | None, batch_size: int, progress: bool
    ) -> list[list[Statement]]:
        from tqdm.auto import tqdm

        results: list[list[Statement]] = [[] for _ in texts]
        with tqdm(desc="classifying", unit="sentence", total=0, disable=not progress) as bar:
            for group in self._groups(texts, speaker, counterparty):
                bar.total += len(group)
                bar.refresh()
                for (a, item), result in zip(group, self._predict_group(group, texts, batch_size, bar)):
                    results[a].extend(self._statements(texts[a], item, result, forced=speaker is not None))
        for statements in results:
            statements.sort(key=lambda s: (s.start, s.speaker_span or (s.start, s.start), s.counterparty_span or (s.end, s.end)))
        return results

    def _groups(self, texts: list[str], speaker: str | None, counterparty: str | None) -> Iterator[list[tuple[int, SentenceInput]]]:
        """The sentences with candidate pairs, as ``(article, input)``, in groups of whole articles of about
        :data:`SENTENCES_PER_GROUP` sentences: memory stays flat however many articles come in."""
        group: list[tuple[int, SentenceInput]] = []
        for a, text in enumerate(texts):
            group.extend((a, item) for item in self._prepare(text, speaker, counterparty) if item.pairs)
            if len(group) >= SENTENCES_PER_GROUP:
                yield group
                group = []
        if group:
            yield group

    def _predict_group(self, work: list[tuple[int, SentenceInput]], texts: list[str], batch_size: int, bar: Any) -> list[Any]:
        """Pair probabilities of every sentence in ``work``. Each sentence is tokenised once; the encoder
        reads batches of sentences with similar token counts (little padding), and the pair head reads
        runs of each batch small enough for :data:`PAIR_TOKEN_BUDGET`."""
        tokenized = self._tokenize([texts[a] for a, _ in work], [item for _, item in work])
        lengths = tokenized.lengths
        pairs = [len(item.pairs) for _, item in work]
        order = sorted(range(len(work)), key=lengths.__getitem__)
        probabilities: list[Any] = [None] * len(work)
        # Without it, the heap fragments and peak RSS on the benchmark workload lands anywhere in 561-711 MiB.
        memory = MemoryWatch()
        for batch in _batches(order, batch_size, lengths):
            with self._lock:
                states = self._encoder_states(tokenized.select(batch))
                first = 0
                for run in _batches(batch, len(batch), lengths, pairs):
                    inputs = [work[w][1] for w in run]
                    merged = self._tensors(tokenized.select(run), inputs)
                    for w, result in zip(run, self._predict(states, first, merged, inputs)):
                        probabilities[w] = result
                    first += len(run)
            bar.update(len(batch))
            memory.step()
        return probabilities

    def _tokenize(self, texts: list[str], inputs: list[SentenceInput]) -> Tokenized:
        """:func:`stance.encoding.tokenize` with this model's maximum length and previous-sentence context."""
        config = self.model.config
        return tokenize(self.tokenizer, texts, inputs, config.max_length, previous_chars=config.previous_chars)

    def _tensors(self, tokenized: Tokenized, inputs: list[SentenceInput]) -> dict[str, Any]:
        """:func:`stance.encoding.tensors` for a batch of this model's inputs."""
        return tensors(tokenized, inputs, self.tokenizer.pad_id)

    def _encoder_states(self, tokenized: Tokenized) -> tuple[Any, Any]:
        """The encoder's states for a batch of tokenised sentences, in this classifier's precision."""
        import torch

        merged = padded(tokenized, self.tokenizer.pad_id)
        with torch.inference_mode(), autocast(self.precision, self.device):
            return self.model.encode(
                merged["input_ids"].to(self.device), merged["attention_mask"].to(self.device), merged["token_type_ids"].to(self.device)
            )

    def _predict(self, states: tuple[Any, Any], first: int, merged: dict[str, Any], inputs: list[SentenceInput]) -> list[list[Any]]:
        """``(relation, kind)`` probabilities of every pair of ``inputs``, the sentences ``first``,
        ``first + 1``, ... of the batch whose encoder ``states`` are given."""
        import torch

        tensors = {k: v.to(self.device) for k, v in merged.items() if isinstance(v, torch.Tensor)}
        rows, width = slice(first, first + len(inputs)), tensors["input_ids"].shape[1]
        run_states = tuple(None if s is None else s[rows, :width] for s in states)
        with torch.inference_mode():
            relation_logits, kind_logits = self.model.forward_in(self.precision, self.device, states=run_states, **tensors)
            relation = torch.softmax(relation_logits.float() / self.model.config.temperature, dim=-1).cpu().tolist()
            kind = torch.softmax(kind_logits.float(), dim=-1).cpu().tolist()
        out: list[list[Any]] = [[None] * len(item.pairs) for item in inputs]
        for (b, p), rel, kin in zip(merged["pair_index"], relation, kind):
            out[b][p] = (rel, kin)
        return out

    def _cut_off(self, top: bool) -> float:
        """The P(none) below which a pair is a relation: the sentence's most likely pair may have its own."""
        config = self.model.config
        return config.top_pair_threshold if top and config.top_pair_threshold is not None else config.relation_threshold

    def _statements(self, text: str, item: SentenceInput, result: list[Any], forced: bool) -> list[Statement]:
        labels = self.model.config.relation_labels
        none = labels.index(NO_RELATION)
        if not forced:
            result = share_joint_readings(text, item, result, none)
        best: dict[tuple[str, str], tuple[float, int]] = {}
        for p, value in enumerate(result):
            if value is None:
                continue
            i, j = item.pairs[p]
            key = (item.candidates[i].canonical, item.candidates[j].canonical)
            confidence = 1.0 - value[0][none]
            if key not in best or confidence > best[key][0]:
                best[key] = (confidence, p)
        sentence = text[item.start : item.end]
        statements = []
        top = max((confidence for confidence, _ in best.values()), default=0.0)
        for confidence, p in best.values():
            relation, kind = result[p]
            if not forced and relation[none] >= self._cut_off(confidence == top):
                continue
            stance_probs = {label: relation[k] for k, label in enumerate(labels) if k != none}
            total = sum(stance_probs.values()) or 1.0
            scores = {label: stance_probs[label] / total for label in STANCES}
            stance = max(scores, key=scores.__getitem__)
            i, j = item.pairs[p]
            speaker, counterparty = item.candidates[i], item.candidates[j]
            statements.append(
                Statement(
                    text=sentence,
                    start=item.start,
                    end=item.end,
                    speaker=speaker.canonical,
                    speaker_span=speaker.span,
                    speaker_country=speaker.country,
                    counterparty=counterparty.canonical,
                    counterparty_span=counterparty.span,
                    counterparty_country=counterparty.country,
                    stance=stance,
                    score=scores[stance],
                    scores=scores,
                    kind=self.model.config.kinds[max(range(len(kind)), key=kind.__getitem__)],
                    via=find_relay(sentence, speaker.canonical),
                    relation_score=confidence,
                )
            )
        return statements
