"""Candidate actor mentions in an article, resolved to one canonical name each.

High recall by design: the model's ``none`` class decides which mentions take part in a relation.

>>> text = "Russian President Vladimir Putin met Li Shangfu. Shangfu said he admired Moscow."
>>> from stance.segment import segment
>>> [(m.text(text), m.canonical) for m in find_mentions(text, segment(text).sentences)[1]]
[('Shangfu', 'Li Shangfu'), ('he', 'Li Shangfu'), ('Moscow', 'Russia')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from stance.descriptions import description_antecedent
from stance.gazetteer import Entry, gazetteer, leader_country

REPORTING_VERBS = frozenset(
    """said says told added warned urged accused praised vowed revealed stated announced declared
    insisted noted stressed argued claimed denied rejected called criticised criticized condemned welcomed
    pledged promised threatened demanded asked expressed agreed signed told wrote tweeted replied
    responded acknowledged admitted confirmed explained suggested proposed hailed blamed dismissed""".split()
)
_STOP = frozenset(
    """The A An In On At For But And Or If When While After Before As With By From Of To This That These
    Those It Its Their His Her Our We They He She I You Some Many Most Both Each Other Such No Not
    However Meanwhile Also Still Yet Then There Here Since Until Under Over Despite Although Though
    Earlier Later Last Next First Second Third New Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mr Mrs Ms Dr Video According Asked Speaking
    Officials Analysts Diplomats Sources Critics Experts Reporters Separately Under Among Between
    None Any All Every Neither Nor Only Even Just Once Today Yesterday Tomorrow What Which Who Why How
    Where Whether Unless Instead Already Now Again Further Nevertheless Nonetheless Thus Meanwhile
    Two Three Four Five Six Seven Eight Nine Ten Dozens Hundreds Thousands Millions Several
    Interim Acting Former Outgoing Incoming Caretaker""".split()
)
_DAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Yesterday".split())
_ORG_WORDS = frozenset(
    """Party Ministry Bank Council Company Corporation Corp Group Agency Front Army Union Organisation
    Organization Forum Institute Committee Commission Court Authority Fund Association Movement Alliance
    Airlines Oil Energy Petroleum Mining Holdings Ltd Inc Forces Guard Navy Parliament Assembly Congress
    Senate Office Department Service Services Federation League Industries Motors Telecom Petroleos Trust
    Network Coalition Brigade Brigades Militia Council Board Cabinet Secretariat Programme Program Chamber
    Conference Centre Center Tribunal Bureau Police Mission Delegation Embassy Consulate Foundation Society
    Church Observatory Institution Directorate Review Times Post Herald Daily Radio Television TV News Press
    Broadcasting Gazette Journal Tribune Telegraph Plc PLC LLC GmbH Club Force Command Minerals Resources Metals
    Electronics Securities Steel Shipping Chemicals Investments Logistics""".split()
)
_ORIGIN = re.compile(r"-(?:based|born|made|built|registered|flagged|owned|headquartered|listed)\b")
_COMPANY_SUFFIXES = frozenset("Plc PLC Inc Ltd Co Corp LLC GmbH AG SA NV".split())
# Last words that make a capitalised run an event, a document, a place or a topic, never a person:
# "Gulf War", "Paris Agreement", "Doha Round", "Belt and Road Initiative", "Persian Gulf".
_NOT_A_PERSON = frozenset(
    """War Wars Crisis Accord Accords Agreement Agreements Treaty Protocol Round Summit Games Cup Olympics Plan
    Initiative Act Charter Declaration Convention Doctrine Day Era Gulf Sea Ocean Strait Straits Canal River
    Islands Island Peninsula Valley Dam Airport Democrat Republican""".split()
)
_TITLE_TAILS = frozenset(
    "State Defence Defense Foreign Affairs Commerce Trade Finance Treasury Energy Interior Justice Health "
    "Agriculture Economy Staff Commons Security Home Environment".split()
)
_PARTICLES = r"(?:de|da|del|dos|van|von|bin|ibn|al|el|la|le|der|den|di|du)"
_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())  # "Étienne", "Şahin", "Łukasz"
_CAP = rf"[{_UPPER}][\w’'\-]*[\w]"
# middle initials stay inside a name: "George W. Bush"
_NAME = re.compile(rf"{_CAP}(?:\s+(?:{_PARTICLES}\s+|{_PARTICLES}-|(?:of|for|on)\s+(?:the\s+)?|[A-Z]\.\s+)?{_CAP})*")
_CONNECTORS = frozenset({"of", "for", "on", "the"})
_ABBREVIATED_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Col|Lt|Capt|Adm|Prof|Amb)\.\s+$")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|the latter|the former)\b")
_DESCRIPTION = re.compile(
    r"\bthe (?:minister|president|premier|spokesman|spokeswoman|spokesperson|official|envoy|ambassador|"
    r"chancellor|diplomat|general|commander|senator|governor|prime minister|foreign minister|secretary)\b"
)
_GROUP_DESCRIPTION = re.compile(
    r"\b[Tt]he (?:company|firm|junta|bloc|alliance|authorities|government|ministry|regime|rebels|militants|group|"
    r"embassy|administration|military|army|organisation|organization|agency|commission|council|kingdom|republic)\b"
)
# Regions are places, never actors; "Council of Europe", "South Africa" and "Asia-Pacific ..." are left alone.
_REGION = re.compile(
    r"(?<!Council of )(?<!South )\b(?:(?:Gulf|Bay|Sea|Strait|Straits|Isle|Isles) of (?:the )?[A-Z][\w'’\-]+|(?:Latin|South|Central|North) America|(?:Southeast|South|Central|East|West) Asia|"
    r"(?:West|East|North|Southern|Central|sub-Saharan) Africa|Africa|Europe|Asia|Middle East|Caribbean|Balkans|Sahel|"
    r"Far East|Arctic|Antarctic|Antarctica|Horn of Africa|Indo-Pacific|(?:Persian |Arabian )?Gulf|Falklands|Kashmir|Crimea|"
    r"Darfur|Donbas|Caucasus|Mediterranean)\b(?![\s-]+[A-Z])"
)
# A lone unknown capitalised word used as a modifier ("Islamist rebels", "African states", "Roseires dam").
_ADJECTIVE_ENDINGS = ("ist", "an", "ese", "ish", "ic", "ern")
# Faiths and peoples that modify a noun ("the Hindu nationalist party", "Sunni militias") without an ending above.
_COMMUNITY_ADJECTIVES = frozenset("Hindu Muslim Sikh Sunni Shia Shiite Shi'ite Orthodox Protestant Hutu Tutsi Druze Tamil Uighur Uyghur Rohingya Zulu Maori".split())
# The last words of a government body that a possessive state owns ("India's External Affairs Ministry").
_GOVERNMENT_BODIES = frozenset(
    "Ministry Commission Agency Office Department Bureau Council Force Forces Command Army Navy Police Directorate "
    "Service Authority Parliament Senate Congress Cabinet Assembly Court Tribunal Embassy Mission Guard Bank".split()
)
# Unnamed collective speakers ("analysts said", "Western diplomats warned", "according to traders and analysts"):
# candidates only where they speak, perceive or act, since the same nouns often just describe.
_GROUP_NOUNS = """analysts experts economists traders dealers diplomats officials leaders lawmakers legislators protesters
    demonstrators activists critics observers rebels militants insurgents exiles negotiators investors bankers""".split()
_GROUP_MODIFIERS = ("foreign policy", "oil", "industry", "market", "opposition", "senior", "political", "military", "security", "local")


def _either_case(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of ``words`` with the first letter in either case ("[Aa]nalysts|...")."""
    return "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in words)


