"""Export faults found by the hardening campaign (issue 10): the HTML map of one place or
one date, and spreadsheet formulas in CSV cells taken from untrusted text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_export import claim

from tracker import export as ex
from tracker._io import FORMULA_STARTS, csv_safe, csv_unsafe
from tracker.cli import main
from tracker.corrections import corrections_from_text
from tracker.errors import InputError, OutputError
from tracker.gazetteer import Gazetteer
from tracker.model import Place
from tracker.store import Store
from tracker.timeline import Timeline

D = dt.date
HAJIN = Place("t:hajin", "هجين", "Hajin", 34.6936, 40.8336)
FAR = Place("t:far", "البعيدة", "Far Village", 34.2, 41.3)  # made up, well apart


def _page(claims: list[Any], places: tuple[Place, ...]) -> str:
    tl = Timeline.from_claims(claims)
    evidence = {sc.claim_id: sc for p in tl.place_ids for h in tl.holdings(p) for sc in h.evidence}
    return ex.html_document(ex.html_map_data(tl.intervals(), places, evidence=evidence),
                            tiles=None)


def _fit_bounds(doc: str) -> tuple[float, float, float, float]:
    m = re.search(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]", doc)
    assert m, "the page fits no bounds"
    south, west, north, east = (float(v) for v in m.groups())
    return south, west, north, east


# ------------------------------------------------------------------- HTML map


@pytest.mark.parametrize("places", [
    (HAJIN,),         # as found: one place gave a blank page, Invalid LatLng (NaN, NaN)
    (HAJIN, HAJIN),   # neighbour: two entries on one spot
])
def test_one_place_opens_on_an_area_not_a_point(places):
    claims = [claim("t:hajin", "isis", "held", D(2018, 9, 10))]
    south, west, north, east = _fit_bounds(_page(claims, places))
    assert south < HAJIN.lat < north
    assert west < HAJIN.lon < east
    assert north - south >= 2 * ex.MIN_HALF_SPAN_DEG - 1e-9
    assert east - west >= 2 * ex.MIN_HALF_SPAN_DEG - 1e-9


def test_places_far_apart_keep_their_own_box():
    claims = [claim("t:hajin", "isis", "held", D(2018, 9, 10)),
              claim("t:far", "isis", "held", D(2018, 9, 10))]
    south, west, north, east = _fit_bounds(_page(claims, (HAJIN, FAR)))
    assert (south, north) == pytest.approx((FAR.lat, HAJIN.lat))
    assert (west, east) == pytest.approx((HAJIN.lon, FAR.lon))


def test_no_place_to_show_is_a_clear_refusal():
    with pytest.raises(InputError, match="nothing to put on the map"):
        ex.html_bounds([])
    with pytest.raises(InputError, match="timeline is empty"):
        ex.html_map_data([], (HAJIN,))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from browser_assets import CHROMIUM_ARGS, chromium_path

    exe = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(exe), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.mark.browser
def test_one_place_one_date_page_shows_its_marker_in_chromium(browser, tmp_path):
    from browser_assets import CdnRouter, leaflet_tarball

    claims = [claim("t:hajin", "isis", "held", D(2018, 9, 10))]
    page_path = tmp_path / "one.html"
    page_path.write_text(_page(claims, (HAJIN,)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 900, "height": 700})
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", CdnRouter(leaflet_tarball()))
    page.goto(page_path.as_uri())
    page.wait_for_selector("path[data-place='t:hajin']", state="attached")
    assert errors == []
    assert page.text_content("#tracker-date-label") == "2018-09-10"
    box = page.locator("path[data-place='t:hajin']").bounding_box()
    assert box is not None
    assert 0 < box["x"] < 900
    assert 0 < box["y"] < 700
    assert page.get_attribute("path[data-place='t:hajin']", "fill") == ex.ACTOR_COLORS["isis"]
    page.wait_for_timeout(800)  # let the opening zoom animation finish before the picture
    page.screenshot(path=str(tmp_path / "one.png"))
    page.close()


# ------------------------------------------------------------------- CSV formula injection

FORMULAS = ["=HYPERLINK(\"http://x.example\",\"open\")", "+1+1", "-2+3", "@SUM(A1)",
            "\tlead tab", "\rlead cr"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_safe_neutralises_formula_starts_and_reads_back(text):
    assert csv_safe(text) == "'" + text
    assert csv_unsafe(csv_safe(text)) == text


@pytest.mark.parametrize("value", ["Hajin", "a = b", "ocha:C5175", "'quoted", -3.5, 0, None])
def test_csv_safe_leaves_ordinary_cells_and_numbers(value):
    assert csv_safe(value) == value


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def test_csv_text_neutralises_every_cell_header_too():
    rows = [{"name": "=cmd|' /C calc'!A0", "lon": -40.5, "note": "-1", "ok": "plain"}]
    text = ex.csv_text(rows, ["name", "lon", "note", "ok", "@head"])
    cells = _cells(text)
    assert "'@head" in cells
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'-1" in cells
    assert "-40.5" in cells  # a number stays a number
    assert not [c for c in cells if c.startswith(FORMULA_STARTS) and c != "-40.5"]


@pytest.fixture
def formula_store(tmp_path) -> Path:
    """A store whose place names and evidence come from a hostile gazetteer and file name."""
    path = tmp_path / "f.db"
    c = claim("t:hajin", "isis", "held", D(2018, 9, 10), sentence="=1+2 in the note")
    c = type(c)(**{**{f: getattr(c, f) for f in c.__dataclass_fields__},
                   "source_file": "=HYPERLINK(\"http://x\").txt", "name_en": "@Hajin",
                   "name_ar": "+هجين", "lat": HAJIN.lat, "lon": HAJIN.lon})
    from tracker.model import Report

    @__import__("dataclasses").dataclass(frozen=True)
    class X:
        claims: tuple
        mentions: tuple = ()

    with Store.open(path) as st:
        st.add_report(Report(c.report_id, "made-up text", c.source_file, D(2018, 9, 10)),
                      X((c,)))
    return path


def test_every_csv_export_is_neutralised_and_geojson_stays_raw(formula_store, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("TRACKER_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    snap = runner.invoke(main, ["export", "--on", "2018-09-20", "--format", "csv",
                                "--store", str(formula_store)])
    assert snap.exit_code == 0, snap.output
    cells = _cells(snap.stdout)
    assert "'@Hajin" in cells
    assert "'+هجين" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]
    tl = runner.invoke(main, ["export", "--timeline", "--format", "csv",
                              "--store", str(formula_store)])
    assert tl.exit_code == 0, tl.output
    assert not [c for c in _cells(tl.stdout) if c[:1] in ("=", "+", "@")]
    gj = runner.invoke(main, ["export", "--on", "2018-09-20", "--format", "geojson",
                              "--store", str(formula_store)])
    props = json.loads(gj.stdout)["features"][0]["properties"]
    assert "@Hajin" in json.dumps(props, ensure_ascii=False)  # GeoJSON: data, kept raw


def test_an_exported_corrections_csv_reads_back_without_the_guard():
    gaz = Gazetteer([Place("ocha:C5175", "هجين", "Hajin", 34.69, 40.84)])
    rows = [{"place": "ocha:C5175", "actor": "isis", "status": "held", "date": "2018-09-10",
             "note": "=not a formula, an analyst's note", "fraction": "", "besieger": ""}]
    text = ex.csv_text(rows, ex.CORRECTION_COLUMNS)
    assert "'=not a formula" in text
    (c,) = corrections_from_text(text, gaz, source="back.csv").claims
    assert c.evidence.sentence == "=not a formula, an analyst's note"


def test_leaflet_assets_replace_other_files_only_with_overwrite(tmp_path):
    import tarfile

    def package(path: Path, js: str) -> Path:
        with tarfile.open(path, "w:gz") as tar:
            for name, body in (("package/package.json",
                                json.dumps({"version": ex.leaflet_version()})),
                               ("package/dist/leaflet.js", js),
                               ("package/dist/leaflet.css", "/* css */")):
                data = body.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return path

    assets = tmp_path / "assets"
    ex.write_leaflet_assets(package(tmp_path / "a.tgz", "/* js */"), assets)
    ex.write_leaflet_assets(package(tmp_path / "b.tgz", "/* js */"), assets)  # same: fine
    (assets / "leaflet.css").write_text("/* the analyst's own css */")
    with pytest.raises(OutputError, match=r"leaflet\.css.*--overwrite"):
        ex.write_leaflet_assets(package(tmp_path / "c.tgz", "/* js */"), assets)
    assert (assets / "leaflet.css").read_text() == "/* the analyst's own css */"
    ex.write_leaflet_assets(package(tmp_path / "d.tgz", "/* js */"), assets, overwrite=True)
    assert (assets / "leaflet.css").read_text() == "/* css */"
