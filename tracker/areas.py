"""Statements of the size of an area in reports ("a pocket of about 4 km²").

Reports often give the size of what an actor still holds: "تقلصت مساحة الأراضي التي يسيطر
عليها التنظيم إلى نحو عشرة كيلومترات مربعة", "محاصرين في مساحة تبلغ حوالي كيلومتر واحد
مربع", "700 متر طولاً و700 متر عرضاً", "X دونم", "about four square kilometres", "six square
miles", "less than half a square kilometre". `find_area_statements` finds them and converts
them to km².

Numbers are digits (ASCII or Arabic-Indic, "1,500", "2.5") or number words (Arabic واحد ...
عشرة، خمسة عشر، عشرين، خمسة وعشرين، مئة، ألف، نصف; English one ... twenty, thirty ... ninety,
hundred, half, "a"). A unit must say *square* (مربع / square / km² / دونم / هكتار), so a
distance ("على بعد 5 كيلومترات") or a count ("3000 شخص") is never an area. A bare singular
unit ("أصبحت كيلومتر مربع") is one unit, except after "كل"/"per"/"each" (a density).

Matching runs on the folded text of `tracker.dates` (no diacritics or hamza variants, ASCII
digits) with a map back to the original offsets. Nothing here raises on any text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tracker.dates import _fold_with_map, find_dates

__all__ = ["UNIT_KM2", "AreaStatement", "find_area_statements"]


@dataclass(frozen=True, slots=True)
class AreaStatement:
    """One statement of an area in a text.

    Attributes
    ----------
    start, end
        Character span into the original text; ``text[start:end] == self.text``.
    text
        The statement as written (qualifier, number and unit).
    km2
        The area in square kilometres.
    approx
        True when qualified ("نحو", "حوالي", "about", "less than" ...).
    date, date_precision
        A date expression of the same sentence (the nearest one), else the publication
        date with precision ``"day"``; None and ``"unknown"`` when there is neither.
    sentence
        The sentence the statement stands in.
    actor
        The actor named in the sentence (the nearest mention, before the figure first),
        when a lexicon was given and finds one; else None.
    """

    start: int
    end: int
    text: str
    km2: float
    approx: bool
    date: dt.date | None
    date_precision: str
    sentence: str
    actor: str | None


#: km² per unit.
UNIT_KM2 = {"km2": 1.0, "m2": 1e-6, "dunum": 1e-3, "hectare": 1e-2, "mi2": 2.589988}

# ----------------------------------------------------------------------------- numbers
# Arabic words are written folded (ة→ه, ى→ي, أ/إ/آ→ا), as `_fold_with_map` leaves them.

_AR_ONES = {
    "واحد": 1, "واحده": 1, "اثنين": 2, "اثنان": 2, "اثنتين": 2, "اثنتان": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9,
}
_AR_TEN = {"عشر": 10, "عشره": 10}
_AR_TEENS_HEAD = {"احد": 11, "احدي": 11, "اثني": 12, "اثنا": 12, "اثنتي": 12, "اثنتا": 12}
_AR_TENS = {
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "اربعين": 40, "اربعون": 40,
    "خمسين": 50, "خمسون": 50, "ستين": 60, "ستون": 60, "سبعين": 70, "سبعون": 70,
    "ثمانين": 80, "ثمانون": 80, "تسعين": 90, "تسعون": 90,
}
_AR_BIG = {"مئه": 100, "مائه": 100, "مئتي": 200, "مئتين": 200, "مئتان": 200, "الف": 1000,
           "الفين": 2000, "الفا": 1000}
_AR_FRACTION = {"نصف": 0.5, "ربع": 0.25}

_EN_ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
            "seventy": 70, "eighty": 80, "ninety": 90}
_EN_FRACTION = {"half": 0.5, "a half": 0.5, "half a": 0.5, "a quarter": 0.25,
                "quarter": 0.25, "quarter of a": 0.25, "a quarter of a": 0.25}


def _alt(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_B = r"(?<![\w])"  # word start
_E = r"(?![\w])"  # word end
_DIGITS = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,٫]\d+)?"
_MULT = r"(?:\s*(?P<mult>الف|الاف|thousand|million|مليون))?"
_AR_WORD_NUM = (
    rf"(?:(?:{_alt(_AR_ONES)})\s+و\s*(?:{_alt(_AR_TENS)})"  # خمسه وعشرين
    rf"|(?:{_alt(_AR_ONES)}|{_alt(_AR_TEENS_HEAD)})\s+(?:{_alt(_AR_TEN)})"  # خمسه عشر
    rf"|{_alt(_AR_TENS)}|{_alt(_AR_BIG)}|{_alt(_AR_TEN)}|{_alt(_AR_ONES)}"
    rf"|{_alt(_AR_FRACTION)})"
)
_EN_WORD_NUM = (
    rf"(?:(?:{_alt(_EN_TENS)})[- ](?:{_alt(_EN_ONES)})|{_alt(_EN_TENS)}|{_alt(_EN_ONES)}"
    rf"|(?:a|one)\s+hundred|{_alt(_EN_FRACTION)}|an|a)"
)
_HALF = r"(?:\s*(?P<half>ونصف|و\s*نصف|and\s+a\s+half))?"
_NUMBER = rf"(?P<num>{_DIGITS}|{_AR_WORD_NUM}|{_EN_WORD_NUM}){_E}{_MULT}{_HALF}"

_QUAL = (r"(?P<qual>(?:[وفبل](?=نحو|حوالي|حوالى|قرابه|زهاء|ما\s))?"
         r"(?:نحو|حوالي|حوالى|قرابه|زهاء|ما\s+يقارب|ما\s+يقرب\s+من|اقل\s+من|اكثر\s+من"
         r"|لا\s+تتجاوز|لا\s+يتجاوز|ما\s+لا\s+يزيد\s+عن|اكثر\s+بقليل\s+من"
         r"|about|around|approximately|roughly|some|nearly|almost|less\s+than|more\s+than"
         r"|under|over|just\s+over|just\s+under|barely|no\s+more\s+than|fewer\s+than"
         r"|an\s+estimated|up\s+to))\s+")

# Units after a number (singular, plural, accusative; "كيلو متر" in two words).
_KM = r"كيلو\s?(?:مترات|مترا|متر)"
_M = r"(?:امتار|مترات|مترا|متر)"
_SQ_AR = r"(?:مربعه|مربعا|مربع)"
_UNITS = (
    rf"(?P<km2>{_KM}(?:\s+(?:واحد))?\s+{_SQ_AR}|كم\s*(?:2|²|{_SQ_AR})"
    rf"|square\s+kilomet(?:re|er)s?|sq\.?\s*km|km2|km²|square\s+km)"
    rf"|(?P<m2>{_M}\s+{_SQ_AR}|م\s*(?:2|²)|square\s+met(?:re|er)s?|sq\.?\s*m|m2|m²)"
    rf"|(?P<dunum>دونمات|دونما|دونم|dunums?|donums?|dunams?|dönüms?)"
    rf"|(?P<hectare>هكتارات|هكتارا|هكتار|hectares?|ha)"
    rf"|(?P<mi2>ميل\s+مربع|اميال\s+مربعه|square\s+miles?|sq\.?\s*mi)"
)
_AMOUNT = re.compile(
    rf"{_B}(?:{_QUAL})?{_NUMBER}\s*(?:of\s+an?\s+|of\s+)?(?:{_UNITS}){_E}"
    r"(?P<tail>\s+تقريبا)?",
    re.IGNORECASE,
)
# A unit with its number inside or implied: "كيلومتر واحد مربع", "كيلومترين مربعين",
# "كيلومتر مربع" (one), "a square kilometre".
_BARE = re.compile(
    rf"{_B}(?:{_QUAL})?(?:(?P<dual>كيلو\s?مترين\s+مربعين)|(?P<one>{_KM}\s+واحد\s+{_SQ_AR})"
    rf"|(?P<bare>كيلو\s?متر\s+{_SQ_AR}))(?P<tail>\s+تقريبا)?{_E}",
    re.IGNORECASE,
)
# "700 متر طولا و700 متر عرضا", "700 metres long and 500 metres wide", "2 by 3 km".
_LXW = re.compile(
    rf"{_B}(?:{_QUAL})?(?:(?P<a>{_DIGITS})\s*(?P<u1>{_M}|كيلو\s?مترات|كيلو\s?مترا|كيلو\s?متر|كم"
    rf"|met(?:re|er)s?|m|kilomet(?:re|er)s?|km)\s*(?:طولا|طول|long|in\s+length)\s*"
    rf"(?:،|,)?\s*(?:و|and|by|x|×)\s*(?P<b>{_DIGITS})\s*(?P<u2>{_M}|كيلو\s?مترات|كيلو\s?مترا"
    rf"|كيلو\s?متر|كم|met(?:re|er)s?|m|kilomet(?:re|er)s?|km)\s*(?:عرضا|عرض|wide|in\s+width)"
    rf"|(?P<c>{_DIGITS})\s*(?:by|x|×)\s*(?P<d>{_DIGITS})\s*"
    rf"(?P<u3>met(?:re|er)s|m|kilomet(?:re|er)s|km|{_M}|كيلو\s?مترات|كيلو\s?متر|كم)){_E}",
    re.IGNORECASE,
)
#: Words before a bare unit that make it a density or a rate, not an area.
_PER = re.compile(r"(?:كل|لكل|في\s+ال|per|each|every|a|the)\s*$", re.IGNORECASE)


def _digits(s: str) -> float | None:
    s = s.replace("٫", ".")
    thousands = re.fullmatch(r"\d+(?:,\d{3})+(?:\.\d+)?", s)
    s = s.replace(",", "") if thousands else s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _word_value(w: str) -> float | None:
    w = re.sub(r"\s+", " ", w.strip().lower())
    if w[:1].isdigit():
        return _digits(w)
    for table in (_AR_ONES, _AR_TENS, _AR_BIG, _AR_TEN, _AR_FRACTION, _EN_ONES, _EN_TENS,
                  _EN_FRACTION):
        if w in table:
            return float(table[w])
    if w in ("a", "an"):
        return 1.0
    if w.endswith("hundred"):
        return 100.0
    parts = w.replace("-", " ").split(" ")
    if len(parts) == 2 and parts[1] in _AR_TEN:  # خمسه عشر, احدي عشر
        head = _AR_ONES.get(parts[0]) or _AR_TEENS_HEAD.get(parts[0])
        if head is None:
            return None
        return float(head if head > 10 else head + 10)
    if len(parts) == 2 and parts[0] in _EN_TENS and parts[1] in _EN_ONES:
        return float(_EN_TENS[parts[0]] + _EN_ONES[parts[1]])
    m = re.fullmatch(r"(\S+) و ?(\S+)", w)
    if m and m.group(1) in _AR_ONES and m.group(2) in _AR_TENS:
        return float(_AR_ONES[m.group(1)] + _AR_TENS[m.group(2)])
    return None


def _unit(m: re.Match[str]) -> str:
    return next(u for u in UNIT_KM2 if m.group(u))


def _length_km(unit: str) -> float:
    u = unit.lower()
    return 1.0 if u.startswith(("كيلو", "كم", "kilo", "km")) else 0.001


def _amounts(folded: str) -> list[tuple[int, int, float, bool]]:
    """``(start, end, km2, approx)`` in the folded text; longest first on overlaps."""
    found: list[tuple[int, int, float, bool]] = []
    for m in _LXW.finditer(folded):
        if m.group("a"):
            a, b = _digits(m.group("a")), _digits(m.group("b"))
            ka, kb = _length_km(m.group("u1")), _length_km(m.group("u2"))
        else:
            a, b = _digits(m.group("c")), _digits(m.group("d"))
            ka = kb = _length_km(m.group("u3"))
        if a is not None and b is not None:
            found.append((m.start(), m.end(), a * ka * b * kb, bool(m.group("qual"))))
    for m in _AMOUNT.finditer(folded):
        value = _word_value(m.group("num"))
        if value is None:
            continue
        mult = (m.group("mult") or "").lower()
        value *= 1e6 if mult in ("million", "مليون") else 1e3 if mult else 1
        if m.group("half"):
            value += 0.5
        found.append((m.start(), m.end(), value * UNIT_KM2[_unit(m)],
                      bool(m.group("qual") or m.group("tail"))))
    for m in _BARE.finditer(folded):
        if m.group("bare") and not m.group("qual") and _PER.search(folded[:m.start()]):
            continue
        value = 2.0 if m.group("dual") else 1.0
        found.append((m.start(), m.end(), value, bool(m.group("qual") or m.group("tail"))))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[tuple[int, int, float, bool]] = []
    for item in found:
        if out and item[0] < out[-1][1]:
            continue
        out.append(item)
    return out


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence around `pos`: between ``. ! ? ؟ ؛ ;`` or newlines."""
    ends = ".!?؟؛;\n"
    s = pos
    while s > 0 and not (text[s - 1] in ends and (text[s - 1] != "." or _stop(text, s - 1))):
        s -= 1
    e = pos
    while e < len(text) and not (text[e] in ends and (text[e] != "." or _stop(text, e))):
        e += 1
    return s, e