_GROUP_NOUN = f"(?:{_either_case(_GROUP_NOUNS)})"
_COLLECTIVE = re.compile(
    rf"\b(?:(?:(?:Latin |North |South )?[A-Z][a-z]+(?:an|ern|ese|ish|ic)|Arab|{_either_case(_GROUP_MODIFIERS)})\s+)?"
    rf"{_GROUP_NOUN}(?:\s+and\s+{_GROUP_NOUN})?\b"
)
# Alone, these belong to an actor already named ("officials said" after "Eritrea ..."): only with a modifier.
_AFFILIATED_NOUNS = frozenset("officials diplomats leaders negotiators".split())
_SPEAKING_VERBS = REPORTING_VERBS | frozenset(
    "say believe believed estimate estimated expect expected predicted fear feared think backed supported opposed".split()
)
_PLACE_NOUNS = frozenset(
    """dam river province region district camp camps valley port airport island islands sea strait desert mountains
    plant field fields refinery mine mines border basin peninsula coast city town village area enclave corridor""".split()
)
_GOVERNMENT = frozenset({"government", "Government", "administration", "cabinet", "Cabinet", "presidency", "leadership", "regime"})


@dataclass(frozen=True)
class Mention:
    """An actor mention: ``start``/``end`` index the article text; ``canonical`` names the actor."""

    start: int
    end: int
    canonical: str
    country: str | None
    type: str

    def text(self, article: str) -> str:
        return article[self.start : self.end]

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in taken)


def _gazetteer_mentions(text: str, start: int, end: int) -> list[Mention]:
    g = gazetteer()
    mentions = []
    letters = re.sub(r"[^A-Za-z]", "", text[start:end])
    one_case = len(letters) > 8 and (letters.isupper() or letters.islower())
    for s, e, entry in g.find(text, start, end, ignore_case=one_case):
        canonical, kind = entry.canonical, entry.type
        if kind == "capital" and re.search(r"\b[Ii]n\s+$", text[max(start, s - 4) : s]):
            kind = "location"  # "diplomats in Addis Ababa": a place used as a location, never an actor
        if _ORIGIN.match(text, e):
            kind = "location"  # "the Oslo-based owner", "U.S.-made parts"
        tail = text[e:end]
        possessive = re.match(r"(?:['’]s)?\s+", tail)
        if kind in ("state", "demonym", "capital") and possessive:
            after = tail[possessive.end() :]
            for word in g.institutions:
                if after.startswith(word) and not after[len(word) : len(word) + 1].isalnum():
                    e = e + possessive.end() + len(word)
                    if word not in _GOVERNMENT:
                        canonical = f"{_demonym(entry)} {word}"
                        kind = "institution"
                    break
        mentions.append(Mention(s, e, canonical, entry.country, kind))
    return mentions


