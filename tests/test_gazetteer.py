"""The gazetteer index on hand-made places: matching tiers, context, spotting, bad input;
and the bundled regional gazetteer files (load, validation, contents)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import types
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from tracker import gazetteer_io as gio
from tracker.errors import AmbiguousPlaceError, GazetteerError, UnknownPlaceError
from tracker.gazetteer import Context, Gazetteer, bank_of, haversine_km
from tracker.model import Place
from tracker.settings import BUNDLED_GAZETTEER_DIR, Settings

# A toy river running from north-west to south-east (like the Euphrates in Deir ez-Zor).
RIVER = [(40.0, 35.4), (40.5, 35.0), (41.0, 34.4)]


def _p(pid: str, ar: str, en: str, lat: float, lon: float, pc: tuple[str, str, str],
       kind: str = "community", aliases: tuple[str, ...] = ()) -> Place:
    return Place(pid, ar, en, lat, lon, kind=kind, admin1={"SY09": "Deir-ez-Zor",
                 "SY05": "Hama", "SY07": "Idleb"}.get(pc[0], ""), admin_pcodes=pc, aliases=aliases)


PLACES = [
    _p("ocha:C1", "هجين", "Hajin", 34.69, 40.84, ("SY09", "SY0902", "SY090201"),
       aliases=("Hajeen",)),
    _p("ocha:C2", "أبو الخاطر", "Abu alkhatir", 34.67, 40.87, ("SY09", "SY0902", "SY090201")),
    _p("ocha:C3", "الباغوز فوقاني", "Upper Baguz", 34.457, 40.95, ("SY09", "SY0902", "SY090203")),
    _p("ocha:C4", "الباغوز", "Al Bagouz", 34.434, 40.989, ("SY09", "SY0902", "SY090203")),
    _p("ocha:C5", "السوسة", "Sosa", 34.525, 40.968, ("SY09", "SY0902", "SY090203")),
    _p("ocha:C6", "السوسة", "Sosa", 36.454, 40.399, ("SY08", "SY0800", "SY080001")),
    _p("ocha:C7", "جديدة", "Jdideh", 35.28, 37.163, ("SY05", "SY0503", "SY050303")),
    _p("ocha:C8", "جديدة", "Jdideh", 35.73, 36.926, ("SY07", "SY0700", "SY070001")),
    _p("geonames:9", "جديدة", "Judaydah", 35.2805, 37.1645, ("SY05", "SY0503", "SY050303"),
       kind="locality"),  # the same village as ocha:C7 (0.1 km), another source
    _p("ocha:C10", "الكشمة", "Kashmah", 34.6266, 40.9368, ("SY09", "SY0902", "SY090201")),
    _p("ocha:C11", "الكشمة", "Kashmah", 34.811, 40.601, ("SY09", "SY0903", "SY090302")),
    _p("ocha:C12", "دير الزور", "Deir-ez-Zor", 35.33, 40.146, ("SY09", "SY0901", "SY090100")),
    _p("adm:SY09", "دير الزور", "Deir-ez-Zor", 35.2, 40.3, ("SY09", "", ""), kind="governorate"),
    _p("adm:SY05", "حماة", "Hama", 35.3, 37.3, ("SY05", "", ""), kind="governorate"),
    _p("adm:SY0902", "البوكمال", "Abu Kamal", 34.6, 40.9, ("SY09", "SY0902", ""),
       kind="district"),
    _p("ocha:C13", "البوكمال", "Abu Kamal", 34.4546, 40.9116, ("SY09", "SY0902", "SY090200")),
    _p("ocha:C14", "حماة", "Hama", 35.134, 36.761, ("SY05", "SY0501", "SY050100")),
    _p("ocha:C15", "تل أبيض", "Tell Abiad", 36.69, 38.95, ("SY11", "SY1104", "SY110400")),
    _p("ocha:C16", "أبو الكسور", "Abul Kusour", 35.2975, 37.261, ("SY05", "SY0503", "SY050302")),
    _p("ocha:C17", "قسد", "Qasad", 35.0, 37.0, ("SY05", "SY0501", "SY050100")),
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(PLACES, river=RIVER, description="toy")


# ------------------------------------------------------------------------- basics


def test_len_iter_get(gaz: Gazetteer) -> None:
    assert len(gaz) == len(PLACES)
    assert {p.place_id for p in gaz} == {p.place_id for p in PLACES}
    assert gaz.get("ocha:C1").name_en == "Hajin"
    with pytest.raises(UnknownPlaceError, match="ocha:NOPE"):
        gaz.get("ocha:NOPE")


def test_duplicate_ids_keep_the_first() -> None:
    g = Gazetteer([PLACES[0], PLACES[0]])
    assert len(g) == 1


# ------------------------------------------------------------------------- matching tiers


@pytest.mark.parametrize(
    ("query", "expected", "reason"),
    [
        ("هجين", "ocha:C1", "exact"),
        ("هَجِين", "ocha:C1", "exact"),  # diacritics
        ("وهجين", "ocha:C1", "stripped"),  # proclitic و
        ("بهجين", "ocha:C1", "stripped"),
        ("قرية هجين", "ocha:C1", "stripped"),  # feature word
        ("بلدة هجين", "ocha:C1", "stripped"),
        ("وبلدة هجين", "ocha:C1", "stripped"),
        ("البوخاطر", "ocha:C2", "exact"),  # البو <-> أبو
        ("ابو الخاطر", "ocha:C2", "exact"),
        ("الباغوز فوقاني", "ocha:C3", "exact"),
        ("الباغوز تحتاني", "ocha:C4", "qualifier-fallback"),  # only the plain name exists
        ("بلدة الباغوز تحتاني", "ocha:C4", "qualifier-fallback"),
        ("وبالباغوز تحتاني", "ocha:C4", "qualifier-fallback"),
        ("Hajin", "ocha:C1", "latin"),
        ("Hajeen", "ocha:C1", "latin"),
        ("Upper Baguz", "ocha:C3", "latin"),
        ("Abu Kamal", "ocha:C13", "latin"),  # the town wins over its district of that name
        ("Albu Kamal", "ocha:C13", "latin"),
        ("al-Bukamal", "ocha:C13", "latin"),
        ("البغوز فوقاني", "ocha:C3", "fuzzy"),  # a letter missing
        ("تل ابيض", "ocha:C15", "exact"),  # "تل" is a feature word but also part of names
    ],
)
def test_resolves_through_the_tiers(gaz: Gazetteer, query: str, expected: str,
                                    reason: str) -> None:
    r = gaz.resolve(query)
    assert r.status == "resolved", r.to_json()
    assert r.place is not None
    assert r.place.place_id == expected
    assert r.candidates[0].reason.startswith(reason)


def test_qualifier_fallback_scores_lower_than_exact(gaz: Gazetteer) -> None:
    plain = gaz.resolve("الباغوز")
    lower = gaz.resolve("الباغوز تحتاني")
    assert plain.place == lower.place
    assert lower.score < plain.score


def test_qualifier_is_part_of_the_name(gaz: Gazetteer) -> None:
    # "الباغوز فوقاني" must not fall back to الباغوز, and the fuzzy tier must not turn
    # "X تحتاني" into "X فوقاني"
    assert gaz.resolve("الباغوز فوقاني").place.place_id == "ocha:C3"  # type: ignore[union-attr]
    ids = {c.place.place_id for c in gaz.candidates("الباغوز تحتاني")}
    assert "ocha:C3" not in ids


def test_proclitic_only_stripped_when_the_rest_is_known() -> None:
    g = Gazetteer([_p("ocha:1", "وادي العذيب", "Wadi", 35.0, 38.0, ("SY05", "", "")),
                   _p("ocha:2", "ادي العذيب", "Adi", 36.0, 39.0, ("SY05", "", ""))])
    # the whole word is a known name: no stripping of its first letter
    r = g.resolve("وادي العذيب")
    assert r.place is not None
    assert r.place.place_id == "ocha:1"


def test_same_place_in_two_sources_is_not_ambiguous(gaz: Gazetteer) -> None:
    r = gaz.resolve("جديدة", Context(admin_pcodes=("SY05",)))
    assert r.status == "resolved"
    assert r.place is not None
    assert r.place.place_id == "ocha:C7"


# ------------------------------------------------------------------------- context


def test_ambiguous_without_context_resolved_with_admin(gaz: Gazetteer) -> None:
    r = gaz.resolve("السوسة")
    assert r.status == "ambiguous"
    assert r.place is None
    assert {c.place.place_id for c in r.candidates} >= {"ocha:C5", "ocha:C6"}
    r2 = gaz.resolve("السوسة", Context(admin_pcodes=("SY09",)))
    assert r2.status == "resolved"
    assert r2.place is not None
    assert r2.place.place_id == "ocha:C5"
    r3 = gaz.resolve("السوسة", Context(admin_pcodes=("SY0800",)))
    assert r3.place is not None
    assert r3.place.place_id == "ocha:C6"


def test_near_places_decide(gaz: Gazetteer) -> None:
    assert gaz.resolve("جديدة").status == "ambiguous"
    near_hama = Context(near=((35.2975, 37.261),))  # Abu al-Kusour, NE Hama
    r = gaz.resolve("جديدة", near_hama)
    assert r.status == "resolved"
    assert r.place is not None
    assert r.place.place_id == "ocha:C7"


def test_near_cue_ignored_when_every_candidate_is_far(gaz: Gazetteer) -> None:
    far = Context(near=((33.5, 36.3),))  # Damascus: both السوسة are hundreds of km away
    assert gaz.resolve("السوسة", far).status == "ambiguous"


def test_bbox_decides(gaz: Gazetteer) -> None:
    r = gaz.resolve("السوسة", Context(bbox=(40.0, 34.0, 41.5, 35.0)))
    assert r.place is not None
    assert r.place.place_id == "ocha:C5"


def test_bank_decides(gaz: Gazetteer) -> None:
    assert bank_of(34.6266, 40.9368, RIVER) == "east"
    assert bank_of(34.811, 40.601, RIVER) == "west"
    assert bank_of(33.0, 36.0, RIVER) is None  # far from the river
    assert gaz.resolve("الكشمة", Context(admin_pcodes=("SY09",))).status == "ambiguous"
    east = gaz.resolve("الكشمة", Context(bank="east"))
    west = gaz.resolve("الكشمة", Context(bank="west"))
    assert east.place is not None
    assert east.place.place_id == "ocha:C10"
    assert west.place is not None
    assert west.place.place_id == "ocha:C11"


def test_bank_needs_a_river() -> None:
    g = Gazetteer(PLACES)
    assert g.resolve("الكشمة", Context(bank="east")).status == "ambiguous"


def test_cue_that_no_candidate_meets_does_not_hurt(gaz: Gazetteer) -> None:
    r = gaz.resolve("حماة", Context(admin_pcodes=("SY09",)))
    assert r.status == "resolved"
    assert r.place is not None
    assert r.place.place_id == "ocha:C14"


def test_context_validation_and_merge() -> None:
    with pytest.raises(ValueError, match="bank"):
        Context(bank="upstream")
    assert Context(bank="north", river="yarmouk").river == "yarmouk"
    a = Context(admin_pcodes=("SY09",))
    b = Context(admin_pcodes=("SY05", "SY09"), bank="east")
    m = a.merge(b)
    assert m.admin_pcodes == ("SY09", "SY05")
    assert m.bank == "east"
    assert Context().is_empty
    assert not m.is_empty


def test_resolve_many_uses_the_other_places(gaz: Gazetteer) -> None:
    out = gaz.resolve_many(["أبو الكسور", "جديدة"])
    assert [r.status for r in out] == ["resolved", "resolved"]
    assert out[1].place is not None
    assert out[1].place.place_id == "ocha:C7"


# ------------------------------------------------------------------------- admin, text


@pytest.mark.parametrize(
    ("name", "expected"),
    [("دير الزور", "adm:SY09"), ("Deir ez-Zor", "adm:SY09"), ("ريف حماة", "adm:SY05"),
     ("محافظة دير الزور", "adm:SY09"), ("ريف حماة الشمالي الشرقي", "adm:SY05"),
     ("لدير الزور", "adm:SY09"), ("Hama countryside", "adm:SY05"), ("SY0902", "adm:SY0902"),
     ("البوكمال", "adm:SY0902")],
)
def test_find_admin(gaz: Gazetteer, name: str, expected: str) -> None:
    place = gaz.find_admin(name)
    assert place is not None
    assert place.place_id == expected


def test_find_admin_unknown(gaz: Gazetteer) -> None:
    assert gaz.find_admin("هجين") is None
    assert gaz.find_admin("") is None
    assert gaz.find_admin("x" * 10_000) is None


@pytest.mark.parametrize(
    ("text", "pcodes", "bank"),
    [
        ("تقدم في ريف دير الزور الشرقي عند الضفاف الشرقية لنهر الفرات", ("SY09",), "east"),
        ("في ريف حماة الشمالي الشرقي", ("SY05",), None),
        ("في محافظة دير الزور", ("SY09",), None),
        ("القورية الواقعة في غرب نهر الفرات، بالريف الشرقي لدير الزور", ("SY09",), "west"),
        ("جيب شرق الفرات", (), "east"),
        ("على الضفة الغربية", (), "west"),
        ("SDF advances in eastern Deir ez-Zor, east of the Euphrates", ("SY09",), "east"),
        ("fighting in the Hama countryside, on the west bank of the Euphrates", ("SY05",),
         "west"),
        ("", (), None),
    ],
)
def test_context_from_text(gaz: Gazetteer, text: str, pcodes: tuple[str, ...],
                           bank: str | None) -> None:
    ctx = gaz.context_from_text(text)
    assert ctx.admin_pcodes == pcodes
    assert ctx.bank == bank


def test_spot_longest_match_and_proclitics_outside(gaz: Gazetteer) -> None:
    text = "سيطرت قسد على قرية الباغوز فوقاني وبلدة هجين، وقُتل عناصر في البوخاطر وبالسوسة."
    spans = gaz.spot(text)
    got = [s.text for s in spans]
    assert got == ["الباغوز فوقاني", "هجين", "البوخاطر", "السوسة"]
    for s in spans:
        assert text[s.start : s.end] == s.text
    assert "قسد" not in got  # an actor name that is also a village


def test_spot_proclitic_with_diacritics(gaz: Gazetteer) -> None:
    text = "وَهَجِين"
    (span,) = gaz.spot(text)
    assert span.text == "هَجِين"
    assert span.start == 2


def test_spot_latin_names(gaz: Gazetteer) -> None:
    text = ("SDF fighters captured al-Bagouz and Hajeen on Monday; Abu Kamal fell, "
            "the Syrian Observatory said. Upper Baguz, Sousa.")
    spans = gaz.spot(text)
    assert [s.text for s in spans] == ["al-Bagouz", "Hajeen", "Abu Kamal", "Upper Baguz",
                                       "Sousa"]
    for s in spans:
        assert text[s.start : s.end] == s.text
    # lowercase words and near-misses are not names
    assert gaz.spot("hajin and sosa were quiet; Sasa too") == []


def test_spot_bad_input(gaz: Gazetteer) -> None:
    assert gaz.spot("") == []
    assert gaz.spot("Lorem ipsum !!! 123") == []
    assert gaz.spot(None) == []  # type: ignore[arg-type]


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", ["", "   ", "؟؟!!", "x" * 10_000, "هجين" * 2_500, "\u200f", "ـ"])
def test_bad_names_never_raise(gaz: Gazetteer, bad: str) -> None:
    assert gaz.candidates(bad) == []
    r = gaz.resolve(bad)
    assert r.status == "unresolved"
    assert r.place is None
    assert r.candidates == ()


def test_junk_is_unresolved(gaz: Gazetteer) -> None:
    r = gaz.resolve("qwxzkjv")
    assert r.status == "unresolved"
    assert r.place is None


def test_weak_fuzzy_match_is_a_suggestion_not_a_resolution(gaz: Gazetteer) -> None:
    r = gaz.resolve("هجن")  # three letters, one missing: too weak to decide
    assert r.status == "unresolved"
    assert r.place is None
    assert r.candidates[0].place.place_id == "ocha:C1"


def test_resolve_strict(gaz: Gazetteer) -> None:
    assert gaz.resolve_strict("هجين").place_id == "ocha:C1"
    assert gaz.resolve_strict("ocha:C5").place_id == "ocha:C5"
    with pytest.raises(AmbiguousPlaceError, match="ocha:C5"):
        gaz.resolve_strict("السوسة")
    with pytest.raises(UnknownPlaceError):
        gaz.resolve_strict("qwxzkjv")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_candidates_never_raise_on_any_text(text: str) -> None:
    g = _GAZ_FOR_HYPOTHESIS
    cands = g.candidates(text)
    assert all(0.0 <= c.score <= 1.0 for c in cands)
    r = g.resolve(text, Context(admin_pcodes=("SY09",), bank="east"))
    assert r.status in ("resolved", "ambiguous", "unresolved")
    for s in g.spot(text):
        assert text[s.start : s.end] == s.text


_GAZ_FOR_HYPOTHESIS = Gazetteer(PLACES, river=RIVER)


def test_resolution_json_shape(gaz: Gazetteer) -> None:
    doc = gaz.resolve("هجين").to_json()
    assert set(doc) == {"query", "status", "place", "candidates", "score"}
    assert set(doc["place"]) == {"id", "name_ar", "name_en", "lat", "lon", "kind", "admin1",
                                 "admin2", "admin3"}
    assert doc["candidates"][0]["id"] == "ocha:C1"
    assert "score" in doc["candidates"][0]
    amb = gaz.resolve("السوسة").to_json()
    assert amb["place"] is None
    assert len(amb["candidates"]) == 2
    json.dumps(amb, ensure_ascii=False)


def test_search(gaz: Gazetteer) -> None:
    ids = [c.place.place_id for c in gaz.search("باغوز", limit=5)]
    assert ids[0] == "ocha:C4"
    assert "ocha:C3" in ids
    assert gaz.search("") == []


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.19, rel=1e-3)


# ------------------------------------------------------------------------- bundled files


@pytest.fixture(scope="module")
def bundled() -> list[Place]:
    return gio.load_bundled(BUNDLED_GAZETTEER_DIR)


def test_bundled_table_contents(bundled: list[Place]) -> None:
    ids = {p.place_id for p in bundled}
    assert 12_000 <= len(bundled) <= 20_000
    # the whole country: every admin unit of COD-AB, the theatres, every row with a source
    kinds = Counter(p.kind for p in bundled)
    assert (kinds["governorate"], kinds["district"], kinds["subdistrict"]) == (14, 62, 272)
    assert kinds["community"] > 7_000
    assert kinds["neighbourhood"] > 400
    assert {"ocha:C5175", "ocha:C3277", "adm:SY09", "adm:SY05", "adm:SY090201",
            "ocha:C1366", "ocha:C1202", "ocha:C8745", "ocha:C2889", "ocha:C5993"} <= ids
    assert {p.admin1 for p in bundled if p.kind == "community"} >= {
        "Aleppo", "Damascus", "Rural Damascus", "Homs", "Hama", "Idleb", "Lattakia", "Tartous",
        "Ar-Raqqa", "Deir-ez-Zor", "Al-Hasakeh", "Dar'a", "As-Sweida", "Quneitra"}
    for p in bundled:
        assert p.place_id.split(":")[0] in ("ocha", "adm", "geonames", "wof", "landmark")
        assert 32.0 < p.lat < 37.5, p
        assert 35.5 < p.lon < 42.5, p
    with (BUNDLED_GAZETTEER_DIR / "places.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert row["source_ids"].split("|")[0] == row["place_id"]
    areas = [p for p in bundled if p.place_id.startswith("adm:") or p.kind == "neighbourhood"]
    assert all(p.geometry is not None and p.geometry.is_valid for p in areas)
    # each area's point lies in its own polygon (simplified: within ~100 m)
    assert all(p.geometry.distance(Point(p.lon, p.lat)) < 1e-3 for p in areas)


def test_bundled_aliases_point_at_real_rows(bundled: list[Place]) -> None:
    by_id = {p.place_id: p for p in bundled}
    rows = gio.read_alias_rows(BUNDLED_GAZETTEER_DIR / "aliases.csv")
    assert len(rows) >= 20
    for row in rows:
        assert row["place_id"] in by_id, row
        assert row["note"], row
        assert row["alias"] in by_id[row["place_id"]].names, row
        if row["absorbs"]:
            assert row["absorbs"] not in by_id  # folded into its target
            assert row["absorbs"] in by_id[row["place_id"]].source_ids


def test_bundled_files_are_small_and_valid() -> None:
    admin = BUNDLED_GAZETTEER_DIR / "admin.geojson"
    assert admin.stat().st_size < 2_000_000
    layers = gio.load_context_layers(BUNDLED_GAZETTEER_DIR)
    assert set(layers) == {"euphrates", "tigris", "khabur", "orontes", "yarmouk", "lake_assad",
                           "syria_border", "syria_iraq_border"}
    assert layers["euphrates"].length > 3  # degrees: the Syrian course of the river
    # the border passes by Abu Kamal / al-Qaim
    assert layers["syria_iraq_border"].distance(Point(40.92, 34.45)) < 0.1
    # each river passes the towns on its banks (points of the bundled gazetteer)
    g = gio.load_gazetteer(Settings(cache_dir=BUNDLED_GAZETTEER_DIR / "no-cache",
                                    gazetteer_dir=BUNDLED_GAZETTEER_DIR))
    for key, towns in {"khabur": ("ocha:C4360", "ocha:C4988"),   # Hasakah, Ras al-Ain
                       "orontes": ("ocha:C2987", "ocha:C2528"),  # Hama, Homs
                       "euphrates": ("ocha:C5086", "ocha:C5167"),  # Deir ez-Zor, Abu Kamal
                       "lake_assad": ("ocha:C8745",)}.items():  # Tabqa
        for pid in towns:
            p = g.get(pid)
            assert layers[key].distance(Point(p.lon, p.lat)) < 0.05, (key, pid)
    assert set(g.rivers) == {"euphrates", "tigris", "khabur", "orontes", "yarmouk"}


def test_load_gazetteer_falls_back_to_bundled(tmp_path: Path) -> None:
    g = gio.load_gazetteer(Settings(cache_dir=tmp_path / "none",
                                    gazetteer_dir=BUNDLED_GAZETTEER_DIR))
    assert g.description.startswith("bundled")
    assert g.river is not None
    assert g.resolve("هجين").place.place_id == "ocha:C5175"  # type: ignore[union-attr]


def _set_field(text: str, row: int, column: str, value: str) -> str:
    """`text` (a CSV) with one cell of data row `row` (1 = first) replaced."""
    rows = list(csv.reader(io.StringIO(text)))
    rows[row][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def test_the_built_index_is_kept_compiled_and_rebuilt_when_a_file_changes(
        tmp_path: Path) -> None:
    d = _copy_bundled(tmp_path)
    settings = Settings(cache_dir=tmp_path / "cache", gazetteer_dir=d)
    first = gio.load_gazetteer(settings)
    compiled = sorted((d / ".cache").glob("index-*.pickle"))
    assert len(compiled) == 1
    gio._GAZETTEER_CACHE.clear()  # a new process: only the compiled file is left
    again = gio.load_gazetteer(settings)
    assert again is not first
    assert len(again) == len(first)
    assert again.resolve("هجين").place.place_id == "ocha:C5175"  # type: ignore[union-attr]
    with (d / "aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write("ocha:C5175,Hajinopolis,en,,a test spelling\n")
    changed = gio.load_gazetteer(settings)
    assert changed.resolve("Hajinopolis").place.place_id == "ocha:C5175"  # type: ignore[union-attr]
    assert len(sorted((d / ".cache").glob("index-*.pickle"))) == 2


def test_a_damaged_compiled_index_is_rebuilt(tmp_path: Path) -> None:
    d = _copy_bundled(tmp_path)
    settings = Settings(cache_dir=tmp_path / "cache", gazetteer_dir=d)
    gio.load_gazetteer(settings)
    (compiled,) = (d / ".cache").glob("index-*.pickle")
    compiled.write_bytes(compiled.read_bytes()[:1000])  # cut short
    gio._GAZETTEER_CACHE.clear()
    g = gio.load_gazetteer(settings)
    assert g.resolve("هجين").place.place_id == "ocha:C5175"  # type: ignore[union-attr]
    assert compiled.stat().st_size > 1_000_000  # written again, whole


def test_a_read_only_gazetteer_folder_compiles_into_the_cache(tmp_path: Path) -> None:
    d = _copy_bundled(tmp_path)
    (d / ".cache").write_text("not a directory", encoding="utf-8")  # cannot be written
    settings = Settings(cache_dir=tmp_path / "cache", gazetteer_dir=d)
    gio.load_gazetteer(settings)
    assert len(list((tmp_path / "cache" / "compiled").glob("index-*.pickle"))) == 1


def _copy_bundled(tmp_path: Path) -> Path:
    d = tmp_path / "gz"
    shutil.copytree(BUNDLED_GAZETTEER_DIR, d, ignore=shutil.ignore_patterns(".cache"))
    return d


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: _set_field(t, 1, "lat", "north"), "line 2.*'lat' is not a number"),
        (lambda t: t.split("\n", 1)[1], "missing column"),
        (lambda t: t[: len(t) // 2] + '"unterminated', "line|CSV"),
        (lambda t: t.replace("ocha:C1001,", "C1001,", 1), "no source prefix"),
    ],
)
def test_load_bundled_rejects_corrupt_files(tmp_path: Path, mutate, message: str) -> None:
    d = _copy_bundled(tmp_path)
    path = d / "places.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(mutate(text), encoding="utf-8")
    with pytest.raises(GazetteerError, match=message) as info:
        gio.load_bundled(d)
    assert "places.csv" in str(info.value)


def test_load_bundled_missing_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match=r"places\.csv"):
        gio.load_bundled(tmp_path)
    d = _copy_bundled(tmp_path)
    (d / "places.csv").write_bytes(b"place_id,name_ar\n" + "هجين".encode("cp1256"))
    with pytest.raises(GazetteerError, match=r"UTF-8|column"):
        gio.load_bundled(d)


def test_bad_alias_row_is_named(tmp_path: Path) -> None:
    d = _copy_bundled(tmp_path)
    with (d / "aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write(",,ar,,no target\n")
    with pytest.raises(GazetteerError, match=r"aliases.csv:line \d+"):
        gio.load_bundled(d)


# ------------------------------------------------------------------------- spot is exact


def _reference_spot_arabic(g: Gazetteer, text: str) -> list[tuple[int, int, str, str]]:
    """The plain algorithm `Gazetteer.spot` implements faster, for Arabic text: every
    window of up to five tokens, longest first; each proclitic reading of its first token,
    as written then article-less; proclitics outside the span."""
    from tracker.arabic import proclitic_variants, strip_article, tokens
    from tracker.gazetteer import SPOT_STOPWORDS, _surface_offset

    toks = tokens(text)
    keys = g._spot_keys
    out, i = [], 0
    while i < len(toks):
        if toks[i].text[0].isascii():
            i += 1
            continue
        hit = None
        for n in range(min(5, g._max_words, len(toks) - i), 0, -1):
            rest = [t.norm for t in toks[i + 1 : i + n]]
            for variant, stripped in proclitic_variants(toks[i].norm):
                if n == 1 and variant in SPOT_STOPWORDS:
                    continue
                key = " ".join([variant, *rest])
                bare = " ".join(strip_article(w) for w in key.split())
                if key in keys:
                    hit = (n, stripped, key)
                elif bare != key and bare in keys and bare not in SPOT_STOPWORDS:
                    hit = (n, stripped, bare)
                if hit:
                    break
            if hit:
                break
        if hit is None:
            i += 1
            continue
        n, stripped, key = hit
        if key in g._nbhd_cities:  # a one-word neighbourhood name: after حي or its city named
            before = proclitic_variants(toks[i - 1].norm) if i else []
            norm_text = f" {' '.join(t.norm for t in toks)} "
            if not (any(v in ("حي", "احياء", "حيي", "حيا") for v, _ in before)
                    or any(f" {c} " in norm_text for c in g._nbhd_cities[key])):
                i += 1
                continue
        start = toks[i].start + _surface_offset(toks[i].text, stripped)
        out.append((start, toks[i + n - 1].end, text[start : toks[i + n - 1].end], key))
        i += n
    return out


_SPOT_WORDS = st.sampled_from(
    [n for p in PLACES for n in p.names if not n.isascii()]
    + ["قرية", "بلدة", "في", "من", "على", "فوقاني", "تحتاني", "الشرقي", "قسد", "داعش",
       "سيطرت", "الجديدة", "و", "ال", "ريف", "أبو", "البو", "ا_ب", "هَجِين"]
)
_SPOT_PREFIX = st.sampled_from(["", "", "", "و", "ب", "ل", "ف", "وب", "لل", "وال", "بال"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_SPOT_PREFIX, _SPOT_WORDS), max_size=25))
def test_spot_matches_the_plain_algorithm(parts: list[tuple[str, str]]) -> None:
    text = " ".join(pre + word for pre, word in parts)
    got = [(s.start, s.end, s.text, s.key) for s in _GAZ_FOR_HYPOTHESIS.spot(text)]
    assert got == _reference_spot_arabic(_GAZ_FOR_HYPOTHESIS, text)


def test_spot_matches_the_plain_algorithm_on_the_sample_corpus(bundled: list[Place]) -> None:
    from tracker.settings import SAMPLE_DIR

    g = Gazetteer(bundled)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    texts += [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    assert texts
    for text in texts:
        got = [(s.start, s.end, s.text, s.key) for s in g.spot(text) if not s.text.isascii()]
        assert got == _reference_spot_arabic(g, text)


# ------------------------------------------------------------------------- English cues

_EN_PLACES = [
    *PLACES,
    _p("adm:SY090106", "صور", "Sur", 35.5, 40.6, ("SY09", "SY0901", ""), kind="subdistrict"),
    _p("adm:SY090201", "هجين", "Hajin", 34.7, 40.85, ("SY09", "SY0902", ""), kind="subdistrict"),
    _p("geonames:170069", "حجنة", "Hajnah", 34.9, 40.75, ("SY09", "SY0901", "SY090106"),
       kind="locality"),  # (not its real position: 25 km from the toy Hajin)
    _p("adm:SY", "سوريا", "Syria", 35.0, 38.5, ("", "", ""), kind="country"),
]


@pytest.fixture(scope="module")
def en_gaz() -> Gazetteer:
    return Gazetteer(_EN_PLACES, river=RIVER)


@pytest.mark.parametrize(
    ("text", "pcodes"),
    [
        # "Syria" and the sub-district "Sur" share the skeleton "sr": not a cue
        ("U.S.-backed SDF captures Hajin, Islamic State's last town in eastern Syria\n\n"
         "BEIRUT, Dec 15 - The SDF captured the town of Hajin.", ()),
        ("Hajin, the last town held by Islamic State in eastern Deir ez-Zor province",
         ("SY09",)),
        ("fighting in eastern Dayr az Zawr on Friday", ("SY09",)),
        ("the countryside of Abu Kamal", ("SY0902",)),
        ("clashes in the Albu Kamal countryside", ("SY0902",)),
        # a sub-district only when the text says so
        ("from the outskirts of Hajin to the border", ()),
        ("villages of the Hajin sub-district", ("SY090201",)),
        ("in northern Iraq and eastern Sur", ()),
    ],
)
def test_english_context_cues(en_gaz: Gazetteer, text: str, pcodes: tuple[str, ...]) -> None:
    assert en_gaz.context_from_text(text).admin_pcodes == pcodes


def test_find_admin_latin_needs_the_spelling(en_gaz: Gazetteer) -> None:
    sur = en_gaz.find_admin("Syria")
    assert sur is None or sur.kind == "country"
    assert en_gaz.find_admin("Sur") is not None
    for name in ("Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Deir al-Zour"):
        place = en_gaz.find_admin(name)
        assert place is not None, name
        assert place.place_id == "adm:SY09", name


def test_english_report_resolves_hajin(en_gaz: Gazetteer) -> None:
    text = ("U.S.-backed SDF captures Hajin, Islamic State's last town in eastern Syria\n\n"
            "The SDF captured the town of Hajin from Islamic State on Friday.")
    r = en_gaz.resolve("Hajin", en_gaz.context_from_text(text))
    assert r.place is not None
    assert r.place.place_id == "ocha:C1"


def test_exact_match_in_the_theatre_beats_a_fuzzy_one(en_gaz: Gazetteer) -> None:
    hajin, hajnah = en_gaz.get("ocha:C1"), en_gaz.get("geonames:170069")
    # both in the theatre; the report's other places lie nearer Hajnah (a third of the
    # way to Hajin), which alone would leave the exact name and the skeleton match close
    near = (hajnah.lat + (hajin.lat - hajnah.lat) / 3, hajnah.lon + (hajin.lon - hajnah.lon) / 3)
    ctx = Context(admin_pcodes=("SY09",), near=(near,))
    # nearness chooses between namesakes, not spellings: distances count from the nearest
    # exact match, so the nearer skeleton match gains nothing on the near cue alone
    plain = en_gaz.candidates("Hajin", Context(near=(near,)))
    assert plain[0].place.place_id == "ocha:C1"
    assert plain[0].score == pytest.approx(1.0)
    assert plain[0].score - plain[1].score >= 0.1
    r = en_gaz.resolve("Hajin", ctx)
    assert r.status == "resolved"
    assert r.place is not None
    assert r.place.place_id == "ocha:C1"
    # a skeleton match that some cue would lift within the margin is capped below the
    # exact match of the theatre
    from tracker.gazetteer import Candidate, _exact_beats_fuzzy
    hajnah_close = [Candidate(hajin, 0.8, "latin:100+in-admin"),
                    Candidate(hajnah, 0.78, "latin:73+in-admin")]
    capped = _exact_beats_fuzzy(hajnah_close, [True, True])
    assert capped[1].score < 0.8 - 0.1 + 1e-9
    assert "below-exact" in capped[1].reason
    # without an exact match in the theatre nothing is capped
    out = en_gaz.resolve("Hajin", Context(admin_pcodes=("SY090106",)))
    assert out.place is not None
    assert out.place.place_id == "geonames:170069"


# ------------------------------------------------------------------------- bank_of


def test_bank_of_place(gaz: Gazetteer) -> None:
    assert gaz.bank_of("ocha:C10") == "east"
    assert gaz.bank_of("ocha:C11") == "west"
    assert gaz.bank_of("ocha:C7") is None  # Hama: far from the river
    with pytest.raises(UnknownPlaceError, match="ocha:NOPE"):
        gaz.bank_of("ocha:NOPE")
    assert Gazetteer(PLACES).bank_of("ocha:C10") is None  # no river line


def test_bundled_links_glued_article_spellings(bundled: list[Place]) -> None:
    # OCHA "Alsafafnah" (السفافنة) and GeoNames "As Safafinah" (الصفافنة) are one village
    by_id = {p.place_id: p for p in bundled}
    assert "geonames:384695" not in by_id
    assert "geonames:384695" in by_id["ocha:C6797"].source_ids
    g = Gazetteer(bundled)
    for name in ("As Safafinah", "al-Safafinah", "الصفافنة", "السفافنة"):
        r = g.resolve(name)
        assert r.place is not None, name
        assert r.place.place_id == "ocha:C6797", name


def _build_tool() -> types.ModuleType:
    import importlib.util

    tool = Path(__file__).resolve().parent.parent / "tools" / "build_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_gazetteer", tool)
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_build_tool_without_aliases_in_out_says_what_to_do(
        tmp_path: Path, shared_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mod = _build_tool()
    assert mod.main(["--data", str(shared_data_dir), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert re.search(r"aliases\.csv: missing.*copy gazetteer/aliases\.csv", err), err


def _mini_data(shared_data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the shared data folder (symlinks) whose files a test may replace."""
    data = tmp_path / "data"
    for src in shared_data_dir.rglob("*"):
        if src.is_file():
            dst = data / src.relative_to(shared_data_dir)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.symlink_to(src)
    return data


