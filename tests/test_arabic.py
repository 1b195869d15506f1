"""Arabic normalisation, tokens with offsets, proclitic variants, name keys, Latin keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.arabic import (
    FEATURE_WORDS,
    QUALIFIERS,
    fold,
    is_arabic,
    latin_key,
    name_keys,
    normalize,
    proclitic_variants,
    strip_article,
    tokens,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أبو الحسَن", "ابو الحسن"),  # hamza on alef, fatha
        ("إدلب", "ادلب"),
        ("آل", "ال"),
        ("ٱلفرات", "الفرات"),  # wasla
        ("جانات الصوارنة", "جانات الصوارنه"),  # taa marbuta
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("مؤسسة", "موسسه"),
        ("رئيس", "رييس"),
        ("سماء", "سما"),  # lone hamza dropped
        ("الـــباغوز", "الباغوز"),  # tatweel
        ("\u200fهجين\u200e", "هجين"),  # directional marks
        ("  دير   الزور - مركز ", "دير الزور مركز"),  # punctuation and spaces
        ("Deir EZ-Zor", "deir ez zor"),
        ("٢٠١٨", "2018"),  # Arabic-Indic digits
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_fold_keeps_punctuation() -> None:
    assert fold("قرية «أبو حسن»،") == "قريه «ابو حسن»،"


def test_tokens_keep_offsets_into_the_original() -> None:
    text = "قال: «الباغوز» وهَجِين، 2018"
    toks = tokens(text)
    assert [t.norm for t in toks] == ["قال", "الباغوز", "وهجين", "2018"]
    for t in toks:
        assert text[t.start : t.end] == t.text


@given(st.text(max_size=80))
def test_tokens_offsets_hold_for_any_text(text: str) -> None:
    for t in tokens(text):
        assert text[t.start : t.end] == t.text
        assert t.norm == normalize(t.text)
        assert t.norm


def test_strip_article() -> None:
    assert strip_article("الباغوز") == "باغوز"
    assert strip_article("ال") == "ال"
    assert strip_article("الف") == "الف"  # too short to be article + word
    assert strip_article("هجين") == "هجين"


@pytest.mark.parametrize(
    ("word", "rest", "n"),
    [
        ("وهجين", "هجين", 1),
        ("بالباغوز", "الباغوز", 1),  # ب + article kept
        ("وبالباغوز", "الباغوز", 2),
        ("للتنظيم", "التنظيم", 1),  # ل + ال merged
        ("فالسوسة", "السوسة", 1),
        ("كالعادة", "العادة", 1),
    ],
)
def test_proclitic_variants(word: str, rest: str, n: int) -> None:
    variants = dict(proclitic_variants(word))
    assert variants[word] == 0
    assert variants[rest] == n
    assert proclitic_variants(word)[0] == (word, 0)  # the word itself first


def test_proclitic_variants_leave_short_words() -> None:
    assert proclitic_variants("وب") == [("وب", 0)]


def test_name_keys_abu_and_article_forms() -> None:
    keys = name_keys("البوكمال")
    assert {"البوكمال", "ابو كمال", "ابوكمال", "البو كمال"} <= keys
    assert name_keys("أبو كمال") & keys  # the two spellings meet
    assert name_keys("أبو الحسن") & name_keys("أبو حسن")
    assert name_keys("البوخاطر") & name_keys("أبو الخاطر")
    assert name_keys("رسم السكاف") & name_keys("رسم سكاف")
    assert name_keys("") == set()
    assert name_keys("!!!") == set()


def test_name_keys_keep_qualifiers() -> None:
    upper = name_keys("الباغوز فوقاني")
    assert "الباغوز فوقاني" in upper
    assert not upper & name_keys("الباغوز")
    assert not upper & name_keys("الباغوز تحتاني")


@pytest.mark.parametrize(
    "group",
    [
        ("Deir ez-Zor", "Deir Ezzor", "Dayr az Zawr", "Deir al-Zour", "Deir EZ-ZOR"),
        ("Abu Kamal", "Albu Kamal", "al-Bukamal", "Abou Kamal", "Albukamal"),
        ("Baghuz", "Baghouz", "Bagouz", "al-Baghuz"),
        ("Hajin", "Hajeen"),
        ("Mayadin", "al-Mayadeen", "Al Mayadin"),
        ("Shaafa", "Ash Shafa", "al-Sha'fa"),
        # article glued to the name (OCHA style), assimilated, doubled letters, -ah/-a
        ("Alsafafnah", "As Safafinah", "Assafafnah", "al-Safafina", "Elsafafneh"),
        ("Um Elhoteh", "Umm al Hutah", "Umm al-Houta"),
        ("Almajdiyah", "Al Majidiyah", "al-Majdiya"),
        ("Arraqqa", "Ar-Raqqa", "Raqqah"),
    ],
)
def test_latin_key_variants_meet(group: tuple[str, ...]) -> None:
    assert len({latin_key(n) for n in group}) == 1, {n: latin_key(n) for n in group}


def test_latin_key_keeps_different_places_apart() -> None:
    assert latin_key("Hajin") != latin_key("Hama")
    assert latin_key("Baghuz Fawqani") != latin_key("Baghuz")
    assert latin_key("") == ""


def test_latin_key_strips_only_real_glued_articles() -> None:
    # "al"/"el" before a vowel, or with too little left, is part of the name
    assert latin_key("Aleppo") != latin_key("Eppo")
    assert latin_key("Alwan").startswith("a")
    assert latin_key("Assad") != latin_key("Sad")
    # "albu" is the abu form, folded with it rather than stripped
    assert latin_key("Albukamal") == latin_key("Abu Kamal") != latin_key("Kamal")


def test_is_arabic() -> None:
    assert is_arabic("هجين")
    assert not is_arabic("Hajin")
    assert is_arabic("قرية Hajin هجين")
    assert not is_arabic("")


def test_word_lists_are_normalised_forms() -> None:
    for w in ("قريه", "بلده", "مدينه", "مخيم", "حي", "ناحيه", "منطقه", "ريف"):
        assert w in FEATURE_WORDS
    for q in ("فوقاني", "تحتاني", "الشرقي", "الغربي"):
        assert q in QUALIFIERS
