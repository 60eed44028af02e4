"""Channels that only relay a statement ("according to state media"), never speakers."""

from __future__ import annotations

import re

_NAME = r"(?:the\s+)?((?:state-run\s+|state\s+|official\s+|semi-official\s+)?[A-Z][\w.’'\-]*(?:\s+(?:[A-Z][\w.’'\-]*|state-run|media|outlets|TV|television|radio|news\s+agency))*)"
_PATTERNS = [
    re.compile(r"\baccording to (?:a |an )?(?:report|statement|transcript|readout)s? (?:by|from|in|on|carried by) " + _NAME),
    re.compile(r"\baccording to " + _NAME),
    re.compile(r"\b(?:quoted|cited)(?: as saying)? by " + _NAME),
    re.compile(r"\b(?:reported|broadcast|carried|published) (?:by|on|in) " + _NAME),
    re.compile(r"\b(?:told|said in an interview with) " + r"((?:state-run\s+|state\s+)[\w\- ]+?(?:media|TV|television|radio|agency|outlets))"),
]


def find_relay(sentence: str, speaker: str | None = None) -> str | None:
    """The relay named in ``sentence``, unless it is the speaker.

    >>> find_relay('"We agree," Li said, according to a report by state-run CCTV.')
    'CCTV'
    >>> find_relay("According to Foreign Minister Ana Ruiz, talks will resume.", speaker="Ana Ruiz") is None
    True
    """
    for pattern in _PATTERNS:
        match = pattern.search(sentence)
        if match:
            relay = match.group(1).strip().rstrip(".,")
            bare = re.sub(r"^(?:state-run|state|official|semi-official)\s+", "", relay)
            if bare[:1].isupper():
                relay = bare
            if speaker and (relay in speaker or speaker.split()[-1] in relay):
                return None
            return relay
    return None
