"""Tests for the actor lexicon (tracker.actors): names, proclitics, requires, user files."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.actors import ROLES, ActorLexicon, ActorMention
from tracker.arabic import normalize
from tracker.errors import InputError, TrackerError, UnknownActorError
from tracker.model import ACTORS

SHARED = Path(os.environ.get("TRACKER_SHARED", Path(__file__).resolve().parents[2] / "shared"))


@pytest.fixture(scope="module")
def lex() -> ActorLexicon:
    return ActorLexicon.load()


def actors_in(lex: ActorLexicon, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.actor) for m in lex.find(text)]


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("قسد", "sdf"),
        ("قوات سوريا الديمقراطية", "sdf"),
        ("قوات سورية الديمقراطية", "sdf"),
        ("قوات سوريا الديموقراطية", "sdf"),
        ("قوات سورية الديموقراطية", "sdf"),
        ("وحدات حماية الشعب", "sdf"),
        ("SDF", "sdf"),
        ("YPG", "sdf"),
        ("Syrian Democratic Forces", "sdf"),
        ("داعش", "isis"),
        ('تنظيم "الدولة الإسلامية"', "isis"),
        ("تنظيم “الدولة الإسلامية”", "isis"),
        ("تنظيم «الدولة الإسلامية»", "isis"),
        ("تنظيم 'الدولة الإسلامية'", "isis"),
        ("الدولة الإسلامية", "isis"),
        ("IS", "isis"),
        ("ISIS", "isis"),
        ("ISIL", "isis"),
        ("Daesh", "isis"),
        ("Islamic State", "isis"),
        ("قوات النظام", "government"),
        ("الجيش السوري", "government"),
        ("قوات الحكومة", "government"),
        ("الجيش العربي السوري", "government"),
        ("قوات الأسد", "government"),
        ("SAA", "government"),
        ("regime forces", "government"),
        ("pro-government forces", "government"),
        ("Syrian army", "government"),
        ("هيئة تحرير الشام", "hts"),
        ("تحرير الشام", "hts"),
        ("جبهة النصرة", "hts"),
        ("HTS", "hts"),
        ("Nusra", "hts"),
        ("القوات التركية", "turkey"),
        ("الجيش التركي", "turkey"),
        ("Turkish forces", "turkey"),
        ("الجيش الوطني السوري", "sna"),
        ("فصائل درع الفرات", "sna"),
        ("SNA", "sna"),
        ("التحالف الدولي", "coalition"),
        ("قوات التحالف", "coalition"),
        ("US-led coalition", "coalition"),
    ],
)
def test_names_map_to_ids(lex: ActorLexicon, name: str, actor: str) -> None:
    text = f"قالت المصادر إن {name} تقدمت" if not name.isascii() else f"Sources say {name} advanced"
    (m,) = lex.find(text)
    assert m.actor == actor
    assert text[m.start:m.end] == m.text
    assert lex.canonical(name) == actor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وقسد", [("قسد", "sdf")]),
        ("بقوات النظام", [("قوات النظام", "government")]),
        ("لقوات سوريا الديمقراطية", [("قوات سوريا الديمقراطية", "sdf")]),
        ("فداعش", [("داعش", "isis")]),
        ("كداعش", [("داعش", "isis")]),
        ("وللقوات التركية", [("قوات التركية", "turkey")]),
        ("والجيش السوري", [("الجيش السوري", "government")]),
        ("بالتحالف الدولي", [("التحالف الدولي", "coalition")]),
    ],
)
def test_proclitics_stay_outside_the_span(lex: ActorLexicon, text: str,
                                          expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


def test_longest_match_and_diacritics(lex: ActorLexicon) -> None:
    text = "سيطرت قوّاتُ سوريـــا الديمقراطيةِ على القرية بدعم من طائرات التحالف الدولي"
    assert actors_in(lex, text) == [("قوّاتُ سوريـــا الديمقراطيةِ", "sdf"),
                                    ("التحالف الدولي", "coalition")]


def test_latin_is_whole_word_and_case_insensitive(lex: ActorLexicon) -> None:
    assert actors_in(lex, "the sdf and isis and Daesh") == [("sdf", "sdf"), ("isis", "isis"),
                                                            ("Daesh", "isis")]
    assert lex.find("This is a crisis; SDFX and ISISY are not names.") == []
    assert actors_in(lex, "IS fighters") == [("IS", "isis")]  # two capitals: case-sensitive


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("انسحب التنظيم من القرية", []),
        ("انسحب التنظيم من القرية بعد هجوم على داعش",
         [("التنظيم", "isis"), ("داعش", "isis")]),
        ("حاصرت قوات النظام عناصر التنظيم وقال تنظيم الدولة",
         [("قوات النظام", "government"), ("عناصر التنظيم", "isis"), ("تنظيم الدولة", "isis")]),
        ("تقدمت الهيئة في ريف حماة", []),
        ("تقدمت الهيئة بعد أن أعلنت هيئة تحرير الشام",
         [("الهيئة", "hts"), ("هيئة تحرير الشام", "hts")]),
        ("سيطرت مع المسلحين الموالين لها", []),
        ("سيطرت قوات النظام مع المسلحين الموالين لها وحلفائها",
         [("قوات النظام", "government"), ("المسلحين الموالين لها", "government"),
          ("حلفائها", "government")]),
        ("ممثل الدولة السورية", [("الدولة السورية", "government")]),
        ("للتنظيم وداعش", [("تنظيم", "isis"), ("داعش", "isis")]),
    ],
)
def test_requires_rows_need_the_actor_named(lex: ActorLexicon, text: str,
                                            expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


def test_canonical(lex: ActorLexicon) -> None:
    assert lex.canonical("SDF") == "sdf"
    assert lex.canonical(" Government ") == "government"
    assert lex.canonical("قوّات النظام") == "government"
    for actor in ACTORS:
        assert lex.canonical(actor) == actor
    with pytest.raises(UnknownActorError) as info:
        lex.canonical("Martians")
    assert "isis" in str(info.value)
    assert "coalition" in str(info.value)
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, TrackerError)


def test_bundled_rows_are_valid(lex: ActorLexicon) -> None:
    assert len(lex) > 400
    assert {a for e in lex.entries for a in e.actors} <= set(ACTORS)
    assert {a for e in lex.entries for a in e.required} <= set(ACTORS)
    assert {e.role for e in lex.entries} <= set(ROLES)
    assert all(e.actor == e.actors[0] for e in lex.entries)


USER_CSV = """name,actor,lang,requires,note
# a comment line
جيش الثوار,sdf,ar,,Army of Revolutionaries joined the SDF
قوات النمر الخاصة,government,ar,,
الفرقة,hts,ar,hts,only with HTS named
Tiger Forces,sdf,en,,deliberate override of a bundled row
"Hay'at, Tahrir",hts,en,,a quoted name with a comma
"""


def test_user_file_extends_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(USER_CSV, encoding="utf-8")
    lex = ActorLexicon.load(extra_paths=[path])
    assert actors_in(lex, "وقاتل جيش الثوار") == [("جيش الثوار", "sdf")]
    assert actors_in(lex, "قوات النمر الخاصة") == [("قوات النمر الخاصة", "government")]
    assert lex.canonical("Tiger Forces") == "sdf"
    assert lex.canonical("Hay'at, Tahrir") == "hts"
    assert actors_in(lex, "الفرقة") == []


def test_env_var_adds_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("name,actor\nجيش الثوار,sdf\n", encoding="utf-8")
    b.write_text("actor,name\nhts,جيش العزة\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_ACTORS", os.pathsep.join([str(a), str(b)]))
    lex = ActorLexicon.load()
    assert lex.canonical("جيش الثوار") == "sdf"
    assert lex.canonical("جيش العزة") == "hts"


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("name,actor\nقسد,martians\n", 2, ["martians", "isis", "sdf", "government"]),
        ("name,actor,lang,requires,note\nالتنظيم,isis,ar,daesh,x\n", 2, ["daesh", "isis"]),
        ("name,actor\n\nقسد,sdf,ar,extra,cells,too many\n", 3, ["fields"]),
        ("name,actor\n,sdf\n", 2, ["empty name"]),
        ("naam,actor\nقسد,sdf\n", 1, ["header"]),
        ("name,actor\n...,sdf\n", 2, ["no letters"]),
    ],
)
def test_bad_user_file_names_file_and_line(tmp_path: Path, content: str, line: int,
                                           words: list[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        ActorLexicon.load(extra_paths=[path])
    message = str(info.value)
    assert f"{path}:{line}:" in message
    for word in words:
        assert word in message
    assert info.value.line == line


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00n\x00a", b"# only a comment\n"])
def test_empty_binary_or_headerless_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(str(path))):
        ActorLexicon.load(extra_paths=[path])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv"):
        ActorLexicon.load(extra_paths=[tmp_path / "nope.csv"])


@pytest.mark.shared
def test_seed_actors(seeds_dir: Path, lex: ActorLexicon) -> None:
    """Seed 004 names government, ISIS and HTS; seed 000 SDF, ISIS, coalition, Turkey."""
    text4 = next(seeds_dir.glob("004_*.txt")).read_text(encoding="utf-8")
    assert {m.actor for m in lex.find(text4)} == {"government", "isis", "hts"}
    text0 = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    found = lex.find(text0)
    assert {m.actor for m in found} == {"sdf", "isis", "coalition", "turkey", "government"}
    assert all(text0[m.start:m.end] == m.text for m in found)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_text_spans_hold(lex: ActorLexicon, text: str) -> None:
    found = lex.find(text)
    assert all(isinstance(m, ActorMention) and text[m.start:m.end] == m.text for m in found)
    assert all(a.end <= b.start for a, b in pairwise(found))



# ----------------------------------------------------------------------------- context cues


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cue near the context-dependent name: the report is about ISIS
        ("قاتل عناصر التنظيم دفاعاً عن آخر بقايا الخلافة في البادية",
         [("عناصر التنظيم", "isis")]),
        ("فر الجهاديون من التنظيم نحو البادية", [("الجهاديون", "isis"), ("التنظيم", "isis")]),
        ("The jihadists, loyal to Baghdadi, fled", [("The jihadists", "isis")]),
        # no cue: nothing guessed; a cue never vouches for itself
        ("قاتل عناصر التنظيم في البادية", []),
        ("فر الجهاديون نحو البادية", []),
        ("the jihadists fled", []),
        # a cue far from the name does not count
        ("الخلافة " + "كلمة " * 40 + "التنظيم", []),
    ],
)
def test_cues_let_context_dependent_names_count(lex: ActorLexicon, text: str,
                                                expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


def test_title_context_names_the_actor(lex: ActorLexicon) -> None:
    body = "انسحب التنظيم من البلدة"
    assert lex.find(body) == []
    assert actors_in_ctx(lex, body, "داعش يخسر البلدة") == [("التنظيم", "isis")]
    # a report about the war against "the organisation", naming no other organisation
    assert actors_in_ctx(lex, body, "قسد تتقدم") == [("التنظيم", "isis")]


def test_bare_organisation_is_not_isis_when_another_organisation_is_named(
        lex: ActorLexicon) -> None:
    text = "اشتباكات بين قسد وتنظيم حراس الدين، وانسحب التنظيم من القرية"
    assert [m.actor for m in lex.find(text)] == ["sdf"]
    text = "اشتباكات بين قسد وتنظيم \"الدولة الإسلامية\"، وانسحب التنظيم من القرية"
    assert [m.actor for m in lex.find(text)] == ["sdf", "isis", "isis"]


def actors_in_ctx(lex: ActorLexicon, text: str, context: str) -> list[tuple[str, str]]:
    return [(m.text, m.actor) for m in lex.find(text, context=context)]


@pytest.mark.parametrize(("name", "actor"), [
    ("Islamic State fighters", "isis"), ("Islamic State militants", "isis"),
])
def test_new_english_isis_names(lex: ActorLexicon, name: str, actor: str) -> None:
    assert actors_in(lex, f"clashes with {name} went on") == [(name, actor)]


def test_cue_rows_are_not_names(lex: ActorLexicon) -> None:
    assert actors_in(lex, "أعلنت الخلافة") == []
    with pytest.raises(UnknownActorError):
        lex.canonical("الخلافة")


def test_user_cue_rows_and_bad_role(tmp_path: Path) -> None:
    good = tmp_path / "cues.csv"
    good.write_text("name,actor,lang,requires,note,role\nرجال الساحل,government,ar,,,cue\n"
                    "السرايا,government,ar,government,,\n", encoding="utf-8")
    lex = ActorLexicon.load(extra_paths=[good])
    assert actors_in(lex, "تقدمت السرايا مع رجال الساحل") == [("السرايا", "government")]
    assert actors_in(lex, "تقدمت السرايا نحو التلال") == []
    bad = tmp_path / "bad.csv"
    bad.write_text("name,actor,lang,requires,note,role\nالسرايا,government,ar,,,hint\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as info:
        ActorLexicon.load(extra_paths=[bad])
    assert "bad.csv" in str(info.value)
    assert "role" in str(info.value)


# ----------------------------------------------------------------------------- each side's words
# Sentences below are our own; the names are facts the data file lists.


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        # the Turkish press on the SDF
        ("ي ب ك/بي كا كا", "sdf"), ("بي كا كا", "sdf"), ("YPG/PKK", "sdf"), ("PKK/PYD", "sdf"),
        ("PYD", "sdf"), ("حزب الاتحاد الديمقراطي", "sdf"), ("الميليشيات الكردية", "sdf"),
        # state media on the army
        ("الجيش العربي السوري", "government"), ("وحدات من الجيش", "government"),
        ("قواتنا المسلحة", "government"), ("القوات الرديفة", "government"),
        ("الدفاع الوطني", "government"), ("قوات النمر", "government"),
        ("الحشد الشعبي", "government"), ("حزب الله", "government"), ("لواء القدس", "government"),
        # opposition media on the government
        ("قوات الأسد", "government"), ("ميليشيات إيران", "government"),
        ("جيش النظام", "government"), ("نظام الأسد", "government"),
        # the opposition's own names
        ("أحرار الشام", "opposition"), ("جيش الإسلام", "opposition"),
        ("فيلق الرحمن", "opposition"), ("الجبهة الوطنية للتحرير", "opposition"),
        ("جيش العزة", "opposition"), ("Southern Front", "opposition"), ("NLF", "opposition"),
        # HTS under its names
        ("جبهة النصرة", "hts"), ("فتح الشام", "hts"), ("Jabhat Fateh al-Sham", "hts"),
        # ISIS
        ("جيش خالد بن الوليد", "isis"), ("ISIL", "isis"), ("Daesh", "isis"),
        # Turkey and the SNA
        ("TSK", "turkey"), ("الجيش التركي", "turkey"), ("الاحتلال التركي", "turkey"),
        ("غصن الزيتون", "sna"), ("درع الفرات", "sna"), ("Olive Branch", "sna"),
        ("Euphrates Shield", "sna"), ("الجيش الوطني", "sna"),
        # the coalition
        ("القوات الأمريكية", "coalition"), ("US forces", "coalition"),
    ],
)
def test_each_sides_names(lex: ActorLexicon, name: str, actor: str) -> None:
    text = f"وقالت المصادر إن {name} وصلت إلى التلة" if not name.isascii() \
        else f"Witnesses said {name} reached the hill"
    (m,) = lex.find(text)
    assert (m.text, m.actor, m.generic) == (name, actor, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the regime-held town and the rebel-held hills", [("regime-held", "government"),
                                                           ("rebel-held", "opposition")]),
        ("a government-held road", [("government-held", "government")]),
        ("the last ISIS-held village", [("ISIS-held", "isis")]),
        ("a Kurdish-held district", [("Kurdish-held", "sdf")]),
    ],
)
def test_holder_adjectives(lex: ActorLexicon, text: str, expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


def test_free_syrian_army_is_never_the_syrian_army(lex: ActorLexicon) -> None:
    for text in ("تقدمت فصائل الجيش السوري الحر نحو القرية",
                 "The Free Syrian Army reached the village"):
        assert [m.actor for m in lex.find(text)] == ["opposition"]
    # Turkey's army and its partners: the longest name wins at each token
    found = actors_in(lex, "سيطرت قوات الجيش التركي والجيش الحر على التلة")
    assert found[0] == ("قوات الجيش التركي", "turkey")


# ----------------------------------------------------------------------------- generic words


def test_mentions_say_which_row_they_come_from(lex: ActorLexicon) -> None:
    (m,) = lex.find("انسحبت الفصائل من الحي")
    assert (m.text, m.actor, m.generic, m.name) == ("الفصائل", "opposition", True, "الفصائل")
    assert m.origin.startswith("tracker/data/actors.csv:")
    (m,) = lex.find("سيطرت قسد على الحي")
    assert (m.generic, m.note) == (False, "acronym of قوات سوريا الديمقراطية")


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        # no side named: the factions are the opposition
        ("انسحبت الفصائل من البلدة بعد معارك", "opposition"),
        # the SNA named beside them: they are the SNA
        ("تقدمت الفصائل المشاركة في عملية درع الفرات نحو القرية", "sna"),
        # the theatre says so: a village of the Afrin district
        ("سيطرت الفصائل على قرية قرب جنديرس", "sna"),
        # English
        ("the rebels withdrew from the town", "opposition"),
        ("the rebels backed by Turkey entered the town", "sna"),
    ],
)
def test_factions_take_their_side_from_the_context(lex: ActorLexicon, text: str,
                                                   actor: str) -> None:
    generic = [m for m in lex.find(text) if m.generic]
    assert [m.actor for m in generic] == [actor]


def test_the_nearest_name_decides_paragraph_first(lex: ActorLexicon) -> None:
    text = ("هاجمت فصائل درع الفرات التلة.\n"
            "وفي الجنوب اتفقت حركة أحرار الشام مع الوسطاء وانسحبت الفصائل من البلدة.")
    factions = [m for m in lex.find(text) if m.text == "الفصائل"]
    assert [m.actor for m in factions] == ["opposition"]


def test_the_title_and_its_places_are_context(lex: ActorLexicon) -> None:
    body = "وأعلنت الفصائل سيطرتها على ثلاث قرى"
    assert [m.actor for m in lex.find(body)] == ["opposition"]
    assert [m.actor for m in lex.find(body, context="معارك في ريف عفرين")] == ["sna"]
    assert [m.actor for m in lex.find(body, context="تقدم لدرع الفرات")] == ["sna"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the army": the Syrian army unless the report is about the Turkish one
        ("وقال الجيش إنه سيطر على التلة", [("الجيش", "government")]),
        ("قصف الجيش التركي القرية ثم قال الجيش إنه دخلها",
         [("الجيش التركي", "turkey"), ("الجيش", "turkey")]),
        # "loyal to it": the side of the actor just before
        ("تقدمت قوات النظام والمسلحين الموالين لها",
         [("قوات النظام", "government"), ("المسلحين الموالين لها", "government")]),
        ("دخلت القوات التركية والفصائل الموالية لها البلدة",
         [("القوات التركية", "turkey"), ("الفصائل الموالية لها", "turkey")]),
        # opposition media's "militias" are the government's
        ("تقدمت قوات الأسد والميليشيات نحو الحي",
         [("قوات الأسد", "government"), ("الميليشيات", "government")]),
    ],
)
def test_words_for_a_side_read_from_the_actor_named(lex: ActorLexicon, text: str,
                                                    expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # state media's "terrorists" name no one by themselves
        ("حررت وحدات من الجيش البلدة من الإرهابيين",
         [("وحدات من الجيش", "government")]),
        ("the army cleared the hill of terrorists", [("the army", "government")]),
        # ... but are whoever the report names
        ("حررت وحدات من الجيش البلدة من إرهابيي داعش",
         [("وحدات من الجيش", "government"), ("إرهابيي", "isis"), ("داعش", "isis")]),
        ("قال مصدر إن جبهة النصرة انسحبت وإن الإرهابيين فخخوا الطرق",
         [("جبهة النصرة", "hts"), ("الإرهابيين", "hts")]),
        ("المجموعات المسلحة قصفت الحي", []),
        # a generic word right beside a name is that name
        ("clashes with ISIS insurgents went on", [("ISIS", "isis"), ("insurgents", "isis")]),
    ],
)
def test_state_medias_terrorists(lex: ActorLexicon, text: str,
                                 expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


def test_requires_a_named_side_not_a_guess(lex: ActorLexicon) -> None:
    # a bare "التنظيم" is ISIS in a war report, but that default never makes a generic
    # word ("the gunmen") ISIS
    text = "سيطر الجيش السوري على الحي وانسحب المسلحون منه"
    assert actors_in(lex, text) == [("الجيش السوري", "government")]


@pytest.mark.parametrize(
    "text",
    ["سقطت البراميل بطريقة السقوط الحر على الحي", "أعلن الجيش الإسرائيلي أنه رصد طائرة",
     "the Israeli army said it shot down a drone", "وسط حي طريق الباب في حلب"],
)
def test_not_phrases_hide_the_name_in_them(lex: ActorLexicon, text: str) -> None:
    assert lex.find(text) == []


def test_a_not_phrase_hides_a_place(lex: ActorLexicon) -> None:
    # "طريق الباب" is a road and an Aleppo neighbourhood, not the town of al-Bab
    assert [m.actor for m in lex.find("انسحبت الفصائل من حي طريق الباب")] == ["opposition"]
    assert [m.actor for m in lex.find("انسحبت الفصائل من ريف الباب")] == ["sna"]


# ----------------------------------------------------------------------- when: period, theatre

WHEN_CSV = """name,actor,lang,requires,note,role,when
لواء الجبل,opposition,ar,,a faction of our own invention,,
لواء الجبل,sdf,ar,,joined the SDF,,from:2016-03-01
لواء الجبل,government,ar,,settled with the government,,from:2016-03-01 theatre:government
سهل الغاب,government,ar,,a theatre of our invention,place,
"""


@pytest.mark.parametrize(
    ("published", "context", "actor"),
    [
        (None, "", "opposition"),  # no date: the row without conditions
        (dt.date(2016, 2, 29), "", "opposition"),
        (dt.date(2016, 3, 1), "", "sdf"),  # from: counts its own day
        (dt.date(2016, 3, 1), "في سهل الغاب", "government"),  # both conditions hold
        (dt.date(2016, 2, 1), "في سهل الغاب", "opposition"),
    ],
)
def test_when_conditions(tmp_path: Path, published: dt.date | None, context: str,
                         actor: str) -> None:
    path = tmp_path / "when.csv"
    path.write_text(WHEN_CSV, encoding="utf-8")
    lex = ActorLexicon.load(extra_paths=[path])
    (m,) = lex.find("تقدم لواء الجبل نحو التلة", context=context, published=published)
    assert m.actor == actor
    assert lex.canonical("لواء الجبل") == "opposition"


def test_bundled_period_rows() -> None:
    lex = ActorLexicon.load()
    text = "قاتل جيش الثوار في الريف"
    assert [m.actor for m in lex.find(text, published=dt.date(2015, 6, 1))] == ["opposition"]
    assert [m.actor for m in lex.find(text, published=dt.date(2018, 2, 1))] == ["sdf"]
    assert [m.actor for m in lex.find(text)] == ["sdf"]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("لواء,isis,ar,,,,from:2016-13-01", ["bad date", "from:YYYY-MM-DD"]),
        ("لواء,isis,ar,,,,since:2016-01-01", ["bad condition", "since:2016-01-01"]),
        ("لواء,isis,ar,,,,theatre:mars", ["mars", "valid ids"]),
        ("لواء,isis|sdf,ar,,,cue,", ["several actor ids", "cue"]),
        ("لواء,isis|martians,ar,,,generic,", ["martians"]),
        ("لواء,isis,ar,isis|mars,,,", ["mars", "requires"]),
        ("لواء,,ar,,,,", ["no actor id"]),
    ],
)
def test_bad_new_columns_name_file_and_line(tmp_path: Path, row: str, words: list[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,actor,lang,requires,note,role,when\n# ok\n" + row + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        ActorLexicon.load(extra_paths=[path])
    assert f"{path}:3:" in str(info.value)
    for word in words:
        assert word in str(info.value)


def test_canonical_of_generic_and_hidden_rows(lex: ActorLexicon) -> None:
    assert lex.canonical("الفصائل") == "opposition"
    assert lex.canonical("the rebels") == "opposition"
    for not_a_name in ("عفرين", "السقوط الحر", "الأسد"):  # a place, a not-phrase, a cue
        with pytest.raises(UnknownActorError):
            lex.canonical(not_a_name)


# ----------------------------------------------------------------------------- the real corpus

CORPUS = SHARED / "corpus"
#: Share (%) of captured/held truth rows whose actor_after `find` names in the row's
#: paragraph, as reached (`python benchmarks/bench_actors.py`); the test allows 5 points less.
COVERAGE_REACHED = {"aleppo_palmyra": 89.1, "raqqa_afrin": 86.7, "south_albab": 95.3,
                    "overall": 90.2}


def _bench_actors():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "bench_actors", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_actors.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_actors"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus_dir() -> Path:
    if not any(CORPUS.glob("*/truth/control_events.csv")):
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.mark.shared
def test_corpus_actor_coverage(corpus_dir: Path, lex: ActorLexicon) -> None:
    bench = _bench_actors()
    table = bench.summary(bench.coverage(lex, corpus_dir))
    for folder, reached in COVERAGE_REACHED.items():
        if folder in table:
            assert table[folder]["paragraph"] >= reached - 5, (folder, table[folder])


@pytest.mark.shared
def test_corpus_has_no_free_syrian_army_as_government(corpus_dir: Path,
                                                      lex: ActorLexicon) -> None:
    bench = _bench_actors()
    for _folder, reports, _rows in bench.read_corpus(corpus_dir):
        for rep in reports.values():
            for m in lex.find(rep.body, context=rep.title):
                folded = normalize(m.text)
                if "الحر" in folded.split() or "free" in folded.split():
                    assert m.actor in ("opposition", "sna"), (rep.name, m)


def test_the_sentence_decides_before_the_paragraph(lex: ActorLexicon) -> None:
    text = ("تقدمت فصائل درع الفرات شرقاً؛ وفي الجنوب انسحبت الفصائل من البلدة بعد اتفاق "
            "وقعته حركة أحرار الشام")
    factions = [m for m in lex.find(text) if m.text == "الفصائل"]
    assert [m.actor for m in factions] == ["opposition"]


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        # where Turkey backs the NLF (Idlib) its rebels are the opposition ...
        ("Turkish-backed rebels retook a town near Saraqeb", "opposition"),
        # ... in its own operations, the SNA
        ("Turkish-backed rebels entered a village near Afrin", "sna"),
        ("Turkish-backed rebels entered the village", "sna"),
    ],
)
def test_turkish_backed_rebels_by_theatre(lex: ActorLexicon, text: str, actor: str) -> None:
    assert [m.actor for m in lex.find(text)] == [actor]


def test_a_theatre_never_hides_a_stronger_sign(lex: ActorLexicon) -> None:
    # an Idlib place only confirms the factions' default; the Afrin title still decides
    body = "وتتقدم الفصائل نحو ريف إدلب الشمالي"
    assert [m.actor for m in lex.find(body)] == ["opposition"]
    assert [m.actor for m in lex.find(body, context="معارك عفرين")] == ["sna"]


def test_the_turkish_press_organisation_is_not_isis(lex: ActorLexicon) -> None:
    # "التنظيم" is ISIS by default only when no other organisation is named; the Turkish
    # press names the YPG "تنظيم ي ب ك"
    text = "وقال الجيش التركي إن عناصر تنظيم ي ب ك انسحبوا وإن التنظيم خسر مواقعه"
    assert {m.actor for m in lex.find(text)} == {"turkey", "sdf"}


def test_a_person_is_not_a_faction(lex: ActorLexicon) -> None:
    assert lex.find("بنى نور الدين زنكي المدرسة في القرن الثاني عشر") == []
    assert actors_in(lex, "قاتلت حركة نور الدين زنكي في الريف") == [
        ("حركة نور الدين زنكي", "opposition")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("انسحبت هيئة تحرير الشام من التلة وقال الجهاديون إنهم سيعودون",
         [("هيئة تحرير الشام", "hts"), ("الجهاديون", "hts")]),
        ("the jihadists of HTS left the town", [("the jihadists", "hts"), ("HTS", "hts")]),
        ("the HTS-held town", [("HTS-held", "hts")]),
        ("the jihadists left the town", []),
    ],
)
def test_jihadists_are_whoever_the_report_names(lex: ActorLexicon, text: str,
                                                expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


def test_the_organisations_remnants(lex: ActorLexicon) -> None:
    text = "طاردت قسد فلول التنظيم في البادية"
    assert actors_in(lex, text) == [("قسد", "sdf"), ("فلول التنظيم", "isis")]


@pytest.mark.parametrize(
    "text",
    ["according to the Britain-based opposition Syrian Observatory",
     "the ceasefire regime held for a week"],
)
def test_english_not_phrases(lex: ActorLexicon, text: str) -> None:
    assert lex.find(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("تقدم النظام نحو البلدة", []),
        ("تقدم النظام نحو البلدة بعد انسحاب الفصائل",
         [("النظام", "government"), ("الفصائل", "opposition")]),
        ("قصف النظام وروسيا القرى", [("النظام", "government")]),
    ],
)
def test_the_regime_needs_a_sign_of_the_war(lex: ActorLexicon, text: str,
                                            expected: list[tuple[str, str]]) -> None:
    assert actors_in(lex, text) == expected


def test_env_var_file_with_the_new_columns(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("name,actor,role,when\nكتيبة النهر,opposition|sna,,\n"
                    "كتيبة النهر,sdf,,from:2019-01-01\nوادي السرو,sna,place,\n",
                    encoding="utf-8")
    monkeypatch.setenv("TRACKER_ACTORS", str(path))
    lex = ActorLexicon.load()
    text = "تقدمت كتيبة النهر نحو التلة"
    assert [m.actor for m in lex.find(text)] == ["opposition"]
    assert [m.actor for m in lex.find(text, context="قرب وادي السرو")] == ["sna"]
    assert [m.actor for m in lex.find(text, published=dt.date(2019, 5, 1))] == ["sdf"]
