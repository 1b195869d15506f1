"""Tests of the national gazetteer import: readers, format detection, merge, cache, bad input.

Small hand-written fixtures live in tests/data/gazetteer/; the real national files are read
from ../shared/data (tests marked `shared`, skipped when absent).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
import shapely

from tracker import gazetteer_io as gio
from tracker.errors import GazetteerError
from tracker.model import Place

HERE = Path(__file__).resolve().parent
FIX = HERE / "data" / "gazetteer"
SHARED = HERE.parent.parent / "shared" / "data"
OCHA_CSV = SHARED / "ocha_cod_ps" / "syr_ocha_locations_communities.csv"
OCHA_XLSX = SHARED / "ocha_cod_ps" / "syr_ocha_locations_communities.xlsx"
WOF_CSV = SHARED / "wof" / "wof_admin_sy_places.csv"
COD_ZIP = SHARED / "ocha_cod_ab" / "syr_admbnda_uncs_unocha_20201217.zip"
ADM = [SHARED / "ocha_cod_ab" / f"syr_adm{i}_ocha_20201217.geojson" for i in range(4)]

needs_shared = pytest.mark.skipif(not OCHA_CSV.is_file(), reason="../shared/data is absent")


def by_id(places: list[Place]) -> dict[str, Place]:
    return {p.place_id: p for p in places}


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[gio.ImportSummary, list[Place]]:
    if not OCHA_CSV.is_file():
        pytest.skip("../shared/data is absent")
    cache = tmp_path_factory.mktemp("national")
    summary = gio.import_sources([OCHA_CSV, WOF_CSV, *ADM[1:]], cache)
    places = gio.load_cached(cache)
    assert places is not None
    return summary, places


# --------------------------------------------------------------------- real national files


@pytest.mark.shared
@needs_shared
def test_ocha_csv_real_facts() -> None:
    places = gio.read_ocha_communities(OCHA_CSV)
    assert len(places) == 7693
    ids = by_id(places)
    assert len(ids) == 7693
    hajin = ids["ocha:C5175"]
    assert (hajin.name_ar, hajin.name_en, hajin.kind) == ("هجين", "Hajin", "community")
    assert (hajin.lat, hajin.lon) == (34.6869, 40.839203)
    assert hajin.admin_pcodes == ("SY09", "SY0902", "SY090201")
    assert (hajin.admin1, hajin.admin2, hajin.admin3) == ("Deir-ez-Zor", "Abu Kamal", "Hajin")
    yarmuk = ids["ocha:C1002"]  # "اليرموك - دمشق" / "Yarmuk (Damascus)"
    assert (yarmuk.name_ar, yarmuk.name_en) == ("اليرموك", "Yarmuk")
    assert {"اليرموك - دمشق", "Yarmuk (Damascus)"} <= set(yarmuk.aliases)
    sayah = next(p for p in places if "صياح ظاهرية" in p.aliases)
    assert sayah.name_ar == "الصياح"
    assert not any("_" in n for n in sayah.names)
    assert not any(" - " in p.name_ar or " (" in p.name_en for p in places)


@pytest.mark.shared
@needs_shared
def test_ocha_xlsx_equals_csv() -> None:
    assert gio.detect_format(OCHA_XLSX) == "ocha_communities_xlsx"
    assert gio.read_ocha_communities(OCHA_XLSX) == gio.read_ocha_communities(OCHA_CSV)


@pytest.mark.shared
@needs_shared
def test_wof_real_facts() -> None:
    places = gio.read_wof_csv(WOF_CSV)
    every = gio.read_wof_csv(WOF_CSV, include_deprecated=True)
    assert len(every) == 10595  # every locality row; 20 of them are deprecated
    assert len(places) == 10575
    assert {p.kind for p in places} == {"locality"}
    assert len(by_id(places)) == len(places)  # ids unique once deprecated records are gone
    hajin = by_id(places)["geonames:174506"]
    assert hajin.name_ar == "هجين"
    assert hajin.source_ids == ("wof:890449895",)
    assert "Bou Hardane" in hajin.aliases
    assert hajin.population == 29237
    assert sum(p.place_id.startswith("wof:") for p in places) > 0


@pytest.mark.shared
@needs_shared
def test_cod_ab_geojson_real_facts() -> None:
    levels = [gio.read_cod_ab(p) for p in ADM]
    assert [len(x) for x in levels] == [1, 14, 62, 272]
    assert [{p.kind for p in x} for x in levels] == [
        {"country"}, {"governorate"}, {"district"}, {"subdistrict"}]
    adm3 = by_id(levels[3])
    hajin = adm3["adm:SY090201"]
    assert (hajin.name_ar, hajin.name_en) == ("هجين", "Hajin")
    assert hajin.admin_pcodes == ("SY09", "SY0902", "SY090201")
    assert hajin.geometry.contains(shapely.Point(40.839203, 34.6869))  # OCHA Hajin point
    assert hajin.geometry.contains(shapely.Point(hajin.lon, hajin.lat))
    assert "البوكمال" in adm3["adm:SY090200"].aliases  # "مركز البوكمال"
    gov = by_id(levels[1])["adm:SY09"]
    assert gov.admin_pcodes == ("SY09", "", "")
    assert gov.admin1 == "Deir-ez-Zor"


@pytest.mark.shared
@needs_shared
def test_cod_ab_shapefile_zip_matches_geojson() -> None:
    places = gio.read_cod_ab(COD_ZIP)
    kinds: dict[str, int] = {}
    for p in places:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    assert kinds == {"country": 1, "governorate": 14, "district": 62, "subdistrict": 272,
                     "neighbourhood": 414}
    from_json = {p.place_id: (p.name_ar, p.name_en) for x in ADM for p in gio.read_cod_ab(x)}
    from_zip = {p.place_id: (p.name_ar, p.name_en) for p in places if p.kind != "neighbourhood"}
    assert from_zip == from_json
    nb = next(p for p in places if p.kind == "neighbourhood")
    assert nb.place_id.startswith("ocha:N")
    assert nb.name_ar
    assert nb.admin_pcodes[2]


@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize(
    ("path", "fmt"),
    [(OCHA_CSV, "ocha_communities_csv"), (WOF_CSV, "wof_csv"), (ADM[3], "cod_ab_geojson"),
     (COD_ZIP, "cod_ab_shapefile_zip")],
)
def test_detect_real_formats(path: Path, fmt: str) -> None:
    assert gio.detect_format(path) == fmt


@pytest.mark.shared
@needs_shared
def test_national_import_links_and_admin(national: tuple[gio.ImportSummary, list[Place]]) -> None:
    summary, places = national
    ids = by_id(places)
    assert len(ids) == len(places) == summary.total
    hajin = ids["ocha:C5175"]
    assert "geonames:174506" in hajin.source_ids
    assert "wof:890449895" in hajin.source_ids
    assert "geonames:174506" not in ids  # merged, not duplicated
    assert "Bou Hardane" in hajin.aliases
    assert summary.by_kind["community"] == 7693
    assert summary.by_kind["subdistrict"] == 272
    assert summary.by_kind["governorate"] == 14
    assert summary.links > 4000
    assert sum(summary.by_governorate.values()) == summary.total
    localities = [p for p in places if p.kind == "locality"]
    with_admin = [p for p in localities if p.admin_pcodes[2]]
    assert len(with_admin) >= 0.99 * len(localities)
    adm3 = ids["adm:SY090201"].geometry
    inside = [p for p in with_admin if p.admin_pcodes[2] == "SY090201"]
    assert inside
    assert all(adm3.distance(shapely.Point(p.lon, p.lat)) < 0.06 for p in inside)
    stored = gio.load_cached_summary(Path(summary.cache_path).parent)
    assert stored is not None
    assert (stored.by_kind, stored.links, stored.total) == (
        summary.by_kind, summary.links, summary.total)


@pytest.mark.shared
@needs_shared
def test_cache_round_trip(national: tuple[gio.ImportSummary, list[Place]]) -> None:
    _, places = national
    gov = next(p for p in places if p.place_id == "adm:SY09")
    assert gov.geometry is not None
    assert gov.geometry.area > 1.0
    assert all(isinstance(p.aliases, tuple) for p in places)


# --------------------------------------------------------------------- GeoNames dump (own files)


def test_geonames_txt_reader() -> None:
    assert gio.detect_format(FIX / "SY.txt") == "geonames_txt"
    places = gio.read_geonames(FIX / "SY.txt")
    ids = by_id(places)
    assert set(ids) == {"geonames:174506", "geonames:9900001", "geonames:9900004",
                        "geonames:9900005"}  # feature class A and H left out
    hajin = ids["geonames:174506"]
    assert (hajin.name_en, hajin.name_ar, hajin.kind) == ("Hajīn", "هجين", "locality")
    assert (hajin.lat, hajin.lon, hajin.population) == (34.6927, 40.827, 29237)
    assert set(hajin.aliases) == {"Hajin", "Bou Hardane"}
    assert ids["geonames:9900005"].name_ar == ""


def test_geonames_zip_reader(tmp_path: Path) -> None:
    zpath = tmp_path / "country.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "GeoNames readme\n")
        zf.write(FIX / "SY.txt", "SY.txt")
    assert gio.detect_format(zpath) == "geonames_zip"
    assert gio.read_geonames(zpath) == gio.read_geonames(FIX / "SY.txt")


def test_detection_by_content_not_name(tmp_path: Path) -> None:
    for src, fmt in [(FIX / "SY.txt", "geonames_txt"),
                     (FIX / "ocha_communities_small.csv", "ocha_communities_csv"),
                     (FIX / "adm3_small.geojson", "cod_ab_geojson")]:
        renamed = tmp_path / f"download-{fmt}.dat"
        shutil.copyfile(src, renamed)
        assert gio.detect_format(renamed) == fmt
        assert gio.read_source(renamed)[0] == fmt


# ------------------------------------------------------------------------- OCHA (own file)


def test_ocha_small_qualifiers() -> None:
    ids = by_id(gio.read_ocha_communities(FIX / "ocha_communities_small.csv"))
    hardan = ids["ocha:C9001"]
    assert (hardan.name_ar, hardan.name_en) == ("أبو حردان", "Abu Hardan")
    assert {"أبو حردان - هجين", "Abu Hardan (Hajin)"} <= set(hardan.aliases)
    sayah = ids["ocha:C9002"]
    assert (sayah.name_ar, sayah.name_en) == ("الصياح", "Sayah")
    assert {"صياح ظاهرية", "Sayah Thahriyeh"} <= set(sayah.aliases)


def test_ocha_xlsx_small_equals_csv(tmp_path: Path) -> None:
    import csv

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    with (FIX / "ocha_communities_small.csv").open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh)):
            ws.append([float(c) if i and j >= 21 else c for j, c in enumerate(row)])
    xlsx = tmp_path / "Locations.xlsx"
    wb.save(xlsx)
    assert gio.read_ocha_communities(xlsx) == gio.read_ocha_communities(
        FIX / "ocha_communities_small.csv")


# ------------------------------------------------------------------------------------ merge


def small_sources() -> tuple[list[Place], list[Place], list[Place]]:
    return (gio.read_ocha_communities(FIX / "ocha_communities_small.csv"),
            gio.read_geonames(FIX / "SY.txt"),
            gio.read_cod_ab(FIX / "adm3_small.geojson"))


def test_merge_links_same_place_within_km() -> None:
    ocha, gn, adm3 = small_sources()
    stats: dict[str, int] = {}
    merged = gio.merge_places(gn, ocha, adm3, stats=stats)
    ids = by_id(merged)
    hajin = ids["ocha:C5175"]  # OCHA wins; Arabic key match beats the Latin "Bou Hardane"
    assert hajin.source_ids == ("geonames:174506",)
    assert {"Hajīn", "Bou Hardane"} <= set(hajin.aliases)
    assert hajin.population == 29237
    assert "geonames:174506" not in ids
    assert ids["ocha:C9001"].source_ids == ("geonames:9900005",)  # Latin-only link
    assert "geonames:9900004" in ids  # same name, 100 km away: not linked
    assert stats["links"] == 2
    assert {"adm:SY090201", "adm:SY090200"} <= set(ids)  # admin units stay


def test_merge_assigns_admin_by_point_in_polygon() -> None:
    ocha, gn, adm3 = small_sources()
    ids = by_id(gio.merge_places(ocha, gn, adm3))
    bahra = ids["geonames:9900001"]
    assert bahra.admin_pcodes == ("SY09", "SY0902", "SY090201")
    assert (bahra.admin1, bahra.admin2, bahra.admin3) == ("Deir-ez-Zor", "Abu Kamal", "Hajin")
    far = ids["geonames:9900004"]
    assert far.admin_pcodes == ("", "", "")  # outside every sub-district
    assert ids["ocha:C9002"].admin_pcodes[2] == "SY090203"  # OCHA keeps its own hierarchy
    assert "البوكمال" in ids["adm:SY090200"].aliases
    assert "Hajeen" in ids["adm:SY090201"].aliases


def test_merge_same_id_from_two_sources() -> None:
    _, gn, _ = small_sources()
    twin = [Place("geonames:9900001", "", "Bahrah", 34.73, 40.75, kind="locality",
                  aliases=("Al-Bahra",), source_ids=("wof:1",))]
    merged = gio.merge_places(gn, twin)
    bahra = by_id(merged)["geonames:9900001"]
    assert len([p for p in merged if p.place_id == "geonames:9900001"]) == 1
    assert "Al-Bahra" in bahra.aliases
    assert bahra.source_ids == ("wof:1",)


# ------------------------------------------------------------------------------------ cache


def small_paths() -> list[Path]:
    return [FIX / "ocha_communities_small.csv", FIX / "SY.txt", FIX / "adm3_small.geojson"]


def test_import_and_load_cached(tmp_path: Path) -> None:
    assert gio.load_cached(tmp_path) is None
    assert gio.load_cached_summary(tmp_path) is None
    messages: list[str] = []
    summary = gio.import_sources(small_paths(), tmp_path, progress=messages.append)
    assert [s.format for s in summary.sources] == [
        "ocha_communities_csv", "geonames_txt", "cod_ab_geojson"]
    assert summary.by_source == {"ocha": 3, "geonames": 2, "adm": 2}
    assert summary.by_kind == {"community": 3, "locality": 2, "subdistrict": 2}
    assert summary.links == 2
    assert summary.total == 7
    assert len(messages) == 5
    places = gio.load_cached(tmp_path)
    assert places == gio.merge_places(*(gio.read_source(p)[1] for p in small_paths()))
    poly = by_id(places)["adm:SY090201"].geometry
    assert poly.equals(shapely.box(40.70, 34.60, 40.90, 34.80))
    assert json.loads(json.dumps(summary.to_json()))["total"] == 7
    assert sorted(x.name for x in tmp_path.iterdir()) == [gio.CACHE_FILE]


def test_cache_without_summary_row_has_no_summary(tmp_path: Path) -> None:
    gio.import_sources(small_paths(), tmp_path)
    con = sqlite3.connect(tmp_path / gio.CACHE_FILE)
    with con:
        con.execute("DELETE FROM meta WHERE key = 'summary'")
    con.close()
    assert gio.load_cached_summary(tmp_path) is None
    assert gio.load_cached(tmp_path)  # the places are still there


def test_failed_import_keeps_previous_cache(tmp_path: Path) -> None:
    gio.import_sources(small_paths(), tmp_path)
    before = (tmp_path / gio.CACHE_FILE).read_bytes()
    bad = tmp_path / "broken.csv"
    bad.write_text((FIX / "ocha_communities_small.csv").read_text(encoding="utf-8")[:-40],
                   encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"broken\.csv"):
        gio.import_sources([FIX / "SY.txt", bad], tmp_path)
    assert (tmp_path / gio.CACHE_FILE).read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["broken.csv", gio.CACHE_FILE]


def test_failed_write_leaves_no_temp_and_old_cache(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    gio.import_sources(small_paths()[:1], tmp_path)
    before = (tmp_path / gio.CACHE_FILE).read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gio.os, "replace", boom)
    with pytest.raises(GazetteerError, match="cannot write the gazetteer cache"):
        gio.import_sources(small_paths(), tmp_path)
    assert (tmp_path / gio.CACHE_FILE).read_bytes() == before
    assert [x.name for x in tmp_path.iterdir()] == [gio.CACHE_FILE]


def test_damaged_cache_is_reported(tmp_path: Path) -> None:
    (tmp_path / gio.CACHE_FILE).write_bytes(b"not a database at all" * 100)
    with pytest.raises(GazetteerError, match=r"damaged.*gazetteer import"):
        gio.load_cached(tmp_path)
    con = sqlite3.connect(tmp_path / "other.sqlite")
    con.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('format', 'tracker-gazetteer'), ('version', '999')")
    con.commit()
    con.close()
    (tmp_path / "other.sqlite").replace(tmp_path / gio.CACHE_FILE)
    with pytest.raises(GazetteerError, match="another format/version"):
        gio.load_cached(tmp_path)


def test_import_without_paths() -> None:
    with pytest.raises(GazetteerError, match="no gazetteer files"):
        gio.import_sources([], "unused")


# ---------------------------------------------------------------------------------- bad input


def _truncate(src: Path, dst: Path, keep: float) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


@pytest.mark.parametrize(
    ("content", "pattern"),
    [(b"", "empty"),
     (b"\x00\x01\x02garbage\xff\xfe" * 50, "binary content"),
     (b"\xff\xfe\xfa junk that is not utf-8 \xc3\x28 at all\n" * 40, "not UTF-8"),
     (b"name,lat,lon\nHajin,34.6,40.8\n", "unrecognised gazetteer format"),
     (b'{"type": "FeatureCollection", "features": []}', "not an OCHA COD-AB"),
     (b"PK\x03\x04 this is no zip" * 10, "not a readable zip")],
)
def test_bad_files_name_the_file(tmp_path: Path, content: bytes, pattern: str) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(GazetteerError, match=pattern) as err:
        gio.read_source(path)
    assert str(path) in str(err.value)


def test_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="no such file"):
        gio.detect_format(tmp_path / "nope.csv")
    with pytest.raises(GazetteerError, match="not a file"):
        gio.detect_format(tmp_path)


def test_truncated_csv_names_line(tmp_path: Path) -> None:
    src = FIX / "ocha_communities_small.csv"
    path = tmp_path / "ocha.csv"
    path.write_text(src.read_text(encoding="utf-8")[:-60], encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"ocha\.csv:4: row has \d+ columns.*truncated"):
        gio.read_ocha_communities(path)


def _cut_inside_last_arabic_char(data: bytes) -> bytes:
    """The data cut between the two bytes of its last Arabic (2-byte UTF-8) character."""
    lead = max(data.rfind(bytes([b])) for b in range(0xD8, 0xDC))
    assert lead > 0
    return data[: lead + 1]


@pytest.mark.parametrize(("fixture", "reader"),
                         [("ocha_communities_small.csv", gio.read_ocha_communities),
                          ("SY.txt", gio.read_geonames)])
def test_download_cut_inside_a_character_says_truncated(
        tmp_path: Path, fixture: str, reader: object) -> None:
    path = tmp_path / fixture
    data = (FIX / fixture).read_bytes()
    path.write_bytes(_cut_inside_last_arabic_char(data))
    lines_before = path.read_bytes().count(b"\n")
    with pytest.raises(GazetteerError,
                       match=rf"ends in the middle of a character \(after line {lines_before}\)"
                       r".*truncated") as err:
        reader(path)  # type: ignore[operator]
    assert str(path) in str(err.value)


@needs_shared
def test_bad_byte_deep_inside_a_big_csv_names_a_line(tmp_path: Path) -> None:
    data = OCHA_CSV.read_bytes()
    cut = data.index(b"\n", 300_000) + 1  # past the 64 KiB format sniffing head
    line = data[:cut].count(b"\n") + 1
    path = tmp_path / "ocha.csv"
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    with pytest.raises(GazetteerError, match=r"ocha\.csv: not UTF-8 text \(invalid start byte, "
                                             r"after line (\d+)\)") as err:
        gio.read_ocha_communities(path)
    named = int(str(err.value).split("after line ")[1].split(")")[0])
    assert line - 200 < named < line  # text is decoded in blocks: the last line read before


def test_truncated_quoted_csv(tmp_path: Path) -> None:
    text = (FIX / "ocha_communities_small.csv").read_text(encoding="utf-8")
    path = tmp_path / "ocha.csv"
    path.write_text(text[: text.index('"Abu Hardan') + 5], encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"ocha\.csv"):
        gio.read_ocha_communities(path)


def test_missing_columns(tmp_path: Path) -> None:
    text = (FIX / "ocha_communities_small.csv").read_text(encoding="utf-8")
    path = tmp_path / "ocha.csv"
    path.write_text(text.replace("Latitude_y", "Lat"), encoding="utf-8")
    with pytest.raises(GazetteerError):  # no longer looks like OCHA at all
        gio.read_ocha_communities(path)
    path.write_text(text.replace("LocationName_ar", "Name_ar"), encoding="utf-8")
    with pytest.raises(GazetteerError,
                       match=r"ocha\.csv:1: missing required column.*LocationName_ar"):
        gio.read_ocha_communities(path)


def test_bad_coordinate_names_line_and_value(tmp_path: Path) -> None:
    text = (FIX / "ocha_communities_small.csv").read_text(encoding="utf-8")
    path = tmp_path / "ocha.csv"
    path.write_text(text.replace("34.71,", "north,"), encoding="utf-8")
    with pytest.raises(GazetteerError,
                       match=r"ocha\.csv:3: column 'Latitude_y' is not a number: 'north'"):
        gio.read_ocha_communities(path)


def test_truncated_geojson(tmp_path: Path) -> None:
    path = _truncate(FIX / "adm3_small.geojson", tmp_path / "adm3.geojson", 0.6)
    with pytest.raises(GazetteerError, match=r"adm3\.geojson:\d+:\d+: invalid JSON.*truncated"):
        gio.read_cod_ab(path)


def test_truncated_geonames(tmp_path: Path) -> None:
    text = (FIX / "SY.txt").read_text(encoding="utf-8")
    path = tmp_path / "SY.txt"
    path.write_text(text[: text.index("9900001") + 40], encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"SY\.txt:2: line has \d+ tab-separated columns"):
        gio.read_geonames(path)


def test_truncated_zip(tmp_path: Path) -> None:
    zpath = tmp_path / "SY.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(FIX / "SY.txt", "SY.txt")
    cut = _truncate(zpath, tmp_path / "cut.zip", 0.7)
    with pytest.raises(GazetteerError, match=r"cut\.zip: not a readable zip"):
        gio.read_source(cut)


def test_truncated_xlsx(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Location_Pcode", "Latitude_y", "Longitude_x"])
    xlsx = tmp_path / "Locations.xlsx"
    wb.save(xlsx)
    cut = _truncate(xlsx, tmp_path / "cut.xlsx", 0.5)
    with pytest.raises(GazetteerError, match=r"cut\.xlsx"):
        gio.read_source(cut)


def test_wrong_reader_for_format() -> None:
    with pytest.raises(GazetteerError, match=r"SY\.txt: this is a GeoNames dump.*not the OCHA"):
        gio.read_ocha_communities(FIX / "SY.txt")
    with pytest.raises(GazetteerError, match="not COD-AB"):
        gio.read_cod_ab(FIX / "ocha_communities_small.csv")


@pytest.mark.shared
@needs_shared
def test_truncated_real_shapefile_zip(tmp_path: Path) -> None:
    cut = _truncate(COD_ZIP, tmp_path / "cod.zip", 0.5)
    with pytest.raises(GazetteerError, match=r"cod\.zip: not a readable zip"):
        gio.read_cod_ab(cut)


def test_geojson_with_long_geometry_before_properties(tmp_path: Path) -> None:
    doc = json.loads((FIX / "adm3_small.geojson").read_text(encoding="utf-8"))
    ring = shapely.Point(40.8, 34.7).buffer(0.1, quad_segs=2000).exterior.coords
    feat = doc["features"][0]
    feat["geometry"] = {"type": "Polygon", "coordinates": [[list(c) for c in ring]]}
    reordered = {"type": "Feature", "geometry": feat["geometry"], "properties": feat["properties"]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [reordered]}),
                    encoding="utf-8")
    assert path.stat().st_size > 100_000
    assert gio.detect_format(path) == "cod_ab_geojson"
    (place,) = gio.read_cod_ab(path)
    assert place.place_id == "adm:SY090201"
    assert place.geometry.contains(shapely.Point(place.lon, place.lat))


def test_admin_fallback_to_district_polygons() -> None:
    _, gn, adm3 = small_sources()
    district = Place("adm:SY0902", "البوكمال", "Abu Kamal", 34.6, 40.8, kind="district",
                     admin1="Deir-ez-Zor", admin2="Abu Kamal", admin_pcodes=("SY09", "SY0902", ""),
                     geometry=shapely.box(40.5, 34.2, 41.2, 34.9))
    ids = by_id(gio.merge_places(gn, [district]))
    assert ids["geonames:9900001"].admin_pcodes == ("SY09", "SY0902", "")
    assert ids["geonames:9900001"].admin2 == "Abu Kamal"
    assert len(adm3) == 2


def test_xlsx_without_ocha_columns(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["name", "lat", "lon"])
    wb.active.append(["Hajin", 34.68, 40.83])
    path = tmp_path / "places.xlsx"
    wb.save(path)
    with pytest.raises(GazetteerError, match=r"places\.xlsx: a spreadsheet without the OCHA"):
        gio.read_source(path)


def test_wof_truncated_and_wrong_reader(tmp_path: Path) -> None:
    header = ",".join(gio._WOF_REQUIRED) + ",gn_population"
    row = "890449895,locality,Hajin,هجين,هجين,Hajin,174506,34.6927,40.827,,29237"
    path = tmp_path / "wof.csv"
    path.write_text(f"{header}\n{row}\n{row[:30]}", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"wof\.csv:3: row has 5 columns, the header has 11"):
        gio.read_wof_csv(path)
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    (hajin,) = gio.read_wof_csv(path)
    assert hajin.place_id == "geonames:174506"
    with pytest.raises(GazetteerError, match="not a GeoNames dump"):
        gio.read_geonames(path)


def test_latin_only_link_needs_alike_arabic_names() -> None:
    ocha, _, _ = small_sources()
    unrelated = Place("geonames:9900010", "جب السكر", "Hajeen", 34.688, 40.837, kind="locality")
    alike = Place("geonames:9900011", "هجّين", "Hajeen", 34.689, 40.838, kind="locality")
    stats: dict[str, int] = {}
    ids = by_id(gio.merge_places(ocha, [unrelated], stats=stats))
    assert "geonames:9900010" in ids  # same Latin skeleton, unrelated Arabic name
    assert stats["links"] == 0
    ids = by_id(gio.merge_places(ocha, [alike]))
    assert ids["ocha:C5175"].source_ids == ("geonames:9900011",)


def test_merge_links_a_name_with_the_article_glued_on() -> None:
    # OCHA writes "Alsafafnah" (السفافنة), GeoNames "As Safafinah" (الصفافنة): the Arabic
    # keys differ (س/ص), the Latin skeletons meet once the glued article is dropped
    ocha = [Place("ocha:C6797", "السفافنة", "Alsafafnah", 34.494222, 40.947291,
                  kind="community", admin_pcodes=("SY09", "SY0902", "SY090203"))]
    gn = Place("geonames:384695", "الصفافنة", "As Safafinah", 34.49472, 40.945,
               kind="locality", aliases=("Aş Şafāfinah",))
    stats: dict[str, int] = {}
    ids = by_id(gio.merge_places(ocha, [gn], stats=stats))
    assert stats["links"] == 1
    assert "geonames:384695" not in ids
    assert ids["ocha:C6797"].source_ids == ("geonames:384695",)
    assert "As Safafinah" in ids["ocha:C6797"].aliases


def test_short_latin_skeleton_links_only_close_by() -> None:
    # "Hamess" and "Alhyms" share the skeleton "hms" (so does Homs): 4.8 km apart and with
    # Arabic names only half alike they stay two places; the same pair 1 km apart links
    ocha = [Place("ocha:C8675", "الهيمص", "Alhyms", 35.0, 40.0, kind="community",
                  admin_pcodes=("SY09", "SY0901", "SY090101"))]
    far = Place("geonames:170003", "هامس", "Hamess", 35.043, 40.0, kind="locality")
    near = Place("geonames:170004", "هامس", "Hamess", 35.009, 40.0, kind="locality")
    assert "geonames:170003" in by_id(gio.merge_places(ocha, [far]))
    assert "geonames:170004" not in by_id(gio.merge_places(ocha, [near]))
