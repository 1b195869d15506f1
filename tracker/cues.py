"""Text-context cues (pure): river banks, admin-unit phrases and unit words in a text.

What a report says around its place names that tells same-named places apart:

- `bank_cues` / `bank_cue`: "شرق الفرات", "الضفة الشرقية لنهر الخابور", "غرب العاصي",
  "west bank of the Orontes", "east of the Euphrates", "the eastern bank" -- for any river
  of the river table (`tracker.banks.load_rivers`, ``tracker/data/rivers.csv``), with the
  river (None when the text names none: "the east bank") and the bank
  (east/west/north/south);
- `admin_phrases`: the names after an admin word ("ريف دير الزور الشرقي", "محافظة حماة",
  "ناحية الباب", "eastern Deir ez-Zor", "Hama province", "the countryside of Abu Kamal"),
  with the admin levels each may name; `admin_cues` maps them to P-codes with a gazetteer;
- `unit_phrase`: a query that names an admin unit rather than the town it seats
  ("منطقة عفرين" -> the district, "ناحية الباب", "Afrin district").

The extractor and the gazetteer share these, so a cue is read the same way everywhere.
Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tracker.arabic import normalize, proclitic_variants
from tracker.banks import load_rivers

__all__ = [
    "AR_CUE_KINDS",
    "EN_CUE_KINDS",
    "UNIT_WORDS_AR",
    "UNIT_WORDS_EN",
    "AdminPhrase",
    "BankCue",
    "admin_cues",
    "admin_phrases",
    "bank_cue",
    "bank_cues",
    "unit_phrase",
]

#: Admin levels an Arabic cue may name; English cues name governorates and districts, and
#: sub-districts only with the word "sub-district".
AR_CUE_KINDS: frozenset[str] = frozenset({"governorate", "district", "subdistrict"})
EN_CUE_KINDS: frozenset[str] = frozenset({"governorate", "district"})

#: A word before a name that makes it the admin unit, not the town it seats, with the
#: levels it may mean, in order of preference (منطقة = a district, ناحية = a sub-district).
UNIT_WORDS_AR: dict[str, tuple[str, ...]] = {
    normalize(w): kinds for w, kinds in (
        ("محافظة", ("governorate",)),
        ("منطقة", ("district", "subdistrict")),
        ("قضاء", ("district",)),
        ("ناحية", ("subdistrict",)),
        ("ريف", ("governorate", "district", "subdistrict")),
    )
}
#: The same in English, after the name ("Afrin district") or before "of" ("district of").
UNIT_WORDS_EN: dict[str, tuple[str, ...]] = {
    "governorate": ("governorate",), "province": ("governorate",),
    "district": ("district", "subdistrict"), "region": ("district", "subdistrict"),
    "area": ("district", "subdistrict"), "sub-district": ("subdistrict",),
    "subdistrict": ("subdistrict",), "nahiya": ("subdistrict",),
    "countryside": ("governorate", "district", "subdistrict"),
}


@dataclass(frozen=True, slots=True)
class BankCue:
    """A river-bank phrase: ``river`` (an id of the river table, None when the text names
    no river) and ``bank`` (east/west/north/south), at ``text[start:end]``."""

    river: str | None
    bank: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AdminPhrase:
    """The words after (or before) an admin word: ``name`` may name a unit of ``kinds``."""

    name: str
    kinds: frozenset[str]
    start: int
    end: int


# ------------------------------------------------------------------------ river banks

_AR_SIDE = {"شرق": "east", "غرب": "west", "شمال": "north", "جنوب": "south"}
_AR_SIDE_ADJ = {"الشرقيه": "east", "الغربيه": "west", "الشماليه": "north", "الجنوبيه": "south"}
_EN_SIDE = {"east": "east", "west": "west", "north": "north", "south": "south"}


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True) if n)


@lru_cache(maxsize=4)
def _bank_patterns(table_key: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str],
                                                         dict[str, str], dict[str, str]]:
    """The Arabic (on normalised text) and English bank patterns for the river table."""
    rivers = load_rivers()
    ar_names: dict[str, str] = {}
    en_names: dict[str, str] = {}
    for r in rivers.values():
        if not r.has_banks:
            continue
        for n in r.all_names:
            if re.search(r"[\u0600-\u06ff]", n):
                norm = normalize(n)
                norm = re.sub(r"^نهر\s+", "", norm)
                ar_names[norm] = r.river_id
            else:
                en_names[n.lower()] = r.river_id
    ar_river = _alternation(list(ar_names))
    en_river = _alternation(list(en_names))
    side = "|".join(_AR_SIDE)
    adj = "|".join(_AR_SIDE_ADJ)
    # every match begins with و/ب, a side word, ال or ضفه/ضفاف (the look-ahead only spares
    # the alternatives at the letters that begin none of them)
    firsts = "".join(sorted({"و", "ب", "ا", "ض", *(w[0] for w in _AR_SIDE)}))
    ar = re.compile(
        rf"(?=[{firsts}])(?:"
        # شرق الفرات، غربي نهر العاصي، بشرق الخابور
        rf"(?:^|(?<=[\s،,.(]))[وب]?(?P<side>{side})(?:ي|يّ)?\s+(?:ل?نهر\s+)?(?P<r1>{ar_river})(?!\S)"
        # الضفة الشرقية لنهر الخابور، الضفاف الغربية للفرات، ضفة الفرات الشرقية
        rf"|(?:ال)?(?:ضفه|ضفاف)\s+(?:(?:ل?نهر\s+)?(?P<r2>{ar_river})\s+)?(?P<adj>{adj})"
        rf"(?:\s+(?:ل|لل|من\s+)?(?:نهر\s+)?(?P<r3>{ar_river})(?!\S))?"
        # الجزيرة السورية: the Euphrates' east bank
        r"|(?P<jazira>الجزيره السوريه))"
    )
    en = re.compile(
        r"(?i)\b(?P<side>east|west|north|south)(?:ern)?\s+"
        r"(?:(?:of|bank\s+of|banks\s+of|side\s+of)\s+the\s+"
        rf"(?P<r1>{en_river})(?:\s+river)?\b|banks?\b(?:\s+of\s+the\s+"
        rf"(?P<r2>{en_river})(?:\s+river)?\b)?)"
        rf"|\b(?:the\s+)?(?P<r3>{en_river})(?:\s+river)?(?:'s|\u2019s)\s+"
        r"(?P<side2>east|west|north|south)(?:ern)?\s+banks?\b"
    )
    return ar, en, ar_names, en_names


def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str], dict[str, str]]:
    return _bank_patterns(tuple(sorted(load_rivers())))


def bank_cues(text: str) -> list[BankCue]:
    """Every river-bank phrase of `text`, in order (see the module docstring).

    Arabic is matched on the normalised text, so the offsets of Arabic cues are those of
    `tracker.arabic.normalize(text)` (equal to the text's when it has no diacritics or
    tatweel); English offsets are the text's own. Never raises.
    """
    if not isinstance(text, str) or not text:
        return []
    ar, en, ar_names, en_names = _patterns()
    out: list[BankCue] = []
    for m in ar.finditer(normalize(text)):
        if m.group("jazira"):
            out.append(BankCue("euphrates", "east", m.start(), m.end()))
            continue
        side = _AR_SIDE.get(m.group("side") or "") or _AR_SIDE_ADJ.get(m.group("adj") or "")
        name = m.group("r1") or m.group("r2") or m.group("r3")
        if side:
            out.append(BankCue(ar_names.get(name) if name else None, side, m.start(), m.end()))
    for m in (en.finditer(text) if _ANY_LATIN.search(text) else ()):
        side = (m.group("side") or m.group("side2") or "").lower()
        name = (m.group("r1") or m.group("r2") or m.group("r3") or "").lower()
        if side:
            out.append(BankCue(en_names.get(name) if name else None, _EN_SIDE[side],
                               m.start(), m.end()))
    return out


#: A letter that matches a Latin one without regard to case (as the English patterns read
#: them): a text without one has no English cue.
_ANY_LATIN = re.compile("(?i)[a-z]")


def bank_cue(text: str) -> tuple[str | None, str] | None:
    """The river bank a text is about: ``(river, bank)`` or None.

    The bank named most often wins, on the river named most often (cues that name no
    river count for the named one); a tie between two banks is no cue. ``(None, bank)``
    when the text names a bank but no river ("the east bank").
    """
    cues = bank_cues(text)
    if not cues:
        return None
    rivers = Counter(c.river for c in cues if c.river)
    river = rivers.most_common(1)[0][0] if rivers else None
    sides = Counter(c.bank for c in cues if c.river in (river, None))
    ranked = sides.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return river, ranked[0][0]


# ------------------------------------------------------------------------ admin units

_AR_ADMIN_CUE = re.compile(
    r"(?=[ارمنب])(?:\b|(?<=[وبل]))(?:ال)?(?:ريف|محافظه|ناحيه|مدينه|منطقه|باديه)\s+"
    r"(?:محافظه\s+)?(?P<name>\S+(?:\s+\S+){0,2})"
)
#: An English admin name: capitalised words, or Latin articles joined by a hyphen/space
#: ("Deir ez-Zor", "Abu Kamal", "al-Bukamal"); never across a line break or punctuation.
_EN_ART = r"(?:al|el|as|ash|ad|ar|az|at|an|ez|es|ed|er|et)"
_EN_WORD = r"(?:[A-Z][\w'\u2019]*|" + _EN_ART + r"(?=[ \t]*-?[ \t]*[A-Z]))"
_EN_NAME = (r"(?:" + _EN_ART + r"-)?[A-Z][\w'\u2019]*"
            r"(?:(?:[ \t]*-[ \t]*|[ \t]+)" + _EN_WORD + r"){0,2}")
_EN_ADMIN_CUE = re.compile(
    # a match begins with a letter (a capital, an article, or a direction or admin word)
    r"(?=[A-Za-z\u017f])(?:"
    r"(?i:\b(?:north|south|east|west)(?:ern)?(?:[- ]?(?:east|west)(?:ern)?)?[ \t]+)"
    r"(?P<a>" + _EN_NAME + ")"
    r"|(?i:\b(?:countryside|province|governorate|outskirts|(?P<sub>sub-?district))"
    r"[ \t]+of[ \t]+)(?:the[ \t]+)?"
    r"(?P<b>" + _EN_NAME + ")"
    r"|(?P<c>" + _EN_NAME + r")(?i:[ \t]+(?:province|governorate|countryside"
    r"|(?P<sub2>sub-?district)))\b)"
)


def admin_phrases(text: str) -> list[AdminPhrase]:
    """The names after (or before) an admin word in `text`, with the levels they may name.

    Arabic: a feature word (ريف، محافظة، ناحية، مدينة، منطقة، بادية) then up to three words
    (offsets in the normalised text). English: "eastern/northern ... X", "X province /
    governorate / countryside", "(the) countryside / province / governorate / outskirts of
    X" (governorates and districts), "X sub-district" / "sub-district of X" (sub-districts);
    never across a line break or a comma. Never raises.
    """
    if not isinstance(text, str) or not text:
        return []
    out = [AdminPhrase(m.group("name"), AR_CUE_KINDS, m.start("name"), m.end("name"))
           for m in _AR_ADMIN_CUE.finditer(normalize(text))]
    for m in (_EN_ADMIN_CUE.finditer(text) if _ANY_LATIN.search(text) else ()):
        group = "a" if m.group("a") else "b" if m.group("b") else "c"
        kinds = AR_CUE_KINDS if m.group("sub") or m.group("sub2") else EN_CUE_KINDS
        out.append(AdminPhrase(m.group(group), kinds, m.start(group), m.end(group)))
    return out


def admin_cues(text: str, gazetteer: Any) -> tuple[str, ...]:
    """P-codes of the admin units `text` names in an admin phrase, first-named first.

    `gazetteer` is a `tracker.gazetteer.Gazetteer` (its `find_admin` decides what a
    phrase names). Unlike `Gazetteer.context_from_text`, no cue is dropped for pointing
    away from the text's villages. Never raises.
    """
    return tuple(dict.fromkeys(code for ph in admin_phrases(text)
                               for code in gazetteer.admin_codes_in(ph)))


def unit_phrase(name: str) -> tuple[tuple[str, ...], str] | None:
    """``(levels, the unit's name)`` when `name` names an admin unit by a unit word
    ("منطقة عفرين" -> (("district", "subdistrict"), "عفرين"), "Afrin district",
    "district of Afrin"); None otherwise. Arabic names come back normalised."""
    if not isinstance(name, str) or not name.strip():
        return None
    q = normalize(name)
    if re.search(r"[\u0600-\u06ff]", q):
        words = q.split()
        if len(words) > 1:
            for variant, _n in proclitic_variants(words[0]):
                if variant in UNIT_WORDS_AR:
                    return UNIT_WORDS_AR[variant], " ".join(words[1:])
        return None
    words = [w for w in re.split(r"[\s,]+", name.strip().lower()) if w]
    if len(words) > 1 and words[-1] in UNIT_WORDS_EN:
        kinds, rest = UNIT_WORDS_EN[words[-1]], words[:-1]
    elif len(words) > 2 and words[0] in UNIT_WORDS_EN and words[1] == "of":
        kinds, rest = UNIT_WORDS_EN[words[0]], words[2:]
    else:
        return None
    rest = [w for w in rest if w not in ("the", "sub")]
    return (kinds, " ".join(rest)) if rest else None
