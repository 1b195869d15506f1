"""Tests for the date grammar (tracker.dates): a table of forms, seeds, and properties."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from itertools import pairwise
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import dates as dates_module
from tracker.dates import DateMention, find_dates, infer_published
from tracker.errors import DateWarning

D = dt.date
PUB = D(2018, 12, 27)  # a Thursday

LEVANTINE = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول"]
GREGORIAN = [["يناير"], ["فبراير"], ["مارس"], ["أبريل", "ابريل", "إبريل"], ["مايو"],
             ["يونيو", "يونيه"], ["يوليو", "يوليه"], ["أغسطس", "اغسطس"], ["سبتمبر"],
             ["أكتوبر"], ["نوفمبر"], ["ديسمبر"]]
ENGLISH = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
AR_WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def only(text: str, published: dt.date | None = PUB) -> DateMention:
    found = find_dates(text, published)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------------- the table

_FORM_CASES = [
    # Levantine, Gregorian, doubled, with "الـ N من" and years in all spellings
    ("الـ 26 من كانون الأول 2018", D(2018, 12, 26), "day", False),
    ("26 كانون الأول 2018", D(2018, 12, 26), "day", False),
    ("26 ديسمبر 2018", D(2018, 12, 26), "day", False),
    ("الـ 26 من كانون الأول / ديسمبر من العام 2018", D(2018, 12, 26), "day", False),
    ("الـ 26 من كانون الأول/ديسمبر الجاري من العام 2018", D(2018, 12, 26), "day", False),
    ("الـ 20 من تشرين الثاني / نوفمبر من العام الجاري 2017", D(2017, 11, 20), "day", False),
    ("الـ 10 من أيلول / سبتمبر من العام 2018", D(2018, 9, 10), "day", False),
    ("الـ19 من شباط عام 2019", D(2019, 2, 19), "day", False),
    ("3 آذار سنة 2019م", D(2019, 3, 3), "day", False),
    ("الأول من كانون الثاني 2019", D(2019, 1, 1), "day", False),
    ("٢٣ آذار ٢٠١٩", D(2019, 3, 23), "day", False),
    ("الـــ 23 من آذارَ 2019", D(2019, 3, 23), "day", False),
    ("23 مارس 2019", D(2019, 3, 23), "day", False),
    ("15 ابريل 2018", D(2018, 4, 15), "day", False),
    ("15 نيسان / أبريل 2018", D(2018, 4, 15), "day", False),
    ("4 يوليه 2018", D(2018, 7, 4), "day", False),
    ("1 آب / أغسطس 2018", D(2018, 8, 1), "day", False),
    # numeric
    ("26/12/2018", D(2018, 12, 26), "day", False),
    ("26-12-2018", D(2018, 12, 26), "day", False),
    ("2018-12-26", D(2018, 12, 26), "day", False),
    ("12/26/2018", D(2018, 12, 26), "day", False),
    ("٢٦/١٢/٢٠١٨", D(2018, 12, 26), "day", False),
    # months and years
    ("شهر كانون الأول / ديسمبر الجاري من العام 2018", D(2018, 12, 1), "month", False),
    ("كانون الأول 2018", D(2018, 12, 1), "month", False),
    ("من العام 2018", D(2018, 1, 1), "year", False),
    ("العام الجاري 2018", D(2018, 1, 1), "year", False),
    ("في 2014", D(2014, 1, 1), "year", False),
    # a year missing: nearest past occurrence, or the qualifier says which
    ("الـ 19 من ديسمبر الجاري", D(2018, 12, 19), "day", True),
    ("الـ 26 من كانون الأول", D(2018, 12, 26), "day", True),
    ("الـ 28 من كانون الأول", D(2017, 12, 28), "day", True),
    ("الـ 10 من أيلول / سبتمبر الفائت", D(2018, 9, 10), "day", True),
    ("الأول من آذار", D(2018, 3, 1), "day", True),
    ("الـ 5 من شباط المقبل", D(2019, 2, 5), "day", True),
    ("الـ19 من الشهر الماضي", D(2018, 11, 19), "day", True),
    ("الـ 3 من الشهر الجاري", D(2018, 12, 3), "day", True),
    ("أواخر تشرين الأول الفائت", D(2018, 10, 1), "month", True),
    ("في نوفمبر", D(2018, 11, 1), "month", True),
    # weekdays: the most recent such day on/before publication
    ("يوم الخميس", D(2018, 12, 27), "day", True),
    ("الأربعاء", D(2018, 12, 26), "day", True),
    ("مساء الأربعاء", D(2018, 12, 26), "day", True),
    ("صباح الخميس", D(2018, 12, 27), "day", True),
    ("الخميس الفائت", D(2018, 12, 20), "day", True),
    ("السبت", D(2018, 12, 22), "day", True),
    ("ليل أمس الأربعاء", D(2018, 12, 26), "day", True),
    ("يوم الأحد المقبل", D(2018, 12, 30), "day", True),
    # relative days
    ("اليوم", D(2018, 12, 27), "day", True),
    ("حتى اليوم", D(2018, 12, 27), "day", True),
    ("فجر اليوم الخميس", D(2018, 12, 27), "day", True),
    ("أمس", D(2018, 12, 26), "day", True),
    ("بالأمس", D(2018, 12, 26), "day", True),
    ("أمس الأول", D(2018, 12, 25), "day", True),
    ("أول أمس", D(2018, 12, 25), "day", True),
    ("أول من أمس", D(2018, 12, 25), "day", True),
    ("الليلة الماضية", D(2018, 12, 26), "day", True),
    ("قبل يومين", D(2018, 12, 25), "day", True),
    ("قبل 5 أيام", D(2018, 12, 22), "day", True),
    ("قبل ثلاثة أيام", D(2018, 12, 24), "day", True),
    ("قبل أسبوع", D(2018, 12, 20), "week", True),
    ("الشهر الجاري", D(2018, 12, 1), "month", True),
    ("الشهر الماضي", D(2018, 11, 1), "month", True),
    ("الشهر الفائت", D(2018, 11, 1), "month", True),
    ("الشهر المقبل", D(2019, 1, 1), "month", True),
    ("العام الماضي", D(2017, 1, 1), "year", True),
    # English
    ("26 December 2018", D(2018, 12, 26), "day", False),
    ("26th of December, 2018", D(2018, 12, 26), "day", False),
    ("December 26, 2018", D(2018, 12, 26), "day", False),
    ("Dec. 26", D(2018, 12, 26), "day", True),
    ("on 26 Dec", D(2018, 12, 26), "day", True),
    ("December 2018", D(2018, 12, 1), "month", False),
    ("on Tuesday", D(2018, 12, 25), "day", True),
    ("last Thursday", D(2018, 12, 20), "day", True),
    ("yesterday", D(2018, 12, 26), "day", True),
    ("today", D(2018, 12, 27), "day", True),
    ("last night", D(2018, 12, 26), "day", True),
    ("this morning", D(2018, 12, 27), "day", True),
    ("the day before yesterday", D(2018, 12, 25), "day", True),
    ("three days ago", D(2018, 12, 24), "day", True),
    ("last month", D(2018, 11, 1), "month", True),
    ("next month", D(2019, 1, 1), "month", True),
    ("last year", D(2017, 1, 1), "year", True),
]


@pytest.mark.parametrize(("text", "date", "precision", "relative"), _FORM_CASES)
def test_forms(text: str, date: dt.date, precision: str, relative: bool) -> None:
    m = only(f"قالت المصادر إن ذلك حدث {text} في المنطقة" if not text.isascii()
             else f"Sources said it happened {text} in the area")
    assert (m.date, m.precision, m.relative) == (date, precision, relative)
    assert m.warning is None


_RANGE_CASES = [
    ("منذ مطلع الشهر", D(2018, 12, 1), D(2018, 12, 27), "day"),
    ("منذ مطلع الشهر الجاري", D(2018, 12, 1), D(2018, 12, 27), "day"),
    ("منذ مطلع الشهر الفائت", D(2018, 11, 1), D(2018, 12, 27), "day"),
    ("منذ مطلع شهر كانون الأول / ديسمبر من العام 2018", D(2018, 12, 1), D(2018, 12, 27), "day"),
    ("منذ مطلع العام الجاري", D(2018, 1, 1), D(2018, 12, 27), "day"),
    ("خلال الأسبوع الفائت", D(2018, 12, 20), D(2018, 12, 26), "week"),
    ("الأسبوع الماضي", D(2018, 12, 20), D(2018, 12, 26), "week"),
    ("خلال الـ 24 ساعة الأخيرة", D(2018, 12, 26), D(2018, 12, 27), "day"),
    ("خلال الـ24 ساعة الأخيرة", D(2018, 12, 26), D(2018, 12, 27), "day"),
    ("خلال الساعات الـ48 الأخيرة", D(2018, 12, 25), D(2018, 12, 27), "day"),
    ("خلال الأيام العشرة الفائتة", D(2018, 12, 17), D(2018, 12, 27), "day"),
    ("خلال اليومين الماضيين", D(2018, 12, 25), D(2018, 12, 27), "day"),
    ("خلال الساعات الماضية", D(2018, 12, 26), D(2018, 12, 27), "day"),
    ("في الأيام الأخيرة", D(2018, 12, 20), D(2018, 12, 27), "week"),
    ("last week", D(2018, 12, 20), D(2018, 12, 26), "week"),
    ("in the past 24 hours", D(2018, 12, 26), D(2018, 12, 27), "day"),
    ("since the start of the month", D(2018, 12, 1), D(2018, 12, 27), "day"),
]


@pytest.mark.parametrize(("text", "start", "end", "precision"), _RANGE_CASES)
def test_ranges(text: str, start: dt.date, end: dt.date, precision: str) -> None:
    m = only(text)
    assert (m.range_start, m.date, m.precision, m.relative) == (start, end, precision, True)


@pytest.mark.parametrize(
    "text", ["بين 21 و26 تشرين الثاني 2017", "من الـ 21 حتى الـ 26 من نوفمبر 2017",
             "21-26 نوفمبر 2017"])
def test_span_of_days(text: str) -> None:
    m = only(text, None)
    assert (m.range_start, m.date, m.relative) == (D(2017, 11, 21), D(2017, 11, 26), False)


def test_range_without_publication_keeps_the_month() -> None:
    m = only("منذ مطلع شهر كانون الأول/ديسمبر من العام 2018", None)
    assert (m.date, m.precision, m.range_start) == (D(2018, 12, 1), "month", D(2018, 12, 1))


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("ليل أمس الأربعاء الـ 26 من كانون الأول / ديسمبر الجاري من العام 2018", D(2018, 12, 26)),
        ("يوم الخميس الفائت الـ 16 من نوفمبر الجاري", D(2017, 11, 16)),
        ("يوم الأحد الفائت الـ 19 من تشرين الثاني / نوفمبر الجاري من العام 2017", D(2017, 11, 19)),
        ("Wednesday, December 26, 2018", D(2018, 12, 26)),
    ],
)
def test_weekday_beside_a_date_agrees(text: str, date: dt.date) -> None:
    m = only(text, date + dt.timedelta(days=1))
    assert (m.date, m.warning) == (date, None)


@pytest.mark.parametrize(
    "text",
    ["الثلاثاء الـ 26 من كانون الأول 2018", "يوم الجمعة 26 ديسمبر 2018",
     "Monday, 26 December 2018"],
)
def test_weekday_that_contradicts_the_date_warns_and_the_date_wins(text: str) -> None:
    m = only(text, None)
    assert m.date == D(2018, 12, 26)
    assert m.warning is not None
    assert "Wednesday" in m.warning


def test_warnings_are_opt_in() -> None:
    text = "الثلاثاء الـ 26 من كانون الأول 2018"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert find_dates(text, None)[0].warning is not None  # no warning raised
    with pytest.warns(DateWarning, match="Wednesday"):
        find_dates(text, None, warn=True)


def test_yesterday_beside_a_date_that_disagrees_with_publication_warns() -> None:
    m = only("أمس الـ 20 من كانون الأول 2018", D(2018, 12, 27))
    assert m.date == D(2018, 12, 20)
    assert m.anchor == 1
    assert m.warning is not None


def test_same_month_refers_to_the_previous_date() -> None:
    text = "منذ الـ 19 من كانون الأول / ديسمبر من العام 2018 وحتى الـ 26 من الشهر ذاته"
    found = find_dates(text, None)
    assert [m.date for m in found] == [D(2018, 12, 19), D(2018, 12, 26)]
    assert not found[1].relative


@pytest.mark.parametrize(
    "text",
    ["أمس", "الشهر الماضي", "يوم الخميس", "الـ 19 من ديسمبر الجاري", "yesterday", "on Tuesday",
     "منذ مطلع الشهر", "خلال الـ 24 ساعة الأخيرة", "قبل يومين", "الـ 26 من الشهر ذاته"],
)
def test_relative_expressions_are_skipped_without_publication(text: str) -> None:
    assert find_dates(text, None) == []


@pytest.mark.parametrize(
    "text",
    [
        "مارس الجيش ضغوطاً",  # a verb, not March
        "قال أب لطفلين",  # a father, not August
        "It is what it may be",
        "up to 5 may have died",
        "خرج 2018 شخصاً من المنطقة",
        "الـ 31 من شباط 2019",  # no such day
        "31/02/2019",
        "قبل عشر سنوات",
        "رقم 12/13/14",
        "أحد عشر مقاتلاً",
        "وفي اليوم التالي انسحبوا",
        "في اليوم الثالث من المعركة",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, PUB) == []


def test_spans_point_into_text_with_diacritics_and_tatweel() -> None:
    text = "وسيطرت القوات أمسِ الأربعاءَ الـــ 26 من كانـــون الأوَّل ٢٠١٨ على القرية"
    (m,) = find_dates(text, None)
    assert text[m.start:m.end] == m.text
    assert m.text.startswith("أمسِ")
    assert m.text.endswith("٢٠١٨")
    assert (m.date, m.anchor, m.warning) == (D(2018, 12, 26), 1, None)


def test_mentions_are_sorted_and_disjoint() -> None:
    text = ("سيطرت قسد أمس على القرية، بعد معارك بدأت الـ 10 من أيلول / سبتمبر من العام 2018، "
            "وتواصلت خلال الأسبوع الفائت وحتى اليوم. Yesterday the SDF said on 26 Dec ...")
    found = find_dates(text, PUB)
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert all(a.end <= b.start for a, b in pairwise(found))
    assert [m.date for m in found] == [D(2018, 12, 26), D(2018, 9, 10), D(2018, 12, 26),
                                       D(2018, 12, 27), D(2018, 12, 26), D(2018, 12, 26)]


# ------------------------------------------------------------------------- inference

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أفاد المرصد ليل أمس الأربعاء الـ 26 من كانون الأول / ديسمبر 2018 بأن",
         (D(2018, 12, 27), "day")),
        ("وسيطرت على المدينة أمس الأول الاثنين الـ 20 من تشرين الثاني / نوفمبر 2017",
         (D(2017, 11, 22), "day")),
        ("Fighting resumed yesterday, December 26, 2018.", (D(2018, 12, 27), "day")),
        ("معارك منذ الـ 10 من أيلول 2018 والـ 3 من تشرين الأول 2018", (D(2018, 10, 3), "day")),
        ("نشر يوم الخميس الفائت الـ 16 من تشرين الثاني 2017", (D(2017, 11, 16), "week")),
        ("منذ مطلع شهر كانون الأول / ديسمبر من العام 2018", (D(2018, 12, 1), "month")),
        ("خلال شهر كانون الأول الماضي 2018", (D(2019, 1, 1), "month")),
        ("في العام 2014 أعلن التنظيم", (None, "unknown")),
        # rule 4: "until today, the 26th of this month" outranks an older pasted "أمس الأول"
        ("تقدمت القوات منذ الـ 21 من شهر تشرين الثاني / نوفمبر الجاري وحتى اليوم الـ 26 من "
         "الشهر ذاته. وكانت دخلت المدينة أمس الأول الاثنين الـ 20 من تشرين الثاني 2017",
         (D(2017, 11, 26), "day")),
        ("تقدمت القوات حتى اليوم الـ 3 من الشهر الجاري. وكانت دخلت المدينة أمس الأول الاثنين "
         "الـ 20 من تشرين الثاني 2017", (D(2017, 11, 22), "day")),
        ("تعتزم إنهاء وجوده مطلع شهر كانون الثاني المقبل 2019", (None, "unknown")),
        ("لا تاريخ هنا", (None, "unknown")),
        ("", (None, "unknown")),
    ],
)
def test_infer_published(text: str, expected: tuple[dt.date | None, str]) -> None:
    assert infer_published(text) == expected


SEED_EXPECTED = {
    "000": ((D(2018, 12, 27), D(2018, 12, 27)), ("day",)),
    # 004 quotes an earlier bulletin ("أمس الأول الاثنين الـ 20" -> 22 Nov) but its own
    # first paragraph runs "from the 21st of this November until today, the 26th".
    "004": ((D(2017, 11, 26), D(2017, 11, 26)), ("day",)),
    "001": ((D(2018, 12, 1), D(2019, 1, 31)), ("month",)),
}


@pytest.mark.shared
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_infer_published_on_seeds(seeds_dir: Path, prefix: str) -> None:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    date, precision = infer_published(path.read_text(encoding="utf-8"))
    if prefix in SEED_EXPECTED:
        (lo, hi), precisions = SEED_EXPECTED[prefix]
        assert date is not None
        assert lo <= date <= hi
        assert precision in precisions
    else:  # 002 names no year at all; 003 only "2014": nothing better than unknown
        assert (date, precision) == (None, "unknown")


@pytest.mark.shared
def test_seed_000_dates(seeds_dir: Path) -> None:
    (path,) = seeds_dir.glob("000_*.txt")
    text = path.read_text(encoding="utf-8")
    found = find_dates(text, D(2018, 12, 27))
    dates = {m.date for m in found if m.precision == "day"}
    assert {D(2018, 12, 26), D(2018, 12, 19), D(2018, 9, 10)} <= dates
    assert all(text[m.start:m.end] == m.text for m in found)
    assert any(m.range_start == D(2018, 12, 26) for m in found)  # the last 24 hours


# ------------------------------------------------------------------------- properties

dates_st = st.dates(min_value=D(1990, 1, 1), max_value=D(2035, 12, 31))


def _forms(d: dt.date, variant: int) -> list[str]:
    lev = LEVANTINE[d.month - 1]
    gregs = GREGORIAN[d.month - 1]
    greg = gregs[variant % len(gregs)]
    en = ENGLISH[d.month - 1]
    return [
        f"الـ {d.day} من {lev} {d.year}",
        f"{d.day} {lev} من العام {d.year}",
        f"{d.day} {greg} {d.year}",
        f"الـ {d.day} من {lev} / {greg} من العام {d.year}",
        f"الـ{d.day} من شهر {greg}/{lev} عام {d.year}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02}-{d.month:02}-{d.year}",
        f"{d.year}-{d.month:02}-{d.day:02}",
        f"{d.day}/{d.month}/{d.year}".translate(INDIC),
        f"{d.day} {lev} {d.year}".translate(INDIC),
        f"{d.day} {en} {d.year}",
        f"{en} {d.day}, {d.year}",
        f"{en[:3]}. {d.day}, {d.year}",
        f"{AR_WEEKDAYS[d.weekday()]} الـ {d.day} من {lev} {d.year}",
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dates_st, st.integers(min_value=0, max_value=2))
def test_every_absolute_form_parses_back(d: dt.date, variant: int) -> None:
    for form in _forms(d, variant):
        text = f"وقالت المصادر إن القوات سيطرت في {form}، على البلدة"
        (m,) = find_dates(text, None)
        assert (m.date, m.precision, m.relative, m.warning) == (d, "day", False, None), form
        assert m.text == form


@settings(max_examples=100, deadline=None)
@given(dates_st, st.integers(min_value=0, max_value=2))
def test_every_month_form_parses_back(d: dt.date, variant: int) -> None:
    lev = LEVANTINE[d.month - 1]
    gregs = GREGORIAN[d.month - 1]
    greg = gregs[variant % len(gregs)]
    en = ENGLISH[d.month - 1]
    first = d.replace(day=1)
    for form in (f"شهر {lev} / {greg} من العام {d.year}", f"{lev} {d.year}",
                 f"شهر {greg} عام {d.year}".translate(INDIC), f"{en} {d.year}"):
        (m,) = find_dates(f"وقالت المصادر إن {form} شهد معارك", None)
        assert (m.date, m.precision, m.relative, m.text) == (first, "month", False, form)
    (m,) = find_dates(f"منذ مطلع {lev} {d.year}", None)
    assert (m.date, m.range_start, m.precision) == (first, first, "month")


@settings(max_examples=100, deadline=None)
@given(dates_st, st.integers(min_value=0, max_value=330))
def test_day_and_month_without_year_take_the_nearest_past_year(d: dt.date, ahead: int) -> None:
    published = d + dt.timedelta(days=ahead)
    lev = LEVANTINE[d.month - 1]
    for form in (f"الـ {d.day} من {lev}", f"{d.day} {ENGLISH[d.month - 1]}"):
        m = only(form, published)
        assert (m.date, m.relative) == (d, True), form


@settings(max_examples=100, deadline=None)
@given(dates_st, st.integers(min_value=1, max_value=10))
def test_relative_days_count_back_from_publication(published: dt.date, n: int) -> None:
    assert only("أمس", published).date == published - dt.timedelta(days=1)
    assert only(f"قبل {n} أيام", published).date == published - dt.timedelta(days=n)
    m = only(f"يوم {AR_WEEKDAYS[(published - dt.timedelta(days=n % 7)).weekday()]}", published)
    assert m.date == published - dt.timedelta(days=n % 7)


arabic_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(list("0123456789/-. ،,\n\u0640\u064e\u0651“”«»")),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    ),
    max_size=200,
)
vocab = st.sampled_from(
    ["الـ", "26", "من", "كانون", "الأول", "/", "ديسمبر", "2018", "العام", "الجاري", "أمس",
     "الأربعاء", "الشهر", "ذاته", "منذ", "مطلع", "خلال", "الأسبوع", "الفائت", "24", "ساعة",
     "الأخيرة", "31", "شباط", "قبل", "يومين", "on", "Tuesday", "Dec.", "yesterday", "last",
     "month", "29", "2", "2019", "١٢", "/", "-", "ـ", "آب", "مارس", "0", "00", "9999"]
)
soup = st.lists(vocab, max_size=25).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), arabic_text, soup),
       st.one_of(st.none(), st.dates(), st.just(D(1, 1, 1)), st.just(D(9999, 12, 31))))
def test_random_text_never_crashes_and_spans_hold(text: str, published: dt.date | None) -> None:
    found = find_dates(text, published)
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.precision in ("day", "week", "month", "year")
        assert type(m.date) is dt.date
    assert all(a.end <= b.start for a, b in pairwise(found))
    date, precision = infer_published(text)
    assert precision in ("day", "week", "month", "unknown")
    assert (date is None) == (precision == "unknown")


_NO_HINTS = tuple((kind, rx, re.compile("")) for kind, rx, _ in dates_module._SPECS)


@settings(max_examples=200, deadline=None)
@given(st.one_of(soup, arabic_text), st.one_of(st.none(), st.just(PUB)))
def test_keyword_hints_never_change_the_result(text: str, published: dt.date | None) -> None:
    """The cheap pre-checks that skip a regex must not lose what it would have found."""
    with mock.patch.object(dates_module, "_SPECS", _NO_HINTS):
        full = find_dates(text, published)
    assert find_dates(text, published) == full


def test_keyword_hints_on_the_table() -> None:
    texts = [c[0] for c in _FORM_CASES] + [c[0] for c in _RANGE_CASES]
    with mock.patch.object(dates_module, "_SPECS", _NO_HINTS):
        full = [find_dates(t, PUB) for t in texts]
    assert [find_dates(t, PUB) for t in texts] == full
