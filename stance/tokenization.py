"""The model's fast tokenizer for ``(sentence, context)`` pairs, on the `tokenizers` library.

A model folder's ``tokenizer.json`` is read without importing transformers (seconds of a cold start);
training wraps the base model's transformers tokenizer. Both give the same ids and character offsets.

>>> tokenizer = PairTokenizer.from_folder("models/stance-minilm")   # doctest: +SKIP
>>> [e.tokens for e in tokenizer(["Japan praised India."], ["China"], max_length=32)]  # doctest: +SKIP
[['[CLS]', 'japan', 'praised', 'india', '.', '[SEP]', 'china', '[SEP]']]
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
    "vocab.txt", "vocab.json", "merges.txt", "spiece.model", "sentencepiece.bpe.model",
)


class PairTokenizer:
    """Encodes sentence/context pairs: the sentence truncated first, padded to the batch's longest."""

    def __init__(self, backend: Any, pad_token: str | None, files: dict[str, bytes] | None = None, source: Any = None) -> None:
        self.backend = backend  # a tokenizers.Tokenizer
        self.pad_id = backend.token_to_id(pad_token) if pad_token else None
        if self.pad_id is None:
            self.pad_id, pad_token = 0, backend.id_to_token(0)
        self.pad_token = pad_token
        self._files = files or {}
        self._source = source  # the transformers tokenizer this one wraps, if any
        self._max_length: int | None = None
        self._lock = threading.Lock()  # truncation and padding are settings of the shared backend

    @classmethod
    def from_folder(cls, folder: str | Path) -> PairTokenizer:
        """Read ``tokenizer.json`` (and the files saved beside it) from a model folder."""
        from tokenizers import Tokenizer

        folder = Path(folder)
        path = folder / "tokenizer.json"
        if not path.is_file():
            raise ValueError(f"{folder} has no tokenizer.json; stance needs a fast tokenizer for character offsets")
        files = {name: (folder / name).read_bytes() for name in TOKENIZER_FILES if (folder / name).is_file()}
        try:
            backend = Tokenizer.from_str(files["tokenizer.json"].decode("utf-8"))
        except Exception as error:  # noqa: BLE001 - tokenizers raises a bare Exception on bad JSON
            raise ValueError(f"{path} is not a readable tokenizer: {error}") from None
        return cls(backend, _pad_token(files.get("tokenizer_config.json"), files.get("special_tokens_map.json")), files)

    @classmethod
    def wrap(cls, tokenizer: Any) -> PairTokenizer:
        """This tokenizer, or a transformers fast tokenizer wrapped (it keeps saving itself)."""
        if isinstance(tokenizer, PairTokenizer):
            return tokenizer
        if not getattr(tokenizer, "is_fast", False) or not hasattr(tokenizer, "backend_tokenizer"):
            raise ValueError(f"stance needs a fast tokenizer (tokenizer.json) for character offsets, got {type(tokenizer).__name__}")
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_str(tokenizer.backend_tokenizer.to_str()), tokenizer.pad_token, source=tokenizer)

    def __call__(self, first: Sequence[str], second: Sequence[str], max_length: int, pad: bool = True) -> list[Any]:
        """One ``tokenizers.Encoding`` per pair (ids, type ids, attention mask, offsets, sequence ids)."""
        with self._lock:
            if self._max_length != max_length:
                self.backend.enable_truncation(max_length, strategy="only_first")
                self._max_length = max_length
            if pad:
                self.backend.enable_padding(pad_id=self.pad_id, pad_token=self.pad_token)
            else:
                self.backend.no_padding()
            pairs = list(zip(first, second))
            try:
                return self.backend.encode_batch(pairs)
            except Exception as error:  # noqa: BLE001 - tokenizers raises a bare Exception
                if "Truncation error" not in str(error):
                    raise
            # Some context alone is longer than max_length: cut both parts of those pairs only, so that a
            # pair's tokens never depend on the batch it came in.
            encodings = [self._encode_one(pair, max_length) for pair in pairs]
            if pad:
                longest = max(len(e.ids) for e in encodings)
                for encoding in encodings:
                    encoding.pad(longest, pad_id=self.pad_id, pad_token=self.pad_token)
            return encodings

    def _encode_one(self, pair: tuple[str, str], max_length: int) -> Any:
        try:
            return self.backend.encode(*pair)
        except Exception as error:  # noqa: BLE001 - tokenizers raises a bare Exception
            if "Truncation error" not in str(error):
                raise
        logger.warning("context longer than max_length %d; truncating sentence and context", max_length)
        self.backend.enable_truncation(max_length, strategy="longest_first")
        try:
            return self.backend.encode(*pair)
        finally:
            self.backend.enable_truncation(max_length, strategy="only_first")

    def save_pretrained(self, folder: str | Path) -> None:
        """Write the tokenizer files into ``folder``."""
        if self._source is not None:
            self._source.save_pretrained(str(folder))
            return
        for name, data in self._files.items():
            (Path(folder) / name).write_bytes(data)


def _pad_token(*configs: bytes | None) -> str | None:
    for raw in configs:
        if raw is None:
            continue
        try:
            token = json.loads(raw).get("pad_token")
        except (ValueError, AttributeError):
            continue
        if isinstance(token, dict):
            token = token.get("content")
        if isinstance(token, str):
            return token
    return None
