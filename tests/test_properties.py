"""Property tests of the parsers: the Arabic fold and proclitic stripper, the date grammar,
the phrase-file loader, and the extractor on any text.

Each property holds for every input hypothesis draws; the example counts are kept modest so
the file runs in seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tracker.actors import ActorLexicon
from tracker.arabic import fold, fold_with_offsets, normalize, proclitic_variants, tokens
from tracker.dates import find_dates
from tracker.errors import InputError
from tracker.extract import extract
from tracker.extract.doc import build_doc
from tracker.extract.grammar import Frame, load_frames, parse_frames
from tracker.gazetteer_io import load_gazetteer
from tracker.model import Report
from tracker.reports import report_id
from tracker.settings import Settings

# Arabic letters (with the hamza forms, ta marbuta, alef maqsura), harakat, tatweel, the
# invisible marks copy-pasted text carries, Eastern digits, Persian letters, punctuation.
ARABIC = ("ابتثجحخدذرزسشصضطظعغفقكلمنهوي" "أإآٱةىؤئء" "\u064b\u064c\u064d\u064e\u064f\u0650"
          "\u0651\u0652\u0670\u0640" "\u200b\u200c\u200d\u200e\u200f\u202b\u2067\ufeff"
          "٠١٢٣٤٥٦٧٨٩۴۵کیگڤ" "،؛؟.,:- ")
arabic_text = st.text(alphabet=ARABIC, max_size=60)
PROCLITIC_LETTERS = set("وفبلك")


# ----------------------------------------------------------------------------- arabic


@settings(max_examples=200)
@given(st.one_of(arabic_text, st.text(max_size=60)))
def test_fold_with_offsets_maps_every_folded_span_back(text: str) -> None:
    folded, at = fold_with_offsets(text)
    assert folded == fold(text)
    positions = [at(j) for j in range(len(folded))]
    assert positions == sorted(set(positions))  # strictly increasing: one original char each
    for j, i in enumerate(positions):
        assert fold(text[i]) == folded[j]
    # any span of the folded text is the fold of the original span it maps back to
    for a in range(0, len(folded), 7):
        for b in range(a, len(folded), 5):
            assert fold(text[at(a): at(b) + 1]) == folded[a: b + 1]


@settings(max_examples=100)
@given(st.text(alphabet=ARABIC, min_size=1, max_size=40), st.text(alphabet=ARABIC, max_size=20))
def test_a_regex_match_on_the_folded_text_is_a_span_of_the_original(text: str,
                                                                   needle: str) -> None:
    folded, at = fold_with_offsets(text)
    key = fold(needle).strip()
    assume(key)
    for m in re.finditer(re.escape(key), folded):
        original = text[at(m.start()): at(m.end() - 1) + 1]
        assert fold(original) == key


word = st.text(alphabet="ابتجدرسعفقكلمنهويةى", min_size=1, max_size=8)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["و", "ف", "ب", "ل", "ك", "ال", "لل"]), max_size=3), word)
def test_proclitic_readings_rebuild_the_word(prefixes: list[str], stem: str) -> None:
    w = normalize("".join(prefixes) + stem)
    assume(w)
    readings = proclitic_variants(w)
    assert readings[0] == (w, 0)
    assert len({r for r, _ in readings}) == len(readings)
    for rest, n in readings[1:]:
        head = w[:n]
        assert set(head) <= PROCLITIC_LETTERS, (w, rest, n)
        # the rest is what follows the stripped letters, or, after "لل", the article's alef
        # put back ("للقرية" = "ل" + "القرية")
        assert rest == w[n:] or (w[n:].startswith("ل") and rest == "ا" + w[n:]), (w, rest, n)
        assert len(rest) >= 2


@settings(max_examples=150)
@given(st.text(max_size=80))
def test_normalize_is_idempotent_and_tokens_normalise_to_single_words(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    for t in tokens(text):
        assert text[t.start: t.end] == t.text
        assert t.norm == normalize(t.text)


# ----------------------------------------------------------------------------- dates

DATE_WORDS = ["أمس", "اليوم", "الأحد", "الماضي", "الجاري", "كانون", "الأول", "الثاني", "من",
              "شهر", "أيلول", "سبتمبر", "ديسمبر", "جوان", "دجنبر", "قبل", "يومين", "أيام", "منذ",
              "أسبوع", "الـ", "26", "2018", "١٤", "۱۲", "/", "-", "yesterday", "last", "Sunday",
              "20th", "of", "month", "December", "Dec.", "on", "the", "2019", "5", "May", "،"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(DATE_WORDS), st.text(max_size=6)), max_size=25),
       st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))))
def test_find_dates_never_raises_and_spans_point_into_the_text(words: list[str],
                                                              published: dt.date | None) -> None:
    text = " ".join(words)
    found = find_dates(text, published)
    end = -1
    for m in found:
        assert text[m.start: m.end] == m.text
        assert m.start >= end  # sorted, non-overlapping
        end = m.end
        assert m.precision in ("day", "week", "month", "year", "weekday")
        assert (m.date is None) == (m.precision == "weekday")
        if m.relative and published is not None and m.date is not None:
            # a date resolved against the publication is near it, never in another century
            assert abs((m.date - published).days) <= 400, (m.text, m.date, published)


MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
FILLER = ["troops", "said", "village", "the", "and", "القوات", "قالت", "المصادر", "في", "إن",
          "reported", "town", "البلدة", "near", "fighting", "اشتباكات"]


@settings(max_examples=100, deadline=None)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
       st.lists(st.sampled_from(FILLER), max_size=8), st.lists(st.sampled_from(FILLER),
                                                                max_size=8))
def test_an_absolute_date_is_read_whatever_words_surround_it(d: dt.date, before: list[str],
                                                            after: list[str]) -> None:
    form = f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    text = " ".join([*before, "on", form, *after])
    found = [m for m in find_dates(text, None) if m.precision == "day"]
    assert [(m.date, m.text) for m in found] == [(d, form)]


# ----------------------------------------------------------------------------- phrase loader

HEADER = "trigger,forms,pos,status,gainer,loser,places,example,origin"
form_word = st.one_of(
    st.sampled_from(["~", "~~", "captured", "took", "سيطر", "سيطرت", "على", "north-east",
                     "fell", "to", "تحت", "استعاد*", "retak*", "back", "control", "of",
                     "\u0623\u0639\u0627\u062f", "سَيطرة", "*", ".", "al-Bab"]),
    st.text(alphabet="abcxyz-'.ابتسع\u064e*", min_size=1, max_size=6))
forms_field = st.lists(st.lists(form_word, min_size=1, max_size=4).map(" ".join),
                       min_size=0, max_size=3).map("|".join)
role = st.sampled_from(["subject", "agent", "object", "from", "gap", "near", "actor:sdf",
                        "actor:government", "actor:martians", "actor:", "boss", ""])
roles_field = st.lists(role, max_size=3).map("/".join)
slot = st.sampled_from(["object", "gap", "before", "after:from", "after:على/في", "after:",
                        "front:of", "after:.", "inside", "after:من/by"])
places_field = st.lists(slot, max_size=3).map(";".join)
free = st.text(alphabet="abc ,\"|;/:~*ابت", max_size=12)


def _frame_row(f: Frame) -> list[str]:
    """The CSV fields that say what frame `f` says (the loader's inverse)."""
    places = ";".join(s + (":" + "/".join(p) if p else "") for s, p in f.places)
    return [f.trigger, "|".join(" ".join(form) for form in f.forms), f.pos, f.status,
            "/".join(f.gainer), "/".join(f.loser), places, f.example, f.origin]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return HEADER + "\n" + out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcxyz ابت", max_size=10), forms_field,
       st.sampled_from(["verb", "noun", "phrase", "participle", "adverb"]),
       st.sampled_from(["captured", "held", "lost", "contested", "besieged", "pocket", "none",
                        "won"]),
       roles_field, roles_field, places_field, free, free)