@pytest.mark.parametrize(
    ("member", "damage", "message"),
    [
        # a download cut off mid-row: the reader names the file and the line
        (("ocha_cod_ps", "syr_ocha_locations_communities.csv"),
         lambda b: b[: len(b) // 2], r"syr_ocha_locations_communities\.csv:\d+: row has"),
        # a WOF file given where the OCHA list belongs
        (("ocha_cod_ps", "syr_ocha_locations_communities.csv"),
         None, r"syr_ocha_locations_communities\.csv: this is a Who's On First"),
        # a GeoJSON cut off mid-feature
        (("ocha_cod_ab", "syr_adm3_ocha_20201217.geojson"),
         lambda b: b[: len(b) // 3], r"syr_adm3_ocha_20201217\.geojson:\d+:\d+: invalid JSON"),
    ],
)
def test_build_from_a_damaged_source_names_it_and_writes_nothing(
        tmp_path: Path, shared_data_dir: Path, capsys: pytest.CaptureFixture[str],
        member: tuple[str, str], damage, message: str) -> None:
    data = _mini_data(shared_data_dir, tmp_path)
    target = data.joinpath(*member)
    raw = target.read_bytes()
    target.unlink()
    if damage is None:
        target.write_bytes((shared_data_dir / "wof" / "wof_admin_sy_places.csv").read_bytes())
    else:
        target.write_bytes(damage(raw))
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(BUNDLED_GAZETTEER_DIR / "aliases.csv", out)
    (out / "places.csv").write_text("the previous table\n", encoding="utf-8")
    assert _build_tool().main(["--data", str(data), "--out", str(out)]) == 1
    assert re.search(message, capsys.readouterr().err)
    assert (out / "places.csv").read_text(encoding="utf-8") == "the previous table\n"
    assert sorted(p.name for p in out.iterdir()) == ["aliases.csv", "places.csv"]


def test_build_interrupted_while_writing_leaves_no_half_written_file(tmp_path: Path,
                                                                    monkeypatch) -> None:
    mod = _build_tool()
    out = tmp_path / "gz"
    out.mkdir()
    (out / "places.csv").write_text("old places\n", encoding="utf-8")
    (out / "admin.geojson").write_text("old admin\n", encoding="utf-8")
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):  # the disk fills up after the first file
        calls.append(dst)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(mod.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        mod.write_atomically({out / "admin.geojson": "new admin\n",
                              out / "places.csv": "new places\n"})
    # each file is whole: the old one, or the new one moved in before the failure
    assert (out / "places.csv").read_text(encoding="utf-8") == "old places\n"
    assert (out / "admin.geojson").read_text(encoding="utf-8") == "new admin\n"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no temp file left


@pytest.mark.slow
def test_build_reproduces_the_committed_gazetteer(tmp_path: Path, shared_data_dir: Path) -> None:
    out = tmp_path / "gz"
    out.mkdir()
    shutil.copy(BUNDLED_GAZETTEER_DIR / "aliases.csv", out)
    assert _build_tool().main(["--data", str(shared_data_dir), "--out", str(out)]) == 0
    for name in ("places.csv", "admin.geojson", "neighbourhoods.geojson", "context.geojson"):
        assert (out / name).read_bytes() == (BUNDLED_GAZETTEER_DIR / name).read_bytes(), name


# ------------------------------------------------------------------ national rules (issue 11)


@pytest.fixture(scope="module")
def national() -> Gazetteer:
    return Gazetteer(gio.load_bundled(BUNDLED_GAZETTEER_DIR), description="bundled")


def test_a_unit_named_often_outweighs_two_villages_elsewhere(national: Gazetteer) -> None:
    # our own sentences: reinforcements from two Afrin villages once, al-Bab three times
    once = "وصلت تعزيزات إلى قرية مستكان وقرية تل حمو قادمة من مدينة الباب."
    thrice = ("هاجم التنظيم مدينة الباب فجرا. وقصفت المدفعية أطراف مدينة الباب. وتقدمت "
              "الفصائل نحو مدينة الباب، بينما وصلت تعزيزات من قرية مستكان وقرية تل حمو.")
    assert national.context_from_text(once).admin_pcodes == ()
    assert national.context_from_text(thrice).admin_pcodes == ("SY0202",)


def test_near_cue_chooses_between_namesakes_not_spellings(national: Gazetteer) -> None:
    # villages of Afrin around a mention of the Euphrates town: the near Afrin village
    # spelt like it (Masikan, Masqan) does not beat the town spelt exactly so
    afrin = [national.get(i) for i in ("ocha:C1430", "ocha:C1484", "ocha:C1426")]
    cands = national.candidates("Maskanah", Context().with_near(afrin))
    exact = next(c for c in cands if c.place.place_id == "ocha:C1933")
    fuzzy = next(c for c in cands if c.place.place_id == "ocha:C1491")
    assert exact.score > fuzzy.score
    # all of them 100 km and more away: the governorate the report's places lie in
    # (Aleppo) is still a regional cue against the Homs and Damascus namesakes
    r = national.resolve("Maskanah", Context().with_near(afrin))
    assert r.status == "resolved"
    assert r.place is not None
    assert r.place.place_id == "ocha:C1933"
    assert "in-region" in r.candidates[0].reason
    # places spread over three governorates name no region: the namesakes stay close
    spread = [national.get(i) for i in ("ocha:C1430", "ocha:C5175", "ocha:C1001")]
    r = national.resolve("Maskanah", Context().with_near(spread))
    assert all("in-region" not in c.reason for c in r.candidates)


def test_a_name_of_vowels_and_glides_resolves(national: Gazetteer) -> None:
    # "Kuwayah" has the one-letter skeleton "k": OCHA's Koya (GeoNames "Al Kuwayyah")
    r = national.resolve("Kuwayah")
    assert r.status == "resolved"
    assert r.place is not None
    assert r.place.place_id == "ocha:C6025"
    assert national.resolve("Aya").status == "unresolved"  # too short to mean anything
    assert national.resolve("Kiwi").status == "unresolved"  # same skeleton, other word


def test_a_bracketed_gloss_is_tried_alone(national: Gazetteer) -> None:
    r = national.resolve("T4 (Tiyas airbase)")
    assert r.place is not None
    assert r.place.place_id == "landmark:tiyas_airbase"
    r = national.resolve("Hajin (Deir ez-Zor)")
    assert r.place is not None
    assert r.place.place_id == "ocha:C5175"


@pytest.mark.parametrize(("name", "pid", "admin1"), [
    ("مطار التيفور", "landmark:tiyas_airbase", "Homs"),
    ("T4 airbase", "landmark:tiyas_airbase", "Homs"),
    ("قلعة تدمر", "landmark:palmyra_castle", "Homs"),
    ("سد الطبقة", "landmark:tabqa_dam", "Ar-Raqqa"),
    ("Euphrates Dam", "landmark:tabqa_dam", "Ar-Raqqa"),
    ("مطار كويرس", "landmark:kuweires_airbase", "Aleppo"),
])
def test_landmarks_resolve_with_their_admin_unit(national: Gazetteer, name: str, pid: str,
                                                 admin1: str) -> None:
    r = national.resolve(name)
    assert r.status == "resolved"
    assert r.place is not None
    assert (r.place.place_id, r.place.kind, r.place.admin1) == (pid, "landmark", admin1)
    assert r.place.admin_pcodes[2].startswith(r.place.admin_pcodes[0])


@pytest.mark.parametrize(("row", "message"), [
    ("landmark:x,سد,Dam,35.0,38.0,,,a note", r"landmarks\.csv:line 2: a landmark needs a name "
                                             r"and a source"),
    ("ocha:C1,سد,Dam,35.0,38.0,,src,", r"landmarks\.csv:line 2: place_id 'ocha:C1' must be"),
    ("landmark:x,سد,Dam,north,38.0,,src,", r"landmarks\.csv:line 2: column 'lat' is not a "
                                           r"number: 'north'"),
    ("landmark:x,سد,Dam,35.0", r"landmarks\.csv:line 2: wrong number of fields"),
])
def test_a_bad_landmark_row_names_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "landmarks.csv"
    path.write_text("place_id,name_ar,name_en,lat,lon,aliases,source,note\n" + row + "\n",
                    encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        gio.read_landmarks(path)
