"""Area statements in reports (`tracker.areas`) and `tracker pocket --reported-from-store`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.actors import ActorLexicon
from tracker.areas import find_area_statements
from tracker.cli import main

PUB = dt.date(2019, 2, 10)


@pytest.fixture(scope="module")
def lexicon() -> ActorLexicon:
    return ActorLexicon.load()


def one(text: str, **kw: object) -> tuple[float, bool]:
    found = find_area_statements(text, published=PUB, **kw)  # type: ignore[arg-type]
    assert len(found) == 1, found
    s = found[0]
    assert text[s.start:s.end] == s.text
    return round(s.km2, 4), s.approx


@pytest.mark.parametrize(("text", "km2", "approx"), [
    ("انحسرت رقعة سيطرة المسلحين إلى قرابة خمسة كيلومترات مربعة شرق النهر", 5.0, True),
    ("يتمركزون على مساحة تقدر بنحو ١٢ كيلومتراً مربعاً", 12.0, True),
    ("باتوا في بقعة مساحتها حوالى كيلو متر واحد مربع", 1.0, True),
    ("يمتد الجيب 400 متر طولاً و250 متر عرضاً على ضفة النهر", 0.1, False),
    ("استعادت الفصائل 800 دونم من الأراضي الزراعية", 0.8, False),
    ("أحرقت النيران 30 هكتاراً من الغابات", 0.3, False),
    ("وتبلغ مساحة الجيب ثلاثة عشر كيلومترا مربعا", 13.0, False),
    ("وتبلغ مساحة الجيب خمسة وثلاثين كيلومترا مربعا", 35.0, False),
    ("ولا تتجاوز المساحة كيلومترين مربعين", 2.0, False),
    ("ما زالوا يسيطرون على أقل من نصف كيلومتر مربع", 0.5, True),
    ("تحصنوا في 2500 متر مربع فقط", 0.0025, False),
    ("The group is squeezed into about seven square kilometres of farmland.", 7.0, True),
    ("They hold roughly 3.5 km² near the border.", 3.5, True),
    ("The enclave shrank to two square miles.", 5.18, False),
    ("Fighters remain in less than half a square kilometre of tents.", 0.5, True),
    ("The camp covers 1,200 square metres.", 0.0012, False),
    ("a strip 900 metres long and 300 metres wide", 0.27, False),
    ("about twenty-five square kilometres", 25.0, True),
    ("استولوا على أربعة آلاف دونم", 4.0, False),
    ("بقيت لهم 6 كم2 تقريباً", 6.0, True),
    ("a zone of 2 by 3 km", 6.0, False),
    ("just over 12 sq km of desert", 12.0, True),
])
def test_statements_and_conversions(text: str, km2: float, approx: bool) -> None:
    assert one(text) == (pytest.approx(km2, rel=1e-3), approx)


@pytest.mark.parametrize("text", [
    "نزح أكثر من 3000 شخص خلال يومين",
    "سقطت القذائف على بعد 5 كيلومترات من المدينة",
    "تقدمت القوات مسافة عشرة كيلومترات باتجاه الشرق",
    "أعلن التنظيم دولته في العام 2014 على مساحات واسعة",
    "بلغت الكثافة 300 نسمة في كل كيلومتر مربع",
    "The convoy drove 40 kilometres south in 2019.",
    "Some 5,000 people left the area, 3 km from the river.",
    "قتل 2 في 3 مواقع خلال الهجوم",
    "",
])
def test_not_areas(text: str) -> None:
    assert find_area_statements(text, published=PUB) == []


def test_date_of_the_sentence_else_published(lexicon: ActorLexicon) -> None:
    text = ("أعلن تنظيم الدولة الإسلامية مسؤوليته عن الهجوم. وفي 3 آذار 2019 لم يعد التنظيم "
            "يسيطر إلا على نحو أربعة كيلومترات مربعة. ثم تقلصت رقعته إلى كيلومترين مربعين.")
    first, second = find_area_statements(text, published=dt.date(2019, 3, 20), lexicon=lexicon)
    assert (first.km2, first.date, first.date_precision) == (4.0, dt.date(2019, 3, 3), "day")
    assert first.actor == "isis"
    assert "3 آذار 2019" in first.sentence
    assert (second.km2, second.date) == (2.0, dt.date(2019, 3, 20))
    undated = find_area_statements("about 3 square kilometres", published=None)
    assert (undated[0].date, undated[0].date_precision) == (None, "unknown")


def test_actor_only_when_the_lexicon_finds_one(lexicon: ActorLexicon) -> None:
    text = "Islamic State fighters hold about four square kilometres near the river."
    assert find_area_statements(text, published=PUB, lexicon=lexicon)[0].actor == "isis"
    assert find_area_statements(text, published=PUB)[0].actor is None
    plain = "The village covers about four square kilometres."
    assert find_area_statements(plain, published=PUB, lexicon=lexicon)[0].actor is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(
    "0123456789٠١٢٣٤٥٦٧٨٩ .,،؛\nكيلومترمربعةدونمهكتارنحوحواليأقلطولاًعرضاًsquarekmilesabouthalf²"
)) | st.characters(), max_size=120))
def test_never_raises(text: str) -> None:
    for s in find_area_statements(text, published=PUB):
        assert text[s.start:s.end] == s.text
        assert s.km2 >= 0


def test_seed_statements(seeds_dir: Path) -> None:
    found = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found[path.name[:3]] = [round(s.km2, 6) for s in
                                find_area_statements(text, published=PUB)]
    assert 10.0 in found["001"]
    assert 1.0 in found["003"]
    assert 0.0007 in found["003"]


REPORTS = {
    "a.txt": ("2018-12-16",
              "سيطرت قوات سوريا الديمقراطية يوم الأحد على بلدة هجين في ريف دير الزور الشرقي "
              "بعد معارك عنيفة مع تنظيم داعش.\nولا يزال التنظيم يسيطر على بلدتي السوسة والباغوز "
              "فوقاني، وتقدر مساحة المنطقة التي يسيطر عليها التنظيم بنحو ٤٠ كيلومترا مربعا.\n"
              "وقال مسؤول إن نحو 2000 شخص نزحوا من قرية تبعد 5 كيلومترات عن الحدود.\n"),
    "b.txt": ("2019-01-24",
              "IS confined to about six square kilometres\n"
              "Syrian Democratic Forces captured the village of al-Susah from Islamic State "
              "fighters on Wednesday.\nThe militants are now confined to about six square "
              "kilometres around Baghuz, a commander said.\n"),
}


def test_pocket_reported_from_store(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    for name, (day, text) in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        res = runner.invoke(main, ["ingest", str(tmp_path / name), "--published", day,
                                   "--store", db])
        assert res.exit_code == 0, res.output
    base = ["pocket", "--actor", "isis", "--from", "2018-12-16", "--to", "2019-01-31",
            "--every", "2w", "--store", db]
    chart = tmp_path / "c.png"
    res = runner.invoke(main, [*base, "--reported-from-store", "--json", "--chart", str(chart)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    got = [(r["date"], r["km2"], r["approx"], r["source"]) for r in doc["reported_from_store"]]
    assert got == [("2018-12-16", 40.0, True, "a.txt 2018-12-16"),
                   ("2019-01-24", 6.0, True, "b.txt 2019-01-24")]
    assert chart.stat().st_size > 0
    res = runner.invoke(main, [*base, "--reported-from-store"])
    assert "reported in the store (2):" in res.stdout
    assert "about six square kilometres" in res.stdout
    narrow = runner.invoke(main, [*base[:4], "2018-12-17", "--to", "2019-01-31", "--store", db,
                                  "--reported-from-store", "--json"])
    assert [r["date"] for r in json.loads(narrow.stdout)["reported_from_store"]] == [
        "2019-01-24"]
    plain = json.loads(runner.invoke(main, [*base, "--json"]).stdout)
    assert "reported_from_store" not in plain
    single = runner.invoke(main, ["pocket", "--actor", "isis", "--on", "2019-01-01",
                                  "--store", db, "--reported-from-store"])
    assert single.exit_code != 0
    assert "--reported-from-store needs a series" in single.output
