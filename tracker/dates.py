"""Date expressions in Arabic and English reports, resolved against the publication date.

A small grammar of our own (general-purpose parsers do not know the Levantine month names
"كانون الأول", "شباط", "تشرين الثاني" ...). It reads:

* absolute dates: "الـ 26 من كانون الأول / ديسمبر الجاري من العام 2018", "26 ديسمبر 2018",
  "26 كانون الأول 2018", Arabic-Indic digits, "26/12/2018", "2018-12-26", "26 December 2018",
  "December 26, 2018", "Dec. 26"; months ("شهر تشرين الثاني / نوفمبر من العام 2017",
  "December 2018") and years ("من العام 2018", "العام الجاري 2017");
* dates that need the publication date: a day and month without a year (the nearest past
  occurrence), "الجاري"/"الماضي"/"الفائت"/"المقبل" after a month, "الـ 26 من الشهر ذاته"
  (the month of the previous date in the text), weekdays ("يوم الخميس", "الخميس الفائت",
  "on Tuesday"), اليوم، أمس، أمس الأول، قبل يومين، قبل N أيام، الشهر الماضي، الأسبوع الفائت,
  "yesterday", "last month", and periods: "منذ مطلع الشهر", "خلال الأسبوع الفائت",
  "خلال الـ 24 ساعة الأخيرة" (these carry `range_start`, as do spans of days such as
  "بين 21 و26 تشرين الثاني 2017").

Overlapping expressions keep the longest ("ليل أمس الأربعاء الـ 26 من كانون الأول 2018" is
one mention, not four). "الـ 26 من الشهر ذاته" takes the month of the previous mention.

Matching runs on a folded copy of the text (`tracker.arabic.fold`: no diacritics, tatweel or
hamza variants, ASCII digits) with a map back to the original offsets, so every span points
into the text as given. Nothing here raises on bad input: an impossible date is skipped, a
weekday that contradicts the date beside it keeps the explicit date and sets `warning`.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from tracker.arabic import fold
from tracker.errors import DateWarning

__all__ = ["DateMention", "find_dates", "infer_published"]



@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression found in a text.

    Attributes
    ----------
    start, end
        Character span into the original text; ``text[start:end] == self.text``.
    text
        The expression as written.
    date
        The day it names. For a month or year it is the first day of that period; for a
        period ending now (`range_start` set) it is the last day of the period.
    precision
        ``"day"``, ``"week"``, ``"month"`` or ``"year"``.
    relative
        True when resolving it needed the publication date.
    warning
        Set when the text contradicts itself (weekday vs date, "yesterday" vs date ...);
        the explicit date wins.
    range_start
        First day of a period ("منذ مطلع الشهر", "خلال الأسبوع الفائت"), else None.
    anchor
        For "اليوم"/"أمس"/"أمس الأول"/"today"/"yesterday" written beside an explicit date:
        the number of days between that date and the day of writing (0, 1, 2), else None.
    """

    start: int
    end: int
    text: str
    date: dt.date
    precision: str
    relative: bool
    warning: str | None = None
    range_start: dt.date | None = None
    anchor: int | None = None


# ----------------------------------------------------------------------------- folding

_DROP_MARKS = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
)


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    cps = [*range(0x0600, 0x0700), *range(0x200B, 0x2010), *range(0x202A, 0x202F),
           *range(0x2066, 0x206A), 0xFEFF]
    for cp in cps:
        ch = chr(cp)
        f = fold(ch)
        if f != ch:
            table[cp] = f[:1] if f else None
    return table


_TABLE = _build_table()
_DELETED = frozenset(chr(cp) for cp, v in _TABLE.items() if v is None)
#: Dropped characters that still belong to the word before them (harakat, tatweel, hamza).
_TRAILING = _DROP_MARKS | {"\u0621"}


_DELETED_RE = re.compile("[" + "".join(sorted(_DELETED)) + "]")


def _fold_with_map(text: str) -> tuple[str, Callable[[int], int]]:
    """The folded text and a function from its offsets to offsets in `text`."""
    folded = text.translate(_TABLE)
    # Offset in the folded text at which each deleted character stood.
    gaps = [m.start() - n for n, m in enumerate(_DELETED_RE.finditer(text))]

    def to_original(j: int) -> int:
        return j + bisect.bisect_right(gaps, j)

    return folded, to_original


def _f(pattern: str) -> str:
    """Fold the Arabic letters of a regex pattern so it matches folded text."""
    return fold(pattern)


# ----------------------------------------------------------------------------- lexicon

_AR_MONTHS: dict[str, int] = {
    "كانون الثاني": 1, "يناير": 1, "جانفي": 1,
    "شباط": 2, "فبراير": 2, "فيفري": 2,
    "آذار": 3, "مارس": 3,
    "نيسان": 4, "أبريل": 4, "إبريل": 4, "ابريل": 4, "أفريل": 4,
    "أيار": 5, "مايو": 5,
    "حزيران": 6, "يونيو": 6, "يونيه": 6, "جوان": 6,
    "تموز": 7, "يوليو": 7, "يوليه": 7, "جويلية": 7,
    "آب": 8, "أغسطس": 8, "اغسطس": 8, "أوت": 8,
    "أيلول": 9, "سبتمبر": 9,
    "تشرين الأول": 10, "أكتوبر": 10,
    "تشرين الثاني": 11, "نوفمبر": 11,
    "كانون الأول": 12, "ديسمبر": 12,
}
_AR_MONTH_NUM = {fold(k): v for k, v in _AR_MONTHS.items()}
#: Month names that are also ordinary words: need a day, a year or "شهر" beside them.
_AR_AMBIGUOUS = frozenset(fold(w) for w in ("آب", "مارس", "أوت", "جوان"))

