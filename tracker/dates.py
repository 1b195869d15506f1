"""Date expressions in Arabic and English reports, resolved against the publication date.

A small grammar of our own (general-purpose parsers do not know the Levantine month names
"كانون الأول", "شباط", "تشرين الثاني" ...). The words it reads are data, not code:
``tracker/data/dates_ar.csv`` and ``tracker/data/dates_en.csv`` list the month names (Levantine,
Iraqi, Gregorian, Egyptian, Maghreb and Moroccan sets), weekday names, number and ordinal
words, day-part words ("مساء", "fajr", "morning"), the qualifiers ("الجاري", "الماضي",
"next") and the anchors ("اليوم", "أمس", "yesterday"); users add rows in their own files
named by ``$TRACKER_DATES`` or passed to `DateWords.load`. The grammar reads:

* absolute dates: "الـ 26 من كانون الأول / ديسمبر الجاري من العام 2018", "26 ديسمبر 2018",
  "29 تشرين الثاني (نوفمبر - نونبر)، 2016", "السادس عشر من ديسمبر كانون الأول", Eastern
  Arabic and Persian digits, "26/12/2018", "2018-12-26", "2018.07.16", "26 December 2018",
  "December 26, 2018", "the 22nd of October", "Dec. 26"; months ("شهر تشرين الثاني / نوفمبر
  من العام 2017", "December 2018") and years ("من العام 2018", "العام الجاري 2017");
* dates that need the publication date: a day and month without a year (the nearest past
  occurrence, or the coming one when it lies at most `AHEAD_DAYS` after the publication,
  or the year a weekday beside it picks: see below), "الجاري"/"الماضي"/
  "الفائت"/"المقبل" after a month, "الـ 26 من الشهر ذاته" (the month of the previous date in
  the text), "the 20th of last month", weekdays ("يوم الخميس", "الخميس الفائت", "مساء
  الجمعة", "ليل الإثنين - الثلاثاء", "on Tuesday", "last Sunday"), اليوم، أمس، "يوم أمس
  (الأربعاء)", "اليوم /الاثنين/", أمس الأول، قبل يومين، منذ يومين، قبل 3 أيام، منذ أسبوع، قبل
  أيام، الشهر الماضي، الأسبوع الفائت, "yesterday", "two days ago", "a week ago", "last month",
  "earlier this month", "late March", and periods: "منذ مطلع الشهر", "خلال الأسبوع الفائت",
  "خلال الـ 24 ساعة الأخيرة" (these carry `range_start`, as do spans of days such as
  "بين 21 و26 تشرين الثاني 2017").

A weekday picks the year. "Sunday 22 October" or "الثلاثاء 6 كانون الأول" written without a
year is dated to the year near the publication date (the nearest past occurrence, or the
year before or after it) in which that day is that weekday; when no nearby year fits, the
nearest past occurrence is kept and `warning` says so. Without a publication date, the
candidate years are those the text itself names in its dates (then the years beside them);
the latest that fits wins. When nothing fits, or when the text names only a weekday ("اليوم
الأحد", "on Sunday"), the mention cannot be dated: it is returned with ``date=None``,
``precision="weekday"`` and `weekday` set, so that the control layer may date it from other
reports.

Overlapping expressions keep the longest ("ليل أمس الأربعاء الـ 26 من كانون الأول 2018" is
one mention, not four). Matching runs on a folded copy of the text (`tracker.arabic.fold`:
no diacritics, tatweel or hamza variants, ASCII digits) with a map back to the original
offsets, so every span points into the text as given. Nothing here raises on bad input: an
impossible date is skipped, a weekday that contradicts the date beside it keeps the explicit
date and sets `warning`.
"""

from __future__ import annotations

import bisect
import calendar
import csv
import datetime as dt
import io
import os
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from tracker.arabic import fold
from tracker.errors import DateWarning, InputError

__all__ = ["ENV_VAR", "KINDS", "DateMention", "DateWord", "DateWords", "find_dates",
           "infer_published"]

#: Environment variable naming extra date-word files (os.pathsep-separated).
ENV_VAR = "TRACKER_DATES"
#: The kinds of row a date-word file may hold.
KINDS: tuple[str, ...] = ("month", "weekday", "number", "ordinal", "daypart", "qualifier",
                          "anchor")
#: Precisions a `DateMention` may carry.
MENTION_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year", "weekday")
_BUNDLED = ("dates_ar.csv", "dates_en.csv")
#: Days after the publication a day and month written without a year may lie and still be
#: read in the coming weeks (a plan, a deadline) rather than eleven months back.
AHEAD_DAYS = 31


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
        period ending now (`range_start` set) it is the last day of the period. None when
        the text names only a weekday that nothing dates (precision ``"weekday"``).
    precision
        ``"day"``, ``"week"``, ``"month"``, ``"year"``, or ``"weekday"`` (undated, see
        `weekday`).
    relative
        True when resolving it needed more than the expression itself: the publication
        date, or the years the rest of the text names.
    warning
        Set when the text contradicts itself (weekday vs date, "yesterday" vs date ...);
        the explicit date wins.
    range_start
        First day of a period ("منذ مطلع الشهر", "خلال الأسبوع الفائت"), else None.
    anchor
        For "اليوم"/"أمس"/"أمس الأول"/"today"/"yesterday" written beside a date or a weekday:
        the number of days between that day and the day of writing (0, 1, 2), else None.
    weekday
        The weekday the expression names (0 = Monday .. 6 = Sunday), else None. With
        ``date=None`` it is all that is known of the day.
    """

    start: int
    end: int
    text: str
    date: dt.date | None
    precision: str
    relative: bool
    warning: str | None = None
    range_start: dt.date | None = None
    anchor: int | None = None
    weekday: int | None = None


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


def _key(word: str) -> str:
    """A word as the grammar looks it up: folded, single spaces, Latin lower-cased."""
    return re.sub(r"\s+", " ", fold(word)).strip().lower()


# ----------------------------------------------------------------------------- the words

_QUALIFIER_VALUES = {"current": "cur", "past": "past", "next": "next"}
_RANGES = {"month": (1, 12), "weekday": (0, 6), "number": (1, 1000), "ordinal": (1, 31),
           "anchor": (-1, 7)}
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"", "no", "n", "false", "0"}
_COLUMNS = ("kind", "word", "value", "strict", "note")


@dataclass(frozen=True, slots=True)
class DateWord:
    """One row of a date-word file.

    `value` is the month (1-12), weekday (0 = Monday .. 6 = Sunday), number or ordinal,
    days before writing (anchor), or ``"cur"``/``"past"``/``"next"`` (qualifier); None for
    a day part. `strict` marks a month name that is also an ordinary word. `origin` is the
    file and line it came from.
    """

    kind: str
    word: str
    value: int | str | None
    strict: bool = False
    origin: str = ""

    @property
    def latin(self) -> bool:
        """True for an English (Latin-script) word."""
        return bool(re.search("[A-Za-z]", self.word))


@dataclass(frozen=True, slots=True)
class DateWords:
    """The words of the date grammar: the bundled files, then the user's.

    Build with `DateWords.load`; a later row for the same kind and word replaces an
    earlier one.
    """

    entries: tuple[DateWord, ...]

    @classmethod
    def load(cls, extra_paths: Sequence[str | os.PathLike[str]] = ()) -> DateWords:
        """Read the bundled word files, then ``$TRACKER_DATES`` files, then `extra_paths`.

        Parameters
        ----------
        extra_paths
            More CSV files with the columns ``kind, word, value[, strict, note]`` (see
            ``tracker/data/dates_ar.csv``). Lines starting with ``#`` are comments.

        Returns
        -------
        DateWords

        Raises
        ------
        tracker.errors.InputError
            A file cannot be read or is not UTF-8, or a row has an unknown kind or a bad
            value; the message names the file and line and says what is expected.
        """
        rows: list[DateWord] = []
        for name in _BUNDLED:
            text = resources.files("tracker").joinpath("data", name).read_text(encoding="utf-8")
            rows.extend(parse_date_words(text, f"tracker/data/{name}"))
        raw = os.environ.get(ENV_VAR, "")
        paths = [Path(p) for p in raw.split(os.pathsep) if p.strip()]
        for path in [*paths, *(Path(p) for p in extra_paths)]:
            rows.extend(parse_date_words(_read_file(path), str(path)))
        merged: dict[tuple[str, str], DateWord] = {}
        for row in rows:
            merged.pop((row.kind, _key(row.word)), None)  # a later row moves to the end
            merged[(row.kind, _key(row.word))] = row
        return cls(tuple(merged.values()))

    def of(self, kind: str, *, latin: bool) -> list[DateWord]:
        """The rows of one kind and script."""
        return [e for e in self.entries if e.kind == kind and e.latin == latin]


def _read_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        msg = f"cannot read the date words: {err.strerror or err}; check ${ENV_VAR}"
        raise InputError(msg, path=str(path)) from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        msg = "not UTF-8 text; save the date-word file as UTF-8 CSV"
        raise InputError(msg, path=str(path), line=line) from err


def parse_date_words(text: str, source: str) -> list[DateWord]:
    """Parse one date-word CSV; raise `InputError` naming the file and line of a bad row."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    out: list[DateWord] = []
    for row in reader:
        line = reader.line_num
        if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if header is None:
            header = [c.lower() for c in cells]
            missing = [c for c in ("kind", "word", "value") if c not in header]
            unknown = [c for c in header if c not in _COLUMNS]
            if missing or unknown:
                msg = (f"the header must name the columns {', '.join(_COLUMNS)} (kind, word "
                       f"and value are required); got {', '.join(cells)}")
                raise InputError(msg, path=source, line=line)
            continue
        if len(cells) > len(header):
            msg = (f"{len(cells)} fields where the header has {len(header)} "
                   f"({', '.join(header)}); quote a note that contains a comma")
            raise InputError(msg, path=source, line=line)
        values = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        out.append(_row(values, source, line))
    return out