def test_any_phrase_row_that_loads_round_trips(trigger: str, forms: str, pos: str, status: str,
                                               gainer: str, loser: str, places: str,
                                               example: str, origin: str) -> None:
    text = _csv([[trigger, forms, pos, status, gainer, loser, places, example, origin]])
    try:
        frames = parse_frames(text, "mine_en.csv", "en")
    except InputError as err:
        refusal = str(err)
    else:
        refusal = ""
    if refusal:
        assert refusal.startswith("mine_en.csv:2: ")  # a refusal names the file and line
        return
    (frame,) = frames
    for form in frame.forms:
        assert form[0] not in ("~", "~~")
        assert form[-1] not in ("~", "~~")
        for w in form:
            # every word can meet one token of a text: one word as the doc tokenises and
            # normalises a text, never empty
            if w not in ("~", "~~"):
                (tok,) = build_doc(w.rstrip("*"), actors=[], dates=[], names=[]).tokens
                assert tok.is_word
                assert tok.norm == w.rstrip("*")
    for _, preps in frame.places:
        assert all(preps)
    (again,) = parse_frames(_csv([_frame_row(frame)]), "again.csv", "en")
    assert again == frame


def test_the_bundled_frames_round_trip() -> None:
    frames = load_frames()
    assert frames
    for f in frames:
        (again,) = parse_frames(_csv([_frame_row(f)]), "again.csv", f.lang)
        assert again == f


# ----------------------------------------------------------------------------- extract


@pytest.fixture(scope="module")
def resources(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, ActorLexicon]:
    cache = tmp_path_factory.mktemp("empty-cache")
    return load_gazetteer(Settings(cache_dir=cache)), ActorLexicon.load()


TRIGGERS = ["سيطرت", "قوات", "النظام", "على", "قرية", "هجين", "انسحب", "داعش", "من", "بلدة",
            "الباغوز", "فوقاني", "حاصرت", "تحت", "سيطرة", "لم", "يعد", "للتنظيم", "سوى", "و",
            "The", "SDF", "captured", "Hajin", "withdrew", "from", "fell", "to", "rebels",
            "under", "control", "of", "besieged", "Raqqa", "yesterday", ".", "،", "\n", "\n\n"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(TRIGGERS), st.text(max_size=8)), max_size=40),
       st.one_of(st.none(), st.dates(dt.date(2011, 1, 1), dt.date(2024, 12, 31))))
def test_extract_never_raises_on_any_text(resources: tuple[object, ActorLexicon],
                                          words: list[str], published: dt.date | None) -> None:
    gaz, lex = resources
    text = " ".join(words)
    assume(text.strip())
    report = Report(report_id(text), text, "t.txt", published=published)
    x = extract(report, gaz, lex)  # type: ignore[arg-type]
    for c in x.claims:
        assert 0 <= c.evidence.start < c.evidence.end <= len(text)
        assert c.status in ("captured", "held", "lost", "contested", "besieged")
        assert 0.0 <= c.confidence <= 1.0
    for m in x.mentions:
        assert text[m.start: m.end] == m.text
