"""Reading and validating annotated records (the guide's JSON Lines format).

>>> record = {"id": "a", "text": "Rome praised Paris.", "relations": [
...     {"sentence": [0, 19], "speaker": "Italy", "speaker_span": [0, 4],
...      "counterparty": "France", "counterparty_span": [13, 18],
...      "stance": "cooperative", "kind": "reported"}]}
>>> validate_record(record)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stance.labels import KINDS, STANCES, TAGS

_COUNTRY_CODE = re.compile(r"^[A-Z]{3}$")


class RecordError(ValueError):
    """A record breaks the annotation guide; the message says where and why."""


def _span(value: Any, field: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise RecordError(f"{field} must be [start, end] integers or null, got {value!r}")
    start, end = value
    if not 0 <= start < end:
        raise RecordError(f"{field} {list(value)} is empty or negative")
    return start, end


def _check_sentence(text: str, span: tuple[int, int], where: str) -> None:
    start, end = span
    if end > len(text):
        raise RecordError(f"{where}: sentence {list(span)} runs past the text ({len(text)} chars)")
    sentence = text[start:end]
    if sentence != sentence.strip():
        raise RecordError(f"{where}: sentence {list(span)} is not a sentence: it starts or ends with whitespace")
    if start > 0 and not text[start - 1].isspace():
        raise RecordError(f"{where}: sentence {list(span)} is not a sentence: it starts inside a word ({sentence[:30]!r})")
    if end < len(text) and not text[end].isspace():
        raise RecordError(f"{where}: sentence {list(span)} is not a sentence: it ends inside a word ({sentence[-30:]!r})")


def _check_mention(text: str, sentence: tuple[int, int], span: tuple[int, int], field: str) -> None:
    start, end = span
    if start < sentence[0] or end > sentence[1]:
        raise RecordError(f"{field} {list(span)} does not lie inside its sentence {list(sentence)}")
    mention = text[start:end]
    if mention != mention.strip():
        raise RecordError(f"{field} {list(span)} does not slice to the mention: {mention!r} has surrounding whitespace")
    if (start > 0 and text[start - 1].isalnum() and mention[0].isalnum()) or (
        end < len(text) and text[end].isalnum() and mention[-1].isalnum()
    ):
        raise RecordError(f"{field} {list(span)} does not slice to the mention: {mention!r} cuts a word")


def validate_record(record: Any) -> None:
    """Raise :class:`RecordError` naming the first way ``record`` breaks the guide."""
    if not isinstance(record, dict):
        raise RecordError(f"a record must be a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("record has no 'text' string")
    relations = record.get("relations", [])
    if not isinstance(relations, list):
        raise RecordError("'relations' must be a list")
    seen: set[tuple[int, int, str, str]] = set()
    for index, relation in enumerate(relations):
        where = f"relation {index}"
        if not isinstance(relation, dict):
            raise RecordError(f"{where} must be a JSON object")
        try:
            sentence = _span(relation.get("sentence"), "sentence")
        except RecordError as error:
            raise RecordError(f"{where}: {error}") from None
        if sentence is None:
            raise RecordError(f"{where}: sentence span is missing")
        _check_sentence(text, sentence, where)
        for role in ("speaker", "counterparty"):
            name = relation.get(role)
            if not isinstance(name, str) or not name.strip():
                raise RecordError(f"{where}: canonical name missing for {role}")
            try:
                span = _span(relation.get(f"{role}_span"), f"{role}_span")
                if span is not None:
                    _check_mention(text, sentence, span, f"{role}_span")
            except RecordError as error:
                raise RecordError(f"{where}: {error}") from None
            code = relation.get(f"{role}_country")
            if code is not None and not (isinstance(code, str) and _COUNTRY_CODE.match(code)):
                raise RecordError(f"{where}: {role}_country must be an ISO 3166-1 alpha-3 code or null, got {code!r}")
        if relation["speaker"] == relation["counterparty"]:
            raise RecordError(f"{where}: speaker equals counterparty ({relation['speaker']!r})")
        if relation.get("stance") not in STANCES:
            raise RecordError(f"{where}: unknown stance {relation.get('stance')!r}; use one of {', '.join(STANCES)}")
        if relation.get("kind") not in KINDS:
            raise RecordError(f"{where}: unknown kind {relation.get('kind')!r}; use one of {', '.join(KINDS)}")
        tags = relation.get("tags", [])
        if not isinstance(tags, list) or any(tag not in TAGS for tag in tags):
            raise RecordError(f"{where}: unknown tag in {tags!r}; known tags: {', '.join(TAGS)}")
        key = (sentence[0], sentence[1], relation["speaker"], relation["counterparty"])
        if key in seen:
            raise RecordError(
                f"{where}: duplicate relation {relation['speaker']!r} -> {relation['counterparty']!r} in sentence {list(sentence)}"
            )
        seen.add(key)


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield the validated records of a JSON Lines file; errors name the file and line.

    Raises:
        TypeError: when ``path`` is not a str or Path.
        FileNotFoundError: when ``path`` does not exist.
        RecordError: ``path:line: reason`` for the first bad line (not JSON, not UTF-8, breaks the
            guide), or ``path: reason`` when it is a folder.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"a record file must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if path.is_dir():
        raise RecordError(f"{path}: is a folder, not a JSON Lines file")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such record file")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise RecordError(f"{path}:{number}: not UTF-8 text (byte {error.start} of the line)") from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise RecordError(f"{path}:{number}: not valid JSON ({error.msg})") from None
            try:
                validate_record(record)
            except RecordError as error:
                raise RecordError(f"{path}:{number}: {error}") from None
            yield record


def load_records(*paths: str | Path) -> list[dict[str, Any]]:
    """Read and validate every record of the given JSON Lines files, before any is used."""
    return [record for path in paths for record in read_records(path)]