def _row(values: dict[str, str], source: str, line: int) -> DateWord:
    kind, word = values["kind"].lower(), values["word"]
    raw, strict = values["value"], values.get("strict", "").lower()

    def bad(what: str) -> InputError:
        return InputError(f"{what} (row {kind},{word},{raw})", path=source, line=line)

    if kind not in KINDS:
        msg = f"unknown kind {kind!r}; use one of {', '.join(KINDS)}"
        raise bad(msg)
    if not _key(word):
        msg = "empty word; every row needs the word as written"
        raise bad(msg)
    if strict not in _TRUE | _FALSE:
        msg = f"strict must be yes or empty, got {strict!r}"
        raise bad(msg)
    value: int | str | None
    if kind == "daypart":
        value = None
    elif kind == "qualifier":
        if raw.lower() not in _QUALIFIER_VALUES:
            msg = "a qualifier's value must be current, past or next"
            raise bad(msg)
        value = _QUALIFIER_VALUES[raw.lower()]
    else:
        lo, hi = _RANGES[kind]
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            what = {"month": "month number", "weekday": "weekday (0 = Monday .. 6 = Sunday)",
                    "anchor": "number of days before the day of writing"}.get(kind, kind)
            msg = f"the value of a {kind} must be a {what} from {lo} to {hi}"
            raise bad(msg)
    return DateWord(kind, word, value, strict in _TRUE, f"{source}:{line}")


# ----------------------------------------------------------------------------- the grammar


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "كانون الأول" beats shorter names."""
    ws = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ws)


_B = r"(?<![^\W_])"  # start of a word (no letter/digit before)
_E = r"(?![^\W_])"  # end of a word
_PROC = _f(r"(?:[وفبلك]|وب|ول|فب|فل)?")  # proclitic before a word
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_YEAR_WORD = _f(r"(?:ال)?(?:عام|سنة)")
_SAME = _f("ذاته|ذاتها|نفسه|نفسها|عينه")
_I = re.IGNORECASE
_EN_START = r"(?=[A-Za-z0-9])\b"
_LATIN = re.compile("[A-Za-z]")
_YEARISH = re.compile(r"(?:19|20)\d\d")
_DIGIT = re.compile(r"\d")
_NUMERIC_HINT = re.compile(r"\d[/.\-]\d")
#: "اليوم التالي" (the next day), "اليوم الثالث" (the third day), "اليوم ذاته": not today.
_NOT_TODAY = _f(r"(?<=اليوم)(?!\s+(?:التالي|الموالي|السابق|الأول|الثاني|الثالث|الرابع|الخامس"
                r"|السادس|السابع|الثامن|التاسع|العاشر|الأخير|ذاته|نفسه|عينه|الذي|التي|من\s))")
_NUMERIC_RE = re.compile(
    r"(?<![\d/.\-])(?:(?P<a>\d{1,2})(?P<s>[/.\-])(?P<b>\d{1,2})(?P=s)(?P<y1>(?:19|20)\d\d)"
    r"|(?P<y2>(?:19|20)\d\d)(?P<s2>[/.\-])(?P<m>\d{1,2})(?P=s2)(?P<d>\d{1,2}))(?![\d/\-]|\.\d)"
)


@dataclass(frozen=True, slots=True)
class _Cand:
    """A raw match on the folded text, before resolution."""

    start: int
    end: int
    kind: str
    groups: dict[str, str | None]


@dataclass(frozen=True, slots=True)
class _AllOf:
    """A hint made of hints that must all pass."""

    parts: tuple[tuple[str, ...] | re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _AnyOf:
    """A hint made of hints one of which must pass."""

    parts: tuple[tuple[str, ...] | re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _LatinWords:
    """Passes when the text holds one of `words` (ASCII, lower case) as a case-insensitive
    pattern would match it: in the lower-cased text, or wherever a letter that is not ASCII
    matches an ASCII one without regard to case (long s, Kelvin sign ...: the text passes)."""

    words: tuple[str, ...]


_Hint = tuple[str, ...] | re.Pattern[str] | _AllOf | _AnyOf | _LatinWords
#: A character that matches a Latin letter case-insensitively without being one.
_LATIN_LOOKALIKE = re.compile(r"(?![A-Za-z])(?i:[a-z])")


def _hint_passes(hint: _Hint, folded: str, seen: dict[int, bool]) -> bool:
    """True when `folded` may hold a match (`seen`: answers of pattern hints so far, by id)."""
    if isinstance(hint, re.Pattern):
        got = seen.get(id(hint))
        if got is None:
            got = seen[id(hint)] = hint.search(folded) is not None
        return got
    if isinstance(hint, _AllOf):
        return all(_hint_passes(h, folded, seen) for h in hint.parts)
    if isinstance(hint, _AnyOf):
        return any(_hint_passes(h, folded, seen) for h in hint.parts)
    if isinstance(hint, _LatinWords):
        lower = folded.lower()
        return any(w in lower for w in hint.words) or _hint_passes(_LATIN_LOOKALIKE, folded,
                                                                   seen)
    return any(h in folded for h in hint)  # the regex cannot match without one of these words


def _hint_words(words: Iterable[str]) -> tuple[str, ...]:
    """Substrings one of which every match must contain: each phrase's longest word."""
    return tuple(sorted({max(w.split(" "), key=len) for w in words}))