def _stop(text: str, i: int) -> bool:
    """A full stop ends a sentence unless it sits inside a number ("2.5")."""
    before = text[i - 1:i]
    after = text[i + 1:i + 2]
    return not (before.isdigit() and after.isdigit())


def _actors(text: str, lexicon: Any) -> list[tuple[int, int, str]]:
    if lexicon is None:
        return []
    return [(m.start, m.end, m.actor) for m in lexicon.find(text)]


def _nearest(items: list[Any], lo: int, hi: int, at: int, start: Any, end: Any) -> Any:
    """The item inside [lo, hi) nearest to `at`, preferring those before it."""
    inside = [x for x in items if start(x) >= lo and end(x) <= hi]
    before = [x for x in inside if end(x) <= at]
    if before:
        return max(before, key=end)
    after = [x for x in inside if start(x) >= at]
    return min(after, key=start) if after else None


def find_area_statements(
    text: str, *, published: dt.date | None, lexicon: Any | None = None
) -> list[AreaStatement]:
    """Every statement of an area in a text, in km², dated and with its actor.

    Parameters
    ----------
    text
        A report text (Arabic or English; diacritics and Arabic-Indic digits allowed).
    published
        The day the report was written: resolves relative dates and dates the
        statements whose sentence has no date.
    lexicon
        An `tracker.actors.ActorLexicon` (anything with ``find(text)`` returning mentions
        with ``start``, ``end``, ``actor``); None leaves `actor` unset.

    Returns
    -------
    list[AreaStatement]
        In text order. Never raises: a text that is not a string gives ``[]``.
    """
    if not isinstance(text, str) or not text:
        return []
    folded, to_orig = _fold_with_map(text)
    amounts = _amounts(folded)
    if not amounts:
        return []
    # a weekday nothing dates ("اليوم الأحد" in an undated text) dates no area
    dates = [d for d in find_dates(text, published) if d.date is not None]
    actors = _actors(text, lexicon)
    out = []
    for fs, fe, km2, approx in amounts:
        s, e = to_orig(fs), to_orig(fe)
        while e < len(text) and not text[e - 1:e].isspace() and _is_mark(text[e:e + 1]):
            e += 1  # keep a trailing diacritic with its word
        ss, se = _sentence_bounds(text, s)
        d = _nearest(dates, ss, se, s, lambda x: x.start, lambda x: x.end)
        if d is not None:
            day, prec = d.date, d.precision
        elif published is not None:
            day, prec = published, "day"
        else:
            day, prec = None, "unknown"
        a = _nearest(actors, ss, se, s, lambda x: x[0], lambda x: x[1])
        out.append(AreaStatement(s, e, text[s:e], km2, approx, day, prec,
                                 text[ss:se].strip(), a[2] if a else None))
    return out


def _is_mark(ch: str) -> bool:
    return bool(ch) and ("\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640")
