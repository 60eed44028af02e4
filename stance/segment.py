"""Sentence segmentation with exact character offsets.

>>> text = ' date 2023-04-17 Gen. Li met U.S. officials. "We agree," he said.\\n\\nTalks end.'
>>> article = segment(text)
>>> article.date
'2023-04-17'
>>> [text[s:e] for s, e in article.sentences]
['Gen. Li met U.S. officials.', '"We agree," he said.', 'Talks end.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_BOUNDARY = re.compile(r"""[.!?]+[”"’'»)\]]*(?=\s+[“"‘'«(\[]?[A-Z0-9À-ÖØ-Þ])""")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr gen lt col maj capt cpt sgt adm cmdr gov sen rep rev prof st sr jr
    jan feb mar apr jun jul aug sep sept oct nov dec no nos co corp inc ltd bros vs approx
    dept est fig ft mt pres messrs hon amb brig rt""".split()
)
_DOTTED_ACRONYM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"(?:^|[\s(])[A-Z]\.$")
# A "sentence" longer than this (text without sentence punctuation, a table, a dump) is cut at the
# last whitespace before the limit: the model reads at most ``max_length`` tokens of a sentence
# anyway, and the cost of candidate pairs grows with the square of the mentions in one sentence.
MAX_SENTENCE_CHARS = 1000


@dataclass(frozen=True)
class Segmented:
    """An article split into sentences: ``sentences`` are ``(start, end)`` offsets into the text."""

    date: str | None
    sentences: tuple[tuple[int, int], ...]


def _is_abbreviation(before: str) -> bool:
    """Whether the text ending in a period is an abbreviation rather than a sentence end."""
    if _DOTTED_ACRONYM.search(before) or _INITIAL.search(before):
        return True
    word = re.search(r"([A-Za-z]+)\.$", before)
    return bool(word) and word.group(1).lower() in _ABBREVIATIONS


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        terminal = match.group(0)
        if terminal.startswith(".") and terminal.rstrip("”\"’'»)]") == "." and _is_abbreviation(
            text[cursor : match.start() + 1]
        ):
            continue
        if text[match.start() - 2 : match.start() + 1] == "...":
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    trimmed = []
    for s, e in (piece for span in spans for piece in _cap(text, *span)):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


def _cap(text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` cut into pieces of at most ``limit`` characters, at whitespace where there is some."""
    pieces = []
    while end - start > limit:
        while start < end and text[start].isspace():
            start += 1
        if end - start <= limit:
            break
        cut = start + limit
        for k in range(start + limit, start + limit // 2, -1):
            if text[k - 1].isspace():
                cut = k
                break
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def segment(text: str) -> Segmented:
    """Split ``text`` into sentences, reading a leading ``date YYYY-MM-DD`` prefix as the article date.

    Sentences are never longer than :data:`MAX_SENTENCE_CHARS`; offsets are exact for any ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    date = None
    begin = 0
    prefix = _DATE_PREFIX.match(text)
    if prefix:
        date, begin = prefix.group(1), prefix.end()
    sentences: list[tuple[int, int]] = []
    for block in re.finditer(r"(?:(?!\n[ \t]*\n).)+", text[begin:], flags=re.S):
        sentences.extend(_split_block(text, begin + block.start(), begin + block.end()))
    return Segmented(date, tuple(sentences))