class _Grammar:
    """The compiled grammar for one set of date words (see the module docstring)."""

    def __init__(self, words: DateWords, *, hints: bool = True) -> None:
        ar = {k: {_key(e.word): e for e in words.of(k, latin=False)} for k in KINDS}
        en = {k: {_key(e.word): e for e in words.of(k, latin=True)} for k in KINDS}
        self.ar_month = {w: int(e.value or 0) for w, e in ar["month"].items()}
        self.ar_strict = frozenset(w for w, e in ar["month"].items() if e.strict)
        self.ar_wd = {w: int(e.value or 0) for w, e in ar["weekday"].items()}
        self.ar_wd_name: dict[int, str] = {}
        for e in words.of("weekday", latin=False):
            self.ar_wd_name.setdefault(int(e.value or 0), e.word)
        self.ar_num = {w: int(e.value or 0) for w, e in ar["number"].items()}
        self.ar_ord = {w: int(e.value or 0) for w, e in ar["ordinal"].items()}
        self.ar_anchor = {w: int(e.value or 0) for w, e in ar["anchor"].items()}
        self.ar_qual = {w: str(e.value) for w, e in ar["qualifier"].items()}
        self.en_month = {w: int(e.value or 0) for w, e in en["month"].items()}
        self.en_strict = frozenset(w for w, e in en["month"].items() if e.strict)
        # An abbreviation: a longer name of the same month starts with it ("jan", "sept").
        self.en_short = frozenset(
            w for w, m in self.en_month.items()
            if any(len(v) > len(w) and v.startswith(w) and n == m
                   for v, n in self.en_month.items()))
        self.en_wd = {w: int(e.value or 0) for w, e in en["weekday"].items()}
        self.en_num = {w: int(e.value or 0) for w, e in en["number"].items()}
        self.en_ord = {w: int(e.value or 0) for w, e in en["ordinal"].items()}
        self.en_anchor = {w: int(e.value or 0) for w, e in en["anchor"].items()}
        self.en_qual = {w: str(e.value) for w, e in en["qualifier"].items()}

        def quals(table: dict[str, str], *which: str) -> str:
            return _alt(w for w, q in table.items() if q in which) or r"(?!)"

        self.cur = quals(self.ar_qual, "cur")
        self.past = quals(self.ar_qual, "past")
        self.next = quals(self.ar_qual, "next")
        qual = f"{self.cur}|{self.past}|{self.next}"
        mn = _alt(self.ar_month)
        wd = _alt(self.ar_wd)
        ordinal = _alt(self.ar_ord) or r"(?!)"
        numw = _alt(self.ar_num) or r"(?!)"
        part = _alt([*ar["daypart"], fold("يوم")])
        anchor = _alt(self.ar_anchor)
        self.wd_pattern = wd
        monthx = (
            r"(?P<m1>" + mn + r")" + _E + r"(?:(?:\s*[/\\\-–(]\s*|\s+)(?P<m2>" + mn + r")" + _E
            + r"(?:\s*[/\\\-–]\s*(?P<m3>" + mn + r")" + _E + r")?\s*\)?)?"
        )
        year_phrase = (
            r"(?:(?:\s*[،,]?\s*(?:" + _f("(?:من|في)") + r"\s+)?" + _YEAR_WORD
            + r"(?:\s+(?P<yq>" + qual + r"))?\s+|\s*[،,]?\s*)" + _YEAR
            + _f(r"(?:\s*م(?![^\W_]))?")
            + r"|\s*[،,]?\s*(?:" + _f("(?:من|في)") + r"\s+)?" + _YEAR_WORD + r"\s+(?P<yref>"
            + _SAME + r"|" + qual + r")" + _E + r"(?!\s*[،,]?\s*\d))"
        )
        # "21 و26", "21-26", "21 حتى الـ 26": the first day of a span of days.
        day0 = (r"(?:(?P<day0>\d{1,2})\s*(?:[-–]|" + _f("(?:و|الى|إلى|حتى)") + r")\s*(?:"
                + _f("ال") + r"\s*)?)?")
        # Day + month (+ year), with optional anchor and weekday in front.
        ar_day = re.compile(
            _B + _PROC
            + r"(?:(?:(?P<part>" + part + r")\s+)?(?P<anchor>" + anchor + r")\s*[،,]?\s*)?"
            + r"(?:(?:" + _f("يوم") + r"\s+)?(?P<wd>" + wd + r")\s*(?:(?P<wdq>" + self.past
            + r"|" + self.next + r")\s*)?[،,]?\s*)?"
            + r"(?:(?:" + _f("ال") + r"\s*)?" + day0 + r"(?P<day>\d{1,2})(?!\d)\s*(?:"
            + _f("من") + r"\s+)?"
            + r"|(?P<ord>" + ordinal + r")\s+" + _f("من") + r"\s+)"
            + r"(?:(?:" + _f("شهر") + r"\s+)?" + monthx
            + r"(?:\s+(?P<q>" + qual + r"))?(?:" + year_phrase + r")?(?:\s+(?P<q2>" + qual
            + r"))?"
            + r"|" + _f("(?:ال)?شهر") + r"\s+(?P<rel>" + _SAME + r"|" + qual + r"))" + _E
        )
        # Month (+ year), no day.
        ar_month = re.compile(
            _B + r"(?:(?P<pre>" + _f("منذ\\s+(?:مطلع|بداية|أوائل)|منذ|في|خلال|حتى|مطلع|بداية"
                                     "|أوائل|أواخر|منتصف|نهاية|أواسط") + r")\s+)?"
            + r"(?P<shahr>" + _f("شهر") + r"\s+)?" + _PROC + monthx
            + r"(?:\s+(?P<q>" + qual + r"))?(?:" + year_phrase + r")?(?:\s+(?P<q2>" + qual
            + r"))?" + _E
        )
        ar_year = re.compile(
            _B + _PROC + r"(?:(?:" + _YEAR_WORD + r")(?:\s+(?P<yq>" + qual + r"))?\s+|"
            + _f("في") + r"\s+)" + _YEAR + r"(?![\d/\-]|\.\d)" + _E
        )
        ar_year_rel = re.compile(
            _B + r"(?:(?P<pre>" + _f("منذ\\s+(?:مطلع|بداية)") + r")\s+)?" + _PROC + _YEAR_WORD
            + r"\s+(?P<q>" + qual + r")" + _E + r"(?!\s*[،,]?\s*\d)"
        )
        wd_after = (r"(?:\s*[،,]?\s+(?P<wd>" + wd + r")" + _E + r"|\s*[(/]\s*(?P<wdp>" + wd
                    + r")" + _E + r"\s*[)/]?)?")
        ar_anchor = re.compile(
            _B + _PROC + r"(?:(?P<part>" + part + r")\s+)?(?P<anchor>" + anchor + r")" + _E
            + r"(?:" + _NOT_TODAY + r"|(?<!اليوم))" + wd_after
        )
        ar_wd = re.compile(
            _B + _PROC + r"(?:(?P<part>" + part + r")\s+)?(?P<wd>" + wd + r")" + _E
            + r"(?:\s+(?P<wdq>" + self.past + r"|" + self.next + r")" + _E + r")?"
            + _f(r"(?!\s+عشر)")
        )
        # "ليل الجمعة - السبت", "ليل الإثنين-الثلاثاء": the night from one day to the next.
        ar_night = re.compile(
            _B + _PROC + r"(?P<part>" + _f("ليل|ليلة") + r")\s+(?:" + _f("يوم") + r"\s+)?(?P<wd>"
            + wd + r")" + _E + r"\s*(?:[-–/]|" + _f("على|إلى|الى|و") + r")?\s*(?:" + _f("يوم")
            + r"\s+)?(?P<wd2>" + wd + r")" + _E
        )
        units = _f("أيام|يوما|يوم|أسابيع|أسبوعا|أسبوع|أشهر|شهور|شهرا|شهر")
        ar_ago = re.compile(
            _B + _f("(?:قبل|منذ)") + r"\s+(?:" + _f("(?:نحو|حوالي)") + r"\s+)?(?:(?P<n>\d{1,3})"
            + r"\s+(?P<nu>" + units + r")|(?P<w>" + numw + r")\s+(?P<wu>" + units + r")"
            + r"|(?P<w2>" + _f("يومين|يوم") + r")|(?P<unit>" + _f("أسبوعين|أسبوع|شهرين|شهر")
            + r")|(?P<few>" + _f(r"أيام(?:\s+قليلة)?|ساعات(?:\s+قليلة)?|قليل") + r"))" + _E
        )
        ar_period = re.compile(
            _B + r"(?:(?P<pre>" + _f("منذ\\s+(?:مطلع|بداية|أول)|خلال|منذ|في|طيلة|طوال")
            + r")\s+)?(?P<unit>" + _f("(?:ال)?شهر|(?:ال)?أسبوع") + r")\s+(?P<q>" + qual + r")"
            + _E
        )
        ar_som = re.compile(
            _B + _f(r"منذ\s+(?:مطلع|بداية|أول)\s+(?:ال)?شهر") + _E + r"(?!\s+(?:" + qual
            + r"|" + mn + r"))"
        )
        ar_hours = re.compile(
            _B + r"(?:" + _f("(?:خلال|في)") + r"\s+)?(?:"
            + _f(r"(?:ال\s*)?(?P<h1>\d{1,3})\s+ساعة|الساعات\s+(?:ال\s*)?(?P<h2>\d{1,3})"
                 r"|(?:ال\s*)?(?P<d1>\d{1,2})\s+(?:يوما|أيام)|الأيام\s+(?:ال\s*)?(?P<d2>\d{1,2})")
            + r"|" + _f("الأيام") + r"\s+(?P<w>" + _f("(?:ال)?") + r"(?:" + numw + r"))"
            + r"|" + _f(r"(?:ال\s*)?(?P<k1>\d{1,2})\s+(?:أسابيع|أسبوعا)|الأسابيع\s+(?:ال\s*)?"
                        r"(?P<k2>\d{1,2})")
            + r"|" + _f("الأسابيع") + r"\s+(?P<kw>" + _f("(?:ال)?") + r"(?:" + numw + r"))"
            + r")\s+" + _f("(?:الأخيرة|الماضية|الفائتة|المنصرمة|السابقة)") + _E
        )
        ar_recent = re.compile(
            _B + r"(?:" + _f("(?:خلال|في|طيلة|طوال)") + r"\s+)?(?P<u>"
            + _f("اليومين|الساعات|الأيام|الأسبوعين|الأسابيع") + r")\s+"
            + _f("(?:الماضيين|الأخيرين|الفائتين|الماضية|الأخيرة|الفائتة|المنصرمة)") + _E
        )

        en_mn = r"(?:" + _alt(self.en_month) + r")\.?"
        en_wd = _alt(self.en_wd)
        en_ord = _alt(self.en_ord) or r"(?!)"
        en_qual = _alt(self.en_qual) or r"(?!)"
        en_anchor_words = _alt(self.en_anchor) or r"(?!)"
        en_part = _alt(en["daypart"]) or r"(?!)"
        en_num = _alt(self.en_num) or r"(?!)"
        en_anchor = r"(?:(?P<anchor>" + en_anchor_words + r")\s*,?\s*)?"
        en_wd_prefix = r"(?:(?:on\s+)?(?P<wd>" + en_wd + r")\s*,?\s*)?"
        en_year = r"(?:\s*,?\s*(?P<year>(?:19|20)\d\d)(?!\d))?"
        en_dmy = re.compile(
            _EN_START + en_anchor + en_wd_prefix + r"(?:(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
            r"\s+(?:of\s+)?|the\s+(?P<ord>" + en_ord + r")\s+of\s+)(?P<mon>" + en_mn
            + r")(?![a-z])" + en_year, _I)
        en_mdy = re.compile(
            _EN_START + en_anchor + en_wd_prefix + r"(?P<mon>" + en_mn + r")\s+"
            r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)" + en_year, _I)
        en_dayrel = re.compile(
            _EN_START + r"(?:on\s+)?the\s+(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?|(?P<ord>" + en_ord
            + r"))\s+of\s+(?:(?P<q>" + en_qual + r")|(?P<same>the\s+same))\s+month\b", _I)
        en_my = re.compile(
            _EN_START
            + r"(?:(?P<pre>since\s+(?:the\s+(?:start|beginning)\s+of\s+)?|in\s+|during\s+"
            r"|early\s+|late\s+|mid-?\s*|last\s+|this\s+|next\s+|until\s+|by\s+)?)?(?P<mon>"
            + en_mn + r")(?![a-z])" + en_year, _I)
        en_year_re = re.compile(
            _EN_START + r"(?:in|since|during|of|year)\s+(?P<year>(?:19|20)\d\d)(?![\d/\-])", _I)
        en_rel = re.compile(
            _EN_START + r"(?:(?P<anchor>" + en_anchor_words + r")"
            r"|(?:(?P<pre>earlier|early|later|late)\s+)?(?P<q>" + en_qual
            + r")\s+(?P<unit>week|month|year)"
            r"|(?P<n>\d{1,3}|" + en_num + r")\s+(?P<u2>days?|weeks?)\s+ago"
            r"|(?P<few>(?:a\s+)?few\s+days|several\s+days|days)\s+ago"
            r"|(?P<moments>moments|minutes|hours)\s+ago"
            r"|(?:in\s+|over\s+|during\s+)?the\s+(?:past|last)\s+(?P<h>\d{1,3})\s+hours"
            r"|(?:in\s+|over\s+|during\s+)?the\s+(?:past|last)\s+(?:(?P<pn>\d{1,2}|" + en_num
            + r")\s+|(?P<pf>few|several)\s+)(?P<pu>days|weeks)"
            r"|since\s+the\s+(?:start|beginning)\s+of\s+the\s+(?P<since>month|year|week))\b",
            _I)
        en_wd_re = re.compile(
            _EN_START + en_anchor + r"(?:(?P<on>on)\s+)?(?:(?P<q>" + en_qual + r")\s+)?(?P<wd>"
            + en_wd + r")(?:\s+(?:" + en_part + r"))?\b", _I)

        def words_hint(*ws: str) -> tuple[str, ...]:
            return tuple(fold(w) for w in ws)

        # the three English rules with a month need one of its names (as they match it)
        en_month_hint: _Hint = _LATIN
        if self.en_month and all(w.isascii() for w in self.en_month):
            en_month_hint = _AllOf((_LATIN, _LatinWords(_hint_words(
                w.lower() for w in self.en_month))))
        # a day is digits or an ordinal word
        day_hint = _AnyOf((_DIGIT, _hint_words(self.ar_ord))) if self.ar_ord else _DIGIT
        wd_hint = tuple(w[2:] if w.startswith("ال") else w for w in self.ar_wd)
        specs: list[tuple[str, re.Pattern[str], _Hint]] = [
            # a day needs a month name or "شهر" after it, and a digit or an ordinal
            ("ar_day", ar_day, _AllOf((day_hint, (*_hint_words(self.ar_month), fold("شهر"))))),
            ("ar_month", ar_month, _hint_words(self.ar_month)),
            ("ar_year", ar_year, _YEARISH),
            ("ar_year_rel", ar_year_rel, words_hint("عام", "سنة")),
            ("ar_anchor", ar_anchor, _hint_words(self.ar_anchor)),
            ("ar_wd", ar_wd, wd_hint),
            ("ar_night", ar_night, words_hint("ليل")),
            ("ar_ago", ar_ago, words_hint("قبل", "منذ")),
            ("ar_period", ar_period, words_hint("شهر", "أسبوع")),
            ("ar_som", ar_som, words_hint("منذ")),
            ("ar_hours", ar_hours, words_hint("ساع", "أيام", "يوما", "أسابيع", "أسبوعا")),
            ("ar_recent", ar_recent, words_hint("اليومين", "الساعات", "الأيام", "الأسبوعين",
                                                "الأسابيع")),
            ("numeric", _NUMERIC_RE, _NUMERIC_HINT),
            ("en_dmy", en_dmy, en_month_hint),
            ("en_mdy", en_mdy, en_month_hint),
            ("en_dayrel", en_dayrel, re.compile("month", _I)),
            ("en_my", en_my, en_month_hint),
            ("en_year", en_year_re, _LATIN),
            ("en_rel", en_rel, _LATIN),
            ("en_wd", en_wd_re, _LATIN),
        ]
        empty = re.compile("")
        self.specs = tuple((k, _led_by_first_letters(rx), h if hints else empty)
                           for k, rx, h in specs)
        self._qual_res = {q: re.compile(p) for q, p in
                          (("cur", self.cur), ("past", self.past), ("next", self.next))}
        self.future_re = re.compile(self.next + r"|\bnext\b", _I)
        self.past_re = re.compile(self.past + r"|\blast\b", _I)

    def qual(self, word: str | None) -> str | None:
        """``"cur"``, ``"past"`` or ``"next"`` for an Arabic or English qualifier word."""
        if not word:
            return None
        w = _key(word)
        if w in self.en_qual:
            return self.en_qual[w]
        for q, rx in self._qual_res.items():
            if rx.fullmatch(w):
                return q
        return None

    def _one_night(self, m: re.Match[str]) -> bool:
        """True for "ليل الجمعة - السبت" (a night between two days that follow)."""
        first, second = self.ar_wd.get(_key(m["wd"])), self.ar_wd.get(_key(m["wd2"]))
        return first is not None and second == (first + 1) % 7

    def candidates(self, folded: str) -> list[_Cand]:
        """Every match of every rule, longest first then earliest, without overlaps."""
        out: list[_Cand] = []
        seen: dict[int, bool] = {}
        for kind, rx, hint in self.specs:
            if not _hint_passes(hint, folded, seen):
                continue
            for m in rx.finditer(folded):
                if m.end() > m.start() and (kind != "ar_night" or self._one_night(m)):
                    out.append(_Cand(m.start(), m.end(), kind, m.groupdict()))
        out.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[_Cand] = []
        taken = bytearray(len(folded) + 1)
        for c in out:
            if not any(taken[c.start:c.end]):
                kept.append(c)
                taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        kept.sort(key=lambda c: c.start)
        return kept