_EN_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        _EN_MONTHS[_name.lower()] = _i
        _EN_MONTHS[_name[:3].lower()] = _i
_EN_MONTHS["sept"] = 9
_EN_FULL = frozenset(n.lower() for n in calendar.month_name if n)
_EN_AMBIGUOUS = frozenset({"may", "march", "mar", "jan", "jun", "aug", "dec", "oct", "sep",
                           "nov", "feb", "apr", "jul"})

# Python weekday(): Monday = 0.
_AR_WEEKDAYS: dict[str, int] = {
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6,
}
_AR_WD_NUM = {fold(k): v for k, v in _AR_WEEKDAYS.items()}
_AR_WD_NAME = {v: k for k, v in _AR_WEEKDAYS.items()}
_EN_WD_NUM = {calendar.day_name[i].lower(): i for i in range(7)}

_AR_NUMBER_WORDS: dict[str, int] = {
    "واحد": 1, "يوم": 1, "يومين": 2, "يومان": 2, "ثلاثة": 3, "ثلاث": 3, "أربعة": 4, "أربع": 4,
    "خمسة": 5, "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7, "سبع": 7, "ثمانية": 8, "ثماني": 8,
    "تسعة": 9, "تسع": 9, "عشرة": 10, "عشر": 10,
}
_AR_NUM = {fold(k): v for k, v in _AR_NUMBER_WORDS.items()}
_EN_NUM = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])}
_EN_NUM["a"] = 1


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "كانون الأول" beats shorter names."""
    ws = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ws)


_B = r"(?<![^\W_])"  # start of a word (no letter/digit before)
_E = r"(?![^\W_])"  # end of a word
_PROC = _f(r"(?:[وفبلك]|وب|ول|فب|فل)?")  # proclitic before a word

_MN = _alt(_AR_MONTH_NUM)
_EN_MN = r"(?:" + _alt(_EN_MONTHS) + r")\.?"
_WD = _alt(_AR_WD_NUM)
_EN_WD = _alt(_EN_WD_NUM)
_CUR = _f("الجاري|الحالي")
_PAST = _f("الماضي|الفائت|المنصرم|السابق")
_NEXT = _f("المقبل|القادم")
_QUAL = f"{_CUR}|{_PAST}|{_NEXT}"
_PART = _f("ليل|ليلة|مساء|صباح|فجر|ظهر|عصر|ظهيرة|منتصف ليل|يوم")
_ANCHOR = _f(r"(?:أمس\s+الأول|أول\s+(?:من\s+)?أمس|يوم\s+أمس|بالأمس|أمس|اليوم"
             r"|الليلة\s+الماضية|ليلة\s+أمس)")
_YEAR_WORD = _f(r"(?:ال)?(?:عام|سنة)")
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_YEAR_PHRASE = (
    r"(?:\s*[،,]?\s*(?:" + _f("(?:من|في)") + r"\s+)?" + _YEAR_WORD + r"(?:\s+(?P<yq>" + _QUAL
    + r"))?\s+|\s*[،,]?\s*)" + _YEAR + _f(r"(?:\s*م(?![^\W_]))?")
)
_MONTHX = (
    r"(?P<m1>" + _MN + r")" + _E + r"(?:\s*[/\\\-–(]\s*(?P<m2>" + _MN + r")" + _E + r"\s*\)?)?"
)
_SAME = _f("ذاته|ذاتها|نفسه|نفسها|عينه")

# "21 و26", "21-26", "21 حتى الـ 26": the first day of a span of days.
_DAY0 = (r"(?:(?P<day0>\d{1,2})\s*(?:[-–]|" + _f("(?:و|الى|إلى|حتى)") + r")\s*(?:" + _f("ال")
         + r"\s*)?)?")
# Day + month (+ year), with optional anchor and weekday in front.
_AR_DAY_RE = re.compile(
    _B + _PROC
    + r"(?:(?:(?P<part>" + _PART + r")\s+)?(?P<anchor>" + _ANCHOR + r")\s+)?"
    + r"(?:(?:" + _f("يوم") + r"\s+)?(?P<wd>" + _WD + r")\s*(?:(?P<wdq>" + _PAST + r"|" + _NEXT
    + r")\s*)?[،,]?\s*)?"
    + r"(?:(?:" + _f("ال") + r"\s*)?" + _DAY0 + r"(?P<day>\d{1,2})(?!\d)\s*(?:" + _f("من")
    + r"\s+)?"
    + r"|(?P<first>" + _f("الأول|أول") + r")\s+" + _f("من") + r"\s+)"
    + r"(?:(?:" + _f("شهر") + r"\s+)?" + _MONTHX
    + r"(?:\s+(?P<q>" + _QUAL + r"))?(?:" + _YEAR_PHRASE + r")?(?:\s+(?P<q2>" + _QUAL + r"))?"
    + r"|" + _f("(?:ال)?شهر") + r"\s+(?P<rel>" + _SAME + r"|" + _QUAL + r"))" + _E
)
# Month (+ year), no day.
_AR_MONTH_RE = re.compile(
    _B + r"(?:(?P<pre>" + _f("منذ\\s+(?:مطلع|بداية|أوائل)|منذ|في|خلال|حتى|مطلع|بداية|أوائل"
                             "|أواخر|منتصف|نهاية|أواسط") + r")\s+)?"
    + r"(?P<shahr>" + _f("شهر") + r"\s+)?" + _PROC + _MONTHX
    + r"(?:\s+(?P<q>" + _QUAL + r"))?(?:" + _YEAR_PHRASE + r")?(?:\s+(?P<q2>" + _QUAL + r"))?"
    + _E
)
# Year only.
_AR_YEAR_RE = re.compile(
    _B + _PROC + r"(?:(?:" + _YEAR_WORD + r")(?:\s+(?P<yq>" + _QUAL + r"))?\s+|" + _f("في")
    + r"\s+)" + _YEAR + r"(?![\d/\-]|\.\d)" + _E
)
_AR_YEAR_REL_RE = re.compile(
    _B + r"(?:(?P<pre>" + _f("منذ\\s+(?:مطلع|بداية)") + r")\s+)?" + _PROC + _YEAR_WORD
    + r"\s+(?P<q>" + _QUAL + r")" + _E + r"(?!\s*[،,]?\s*\d)"
)
#: "اليوم التالي" (the next day), "اليوم الثالث" (the third day), "اليوم ذاته": not today.
_NOT_TODAY = _f(r"(?<=اليوم)(?!\s+(?:التالي|الموالي|السابق|الأول|الثاني|الثالث|الرابع|الخامس"
                r"|السادس|السابع|الثامن|التاسع|العاشر|الأخير|ذاته|نفسه|عينه|الذي|التي|من\s))")
_AR_ANCHOR_RE = re.compile(
    _B + _PROC + r"(?:(?P<part>" + _PART + r")\s+)?(?P<anchor>" + _ANCHOR + r")" + _E
    + r"(?:" + _NOT_TODAY + r"|(?<!اليوم))"
    + r"(?:\s+(?P<wd>" + _WD + r")" + _E + r")?"
)
_AR_WD_RE = re.compile(
    _B + _PROC + r"(?:(?P<part>" + _PART + r")\s+)?(?P<wd>" + _WD + r")" + _E
    + r"(?:\s+(?P<wdq>" + _PAST + r"|" + _NEXT + r")" + _E + r")?"
    + _f(r"(?!\s+عشر)")
)
_AR_AGO_RE = re.compile(
    _B + _f("(?:قبل|منذ)") + r"\s+(?:" + _f("(?:نحو|حوالي)") + r"\s+)?(?:(?P<n>\d{1,3})\s+"
    + _f("(?:أيام|يوما|يوم)") + r"|(?P<w>" + _alt(_AR_NUM) + r")\s+" + _f("(?:أيام|يوما)")
    + r"|(?P<w2>" + _f("يومين|يوم") + r")|(?P<unit>" + _f("أسبوعين|أسبوع|شهرين|شهر") + r"))"
    + _E
)
_AR_PERIOD_RE = re.compile(
    _B + r"(?:(?P<pre>" + _f("منذ\\s+(?:مطلع|بداية|أول)|خلال|منذ|في|طيلة|طوال") + r")\s+)?"
    + r"(?P<unit>" + _f("(?:ال)?شهر|(?:ال)?أسبوع") + r")\s+(?P<q>" + _QUAL + r")" + _E
)
_AR_START_OF_MONTH_RE = re.compile(
    _B + _f(r"منذ\s+(?:مطلع|بداية|أول)\s+(?:ال)?شهر") + _E + r"(?!\s+(?:" + _QUAL + r"|"
    + _MN + r"))"
)
_AR_HOURS_RE = re.compile(
    _B + r"(?:" + _f("(?:خلال|في)") + r"\s+)?(?:"
    + _f(r"(?:ال\s*)?(?P<h1>\d{1,3})\s+ساعة|الساعات\s+(?:ال\s*)?(?P<h2>\d{1,3})"
         r"|(?:ال\s*)?(?P<d1>\d{1,2})\s+(?:يوما|أيام)|الأيام\s+(?:ال\s*)?(?P<d2>\d{1,2})")
    + r"|" + _f("الأيام") + r"\s+(?P<w>" + _f("(?:ال)?") + r"(?:" + _alt(_AR_NUM) + r"))"
    + r")\s+" + _f("(?:الأخيرة|الماضية|الفائتة|المنصرمة|السابقة)") + _E
)
_AR_RECENT_RE = re.compile(
    _B + r"(?:" + _f("(?:خلال|في|طيلة|طوال)") + r"\s+)?(?P<u>" + _f("اليومين|الساعات|الأيام")
    + r")\s+" + _f("(?:الماضيين|الأخيرين|الفائتين|الماضية|الأخيرة|الفائتة|المنصرمة)") + _E
)

_NUMERIC_RE = re.compile(
    r"(?<![\d/.\-])(?:(?P<a>\d{1,2})(?P<s>[/.\-])(?P<b>\d{1,2})(?P=s)(?P<y1>(?:19|20)\d\d)"
    r"|(?P<y2>(?:19|20)\d\d)(?P<s2>[/\-])(?P<m>\d{1,2})(?P=s2)(?P<d>\d{1,2}))(?![\d/\-]|\.\d)"
)
_I = re.IGNORECASE
_EN_ANCHOR = r"(?:(?P<anchor>the\s+day\s+before\s+yesterday|yesterday|today)\s*,?\s*)?"
_EN_START = r"(?=[A-Za-z0-9])\b"
_EN_WD_PREFIX = r"(?:(?:on\s+)?(?P<wd>" + _EN_WD + r")\s*,?\s*)?"
_EN_DMY_RE = re.compile(
    _EN_START + _EN_ANCHOR + _EN_WD_PREFIX + r"(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"\s+(?:of\s+)?(?P<mon>" + _EN_MN + r")(?![a-z])(?:\s*,?\s*(?P<year>(?:19|20)\d\d)(?!\d))?",
    _I,
)
_EN_MDY_RE = re.compile(
    _EN_START + _EN_ANCHOR + _EN_WD_PREFIX + r"(?P<mon>" + _EN_MN + r")\s+"
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)(?:\s*,?\s*(?P<year>(?:19|20)\d\d)(?!\d))?",
    _I,
)
_EN_MY_RE = re.compile(
    _EN_START
    + r"(?:(?P<pre>since\s+(?:the\s+(?:start|beginning)\s+of\s+)?|in\s+|during\s+|early\s+"
    r"|late\s+|mid-?\s*|last\s+|this\s+|next\s+|until\s+|by\s+)?)?(?P<mon>" + _EN_MN
    + r")(?![a-z])(?:\s*,?\s*(?P<year>(?:19|20)\d\d)(?!\d))?",
    _I,
)
_EN_YEAR_RE = re.compile(
    _EN_START + r"(?:in|since|during|of|year)\s+(?P<year>(?:19|20)\d\d)(?![\d/\-])", _I
)
_EN_REL_RE = re.compile(
    _EN_START + r"(?:(?P<dbY>the\s+day\s+before\s+yesterday)"
    r"|(?P<yest>yesterday|last\s+night|overnight)|(?P<today>today|tonight"
    r"|this\s+(?:morning|afternoon|evening))"
    r"|(?P<q>last|this|next|past)\s+(?P<unit>week|month|year)"
    r"|(?P<n>\d{1,3}|" + "|".join(_EN_NUM) + r")\s+(?P<u2>days?|weeks?)\s+ago"
    r"|(?:in\s+|over\s+|during\s+)?the\s+(?:past|last)\s+(?P<h>\d{1,3})\s+hours"
    r"|since\s+the\s+(?:start|beginning)\s+of\s+the\s+(?P<since>month|year|week))(?:\b)",
    _I,
)
_EN_WD_RE = re.compile(
    _EN_START + r"(?:(?P<on>on)\s+)?(?:(?P<q>last|this|next|past)\s+)?(?P<wd>" + _EN_WD + r")"
    r"(?:\s+(?:night|morning|evening|afternoon))?\b",
    _I,
)


# ----------------------------------------------------------------------------- candidates


@dataclass(frozen=True, slots=True)
class _Cand:
    """A raw match on the folded text, before resolution."""

    start: int
    end: int
    kind: str
    groups: dict[str, str | None]


def _words(*words: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in words)


_LATIN = re.compile("[A-Za-z]")
_YEARISH = re.compile(r"(?:19|20)\d\d")
_NUMERIC_HINT = re.compile(r"\d[/.\-]\d")
_DAY_HINT = re.compile(r"\d|" + fold("أول"))
#: (kind, regex, substrings of which one must be in the folded text, or a hint regex).
_SPECS: tuple[tuple[str, re.Pattern[str], tuple[str, ...] | re.Pattern[str]], ...] = (
    ("ar_day", _AR_DAY_RE, _DAY_HINT),
    ("ar_month", _AR_MONTH_RE, tuple(_AR_MONTH_NUM)),
    ("ar_year", _AR_YEAR_RE, _YEARISH),
    ("ar_year_rel", _AR_YEAR_REL_RE, _words("عام", "سنة")),
    ("ar_anchor", _AR_ANCHOR_RE, _words("أمس", "اليوم", "الليلة")),
    ("ar_wd", _AR_WD_RE, tuple(w[2:] for w in _AR_WD_NUM)),
    ("ar_ago", _AR_AGO_RE, _words("قبل", "منذ")),
    ("ar_period", _AR_PERIOD_RE, _words("شهر", "أسبوع")),
    ("ar_som", _AR_START_OF_MONTH_RE, _words("منذ")),
    ("ar_hours", _AR_HOURS_RE, _words("ساع", "أيام", "يوما")),
    ("ar_recent", _AR_RECENT_RE, _words("اليومين", "الساعات", "الأيام")),
    ("numeric", _NUMERIC_RE, _NUMERIC_HINT),
    ("en_dmy", _EN_DMY_RE, _LATIN),
    ("en_mdy", _EN_MDY_RE, _LATIN),
    ("en_my", _EN_MY_RE, _LATIN),
    ("en_year", _EN_YEAR_RE, _LATIN),
    ("en_rel", _EN_REL_RE, _LATIN),
    ("en_wd", _EN_WD_RE, _LATIN),
)


def _cands(folded: str) -> list[_Cand]:
    out: list[_Cand] = []
    for kind, rx, hint in _SPECS:
        if isinstance(hint, re.Pattern):
            if not hint.search(folded):
                continue
        elif not any(h in folded for h in hint):
            continue  # the regex cannot match without one of these words
        for m in rx.finditer(folded):
            if m.end() > m.start():
                out.append(_Cand(m.start(), m.end(), kind, m.groupdict()))
    # Longest first, then earliest; drop overlaps.
    out.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[_Cand] = []
    taken = bytearray(len(folded) + 1)
    for c in out:
        if not any(taken[c.start:c.end]):
            kept.append(c)
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
    kept.sort(key=lambda c: c.start)
    return kept


# ----------------------------------------------------------------------------- resolution


@dataclass(frozen=True, slots=True)
class _Res:
    date: dt.date
    precision: str
    relative: bool
    warning: str | None = None
    range_start: dt.date | None = None
    anchor: int | None = None
    month: tuple[int, int] | None = None  # (year, month) this mention refers to


class _SkipError(Exception):
    """The candidate cannot be resolved (needs a publication date, impossible date)."""


def _need(published: dt.date | None) -> dt.date:
    if published is None:
        raise _SkipError
    return published


def _month_of(g: dict[str, str | None], key: str = "m1") -> int:
    name = g.get(key)
    if name is None:
        raise _SkipError
    return _AR_MONTH_NUM[re.sub(r"\s+", " ", name)]


def _qual(word: str | None) -> str | None:
    if not word:
        return None
    if re.fullmatch(_CUR, word):
        return "cur"
    if re.fullmatch(_PAST, word):
        return "past"
    return "next" if re.fullmatch(_NEXT, word) else None


def _year_for_month(month: int, qual: str | None, published: dt.date | None,
                    day: int | None = None) -> tuple[int, str | None]:
    """Year of a month named without one; raises _SkipError without a publication date."""
    p = _need(published)
    warning = None
    if qual == "cur":
        if month != p.month:
            warning = f"month {month} called current but the report is of {p:%Y-%m}"
        return p.year, warning
    if qual == "past":
        return (p.year if month < p.month else p.year - 1), None
    if qual == "next":
        return (p.year if month > p.month else p.year + 1), None
    if (month, day or 1) <= (p.month, p.day):
        return p.year, None
    return p.year - 1, None


def _last_weekday(wd: int, on: dt.date, *, strict: bool) -> dt.date:
    back = (on.weekday() - wd) % 7
    if strict and back == 0:
        back = 7
    return on - dt.timedelta(days=back)


def _next_weekday(wd: int, on: dt.date) -> dt.date:
    ahead = (wd - on.weekday()) % 7
    return on + dt.timedelta(days=ahead or 7)


def _anchor_days(word: str | None) -> int | None:
    if not word:
        return None
    w = re.sub(r"\s+", " ", word)
    if w == fold("اليوم"):
        return 0
    if w in (fold("أمس الأول"), fold("أول أمس"), fold("أول من أمس")):
        return 2
    return 1


def _wd_check(wd_num: int | None, day: dt.date, wd_text: str | None) -> str | None:
    if wd_num is None or day.weekday() == wd_num:
        return None
    name = _AR_WD_NAME[wd_num] if wd_text and not wd_text.isascii() else wd_text
    return (f"weekday {name!r} contradicts {day.isoformat()} (a "
            f"{calendar.day_name[day.weekday()]}); the explicit date is used")


def _with_anchor_check(res: _Res, anchor: int | None, published: dt.date | None) -> _Res:
    if anchor is None or published is None:
        return res
    expected = published - dt.timedelta(days=anchor)
    if expected != res.date and res.warning is None:
        warning = (f"the text puts {res.date.isoformat()} {anchor} day(s) before writing, but "
                   f"the report is dated {published.isoformat()}; the explicit date is used")
        return replace(res, warning=warning)
    return res


def _r_ar_day(g: dict[str, str | None], p: dt.date | None,
              last_month: tuple[int, int, bool] | None) -> _Res:
    day = int(g.get("day") or 1)
    relative = False
    warning = None
    rel = g.get("rel")
    if rel:  # "الـ 26 من الشهر ذاته / الجاري / الماضي"
        if re.fullmatch(_SAME, rel):
            if last_month is None:
                raise _SkipError
            year, month, relative = last_month
        else:
            q = _qual(rel)
            pub = _need(p)
            relative = True
            year, month = pub.year, pub.month
            if q == "past":
                year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            elif q == "next":
                year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    else:
        month = _month_of(g)
        if g.get("m2") and _month_of(g, "m2") != month:
            warning = f"the two month names {g['m1']!r} / {g['m2']!r} disagree; the first is used"
        if g.get("year"):
            year = int(g["year"] or 0)
        else:
            relative = True
            year, w2 = _year_for_month(month, _qual(g.get("q") or g.get("q2")), p, day)
            warning = warning or w2
    try:
        date = dt.date(year, month, day)
    except ValueError as err:
        raise _SkipError from err
    wd_num = _AR_WD_NUM.get(g["wd"] or "") if g.get("wd") else None
    warning = warning or _wd_check(wd_num, date, g.get("wd"))
    anchor = _anchor_days(g.get("anchor"))
    first = int(g.get("day0") or 0)
    range_start = date.replace(day=first) if 0 < first < day else None
    res = _Res(date, "day", relative, warning, range_start, anchor, (year, month))
    return _with_anchor_check(res, anchor, p)


def _r_ar_month(g: dict[str, str | None], p: dt.date | None) -> _Res:
    month = _month_of(g)
    name = re.sub(r"\s+", " ", g["m1"] or "")
    q = _qual(g.get("q") or g.get("q2"))
    has_context = bool(g.get("shahr") or g.get("year") or g.get("m2") or q)
    if not has_context and (name in _AR_AMBIGUOUS or not g.get("pre")):
        raise _SkipError
    warning = None
    if g.get("m2") and _month_of(g, "m2") != month:
        warning = f"the two month names {g['m1']!r} / {g['m2']!r} disagree; the first is used"
    if g.get("year"):
        year, relative = int(g["year"] or 0), False
    else:
        year, w2 = _year_for_month(month, q, p)
        relative, warning = True, warning or w2
    first = dt.date(year, month, 1)
    pre = re.sub(r"\s+", " ", g.get("pre") or "")
    if pre.startswith(fold("منذ")):
        # A period from that month up to the day of writing.
        if p is not None and p >= first:
            return _Res(p, "day", True, warning, first, None, (year, month))
        return _Res(first, "month", relative, warning, first, None, (year, month))
    return _Res(first, "month", relative, warning, None, None, (year, month))


def _r_ar_year(g: dict[str, str | None], p: dt.date | None) -> _Res:
    year = int(g["year"] or 0)
    warning = None
    if p is not None and _qual(g.get("yq")) == "cur" and year != p.year:
        warning = f"year {year} called current but the report is of {p.year}"
    return _Res(dt.date(year, 1, 1), "year", False, warning)


def _r_ar_year_rel(g: dict[str, str | None], p: dt.date | None) -> _Res:
    pub = _need(p)
    q = _qual(g.get("q"))
    year = pub.year + {"cur": 0, "past": -1, "next": 1}.get(q or "cur", 0)
    first = dt.date(year, 1, 1)
    if g.get("pre"):
        return _Res(pub, "day", True, None, first)
    return _Res(first, "year", True)


def _r_anchor(g: dict[str, str | None], p: dt.date | None, wd_map: dict[str, int]) -> _Res:
    pub = _need(p)
    n = _anchor_days(g.get("anchor")) or 0
    date = pub - dt.timedelta(days=n)
    wd = g.get("wd")
    wd_num = wd_map.get(wd.lower()) if wd else None
    return _Res(date, "day", True, _wd_check(wd_num, date, wd))


def _r_weekday(g: dict[str, str | None], p: dt.date | None, wd_map: dict[str, int]) -> _Res:
    pub = _need(p)
    wd = wd_map[(g.get("wd") or "").lower()]
    q = _qual(g.get("wdq")) if g.get("wdq") else None
    eq = (g.get("q") or "").lower()
    if q == "next" or eq == "next":
        return _Res(_next_weekday(wd, pub), "day", True)
    strict = q == "past" or eq in ("last", "past")
    return _Res(_last_weekday(wd, pub, strict=strict), "day", True)


def _r_ago(g: dict[str, str | None], p: dt.date | None) -> _Res:
    pub = _need(p)
    unit = g.get("unit")
    if unit:
        u = unit
        if u in (fold("أسبوع"), fold("أسبوعين")):
            days = 7 if u == fold("أسبوع") else 14
            return _Res(pub - dt.timedelta(days=days), "week", True)
        months = 1 if u == fold("شهر") else 2
        y, m = pub.year, pub.month - months
        while m < 1:
            y, m = y - 1, m + 12
        return _Res(dt.date(y, m, 1), "month", True)
    n = int(g.get("n") or 0) or _AR_NUM.get(g.get("w") or g.get("w2") or "", 0)
    if n <= 0:
        raise _SkipError
    return _Res(pub - dt.timedelta(days=n), "day", True)


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + by
    return idx // 12, idx % 12 + 1


def _r_period(g: dict[str, str | None], p: dt.date | None) -> _Res:
    pub = _need(p)
    unit = (g.get("unit") or "").removeprefix("ال")
    q = _qual(g.get("q"))
    pre = re.sub(r"\s+", " ", g.get("pre") or "")
    by = {"cur": 0, "past": -1, "next": 1}.get(q or "cur", 0)
    if unit == fold("شهر"):
        y, m = _shift_month(pub.year, pub.month, by)
        first = dt.date(y, m, 1)
        if pre.startswith(fold("منذ")) and by <= 0:
            return _Res(pub, "day", True, None, first)
        return _Res(first, "month", True, None, None, None, (y, m))
    # week
    if by == 0:
        if pre.startswith(fold("منذ")):
            return _Res(pub, "day", True, None, pub - dt.timedelta(days=pub.weekday()))
        return _Res(pub, "week", True, None, pub - dt.timedelta(days=6))
    if by < 0:
        return _Res(pub - dt.timedelta(days=1), "week", True, None, pub - dt.timedelta(days=7))
    return _Res(pub + dt.timedelta(days=7), "week", True, None, pub + dt.timedelta(days=1))


def _r_som(p: dt.date | None) -> _Res:
    pub = _need(p)
    return _Res(pub, "day", True, None, pub.replace(day=1))


def _r_hours(g: dict[str, str | None], p: dt.date | None) -> _Res:
    pub = _need(p)
    if g.get("h1") or g.get("h2"):
        hours = int(g.get("h1") or g.get("h2") or 0)
        days = max(1, -(-hours // 24))
    else:
        w = (g.get("w") or "").removeprefix("ال")
        days = int(g.get("d1") or g.get("d2") or 0) or _AR_NUM.get(w, 0)
    if days <= 0:
        raise _SkipError
    return _Res(pub, "day", True, None, pub - dt.timedelta(days=days))


def _r_recent(g: dict[str, str | None], p: dt.date | None) -> _Res:
    pub = _need(p)
    unit = g.get("u") or ""
    if unit == fold("الساعات"):
        return _Res(pub, "day", True, None, pub - dt.timedelta(days=1))
    if unit == fold("اليومين"):
        return _Res(pub, "day", True, None, pub - dt.timedelta(days=2))
    return _Res(pub, "week", True, None, pub - dt.timedelta(days=7))  # "الأيام الأخيرة"


def _r_numeric(g: dict[str, str | None]) -> _Res:
    if g.get("y2"):
        y, m, d = int(g["y2"] or 0), int(g["m"] or 0), int(g["d"] or 0)
    else:
        a, b, y = int(g["a"] or 0), int(g["b"] or 0), int(g["y1"] or 0)
        d, m = (b, a) if b > 12 >= a else (a, b)  # day first unless that cannot be
    try:
        return _Res(dt.date(y, m, d), "day", False)
    except ValueError as err:
        raise _SkipError from err


def _r_en_day(g: dict[str, str | None], p: dt.date | None) -> _Res:
    mon = (g.get("mon") or "").rstrip(".")
    if mon.lower() in _EN_AMBIGUOUS and not mon[:1].isupper():
        raise _SkipError  # "5 may have died", "to mar 3 ..."
    month = _EN_MONTHS[mon.lower()]
    day = int(g["day"] or 0)
    relative = False
    warning = None
    if g.get("year"):
        year = int(g["year"] or 0)
    else:
        year, warning = _year_for_month(month, None, p, day)
        relative = True
    try:
        date = dt.date(year, month, day)
    except ValueError as err:
        raise _SkipError from err
    wd = g.get("wd")
    warning = warning or _wd_check(_EN_WD_NUM.get(wd.lower()) if wd else None, date, wd)
    word = re.sub(r"\s+", " ", g.get("anchor") or "").lower()
    anchor = {"today": 0, "yesterday": 1, "the day before yesterday": 2}.get(word)
    res = _Res(date, "day", relative, warning, None, anchor, (year, month))
    return _with_anchor_check(res, anchor, p)


def _r_en_month(g: dict[str, str | None], p: dt.date | None) -> _Res:
    mon = (g.get("mon") or "").rstrip(".")
    month = _EN_MONTHS[mon.lower()]
    pre = (g.get("pre") or "").strip().lower()
    if not g.get("year"):
        if not pre or (mon.lower() in _EN_AMBIGUOUS and not mon[:1].isupper()):
            raise _SkipError
        if mon.lower() not in _EN_FULL:
            raise _SkipError  # "in Jan" alone is too thin
    q = "past" if pre.startswith("last") else "next" if pre.startswith("next") else (
        "cur" if pre.startswith("this") else None)
    if g.get("year"):
        year, relative = int(g["year"] or 0), False
    else:
        year, _ = _year_for_month(month, q, p)
        relative = True
    first = dt.date(year, month, 1)
    if pre.startswith("since"):
        if p is not None and p >= first:
            return _Res(p, "day", True, None, first, None, (year, month))
        return _Res(first, "month", relative, None, first, None, (year, month))
    return _Res(first, "month", relative, None, None, None, (year, month))


def _r_en_rel(g: dict[str, str | None], p: dt.date | None) -> _Res:
    pub = _need(p)
    if g.get("today"):
        return _Res(pub, "day", True)
    if g.get("yest"):
        return _Res(pub - dt.timedelta(days=1), "day", True)
    if g.get("dbY"):
        return _Res(pub - dt.timedelta(days=2), "day", True)
    if g.get("h"):
        days = max(1, -(-int(g["h"] or 0) // 24))
        return _Res(pub, "day", True, None, pub - dt.timedelta(days=days))
    if g.get("since"):
        unit = (g.get("since") or "").lower()
        first = (pub.replace(day=1) if unit == "month" else pub.replace(month=1, day=1)
                 if unit == "year" else pub - dt.timedelta(days=pub.weekday()))
        return _Res(pub, "day", True, None, first)
    if g.get("n"):
        raw = (g.get("n") or "").lower()
        n = int(raw) if raw.isdigit() else _EN_NUM.get(raw, 0)
        unit = (g.get("u2") or "").lower()
        if unit.startswith("week"):
            return _Res(pub - dt.timedelta(days=7 * n), "week", True)
        return _Res(pub - dt.timedelta(days=n), "day", True)
    q = (g.get("q") or "").lower()
    unit = (g.get("unit") or "").lower()
    by = {"last": -1, "past": -1, "this": 0, "next": 1}[q]
    if unit == "month":
        y, m = _shift_month(pub.year, pub.month, by)
        return _Res(dt.date(y, m, 1), "month", True, None, None, None, (y, m))
    if unit == "year":
        return _Res(dt.date(pub.year + by, 1, 1), "year", True)
    if by < 0:
        return _Res(pub - dt.timedelta(days=1), "week", True, None, pub - dt.timedelta(days=7))
    if by == 0:
        return _Res(pub, "week", True, None, pub - dt.timedelta(days=6))
    return _Res(pub + dt.timedelta(days=7), "week", True, None, pub + dt.timedelta(days=1))


def _r_en_wd(g: dict[str, str | None], p: dt.date | None, raw: str) -> _Res:
    if not (g.get("on") or g.get("q")) and not raw[:1].isupper():
        raise _SkipError
    return _r_weekday(g, p, _EN_WD_NUM)


def _resolve(c: _Cand, p: dt.date | None, last_month: tuple[int, int, bool] | None,
             raw: str) -> _Res:
    g = c.groups
    handlers: dict[str, Callable[[], _Res]] = {
        "ar_day": lambda: _r_ar_day(g, p, last_month),
        "ar_month": lambda: _r_ar_month(g, p),
        "ar_year": lambda: _r_ar_year(g, p),
        "ar_year_rel": lambda: _r_ar_year_rel(g, p),
        "ar_anchor": lambda: _r_anchor(g, p, _AR_WD_NUM),
        "ar_wd": lambda: _r_weekday(g, p, _AR_WD_NUM),
        "ar_ago": lambda: _r_ago(g, p),
        "ar_period": lambda: _r_period(g, p),
        "ar_som": lambda: _r_som(p),
        "ar_hours": lambda: _r_hours(g, p),
        "ar_recent": lambda: _r_recent(g, p),
        "numeric": lambda: _r_numeric(g),
        "en_dmy": lambda: _r_en_day(g, p),
        "en_mdy": lambda: _r_en_day(g, p),
        "en_my": lambda: _r_en_month(g, p),
        "en_year": lambda: _Res(dt.date(int(g["year"] or 0), 1, 1), "year", False),
        "en_rel": lambda: _r_en_rel(g, p),
        "en_wd": lambda: _r_en_wd(g, p, raw),
    }
    return handlers[c.kind]()


def _normalize_groups(c: _Cand) -> _Cand:
    """Collapse runs of spaces inside captured words so lookups by name work."""
    g = {k: (re.sub(r"\s+", " ", v) if isinstance(v, str) else v) for k, v in c.groups.items()}
    return replace(c, groups=g)


def find_dates(text: str, published: dt.date | None, *, warn: bool = False
               ) -> list[DateMention]:
    """Every date expression in a text, resolved against the publication date.

    Parameters
    ----------
    text
        The report text as read (diacritics, tatweel and Arabic-Indic digits allowed).
    published
        The day the report was written; without it, expressions that need it ("أمس",
        "الشهر الماضي", a day and month without a year, weekdays) are skipped and absolute
        dates are still returned.
    warn
        Also emit a `tracker.errors.DateWarning` for each mention whose `warning` is set
        (off by default: the `warning` field carries the same message).

    Returns
    -------
    list[DateMention]
        Sorted by start, non-overlapping (the longest expression wins), with spans into
        `text`. Never raises: expressions that name impossible days are skipped.

    Examples
    --------
    >>> find_dates("ليل أمس الأربعاء الـ 26 من كانون الأول 2018", None)[0].date
    datetime.date(2018, 12, 26)
    >>> find_dates("سيطرت أمس على القرية", dt.date(2018, 12, 27))[0].date
    datetime.date(2018, 12, 26)
    """
    if not isinstance(text, str) or not text:
        return []
    if isinstance(published, dt.datetime):
        published = published.date()
    elif not isinstance(published, dt.date):
        published = None
    folded, to_original = _fold_with_map(text)
    out: list[DateMention] = []
    last_month: tuple[int, int, bool] | None = None
    for cand in _cands(folded):
        c = _normalize_groups(cand)
        start = to_original(c.start)
        end = to_original(c.end - 1) + 1
        while end < len(text) and text[end] in _TRAILING:
            end += 1
        raw = text[start:end]
        try:
            res = _resolve(c, published, last_month, raw)
        except (_SkipError, ValueError, OverflowError, KeyError):
            continue
        if res.month is not None:
            last_month = (*res.month, res.relative)
        out.append(DateMention(start, end, raw, res.date, res.precision, res.relative,
                               res.warning, res.range_start, res.anchor))
        if warn and res.warning:
            warnings.warn(f"{raw!r} at {start}: {res.warning}", DateWarning, stacklevel=2)
    return out


def _latest(mentions: list[DateMention]) -> tuple[tuple[dt.date, str] | None,
                                                   tuple[dt.date, str] | None]:
    """The latest day bound (rules 1-3 of `infer_published`) and the latest month (rule 5)."""
    best: tuple[dt.date, str] | None = None
    best_month: tuple[dt.date, str] | None = None
    for m in mentions:
        folded = fold(m.text)
        future = re.search(_NEXT + r"|\bnext\b", folded, re.IGNORECASE)
        past = re.search(_PAST + r"|\blast\b", folded, re.IGNORECASE)
        if m.precision == "day":
            if m.anchor is not None:
                cand = (m.date + dt.timedelta(days=m.anchor), "day")
            elif future:
                continue
            else:
                weekday = re.search(_WD + r"|" + _EN_WD, folded, re.IGNORECASE)
                cand = (m.date, "week" if weekday and past else "day")
            if best is None or cand[0] > best[0] or (cand[0] == best[0] and cand[1] == "day"):
                best = cand
        elif m.precision == "month" and not future:
            first = m.range_start or m.date
            if past:
                y, mo = _shift_month(first.year, first.month, 1)
                first = dt.date(y, mo, 1)
            if best_month is None or first > best_month[0]:
                best_month = (first, "month")
    return best, best_month


def _refine(text: str, day: dt.date) -> dt.date:
    """Rule 4 of `infer_published`: "today, the 26th of this month" read against `day`."""
    for _ in range(3):
        later = [
            m.date + dt.timedelta(days=m.anchor)
            for m in find_dates(text, day)
            if m.relative and m.anchor is not None and (m.date.year, m.date.month) == (
                day.year, day.month)
        ]
        later = [d for d in later if day < d <= day + dt.timedelta(days=31)]
        if not later:
            break
        day = max(later)
    return day


def infer_published(text: str) -> tuple[dt.date | None, str]:
    """Infer when an undated report was written, from the dates in its own text.

    The rule:

    1. A day written with its year beside "اليوم", "أمس" or "أمس الأول" ("today",
       "yesterday") fixes the day of writing: that date + 0, 1 or 2 days.
    2. Any other day written with its year (or resolved from one, as "الـ 26 من الشهر
       ذاته") is a lower bound: a report does not describe days after it was written.
    3. The answer is the latest of (1) and (2), with precision ``"day"``; when that latest
       date is a "last Thursday, the 16th" ("الخميس الفائت الـ 16") kind of mention with no
       anchor, the report was written within the following week: precision ``"week"``.
    4. The text is then read again as if written on that day; a "today/yesterday" beside
       a day of *this* month ("حتى اليوم الـ 26 من الشهر ذاته" after "نوفمبر الجاري") that
       falls later in the same month moves the day forward (reports often repeat
       paragraphs from earlier bulletins, whose "أمس" is older than the report).
    5. Without any day: the latest month named with its year ("منذ مطلع شهر كانون الأول
       من العام 2018") -> the first day of that month (or of the next month when the text
       calls it "الماضي"/"last"), precision ``"month"``.
    6. Otherwise ``(None, "unknown")``: a year alone ("في العام 2014") says too little.

    Dates qualified as future ("المقبل", "next") are not bounds. Never raises.

    Parameters
    ----------
    text
        The report text.

    Returns
    -------
    tuple[datetime.date | None, str]
        The inferred day and its precision (``"day"``, ``"week"``, ``"month"``) or
        ``(None, "unknown")``.

    Examples
    --------
    >>> infer_published("قال المرصد ليل أمس الأربعاء الـ 26 من كانون الأول / ديسمبر 2018")
    (datetime.date(2018, 12, 27), 'day')
    """
    if not isinstance(text, str):
        return None, "unknown"
    best, best_month = _latest(find_dates(text, None))
    if best is not None:
        if best[1] == "day":
            return _refine(text, best[0]), "day"
        return best
    if best_month is not None:
        return best_month
    return None, "unknown"
