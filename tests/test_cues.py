"""Text cues (tracker/cues.py) and river banks of any river (tracker/banks.py)."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString

from tracker import banks, cues
from tracker.gazetteer import Context, Gazetteer
from tracker.model import Place


@pytest.mark.parametrize(("text", "expected"), [
    ("تقدمت القوات في القرى الواقعة شرق نهر الخابور", ("khabur", "east")),
    ("على الضفة الغربية لنهر العاصي قرب المدينة", ("orontes", "west")),
    ("اشتباكات شرقي الفرات منذ الصباح", ("euphrates", "east")),
    ("وصلت التعزيزات إلى غرب العاصي", ("orontes", "west")),
    ("في الجزيرة السورية", ("euphrates", "east")),
    ("fighting on the west bank of the Orontes river", ("orontes", "west")),
    ("villages on the Khabur's eastern bank", ("khabur", "east")),
    ("east of the Euphrates", ("euphrates", "east")),
    ("the militants held the north bank of the Yarmouk", ("yarmouk", "north")),
    ("they crossed to the east bank", (None, "east")),
    ("قرى الضفة الشرقية", (None, "east")),
])
def test_bank_cue_for_any_named_river(text: str, expected: tuple[str | None, str]) -> None:
    assert cues.bank_cue(text) == expected


def test_bank_cue_ties_and_nothing() -> None:
    assert cues.bank_cue("شرق الفرات وغرب الفرات") is None  # as much one bank as the other
    assert cues.bank_cue("شرق الفرات وغرب الفرات وشرقي الفرات") == ("euphrates", "east")
    assert cues.bank_cue("a river runs through it") is None
    assert cues.bank_cue("") is None
    assert cues.bank_cue(None) is None  # type: ignore[arg-type]


def test_bank_cues_have_spans() -> None:
    text = "east of the Euphrates and west of the Orontes"
    got = cues.bank_cues(text)
    assert [(c.river, c.bank) for c in got] == [("euphrates", "east"), ("orontes", "west")]
    assert text[got[1].start:got[1].end].startswith("west of the Orontes")


@pytest.mark.parametrize(("query", "expected"), [
    ("منطقة عفرين", (("district", "subdistrict"), "عفرين")),
    ("وناحية الباب", (("subdistrict",), "الباب")),
    ("Afrin district", (("district", "subdistrict"), "afrin")),
    ("district of Afrin", (("district", "subdistrict"), "afrin")),
    ("عفرين", None),
    ("Afrin", None),
])
def test_unit_phrase(query: str, expected: object) -> None:
    assert cues.unit_phrase(query) == expected


def test_admin_phrases() -> None:
    got = cues.admin_phrases("قرى في ريف حماة الشمالي الشرقي, and in Idlib province")
    names = [(p.name, "subdistrict" in p.kinds) for p in got]
    assert names[0][0].startswith("حماه")
    assert ("Idlib", False) in names
    sub = cues.admin_phrases("the Hajin sub-district")
    assert [p.name for p in sub] == ["Hajin"]
    assert "subdistrict" in sub[0].kinds


def test_the_river_table() -> None:
    table = banks.load_rivers()
    assert {"euphrates", "khabur", "orontes", "tigris", "yarmouk", "lake_assad"} <= set(table)
    assert (table["orontes"].left_bank, table["orontes"].right_bank) == ("west", "east")
    assert not table["lake_assad"].has_banks


def test_a_bad_river_table_row_is_named(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "rivers.csv"
    bad.write_text("id,kind,name_en,name_ar,names,downstream,left_bank,right_bank,note\n"
                   "nile,river,Nile,النيل,,UPHILL,east,west,\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_RIVERS", str(bad))
    with pytest.raises(Exception, match=r"rivers\.csv: row 2"):
        banks.load_rivers()


# A river flowing north along lon 0 (like the Orontes) and one flowing east along lat 10
# (like a Yarmouk the other way round), with a village of one name on each side of each.
NORTHWARD = LineString([(0.0, -1.0), (0.0, 1.0)])
EASTWARD = LineString([(-1.0, 10.0), (1.0, 10.0)])


def _v(pid: str, lat: float, lon: float) -> Place:
    return Place(pid, "قرية المثال", "Mithal", lat, lon)


PLACES = [_v("t:east", 0.0, 0.05), _v("t:west", 0.0, -0.05),
          _v("t:north", 10.05, 0.0), _v("t:south", 9.95, 0.0)]


def test_banks_of_a_northward_river_and_of_the_nearest_river() -> None:
    g = Gazetteer(PLACES, rivers={"orontes": NORTHWARD, "yarmouk": EASTWARD})
    assert g.bank_of("t:east", "orontes") == "east"
    assert g.bank_of("t:west", "orontes") == "west"
    # the Yarmouk flows west: its left bank is the south one; this line is drawn eastward
    # but is oriented downstream (west) before the side is read
    assert g.bank_of("t:north", "yarmouk") == "north"
    assert g.bank_of("t:south", None) == "south"
    assert g.bank_of("t:east", "euphrates") is None  # no such line in this index
    by_orontes = Gazetteer(PLACES[:2], rivers={"orontes": NORTHWARD, "yarmouk": EASTWARD})
    east = by_orontes.resolve("قرية المثال", Context(bank="east", river="orontes"))
    assert east.place is not None
    assert east.place.place_id == "t:east"
    assert by_orontes.resolve("قرية المثال").status == "ambiguous"  # no cue: both
    by_yarmouk = Gazetteer(PLACES[2:], rivers={"orontes": NORTHWARD, "yarmouk": EASTWARD})
    north = by_yarmouk.resolve("قرية المثال", Context(bank="north"))  # the nearest river
    assert north.place is not None
    assert north.place.place_id == "t:north"