def _first_chars(seq: Any) -> list[str] | None:
    """Class items (regex text) covering every first character a parsed pattern can match,
    or None when that is not known (any character, a scoped flag, a back-reference ...) or
    when the pattern can match the empty string."""
    got = _first_or_empty(seq)
    return None if got is None or got[1] else got[0]


def _first_of_node(op: Any, av: Any) -> tuple[list[str], bool] | None:
    c = _sre_constants
    if op is c.LITERAL:
        return [re.escape(chr(av))], False
    if op is c.IN:
        out = []
        for o, a in av:
            if o is c.LITERAL:
                out.append(re.escape(chr(a)))
            elif o is c.RANGE:
                out.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
            elif o is c.CATEGORY and a in _CATEGORY_CLASSES:
                out.append(_CATEGORY_CLASSES[a])
            else:
                return None  # a negated set and the like
        return out, False
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            return None
        return _first_or_empty(sub)
    if op is c.BRANCH:
        out, nullable = [], False
        for alt in av[1]:
            got = _first_or_empty(alt)
            if got is None:
                return None
            out.extend(got[0])
            nullable = nullable or got[1]
        return out, nullable
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        lo, _hi, sub = av
        got = _first_or_empty(sub)
        return None if got is None else (got[0], lo == 0 or got[1])
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return [], True  # zero-width: the next item decides
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _first_or_empty(av)
    return None