def _demonym(entry: Entry) -> str:
    return _demonyms().get(entry.canonical, entry.canonical)


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Canonical country name -> its first demonym in the gazetteer (built once)."""
    found: dict[str, str] = {}
    for surface, other in gazetteer().entries.items():
        if other.type == "demonym":
            found.setdefault(other.canonical, surface)
    return found


def _capitalised(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, bool]]:
    """Capitalised word runs outside ``taken``, without leading titles or stop words or a trailing 's."""
    g = gazetteer()
    runs = []
    for match in _NAME.finditer(text, start, end):
        words = [(m.start() + match.start(), m.end() + match.start()) for m in re.finditer(r"\S+", match.group(0))]
        organisation = any(_among(text[a:b], _ORG_WORDS) for a, b in words)
        groups: list[list[tuple[int, int]]] = [[]]
        for word in words:
            connector = text[word[0] : word[1]] in _CONNECTORS
            if _free(taken, *word) and not (connector and not organisation):
                groups[-1].append(word)
            elif groups[-1]:
                groups.append([])
        after_title = False  # the group before was a title alone: "Vice Minister" for "International Affairs X"
        for group in groups:
            # a possessive title alone is no name ("the Taiwanese President's offer"); inside one it may be
            # ("Prime Minister's Office")
            alone = len(group) == 1
            title_only = bool(group) and all(text[a:b] in g.titles or text[a:b].lower() in _title_words() for a, b in group)

            def word(k: int) -> str:
                return _bare(text[group[k][0] : group[k][1]]) if alone else text[group[k][0] : group[k][1]]

            heads = [k for k in range(len(group)) if word(k) in g.titles]
            titled = bool(heads) and heads[-1] < len(group) - 1
            if titled:
                del group[: heads[-1] + 1]
            titled, after_title = titled or (after_title and len(group) > 2), title_only
            if len(group) > 2 and text[group[-2][0] : group[-2][1]] == "on" and text[group[-1][0] : group[-1][1]] in _STOP:
                del group[-2:]  # "the Education Ministry on Tuesday"
            while len(group) > 1 and text[group[-1][0] : group[-1][1]] in _DAYS:
                group.pop()  # "met President Bashar Assad Tuesday"
            while group and text[group[-1][0] : group[-1][1]] in _CONNECTORS:
                group.pop()
            while group and (
                text[group[0][0] : group[0][1]] in _CONNECTORS
                or text[group[0][0] : group[0][1]] in _STOP
                or word(0) in g.titles
                or (len(group) > 2 and text[group[0][0] : group[0][1]] in _TITLE_TAILS)
            ):
                group.pop(0)
            while group and word(-1) in g.titles:
                group.pop()
            # the portfolio of a title before the name: "Secretary-General for Fisheries Ana Belén Iturralde"
            while titled and len(group) > 2 and word(0).lower() in _title_words():
                group.pop(0)
            if not group:
                continue
            s, e = group[0][0], group[-1][1]
            e = s + len(_bare(text[s:e]))
            titled = titled or bool(_ABBREVIATED_TITLE.search(text, max(0, s - 8), s))
            if e > s:
                runs.append((s, e, text[s:e], titled))
    return _joined_by_and(text, runs)


def _bare(word: str) -> str:
    """``word`` without a possessive ("President's" -> "President")."""
    return re.sub(r"['’]s?$", "", word)


def _among(word: str, vocabulary: frozenset[str] | set[str]) -> bool:
    """``word``, without a possessive, or its singular is in ``vocabulary`` ("Guards'" -> "Guard")."""
    form = _bare(word)
    return form in vocabulary or (form.endswith("s") and form[:-1] in vocabulary)


