"""Tests for the actor lexicon (tracker.actors): names, proclitics, requires, user files."""

from __future__ import annotations

import os
import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.actors import ActorLexicon, ActorMention
from tracker.errors import InputError, TrackerError, UnknownActorError
from tracker.model import ACTORS


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
    assert len(lex) > 80
    assert {e.actor for e in lex.entries} <= set(ACTORS)
    assert {e.requires for e in lex.entries} <= {*ACTORS, ""}


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
    good.write_text("name,actor,lang,requires,note,role\nالقوات الرديفة,government,ar,,,cue\n"
                    "الرديف,government,ar,government,,\n", encoding="utf-8")
    lex = ActorLexicon.load(extra_paths=[good])
    assert actors_in(lex, "تقدم الرديف مع القوات الرديفة") == [("الرديف", "government")]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,actor,lang,requires,note,role\nالرديف,government,ar,,,hint\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as info:
        ActorLexicon.load(extra_paths=[bad])
    assert "bad.csv" in str(info.value)
    assert "role" in str(info.value)