def _first_or_empty(seq: Any) -> tuple[list[str], bool] | None:
    """`_first_chars` of a sub-pattern, and whether it can match the empty string."""
    items: list[str] = []
    for op, av in seq:
        got = _first_of_node(op, av)
        if got is None:
            return None
        items.extend(got[0])
        if not got[1]:
            return items, False
    return items, True


def _led_by_first_letters(rx: re.Pattern[str]) -> re.Pattern[str]:
    """`rx` behind a look-ahead on the characters its matches can begin with: the same
    matches (same spans and groups), but the regex engine gives up at once wherever none
    of them stands, instead of trying every alternative of the pattern there. `rx` itself
    when its first characters cannot be told (or the pattern module is not available)."""
    key = (rx.pattern, rx.flags)
    got = _LED.get(key)
    if got is None:
        try:
            items = _first_chars(_sre_parser.parse(rx.pattern, rx.flags))
            got = rx if not items else re.compile(
                f"(?=[{''.join(dict.fromkeys(items))}])(?:{rx.pattern})", rx.flags)
        except Exception:  # an optimisation only: keep the pattern as it is
            got = rx
        if len(_LED) > 256:
            _LED.clear()
        _LED[key] = got
    return got


#: Patterns led by their first letters, by (pattern, flags): kept like the `re` module keeps
#: compiled patterns (the date grammar is rebuilt when its words change; its patterns rarely do).
_LED: dict[tuple[str, int], re.Pattern[str]] = {}


try:  # the regex module's parser (private; only used by `_led_by_first_letters`)
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parser  # type: ignore[attr-defined]

    _CATEGORY_CLASSES = {_sre_constants.CATEGORY_DIGIT: r"\d",
                         _sre_constants.CATEGORY_WORD: r"\w",
                         _sre_constants.CATEGORY_SPACE: r"\s"}
except ImportError:  # pragma: no cover - another Python: patterns stay as they are
    _sre_constants = _sre_parser = None
    _CATEGORY_CLASSES = {}


@lru_cache(maxsize=8)
def _grammar_of(words: DateWords | None) -> _Grammar:
    return _Grammar(words if words is not None else DateWords.load())


# ----------------------------------------------------------------------------- resolution


@dataclass(frozen=True, slots=True)
class _Res:
    date: dt.date | None
    precision: str
    relative: bool
    warning: str | None = None
    range_start: dt.date | None = None
    anchor: int | None = None
    month: tuple[int, int] | None = None  # (year, month) this mention refers to
    weekday: int | None = None


