"""Parse hand-written `.art` article sources (see corpus/FORMAT.md) into guide records.

Every offset is computed here from the text; nothing in a source file is an offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stance.countries import is_country_code
from stance.labels import KINDS, REGIONS, STANCES, TAGS
from stance.records import RecordError, validate_record

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RELATION = re.compile(
    r"^  - (?P<speaker>[^<>|]+?)\s*<(?P<smention>[^<>]*)>\s*->\s*"
    r"(?P<counterparty>[^<>|]+?)\s*<(?P<cmention>[^<>]*)>\s*\|(?P<rest>.*)$"
)
_OCCURRENCE = re.compile(r"^(?P<text>.*?)#(?P<n>\d+)$")


class SourceError(ValueError):
    """A source file breaks the format; the message is ``file:line: reason``."""


@dataclass
class _Sentence:
    text: str
    line: int
    paragraph: int
    start: int = 0
    relations: list[tuple[int, str]] = field(default_factory=list)


def _fail(path: Path, line: int, reason: str) -> SourceError:
    return SourceError(f"{path}:{line}: {reason}")


def _whole_spans(sentence: str, mention: str) -> list[tuple[int, int]]:
    """Every occurrence of ``mention`` in ``sentence`` that is not part of a longer word."""
    return [
        (m.start(), m.end())
        for m in re.finditer(re.escape(mention), sentence)
        if (m.start() == 0 or not (sentence[m.start() - 1].isalnum() and mention[0].isalnum()))
        and (m.end() == len(sentence) or not (sentence[m.end()].isalnum() and mention[-1].isalnum()))
    ]


def find_mention(sentence: str, mention: str) -> tuple[int, int] | None:
    """Offsets of ``mention`` (``text`` or ``text#N``) inside ``sentence``, or None for ``<>``."""
    if not mention:
        return None
    occurrence = 1
    match = _OCCURRENCE.match(mention)
    if match:
        mention, occurrence = match["text"], int(match["n"])
    spans = _whole_spans(sentence, mention)
    if not spans:
        raise ValueError(f"mention <{mention}> is not a whole word or phrase of the sentence")
    if occurrence > len(spans):
        raise ValueError(f"mention <{mention}#{occurrence}>: it occurs only {len(spans)} time(s)")
    if len(spans) > 1 and not match:
        raise ValueError(f"mention <{mention}> occurs {len(spans)} times; write <{mention}#N> to pick one")
    return spans[occurrence - 1]


def mention_reference(sentence: str, span: tuple[int, int]) -> str:
    """The inverse of :func:`find_mention`: ``text``, or ``text#N`` when the text occurs more than once."""
    mention = sentence[span[0] : span[1]]
    spans = _whole_spans(sentence, mention)
    return mention if len(spans) == 1 else f"{mention}#{spans.index(tuple(span)) + 1}"


def _parse_header(path: Path, lines: list[str]) -> tuple[dict[str, Any], dict[str, str | None], int]:
    header: dict[str, Any] = {}
    actors: dict[str, str | None] = {}
    in_actors = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if line == "---":
            return header, actors, number
        if not line or line.startswith("#"):
            continue
        if in_actors and line.startswith("  "):
            name, _, code = (part.strip() for part in line.strip().partition("|"))
            if not name:
                raise _fail(path, number, "actor line has no canonical name")
            if code and code != "-" and not is_country_code(code):
                raise _fail(path, number, f"actor {name!r}: country {code!r} is not an ISO 3166-1 alpha-3 code or '-'")
            if name in actors:
                raise _fail(path, number, f"actor {name!r} is listed twice")
            actors[name] = None if code in ("", "-") else code
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise _fail(path, number, f"header line must be 'key: value', got {line!r}")
        key, value = key.strip(), value.strip()
        in_actors = key == "actors"
        if key not in ("id", "date", "region", "domain", "actors", "text_file", "batch"):
            raise _fail(path, number, f"unknown header key {key!r}")
        if key != "actors":
            header[key] = value
    raise _fail(path, len(lines), "no '---' line between header and body")


def parse_article(path: str | Path) -> dict[str, Any]:
    """Compile one `.art` file into a validated guide record (with ``region``, ``domain``, ``source``)."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    header, actors, body_start = _parse_header(path, lines)
    for key in ("id", "date", "region", "domain"):
        if not header.get(key):
            raise _fail(path, 1, f"header is missing {key!r}")
    if not _ID.match(header["id"]):
        raise _fail(path, 1, f"id {header['id']!r} must be lower-case letters, digits and '-'")
    date = _DATE.match(header["date"])
    if not date or not 1990 <= int(date[1]) <= 2026:
        raise _fail(path, 1, f"date {header['date']!r} must be YYYY-MM-DD between 1990 and 2026")
    if header["region"] not in REGIONS:
        raise _fail(path, 1, f"region {header['region']!r} must be one of {', '.join(REGIONS)}")

    sentences: list[_Sentence] = []
    paragraph = 0
    for number, raw in enumerate(lines[body_start:], start=body_start + 1):
        line = raw.rstrip()
        if not line.strip():
            if sentences and sentences[-1].paragraph == paragraph:
                paragraph += 1
            continue
        if line.startswith("#"):
            continue
        if line.startswith("  - "):
            if not sentences:
                raise _fail(path, number, "relation line before any sentence")
            sentences[-1].relations.append((number, line))
        elif line.startswith(" "):
            raise _fail(path, number, "a sentence line must not start with a space (relations start with '  - ')")
        else:
            sentences.append(_Sentence(line, number, paragraph))
    if not sentences:
        raise _fail(path, body_start, "article has no sentences")

    if header.get("text_file"):
        text = _locate_sentences(path, sentences, path.parent / header["text_file"])
    else:
        text = _join_sentences(sentences)

    relations = []
    for sentence in sentences:
        for number, line in sentence.relations:
            relations.append(_parse_relation(path, number, line, sentence.text, sentence.start, actors))
    record = {
        "id": header["id"],
        "date": header["date"],
        "region": header["region"],
        "domain": header["domain"],
        "source": str(path),
        "text": text,
        "relations": relations,
    }
    if header.get("batch"):
        if not header["batch"].isdigit() or int(header["batch"]) < 2:
            raise _fail(path, 1, f"batch {header['batch']!r} must be a whole number from 2 (leave it out for the first batch)")
        record["batch"] = int(header["batch"])
    try:
        validate_record(record)
    except RecordError as error:
        raise _fail(path, body_start, str(error)) from None
    return record


def _join_sentences(sentences: list[_Sentence]) -> str:
    text = ""
    for index, sentence in enumerate(sentences):
        if index:
            text += " " if sentence.paragraph == sentences[index - 1].paragraph else "\n\n"
        sentence.start = len(text)
        text += sentence.text
    return text


def _locate_sentences(path: Path, sentences: list[_Sentence], text_file: Path) -> str:
    """Find each sentence line, in order, in an existing article text (kept byte for byte)."""
    text = text_file.read_text(encoding="utf-8")
    cursor = 0
    for sentence in sentences:
        found = text.find(sentence.text, cursor)
        if found < 0:
            raise _fail(path, sentence.line, f"sentence not found in {text_file.name} after offset {cursor}")
        sentence.start = found
        cursor = found + len(sentence.text)
    return text


def _parse_relation(
    path: Path, number: int, line: str, sentence: str, offset: int, actors: dict[str, str | None]
) -> dict[str, Any]:
    match = _RELATION.match(line)
    if not match:
        raise _fail(path, number, "relation must read '  - SPEAKER <mention> -> COUNTERPARTY <mention> | STANCE | KIND [| TAGS] [| via=X] [| note=...]'")
    rest, _, note = match["rest"].partition("| note=")
    fields = [part.strip() for part in rest.split("|")]
    if len(fields) < 2:
        raise _fail(path, number, "relation needs '| STANCE | KIND'")
    stance, kind, *extra = fields
    if stance not in STANCES:
        raise _fail(path, number, f"unknown stance {stance!r}; use one of {', '.join(STANCES)}")
    if kind not in KINDS:
        raise _fail(path, number, f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    tags: list[str] = []
    via = None
    for part in extra:
        if not part:
            continue
        if part.startswith("via="):
            via = part[4:].strip()
            continue
        for tag in (t.strip() for t in part.split(",")):
            if tag not in TAGS or tag == "augmented":
                raise _fail(path, number, f"unknown tag {tag!r}")
            if tag not in tags:
                tags.append(tag)
    relation: dict[str, Any] = {"sentence": [offset, offset + len(sentence)]}
    for role, mention in (("speaker", match["smention"]), ("counterparty", match["cmention"])):
        name = match[role].strip()
        if name not in actors:
            raise _fail(path, number, f"{role} {name!r} is not in the article's actors list")
        try:
            span = find_mention(sentence, mention.strip())
        except ValueError as error:
            raise _fail(path, number, str(error)) from None
        relation[role] = name
        relation[f"{role}_span"] = None if span is None else [offset + span[0], offset + span[1]]
        relation[f"{role}_country"] = actors[name]
    if relation["speaker"] == relation["counterparty"]:
        raise _fail(path, number, f"speaker equals counterparty ({relation['speaker']!r})")
    relation.update(stance=stance, kind=kind, via=via, tags=tags)
    if via and "relay" not in tags:
        tags.append("relay")
    if relation["speaker_span"] is None and "unnamed_speaker" not in tags:
        tags.append("unnamed_speaker")
    if relation["counterparty_span"] is None and "unnamed_counterparty" not in tags:
        tags.append("unnamed_counterparty")
    if note.strip():
        relation["note"] = note.strip()
    return relation