def _joined_by_and(text: str, runs: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """Names with "and" inside made whole: "International Trade and Industry Ministry", "Ministry of Trade and
    Industry" (portfolios on both sides, an organisation word in the name), "Cable and Wireless Plc"."""
    portfolios = _title_words()
    out: list[tuple[int, int, str, bool]] = []
    for run in runs:
        left = out[-1][2].split() if out else []
        # "Ministry of Economy, Trade and Industry": a portfolio in a list that goes on
        listed = run[2].lower() in portfolios and re.match(r"\s*(?:,|and\b)", text[run[1] : run[1] + 5])
        if out and text[out[-1][1] : run[0]] == ", " and listed and any(w in _ORG_WORDS for w in left):
            out[-1] = (out[-1][0], run[1], text[out[-1][0] : run[1]], False)
            continue
        if out and text[out[-1][1] : run[0]] in (" and ", ", and "):
            right = run[2].split()
            organisation = any(w in _ORG_WORDS for w in left + right)
            portfolio = left[-1].lower() in portfolios and right[0].lower() in portfolios
            company = len(left) <= 2 and right[-1] in _COMPANY_SUFFIXES
            if (organisation and portfolio) or company:
                out[-1] = (out[-1][0], run[1], text[out[-1][0] : run[1]], False)
                continue
        out.append(run)
    return out


_DATELINE = re.compile(r"[A-Z][A-Z.'’\- ]{1,40}(?:,[^-–—:\n]{0,40}?)?\s*(?:\([^)]{1,30}\))?\s*(?:[-–—]+|:)\s")  # "CITY (AP) -", "CITY:"


_HEADLINE_LOWER = frozenset("a an and as at by for from in into of on or over the to up vs with".split())


def is_headline(text: str, start: int, end: int) -> bool:
    """A Title Case line ("Iran Warns Its Missiles Can Hit Anywhere in Israel"): most words capitalised."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’\-]*", text[start:end]) if w not in _HEADLINE_LOWER]
    return len(words) >= 4 and all(w[0].isupper() for w in words)


def _known_words_only(text: str, runs: list[tuple[int, int, str, bool]], known: frozenset[str]) -> list[tuple[int, int, str, bool]]:
    """In a headline every word is capitalised: keep only the parts of a run that name actors found elsewhere."""
    kept = []
    for s, e, _, titled in runs:
        words = [(s + m.start(), s + m.end()) for m in re.finditer(r"[^\s]+", text[s:e])]
        group: list[tuple[int, int]] = []
        for word in [*words, None]:
            if word is not None and _among(text[word[0] : word[1]], known):
                group.append(word)
                continue
            if group:
                kept.append((group[0][0], group[-1][1], text[group[0][0] : group[-1][1]], titled))
            group = []
    return kept


_NAME_WORD = r"(?:[A-Z][\w'’\-]*|of|and|on|for|the|de|des|du|la)"
_DEFINITION = re.compile(rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,9}})\s+\(([A-Z][A-Za-z.&]{{1,9}})\)")


@dataclass(frozen=True)
class AcronymDefinition:
    """A name spelt out before its acronym: the name's mention, the acronym, and where the ``(ACRONYM)`` ends."""

    mention: Mention
    acronym: str
    end: int


def acronym_definitions(text: str) -> list[AcronymDefinition]:
    """Names the article spells out before their acronym, as in "General Agreement on Tariffs and Trade
    (GATT)": one organisation mention each, named by the full name (the gazetteer's name when it knows them).

    >>> [(d.mention.text("the Organization of Petroleum Exporting Countries (OPEC) met"), d.mention.canonical, d.acronym)
    ...  for d in acronym_definitions("the Organization of Petroleum Exporting Countries (OPEC) met")]
    [('Organization of Petroleum Exporting Countries', 'Organization of Petroleum Exporting Countries', 'OPEC')]
    """
    g = gazetteer()
    found = []
    for match in _DEFINITION.finditer(text):
        letters = re.sub(r"[^A-Z]", "", match.group(2))
        words = list(re.finditer(r"\S+", match.group(1)))
        for first in range(len(words)):
            initials = "".join(w.group(0)[0] for w in words[first:] if w.group(0)[0].isupper())
            if initials == letters and words[first].group(0)[0].isupper():
                start = match.start(1) + words[first].start()
                name = text[start : match.end(1)]
                entry = g.lookup(match.group(2)) or g.lookup(name)
                canonical = entry.canonical if entry and not _ACRONYM.match(entry.canonical) else name
                mention = Mention(start, match.end(1), canonical, entry.country if entry else None, "organisation")
                found.append(AcronymDefinition(mention, match.group(2), match.end()))
                break
    return found


def _sentence_mentions(
    text: str, start: int, end: int, headline_words: frozenset[str] | None = None, defined: list[AcronymDefinition] | None = None
) -> list[Mention]:
    dateline = _DATELINE.match(text, start, end)
    if dateline:
        start = dateline.end()
    inside = [d for d in defined or [] if start <= d.mention.start and d.mention.end <= end]
    own = [d.mention for d in inside]
    # each definition with its parenthesised acronym (when the sentence holds it)
    reserved = [(d.mention.start, d.end if d.end <= end else d.mention.end) for d in inside]
    reserved += [(m.start(), m.end()) for m in _REGION.finditer(text, start, end)]
    mentions = own + [m for m in _gazetteer_mentions(text, start, end) if _free(reserved, m.start, m.end)]
    taken = [(m.start, m.end) for m in mentions] + reserved
    mentions = [m for m in mentions if m.type != "location"]
    for m in sorted(mentions, key=lambda m: m.start):
        if text[m.start : m.end] not in _ORG_WORDS:
            continue
        head = _adjacent_name(text, mentions, m.start)
        if head is not None and m in mentions:  # "AU Commission", not "European Commission"
            mentions.remove(m)
            mentions.remove(head)
            mentions.append(_joined(text, head, m.end))
        elif (word := re.search(rf"({_CAP})\s+$", text[start : m.start])) and word.group(1) not in _STOP:
            # the end of a longer name ("Mekong River Commission"), which the capitalised runs below find whole
            mentions.remove(m)
            taken.remove((m.start, m.end))
    for match in _COLLECTIVE.finditer(text, start, end):
        if match.group(0).lower() in _AFFILIATED_NOUNS or not _collective_speaks(text, match.start(), match.end(), start, end):
            continue
        if match.group(0).startswith("Latin American"):  # a region's adjective, not the United States
            mentions = [m for m in mentions if not (m.type == "demonym" and match.start() <= m.start < match.end())]
            taken = [t for t in taken if not (match.start() <= t[0] < match.end())]
        if _free(taken, match.start(), match.end()):
            mentions.append(Mention(match.start(), match.end(), _collective_name(match.group(0)), None, "group"))
            taken.append((match.start(), match.end()))
    runs = _capitalised(text, start, end, taken)
    if headline_words is not None:
        runs = _known_words_only(text, runs, headline_words)
    for s, e, surface, titled in runs:
        words = surface.split()
        if len(words) == 1 and s == start and surface in _STOP:
            continue
        if any(re.search(r"\d", w) for w in words):  # "Tu-95", "F-16", "COVID-19": models and names of things
            continue
        if _ORIGIN.search(surface) or (len(words) == 1 and re.search(r"\b(?:in|near)\s+$", text[max(start, s - 6) : s])):
            continue  # "Western-made parts", "the base in Baidoa": places and origins
        organisation = any(_among(w, _ORG_WORDS) for w in words)
        if not organisation and all(_among(w.lower(), _title_words()) for w in words):  # "Trade Representative", "Planning"
            head = _adjacent_name(text, mentions, s)
            # "Vietnamese Planning and Investment Minister X", "French Finance Minister X", "U.S. Treasury official"
            following = re.match(r"\s+(and\s+[A-Z]|[\w’'\-]+)", text[e:end])
            title_goes_on = following is not None and (following.group(1).startswith("and") or following.group(1).lower() in _title_words())
            if head is not None and head.type in ("state", "demonym") and not title_goes_on:  # "the U.S. Trade Representative"
                mentions.remove(head)
                mentions.append(replace(_joined(text, head, e), type="institution"))
                taken.append((s, e))
            continue
        if organisation:
            head = _adjacent_name(text, mentions, s) or _possessive_state(text, mentions, s, words)
            if head is not None:  # "Peking Review", "U.S. Senate Finance Committee", "India's Foreign Trade Office": one name
                mentions.remove(head)
                mentions.append(_joined(text, head, e))
                taken.append((s, e))
                continue
            owner = _of_state(text, mentions, e, words[-1])
            if owner is not None:  # "Bank of Japan", "Maritime Union of Australia"
                mentions.remove(owner)
                mentions.append(Mention(s, owner.end, text[s : owner.end], owner.country, "organisation"))
                taken.append((s, owner.end))
                continue
            canonical = re.sub(r"^the\s+", "", surface)
            mentions.append(Mention(s, e, canonical, None, "organisation"))
        elif words[-1] in _NOT_A_PERSON and not (len(words) > 1 and words[-2][0].islower()):  # not "Pieter van Dam"
            continue
        elif len(words) >= 2 or titled:
            mentions.append(Mention(s, e, surface, None, "person"))
        elif _ACRONYM.match(surface):
            mentions.append(Mention(s, e, surface, None, "organisation"))
        elif _before_reporting_verb(text, e, end, within=1):
            mentions.append(Mention(s, e, surface, None, "speaker"))
        elif _modifier(text, surface, e, end):
            continue
        elif re.search(r"\w", text[start:s]) and text[s - 2 : s] not in (". ", '" ', "“ "):
            mentions.append(Mention(s, e, surface, None, "speaker"))
        else:
            mentions.append(Mention(s, e, surface, None, "single"))
        taken.append((s, e))
    for pattern in (_PRONOUN, _DESCRIPTION, _GROUP_DESCRIPTION):
        for match in pattern.finditer(text, start, end):
            if _free(taken, match.start(), match.end()):
                word = match.group(0).lower()
                if word in ("it", "they") and not _before_reporting_verb(text, match.end(), end):
                    continue
                kind = "group-pronoun" if pattern is _GROUP_DESCRIPTION else "pronoun"
                mentions.append(Mention(match.start(), match.end(), match.group(0), None, kind))
                taken.append((match.start(), match.end()))
    return sorted(mentions, key=lambda m: m.start)


def _collective_speaks(text: str, start: int, end: int, sentence_start: int, sentence_end: int) -> bool:
    """An unnamed group that speaks: the subject of a reporting, perception or support verb (within three
    words, or five across "in ..."), or the source after "according to"; not the tail of a name ("Fund
    officials", "European Union leaders") and not a group named before ("the leaders", "both leaders")."""
    before = text[sentence_start:start].split()
    previous = before[-1] if before else ""
    if (previous[:1].isupper() and len(before) > 1) or previous.lower() in ("the", "both", "their", "its", "whose", "his", "her"):
        return False
    if re.search(r"\baccording to$", text[sentence_start:start].rstrip()):
        return True
    first = re.search(r"[A-Za-z]+", text[end:sentence_end])
    window = 5 if first and first.group(0) in ("in", "at", "from", "with") else 3
    return _before_reporting_verb(text, end, sentence_end, within=window, verbs=_SPEAKING_VERBS)


def _collective_name(surface: str) -> str:
    """The phrase as written, lower-cased at the front unless it starts with a proper adjective."""
    first = surface.split()[0]
    common = first.lower() in _GROUP_NOUNS or any(m.split()[0] == first.lower() for m in _GROUP_MODIFIERS)
    return first.lower() + surface[len(first) :] if common else surface


def _adjacent_name(text: str, mentions: list[Mention], start: int) -> Mention | None:
    """The gazetteer mention that ends right before ``start`` (only spaces between), if any."""
    for m in mentions:
        if m.end < start and not text[m.end : start].strip() and m.type in ("state", "demonym", "capital", "organisation", "institution"):
            return m
    return None


def _joined(text: str, head: Mention, end: int) -> Mention:
    """``head`` extended to ``end`` as one organisation, in the head's country ("India's External Affairs
    Ministry" is named "Indian External Affairs Ministry")."""
    gap = re.match(r"['’]s\s+", text[head.end : end])
    name = f"{_demonyms().get(head.canonical, head.canonical)} {text[head.end + gap.end() : end]}" if gap else text[head.start : end]
    return Mention(head.start, end, name, None if head.type == "organisation" else head.country, "organisation")


def _possessive_state(text: str, mentions: list[Mention], start: int, words: list[str]) -> Mention | None:
    """The state whose government body starts at ``start`` ("India's External Affairs Ministry"), if any."""
    if not any(_among(w, _GOVERNMENT_BODIES) for w in words):
        return None
    for m in mentions:
        if m.end < start and re.fullmatch(r"['’]s\s+", text[m.end : start]) and m.type in ("state", "capital"):
            return m
    return None


def _of_state(text: str, mentions: list[Mention], end: int, last_word: str) -> Mention | None:
    """The state right after an organisation's name and "of" ("Bank of Japan"), if any."""
    if last_word not in _ORG_WORDS:
        return None
    for m in mentions:
        if m.start > end and re.fullmatch(r"\s+of\s+(?:the\s+)?", text[end : m.start]) and m.type == "state":
            following = re.match(r"\s+([A-Z][\w’'\-]*)", text[m.end : m.end + 40])
            # "Bank of Japan Governor X", not "Office of the U.S. Trade Representative"
            return m if following is None or following.group(1) in gazetteer().titles else None
    return None


def _modifier(text: str, word: str, position: int, end: int) -> bool:
    """A lone capitalised word that modifies the noun after it: an adjective or a named place."""
    following = re.match(r"\s+([a-z][a-z\-]*)", text[position:end])
    adjective = word.endswith(_ADJECTIVE_ENDINGS) or word in _COMMUNITY_ADJECTIVES
    return following is not None and (adjective or following.group(1) in _PLACE_NOUNS)


def _before_reporting_verb(text: str, position: int, end: int, within: int = 3, verbs: frozenset[str] = REPORTING_VERBS) -> bool:
    following = re.findall(r"[A-Za-z]+", text[position:end])[:within]
    return any(word in verbs for word in following)


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    """Every word of a known title, lower-cased ("prime", "minister", "under", ...), plus ministry portfolios."""
    words = {w.lower().rstrip(".") for title in gazetteer().titles for w in title.split()}
    return frozenset(words | {w.lower() for w in _TITLE_TAILS} | _PORTFOLIOS)


# Portfolios and offices that sit between a state and a person's name ("Tuvalu's Fisheries Minister X").
_PORTFOLIOS = frozenset(
    """fisheries mines mining information irrigation humanitarian labour labor transport education culture tourism
    planning development water housing communications immigration industry oil petroleum economic economy fuel power
    science technology lands resources works sports youth social welfare international external relations consular
    cooperation investment infrastructure national ministry government foreign army navy military police
    spokesman spokeswoman spokesperson ambassador envoy agent representative delegate negotiator official
    chief head counterpart""".split()
)


def _affiliation(text: str, state: Mention, person: Mention) -> bool:
    """``state`` introduces ``person`` as its official: "Russian President X", "China's defence minister X",
    "Russia's ambassador, X": only title words (at least one) between them, at most a comma before the name."""
    between = text[state.end : person.start]
    if len(between) > 50 or re.search(r"[;:]", between) or between.count(",") > 1:
        return False
    if "," in between and not re.search(r",\s*$", between):
        return False
    posting = re.sub(r"\b(?:in|to|at)\s+(?:the\s+)?[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)*", " ", between)  # "'s envoy to the UN, "
    words = re.findall(r"[A-Za-z\-]+", re.sub(r"^['’]s\b", "", posting))
    titles = _title_words()
    return bool(words) and words[0] not in ("of", "and") and all(w.lower() in titles or w == "and" for w in words) and any(w not in ("of", "the", "and") for w in words)


_APPOSITION = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?$")
_RELATIVE_APPOSITION = re.compile(r",\s+who\s+(?:is|was|has been|had been|served as|serves as|became)\s+(?:the\s+|a\s+|an\s+)?$")
# "Soviet leader Mikhail Gorbachev and Foreign Minister Eduard Shevardnadze": the second shares the first's state
_AND_TITLE = re.compile(r"\s+and\s+(?:[A-Z][\w\-]*\.?\s+){1,4}$")


def _introducing_state(text: str, mention: Mention, mentions: list[Mention]) -> Mention | None:
    """The mention right before a person that says whom they act for ("Russian President X", "Fiji's Prime
    Minister X", "Russia's ambassador, X"), one of the last two with a country: in "Egyptian ambassador to
    Moscow X", Moscow is the posting, not the state."""
    before = [m for m in mentions if m.end <= mention.start and m.country and m.type in ("state", "demonym", "capital", "institution", "organisation")]
    return next((state for state in before[:-3:-1] if _affiliation(text, state, mention)), None)


def _person_country(text: str, mention: Mention, mentions: list[Mention]) -> str | None:
    """Country of a person from the state that introduces them (:func:`_introducing_state`), or after the
    name: "X of Sudan", "X, Vietnam's deputy minister", "X, who served as Yemen's ambassador"."""
    state = _introducing_state(text, mention, mentions)
    if state is not None:
        return state.country
    after = next((m for m in mentions if m.start >= mention.end), None)
    if after is not None and after.country and after.type in ("state", "demonym"):
        between = text[mention.end : after.start]
        if re.fullmatch(r"\s+of\s+", between):
            return after.country
        tail = text[after.end : after.end + 40]
        if _APPOSITION.fullmatch(between) or between == ", " or _RELATIVE_APPOSITION.fullmatch(between):
            words = re.findall(r"[A-Za-z\-]+", re.sub(r"^['’]s\b", "", tail))[:2]
            if words and words[0].lower() in _title_words():
                return after.country
    return None


def _shares_title(text: str, first: Mention, second: Mention) -> bool:
    """``second`` is introduced by titles only, right after "and" and ``first``."""
    match = _AND_TITLE.fullmatch(text, first.end, second.start)
    return match is not None and all(w.rstrip(".").lower() in _title_words() for w in text[first.end : second.start].split()[1:])


def find_mentions(text: str, sentences: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> list[list[Mention]]:
    """Candidate mentions per sentence, with people, short forms and pronouns resolved across the article."""
    headlines = [is_headline(text, s, e) for s, e in sentences]
    defined = acronym_definitions(text)
    acronyms = {}
    for d in defined:
        acronyms[d.acronym] = d.mention
        entry = gazetteer().lookup(d.acronym)
        if entry is not None:
            acronyms[entry.canonical] = d.mention
    raw = [[] if headline else _sentence_mentions(text, s, e, defined=defined) for (s, e), headline in zip(sentences, headlines)]
    for mentions in raw:
        for k, m in enumerate(mentions):
            if m.type == "organisation" and m.canonical in acronyms:
                mentions[k] = replace(m, canonical=acronyms[m.canonical].canonical, country=acronyms[m.canonical].country)
    known_words = frozenset(
        word for mentions in raw for m in mentions if m.type not in ("pronoun", "group-pronoun") for word in m.text(text).split()
    )
    for index, headline in enumerate(headlines):
        if headline:
            raw[index] = _sentence_mentions(text, *sentences[index], headline_words=known_words, defined=defined)
    full_names: list[str] = []
    countries: dict[str, str | None] = {}
    for index, mentions in enumerate(raw):
        affiliations = []
        previous: tuple[Mention, str | None] | None = None
        for m in mentions:
            if m.type == "person":
                full_names.append(m.canonical)
                country = _person_country(text, m, mentions)
                if country is None and previous is not None and _shares_title(text, previous[0], m):
                    country = previous[1]
                previous = (m, country)
                if country and not countries.get(m.canonical):
                    countries[m.canonical] = country
                state = _introducing_state(text, m, mentions)
                if state is not None and state.type in ("state", "demonym", "capital"):
                    affiliations.append(state)
        # "China's defence minister Li Shangfu": the state only says whom the person acts for
        raw[index] = [m for m in mentions if m not in affiliations]

    def fullest(name: str) -> str:
        tokens = set(name.lower().split())
        best = name
        for other in full_names:
            if tokens <= set(other.lower().split()) and len(other) > len(best):
                best = other
        return best

    known = set(full_names)
    organisations = {m.canonical: m for mentions in raw for m in mentions if m.type == "organisation" and " " in m.canonical}

    def organisation_of(name: str) -> Mention | None:
        """The organisation a short form names ("Straits Pacific" -> "Straits Pacific Holdings")."""
        return next((o for full, o in organisations.items() if full.startswith(name + " ")), None)
    resolved: list[list[Mention]] = []
    last_person: Mention | None = None
    last_group: Mention | None = None
    previous_subject: Mention | None = None  # the first person of the last sentence that had one
    earlier: list[Mention] = []  # named actors so far, in reading order
    previous_sayer: Mention | None = None  # the actor that speaks in the last sentence (see _group_sayer)
    for (sentence_start, sentence_end), mentions in zip(sentences, raw):
        out: list[Mention] = []
        people: list[Mention] = []
        for m in mentions:
            if m.type == "speaker":
                name = fullest(m.canonical)
                leader = leader_country(name)
                person = name in known or leader is not None
                m = replace(m, canonical=name, country=countries.get(name) or leader, type="person" if person else "organisation")
            elif m.type in ("person", "single"):
                name = fullest(m.canonical)
                if m.type == "single" and name not in known and leader_country(name) is None:
                    continue  # a lone capitalised word that names nobody we know
                country = countries.get(name) or countries.get(m.canonical) or leader_country(name)
                organisation = organisation_of(name) if country is None else None
                if organisation is not None:
                    m = replace(m, canonical=organisation.canonical, country=organisation.country, type="organisation")
                else:
                    m = replace(m, canonical=name, country=country, type="person")
            elif m.type in ("pronoun", "group-pronoun"):
                word = m.canonical.lower()
                if word in ("he", "she"):
                    # a person named before it in the sentence (see _sayer), else the previous sentence's subject
                    if people:
                        antecedent = _sayer(text, people, m.start)
                    elif _SPOKESPERSON.search(text, sentence_start, m.start):  # "A Commission spokesman said ... , he said"
                        antecedent = _group_sayer(text, out, m.start) or previous_subject or last_person
                    else:
                        antecedent = previous_subject or last_person
                elif m.type == "group-pronoun":
                    antecedent = description_antecedent(word, earlier, out, text[m.end : sentence_end]) or last_group
                elif word in ("it", "they") and previous_sayer is not None and not re.search(r"\w", text[sentence_start : m.start]):
                    antecedent = previous_sayer  # "The ministry said ... . It warned ...": who spoke last goes on
                else:
                    antecedent = last_group if word in ("it", "they") else last_person
                if antecedent is None:
                    continue
                m = replace(m, canonical=antecedent.canonical, country=antecedent.country, type="pronoun")
                if word in ("he", "she"):
                    people.append(m)
            out.append(m)
            if m.type != "pronoun":
                earlier.append(m)
            if m.type == "person":
                last_person = m
                people.append(m)
            elif m.type in ("state", "organisation", "institution", "group", "company"):
                last_group = m
        previous_sayer = _group_sayer(text, out, sentence_end)
        if people:
            previous_subject = people[0]
        elif _SPOKESPERSON.search(text, sentence_start, sentence_end):
            # "A Foreign Ministry spokesman said ... . He added ...": "he" speaks for the body
            previous_subject = previous_sayer or previous_subject
        resolved.append(out)
    home = _dateline_state(text, sentences)
    owned: dict[str, Mention] = {}  # each bare body with the state it was last placed in
    for span, sentence in zip(sentences, resolved):
        for k, m in enumerate(sentence):
            if m.canonical not in _BARE_BODIES:
                continue
            if m.type == "organisation":
                sentence[k] = owned[m.canonical] = _owned_by(text, m, span, home)
            elif m.type == "pronoun" and m.canonical in owned:  # "In Beijing, a Foreign Ministry spokesman said ... . He ..."
                sentence[k] = replace(m, canonical=owned[m.canonical].canonical, country=owned[m.canonical].country)
    return _soviet_era(text, resolved) if _names_the_soviet_union(text, resolved) else resolved


# Government bodies named without their state ("the Foreign Ministry said"): see _owned_by for whose they are.
_BARE_BODIES = frozenset({
    "Foreign Ministry", "Defence Ministry", "Defense Ministry", "Ministry of Foreign Affairs", "Ministry of Defence",
    "Ministry of Defense", "Trade Ministry", "Commerce Ministry", "Ministry of Commerce", "Finance Ministry",
    "Energy Ministry", "Interior Ministry", "Defence Department", "Defense Department",
})


def _dateline_state(text: str, sentences: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> tuple[str, str] | None:
    """``(canonical, country)`` of the state of the article's dateline ("TOKYO, Oct 20 -"), if any."""
    dateline = _DATELINE.match(text, *sentences[0]) if sentences else None
    if dateline is None:
        return None
    found = [e for _, _, e in gazetteer().find(dateline.group(0), ignore_case=True) if e.type in ("state", "capital") and e.country]
    return (found[0].canonical, found[0].country) if found else None


def _owned_by(text: str, body: Mention, sentence: tuple[int, int], home: tuple[str, str] | None) -> Mention:
    """A government body named without its state ("a Foreign Ministry spokesman in Tokyo said ...") in the
    state where the sentence places it ("in Tokyo"), else the dateline's: "Japanese Foreign Ministry", JPN.
    Left as it is when neither says (the other states of a sentence are as often its counterparties)."""
    located = [
        (abs(start - body.start), entry.canonical, entry.country)
        for start, _, entry in gazetteer().find(text, *sentence)
        if entry.type in ("state", "capital") and entry.country and re.search(r"\b[Ii]n\s+$", text[max(0, start - 4) : start])
    ]
    state = min(located)[1:] if located else home
    if state is None:
        return body
    return replace(body, canonical=f"{_demonyms().get(state[0], state[0])} {body.canonical}", country=state[1])


# An unnamed person who speaks for a body: "a Foreign Ministry spokesman", "a spokeswoman for the embassy".
_SPOKESPERSON = re.compile(r"\b(?:spokesman|spokeswoman|spokesperson)\b")
_GROUP_TYPES = frozenset({"state", "capital", "organisation", "institution", "group", "company"})


def _is_group_pronoun(surface: str) -> bool:
    return surface.lower() in ("it", "they") or _GROUP_DESCRIPTION.fullmatch(surface) is not None


def _group_sayer(text: str, mentions: list[Mention], sentence_end: int) -> Mention | None:
    """The actor other than a person that speaks in a sentence: the first one right before a reporting verb
    ("The European Commission said"), else the first one of the sentence; None when it names none."""
    actors = [m for m in mentions if m.type in _GROUP_TYPES or (m.type == "pronoun" and _is_group_pronoun(m.text(text)))]
    if not actors:
        return None
    return next((m for m in actors if _before_reporting_verb(text, m.end, sentence_end)), actors[0])


def _sayer(text: str, people: list[Mention], position: int) -> Mention:
    """The person "he" at ``position`` means, among ``people`` named before it in its sentence: the first when
    they are the subject of a reporting verb ("Putin told X that he ..."), else the nearest."""
    first = people[0]
    return first if _before_reporting_verb(text, first.end, position, within=2) else people[-1]


def _names_the_soviet_union(text: str, mentions: list[list[Mention]]) -> bool:
    """The article speaks of the Soviet Union as a living state and never names Russia itself, so
    "Moscow", "the Kremlin" and "Russian" stand for the Soviet Union (Reuters, 1987)."""
    flat = [m for sentence in mentions for m in sentence]
    soviet = any(m.country == "SUN" and m.type != "person" for m in flat)
    russia_named = any(m.canonical == "Russia" and m.text(text) in ("Russia", "Russian Federation") for m in flat)
    return soviet and not russia_named and not re.search(r"\b(?:former|ex-)\s*Soviet\b", text)


def _soviet_era(text: str, mentions: list[list[Mention]]) -> list[list[Mention]]:
    return [
        [replace(m, canonical="Soviet Union" if m.canonical == "Russia" else m.canonical, country="SUN") if m.country == "RUS" else m for m in sentence]
        for sentence in mentions
    ]