class _SkipError(Exception):
    """The candidate cannot be resolved (needs a publication date, impossible date)."""


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What a candidate is resolved against."""

    gr: _Grammar
    published: dt.date | None
    precision: str = "day"
    years: frozenset[int] = field(default_factory=frozenset)  # years the text names
    last_month: tuple[int, int, bool] | None = None

    @property
    def reference(self) -> dt.date | None:
        """The latest day the report may have been written (end of the publication window)."""
        p = self.published
        if p is None:
            return None
        try:
            if self.precision == "week":
                return p + dt.timedelta(days=6)
            if self.precision == "month":
                return p.replace(day=calendar.monthrange(p.year, p.month)[1])
            if self.precision == "year":
                return p.replace(month=12, day=31)
        except (ValueError, OverflowError):
            return p
        return p


def _need(published: dt.date | None) -> dt.date:
    if published is None:
        raise _SkipError
    return published


def _month_of(gr: _Grammar, g: dict[str, str | None], key: str = "m1") -> int:
    name = g.get(key)
    if name is None:
        raise _SkipError
    return gr.ar_month[re.sub(r"\s+", " ", name)]


def _months_warning(gr: _Grammar, g: dict[str, str | None], month: int) -> str | None:
    for key in ("m2", "m3"):
        if g.get(key) and _month_of(gr, g, key) != month:
            return (f"the month names {g['m1']!r} / {g[key]!r} disagree; the first is used")
    return None


def _year_for_month(month: int, qual: str | None, ctx: _Ctx,
                    day: int | None = None) -> tuple[int, str | None]:
    """Year of a month named without one; raises _SkipError without a publication date."""
    p = _need(ctx.reference)
    warning = None
    if qual == "cur":
        if month != p.month and ctx.precision == "day":
            warning = f"month {month} called current but the report is of {p:%Y-%m}"
        return p.year, warning
    if qual == "past":
        return (p.year if month < p.month else p.year - 1), None
    if qual == "next":
        return (p.year if month > p.month else p.year + 1), None
    past = p.year if (month, day or 1) <= (p.month, p.day) else p.year - 1
    if day is not None:
        # "يوم 20 كانون الأول" in a report of 14 December: six days ahead (a plan, a
        # deadline), not a year back; the claim's dating then never takes it for a past event
        try:
            ahead = (dt.date(past + 1, month, day) - p).days
        except ValueError:  # 29 February
            ahead = AHEAD_DAYS + 1
        if 0 < ahead <= AHEAD_DAYS:
            return past + 1, None
    return past, None


def _fits(year: int, month: int, day: int, weekday: int) -> bool:
    try:
        return dt.date(year, month, day).weekday() == weekday
    except ValueError:
        return False


def _year_by_weekday(month: int, day: int, weekday: int, ctx: _Ctx) -> tuple[int | None, bool]:
    """The year a weekday picks for a day and month written without one.

    Returns ``(year, fits)``: with a publication date, the nearest past occurrence when
    the weekday fits it, else the year before or after it that fits, else the nearest past
    occurrence with ``fits=False``. Without one, the latest year the text names in which
    the weekday fits, else the year beside a named one nearest the latest, else
    ``(None, False)``.
    """
    if ctx.published is not None:
        default, _ = _year_for_month(month, None, ctx, day)
        for year in (default, default - 1, default + 1):
            if _fits(year, month, day, weekday):
                return year, True
        return default, False
    named = sorted(y for y in ctx.years if _fits(y, month, day, weekday))
    if named:
        return named[-1], True
    if not ctx.years:
        return None, False
    latest = max(ctx.years)
    near = {y + k for y in ctx.years for k in (-1, 1)} - ctx.years
    fitting = sorted((y for y in near if _fits(y, month, day, weekday)),
                     key=lambda y: (abs(y - latest), -y))
    return (fitting[0], True) if fitting else (None, False)


def _last_weekday(wd: int, on: dt.date, *, strict: bool) -> dt.date:
    back = (on.weekday() - wd) % 7
    if strict and back == 0:
        back = 7
    return on - dt.timedelta(days=back)


def _next_weekday(wd: int, on: dt.date) -> dt.date:
    ahead = (wd - on.weekday()) % 7
    return on + dt.timedelta(days=ahead or 7)


def _anchor_days(gr: _Grammar, word: str | None) -> int | None:
    if not word:
        return None
    w = _key(word)
    if w in gr.ar_anchor:
        return gr.ar_anchor[w]
    return gr.en_anchor.get(w, 1)


def _wd_check(gr: _Grammar, wd_num: int | None, day: dt.date, wd_text: str | None
              ) -> str | None:
    if wd_num is None or day.weekday() == wd_num:
        return None
    name = gr.ar_wd_name.get(wd_num, wd_text) if wd_text and not wd_text.isascii() else wd_text
    return (f"weekday {name!r} contradicts {day.isoformat()} (a "
            f"{calendar.day_name[day.weekday()]}); the explicit date is used")


def _with_anchor_check(res: _Res, anchor: int | None, published: dt.date | None) -> _Res:
    if anchor is None or published is None or res.date is None:
        return res
    expected = published - dt.timedelta(days=anchor)
    if expected != res.date and res.warning is None:
        warning = (f"the text puts {res.date.isoformat()} {anchor} day(s) before writing, but "
                   f"the report is dated {published.isoformat()}; the explicit date is used")
        return replace(res, warning=warning)
    return res


def _undated(weekday: int, anchor: int | None = None) -> _Res:
    """A weekday nothing dates (see the module docstring)."""
    return _Res(None, "weekday", True, None, None, anchor, None, weekday)


def _wd_of(table: dict[str, int], word: str | None) -> int | None:
    return table.get(_key(word)) if word else None


def _day_of(gr: _Grammar, g: dict[str, str | None]) -> int:
    if g.get("ord"):
        ordinal = _key(g["ord"] or "")
        return gr.ar_ord.get(ordinal) or gr.en_ord.get(ordinal) or 0
    return int(g.get("day") or 0)


def _r_ar_day(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    gr, p = ctx.gr, ctx.published
    day = _day_of(gr, g)
    relative = False
    warning = None
    wd_num = _wd_of(gr.ar_wd, g.get("wd"))
    anchor = _anchor_days(gr, g.get("anchor"))
    rel = g.get("rel")
    if rel:  # "الـ 26 من الشهر ذاته / الجاري / الماضي"
        if re.fullmatch(_SAME, rel):
            if ctx.last_month is None:
                raise _SkipError
            year, month, relative = ctx.last_month
        else:
            q = gr.qual(rel)
            pub = _need(p)
            relative = True
            year, month = _shift_month(pub.year, pub.month,
                                       {"past": -1, "next": 1}.get(q or "", 0))
    else:
        month = _month_of(gr, g)
        warning = _months_warning(gr, g, month)
        q = gr.qual(g.get("q") or g.get("q2"))
        if g.get("year"):
            year = int(g["year"] or 0)
        elif g.get("yref") and re.fullmatch(_SAME, g["yref"] or ""):
            if ctx.last_month is None:
                raise _SkipError
            year, relative = ctx.last_month[0], ctx.last_month[2]
        elif g.get("yref"):
            pub = _need(p)
            relative = True
            year = pub.year + {"past": -1, "next": 1}.get(gr.qual(g["yref"]) or "", 0)
        elif q is None and wd_num is not None:
            relative = True
            found, _ = _year_by_weekday(month, day, wd_num, ctx)
            if found is None:
                return _undated(wd_num, anchor)
            year = found
        else:
            relative = True
            year, w2 = _year_for_month(month, q, ctx, day)
            warning = warning or w2
    try:
        date = dt.date(year, month, day)
    except ValueError as err:
        raise _SkipError from err
    warning = warning or _wd_check(gr, wd_num, date, g.get("wd"))
    first = int(g.get("day0") or 0)
    range_start = date.replace(day=first) if 0 < first < day else None
    res = _Res(date, "day", relative, warning, range_start, anchor, (year, month), wd_num)
    return _with_anchor_check(res, anchor, p)


def _r_ar_month(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    gr, p = ctx.gr, ctx.published
    month = _month_of(gr, g)
    name = re.sub(r"\s+", " ", g["m1"] or "")
    q = gr.qual(g.get("q") or g.get("q2"))
    has_context = bool(g.get("shahr") or g.get("year") or g.get("m2") or q or g.get("yref"))
    if not has_context and (name in gr.ar_strict or not g.get("pre")):
        raise _SkipError
    warning = _months_warning(gr, g, month)
    if g.get("year"):
        year, relative = int(g["year"] or 0), False
    elif g.get("yref") and re.fullmatch(_SAME, g["yref"] or ""):
        if ctx.last_month is None:
            raise _SkipError
        year, relative = ctx.last_month[0], ctx.last_month[2]
    elif g.get("yref"):
        pub = _need(p)
        year = pub.year + {"past": -1, "next": 1}.get(gr.qual(g["yref"]) or "", 0)
        relative = True
    else:
        year, w2 = _year_for_month(month, q, ctx)
        relative, warning = True, warning or w2
    first = dt.date(year, month, 1)
    pre = re.sub(r"\s+", " ", g.get("pre") or "")
    if pre.startswith(fold("منذ")):
        # A period from that month up to the day of writing.
        if p is not None and p >= first:
            return _Res(p, "day", True, warning, first, None, (year, month))
        return _Res(first, "month", relative, warning, first, None, (year, month))
    return _Res(first, "month", relative, warning, None, None, (year, month))


def _r_ar_year(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    year = int(g["year"] or 0)
    warning = None
    p = ctx.published
    if p is not None and ctx.gr.qual(g.get("yq")) == "cur" and year != p.year:
        warning = f"year {year} called current but the report is of {p.year}"
    return _Res(dt.date(year, 1, 1), "year", False, warning)


def _r_ar_year_rel(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    pub = _need(ctx.published)
    q = ctx.gr.qual(g.get("q"))
    year = pub.year + {"cur": 0, "past": -1, "next": 1}.get(q or "cur", 0)
    first = dt.date(year, 1, 1)
    if g.get("pre"):
        return _Res(pub, "day", True, None, first)
    return _Res(first, "year", True)


def _r_anchor(g: dict[str, str | None], ctx: _Ctx, wd_map: dict[str, int]) -> _Res:
    wd = g.get("wd") or g.get("wdp")
    wd_num = _wd_of(wd_map, wd)
    n = _anchor_days(ctx.gr, g.get("anchor")) or 0
    if ctx.published is None:
        if wd_num is None:
            raise _SkipError
        return _undated(wd_num, n)
    date = ctx.published - dt.timedelta(days=n)
    return _Res(date, "day", True, _wd_check(ctx.gr, wd_num, date, wd), weekday=wd_num)


def _r_weekday(g: dict[str, str | None], ctx: _Ctx, wd_map: dict[str, int]) -> _Res:
    wd = wd_map[_key(g.get("wd") or "")]
    if ctx.published is None or ctx.precision in ("month", "year"):
        return _undated(wd)  # a weekday in a report known only to its month: which one?
    pub = ctx.published
    q = ctx.gr.qual(g.get("wdq") or g.get("q"))
    if q == "next":
        return _Res(_next_weekday(wd, pub), "day", True, weekday=wd)
    return _Res(_last_weekday(wd, pub, strict=q == "past"), "day", True, weekday=wd)


def _r_night(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    gr = ctx.gr
    wd = gr.ar_wd[_key(g["wd"] or "")]  # the second day follows it (`_Grammar._one_night`)
    if ctx.published is None or ctx.precision in ("month", "year"):
        return _undated(wd)
    return _Res(_last_weekday(wd, ctx.published, strict=False), "day", True, weekday=wd)


def _r_ago(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    pub = _need(ctx.published)
    few = _key(g.get("few") or "")
    if few:
        if few.startswith(fold("أيام")):  # "قبل أيام": some days before writing
            return _Res(pub - dt.timedelta(days=1), "week", True, None,
                        pub - dt.timedelta(days=7))
        return _Res(pub, "day", True)  # "قبل ساعات", "قبل قليل"
    unit = _key(g.get("unit") or g.get("nu") or g.get("wu") or "")
    if g.get("unit"):
        n = 2 if unit.endswith(fold("ين")) else 1
    elif g.get("w2"):
        n, unit = (2 if _key(g["w2"] or "") == fold("يومين") else 1), fold("يوم")
    else:
        n = int(g.get("n") or 0) or ctx.gr.ar_num.get(_key(g.get("w") or ""), 0)
    if n <= 0:
        raise _SkipError
    if unit.startswith(fold("أسبوع")) or unit.startswith(fold("أسابيع")):
        return _Res(pub - dt.timedelta(days=7 * n), "week", True)
    if unit.startswith(fold("شهر")) or unit.startswith(fold("أشهر")) or unit.startswith(
            fold("شهور")):
        y, m = _shift_month(pub.year, pub.month, -n)
        return _Res(dt.date(y, m, 1), "month", True)
    return _Res(pub - dt.timedelta(days=n), "day", True)


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + by
    return idx // 12, idx % 12 + 1


def _r_period(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    pub = _need(ctx.published)
    unit = _key(g.get("unit") or "").removeprefix("ال")
    q = ctx.gr.qual(g.get("q"))
    pre = _key(g.get("pre") or "")
    by = {"cur": 0, "past": -1, "next": 1}.get(q or "cur", 0)
    if unit == fold("شهر"):
        y, m = _shift_month(pub.year, pub.month, by)
        first = dt.date(y, m, 1)
        if pre.startswith(fold("منذ")) and by <= 0:
            return _Res(pub, "day", True, None, first)
        return _Res(first, "month", True, None, None, None, (y, m))
    return _week(pub, by, since=pre.startswith(fold("منذ")))


def _week(pub: dt.date, by: int, *, since: bool = False) -> _Res:
    if by == 0:
        if since:
            return _Res(pub, "day", True, None, pub - dt.timedelta(days=pub.weekday()))
        return _Res(pub, "week", True, None, pub - dt.timedelta(days=6))
    if by < 0:
        return _Res(pub - dt.timedelta(days=1), "week", True, None, pub - dt.timedelta(days=7))
    return _Res(pub + dt.timedelta(days=7), "week", True, None, pub + dt.timedelta(days=1))


def _r_som(ctx: _Ctx) -> _Res:
    pub = _need(ctx.published)
    return _Res(pub, "day", True, None, pub.replace(day=1))


def _r_hours(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    pub = _need(ctx.published)
    if g.get("h1") or g.get("h2"):
        hours = int(g.get("h1") or g.get("h2") or 0)
        days = max(1, -(-hours // 24))
    elif g.get("k1") or g.get("k2") or g.get("kw"):  # "في الأسابيع العشرة الفائتة"
        w = _key(g.get("kw") or "").removeprefix("ال")
        weeks = int(g.get("k1") or g.get("k2") or 0) or ctx.gr.ar_num.get(w, 0)
        if weeks <= 0:
            raise _SkipError
        return _Res(pub, "week" if weeks <= 2 else "month", True, None,
                    pub - dt.timedelta(days=7 * weeks))
    else:
        w = _key(g.get("w") or "").removeprefix("ال")
        days = int(g.get("d1") or g.get("d2") or 0) or ctx.gr.ar_num.get(w, 0)
    if days <= 0:
        raise _SkipError
    return _Res(pub, "day", True, None, pub - dt.timedelta(days=days))


def _r_recent(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    pub = _need(ctx.published)
    unit = g.get("u") or ""
    if unit == fold("الساعات"):
        return _Res(pub, "day", True, None, pub - dt.timedelta(days=1))
    if unit == fold("اليومين"):
        return _Res(pub, "day", True, None, pub - dt.timedelta(days=2))
    if unit == fold("الأسبوعين"):
        return _Res(pub, "week", True, None, pub - dt.timedelta(days=14))
    if unit == fold("الأسابيع"):  # "خلال الأسابيع الماضية": some weeks, about a month
        return _Res(pub, "month", True, None, pub - dt.timedelta(days=30))
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


def _en_month(gr: _Grammar, g: dict[str, str | None]) -> tuple[str, int]:
    mon = (g.get("mon") or "").rstrip(".")
    return mon, gr.en_month[_key(mon)]


def _r_en_day(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    gr, p = ctx.gr, ctx.published
    mon, month = _en_month(gr, g)
    if _key(mon) in gr.en_strict and not mon[:1].isupper():
        raise _SkipError  # "5 may have died", "to mar 3 ..."
    day = _day_of(gr, g)
    wd_num = _wd_of(gr.en_wd, g.get("wd"))
    word = _key(g.get("anchor") or "")
    anchor = gr.en_anchor.get(word) if word else None
    relative = False
    warning = None
    if g.get("year"):
        year = int(g["year"] or 0)
    elif wd_num is not None:
        relative = True
        found, _ = _year_by_weekday(month, day, wd_num, ctx)
        if found is None:
            return _undated(wd_num, anchor)
        year = found
    else:
        year, warning = _year_for_month(month, None, ctx, day)
        relative = True
    try:
        date = dt.date(year, month, day)
    except ValueError as err:
        raise _SkipError from err
    warning = warning or _wd_check(gr, wd_num, date, g.get("wd"))
    res = _Res(date, "day", relative, warning, None, anchor, (year, month), wd_num)
    return _with_anchor_check(res, anchor, p)


def _r_en_dayrel(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    day = _day_of(ctx.gr, g)
    if g.get("same"):
        if ctx.last_month is None:
            raise _SkipError
        year, month, relative = ctx.last_month
    else:
        pub = _need(ctx.published)
        by = {"past": -1, "next": 1}.get(ctx.gr.qual(g.get("q")) or "", 0)
        (year, month), relative = _shift_month(pub.year, pub.month, by), True
    try:
        return _Res(dt.date(year, month, day), "day", relative, month=(year, month))
    except ValueError as err:
        raise _SkipError from err


def _r_en_month(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    gr, p = ctx.gr, ctx.published
    mon, month = _en_month(gr, g)
    pre = (g.get("pre") or "").strip().lower()
    if not g.get("year"):
        if not pre or (_key(mon) in gr.en_strict and not mon[:1].isupper()):
            raise _SkipError
        if _key(mon) in gr.en_short:
            raise _SkipError  # "in Jan" alone is too thin
    q = "past" if pre.startswith("last") else "next" if pre.startswith("next") else (
        "cur" if pre.startswith("this") else None)
    if g.get("year"):
        year, relative = int(g["year"] or 0), False
    else:
        year, _ = _year_for_month(month, q, ctx)
        relative = True
    first = dt.date(year, month, 1)
    if pre.startswith("since"):
        if p is not None and p >= first:
            return _Res(p, "day", True, None, first, None, (year, month))
        return _Res(first, "month", relative, None, first, None, (year, month))
    return _Res(first, "month", relative, None, None, None, (year, month))


def _r_en_rel(g: dict[str, str | None], ctx: _Ctx) -> _Res:
    pub = _need(ctx.published)
    gr = ctx.gr
    if g.get("anchor"):
        return _Res(pub - dt.timedelta(days=gr.en_anchor.get(_key(g["anchor"] or ""), 0)),
                    "day", True)
    if g.get("moments"):
        return _Res(pub, "day", True)
    if g.get("few"):
        return _Res(pub - dt.timedelta(days=1), "week", True, None, pub - dt.timedelta(days=7))
    if g.get("h"):
        days = max(1, -(-int(g["h"] or 0) // 24))
        return _Res(pub, "day", True, None, pub - dt.timedelta(days=days))
    if g.get("pu"):  # "over the past two weeks", "in the last few days"
        raw = _key(g.get("pn") or "")
        n = (int(raw) if raw.isdigit() else gr.en_num.get(raw, 0)) if raw else 3
        days = n * (7 if (g.get("pu") or "").lower() == "weeks" else 1)
        if days <= 0:
            raise _SkipError
        precision = "day" if days <= 2 else "week" if days <= 14 else "month"
        return _Res(pub, precision, True, None, pub - dt.timedelta(days=days))
    if g.get("since"):
        unit = (g.get("since") or "").lower()
        first = (pub.replace(day=1) if unit == "month" else pub.replace(month=1, day=1)
                 if unit == "year" else pub - dt.timedelta(days=pub.weekday()))
        return _Res(pub, "day", True, None, first)
    if g.get("n"):
        raw = _key(g.get("n") or "")
        n = int(raw) if raw.isdigit() else gr.en_num.get(raw, 0)
        if n <= 0:
            raise _SkipError
        unit = (g.get("u2") or "").lower()
        if unit.startswith("week"):
            return _Res(pub - dt.timedelta(days=7 * n), "week", True)
        return _Res(pub - dt.timedelta(days=n), "day", True)
    by = {"past": -1, "cur": 0, "next": 1}.get(gr.qual(g.get("q")) or "cur", 0)
    unit = (g.get("unit") or "").lower()
    if unit == "month":
        y, m = _shift_month(pub.year, pub.month, by)
        return _Res(dt.date(y, m, 1), "month", True, None, None, None, (y, m))
    if unit == "year":
        return _Res(dt.date(pub.year + by, 1, 1), "year", True)
    return _week(pub, by)


def _r_en_wd(g: dict[str, str | None], ctx: _Ctx, raw: str) -> _Res:
    if g.get("anchor"):  # "today, Friday", "yesterday (Monday)"
        return _r_anchor(g, ctx, ctx.gr.en_wd)
    if not (g.get("on") or g.get("q")) and not raw[:1].isupper():
        raise _SkipError
    return _r_weekday(g, ctx, ctx.gr.en_wd)


def _resolve(c: _Cand, ctx: _Ctx, raw: str) -> _Res:
    g = c.groups
    gr = ctx.gr
    handlers: dict[str, Callable[[], _Res]] = {
        "ar_day": lambda: _r_ar_day(g, ctx),
        "ar_month": lambda: _r_ar_month(g, ctx),
        "ar_year": lambda: _r_ar_year(g, ctx),
        "ar_year_rel": lambda: _r_ar_year_rel(g, ctx),
        "ar_anchor": lambda: _r_anchor(g, ctx, gr.ar_wd),
        "ar_wd": lambda: _r_weekday(g, ctx, gr.ar_wd),
        "ar_night": lambda: _r_night(g, ctx),
        "ar_ago": lambda: _r_ago(g, ctx),
        "ar_period": lambda: _r_period(g, ctx),
        "ar_som": lambda: _r_som(ctx),
        "ar_hours": lambda: _r_hours(g, ctx),
        "ar_recent": lambda: _r_recent(g, ctx),
        "numeric": lambda: _r_numeric(g),
        "en_dmy": lambda: _r_en_day(g, ctx),
        "en_mdy": lambda: _r_en_day(g, ctx),
        "en_dayrel": lambda: _r_en_dayrel(g, ctx),
        "en_my": lambda: _r_en_month(g, ctx),
        "en_year": lambda: _Res(dt.date(int(g["year"] or 0), 1, 1), "year", False),
        "en_rel": lambda: _r_en_rel(g, ctx),
        "en_wd": lambda: _r_en_wd(g, ctx, raw),
    }
    return handlers[c.kind]()


def _normalize_groups(c: _Cand) -> _Cand:
    """Collapse runs of spaces inside captured words so lookups by name work."""
    g = {k: (re.sub(r"\s+", " ", v) if isinstance(v, str) else v) for k, v in c.groups.items()}
    return replace(c, groups=g)


def _years_named(cands: Iterable[_Cand]) -> frozenset[int]:
    """The years written in the text's date expressions ("2016", "العام 2012")."""
    out = set()
    for c in cands:
        for key in ("year", "y1", "y2"):
            value = c.groups.get(key)
            if value:
                out.add(int(value))
    return frozenset(out)


# ----------------------------------------------------------------------------- the API


def find_dates(text: str, published: dt.date | None, *, warn: bool = False,
               published_precision: str = "day", words: DateWords | None = None
               ) -> list[DateMention]:
    """Every date expression in a text, resolved against the publication date.

    Parameters
    ----------
    text
        The report text as read (diacritics, tatweel, Eastern Arabic and Persian digits
        allowed).
    published
        The day the report was written; without it, expressions that need it ("أمس",
        "الشهر الماضي", a day and month without a year) are skipped, a weekday beside a day
        and month picks its year among the years the text names, a bare weekday comes back
        undated (``date=None``, ``precision="weekday"``), and absolute dates are returned.
    warn
        Also emit a `tracker.errors.DateWarning` for each mention whose `warning` is set
        (off by default: the `warning` field carries the same message).
    published_precision
        How well `published` is known (``"day"``, ``"week"``, ``"month"``, ``"year"``): a
        day and month without a year is placed before the *end* of that window (a report
        of ``2018-12`` saying "the 20th of December" means 2018).
    words
        The date words (`DateWords.load`); default: the bundled files and ``$TRACKER_DATES``.

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
    >>> find_dates("Sunday 22 October", dt.date(2018, 1, 10))[0].date
    datetime.date(2017, 10, 22)
    >>> m = find_dates("سيطرت القوات اليوم الأحد على القرية", None)[0]
    >>> (m.date, m.precision, m.weekday)
    (None, 'weekday', 6)
    """
    if not isinstance(text, str) or not text:
        return []
    if isinstance(published, dt.datetime):
        published = published.date()
    elif not isinstance(published, dt.date):
        published = None
    gr = _grammar_of(words)
    folded, to_original = _fold_with_map(text)
    cands = [_normalize_groups(c) for c in gr.candidates(folded)]
    ctx = _Ctx(gr, published, published_precision if published else "day",
               _years_named(cands) if published is None else frozenset())
    out: list[DateMention] = []
    for c in cands:
        start = to_original(c.start)
        end = to_original(c.end - 1) + 1
        while end < len(text) and text[end] in _TRAILING:
            end += 1
        raw = text[start:end]
        try:
            res = _resolve(c, ctx, raw)
        except (_SkipError, ValueError, OverflowError, KeyError):
            continue
        if res.month is not None:
            ctx = replace(ctx, last_month=(*res.month, res.relative))
        out.append(DateMention(start, end, raw, res.date, res.precision, res.relative,
                               res.warning, res.range_start, res.anchor, res.weekday))
        if warn and res.warning:
            warnings.warn(f"{raw!r} at {start}: {res.warning}", DateWarning, stacklevel=2)
    return out


def _latest(mentions: list[DateMention], gr: _Grammar
            ) -> tuple[tuple[dt.date, str] | None, tuple[dt.date, str] | None]:
    """The latest day bound (rules 1-3 of `infer_published`) and the latest month (rule 5)."""
    best: tuple[dt.date, str] | None = None
    best_month: tuple[dt.date, str] | None = None
    for m in mentions:
        if m.date is None:
            continue
        folded = fold(m.text)
        future = gr.future_re.search(folded)
        past = gr.past_re.search(folded)
        if m.precision == "day":
            if m.anchor is not None:
                cand = (m.date + dt.timedelta(days=m.anchor), "day")
            elif future:
                continue
            else:
                cand = (m.date, "week" if m.weekday is not None and past else "day")
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


def _refine(text: str, day: dt.date, words: DateWords | None) -> dt.date:
    """Rule 4 of `infer_published`: "today, the 26th of this month" read against `day`."""
    for _ in range(3):
        later = [
            m.date + dt.timedelta(days=m.anchor)
            for m in find_dates(text, day, words=words)
            if m.date is not None and m.relative and m.anchor is not None
            and (m.date.year, m.date.month) == (day.year, day.month)
        ]
        later = [d for d in later if day < d <= day + dt.timedelta(days=31)]
        if not later:
            break
        day = max(later)
    return day


def infer_published(text: str, *, words: DateWords | None = None
                    ) -> tuple[dt.date | None, str]:
    """Infer when an undated report was written, from the dates in its own text.

    The rule:

    1. A day written with its year beside "اليوم", "أمس" or "أمس الأول" ("today",
       "yesterday") fixes the day of writing: that date + 0, 1 or 2 days. A day whose
       year a weekday picked among the years the text names ("اليوم، الثلاثاء 6 كانون
       الأول" in a text that names 2016) counts as written with its year.
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
    6. Otherwise ``(None, "unknown")``: a year alone ("في العام 2014") or a weekday alone
       ("اليوم الأحد") says too little.

    Dates qualified as future ("المقبل", "next") are not bounds. Never raises.

    Parameters
    ----------
    text
        The report text.
    words
        The date words (default: bundled + ``$TRACKER_DATES``).

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
    best, best_month = _latest(find_dates(text, None, words=words), _grammar_of(words))
    if best is not None:
        if best[1] == "day":
            return _refine(text, best[0], words), "day"
        return best
    if best_month is not None:
        return best_month
    return None, "unknown"
