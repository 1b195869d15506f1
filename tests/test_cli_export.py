"""`tracker export` end to end through the CLI, on a store built with `tracker correct`.

The store holds analyst corrections about four villages of the Hajin pocket (OCHA P-codes
of the bundled gazetteer), so the command runs on the real gazetteer and its place cells.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from geojson_pydantic import FeatureCollection
from shapely.geometry import shape

from tracker.cli import main

HAJIN, SUSAH, BAGHUZ, SHAFAH = "ocha:C5175", "ocha:C5186", "ocha:C5184", "ocha:C5183"
ROWS = f"""place,actor,status,date,note
{HAJIN},isis,held,2018-09-10,baseline
{SUSAH},isis,held,2018-09-10,baseline
{BAGHUZ},isis,held,2018-09-10,baseline
{SHAFAH},isis,held,2018-09-10,baseline
{HAJIN},sdf,captured,2018-12-14,"SDF took Hajin <script>alert(1)</script>"
{SHAFAH},sdf,captured,2019-01-08,SDF took Shafa
{SUSAH},sdf,captured,2019-01-23,SDF took Sosa
{BAGHUZ},sdf,captured,2019-03-23,SDF took Baghuz
"""


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli-export")
    csv_path = tmp / "fixes.csv"
    csv_path.write_text(ROWS, encoding="utf-8")
    db = tmp / "store.db"
    result = _run("correct", str(csv_path), "--store", str(db))
    assert result.exit_code == 0, result.output
    return db


def _actors(fc: dict) -> dict[str, str]:
    return {f["properties"]["place_id"]: f["properties"]["actor"] for f in fc["features"]}


def test_geojson_to_stdout(store: Path) -> None:
    result = _run("export", "--on", "2019-01-10", "--format", "geojson", "--store", str(store))
    assert result.exit_code == 0, result.output
    fc = json.loads(result.stdout)
    FeatureCollection.model_validate(fc)
    assert _actors(fc) == {HAJIN: "sdf", SHAFAH: "sdf", SUSAH: "isis", BAGHUZ: "isis"}
    hajin = next(f for f in fc["features"] if f["id"] == HAJIN)
    assert hajin["properties"]["name_en"] == "Hajin"
    lon, lat = hajin["geometry"]["coordinates"]
    assert 40 < lon < 41.5
    assert 34 < lat < 35.5


def test_territory_polygons_of_the_pocket(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.geojson"
    result = _run("export", "--on", "2019-01-25", "--format", "geojson", "--what", "territory",
                  "--out", str(out), "--store", str(store))
    assert result.exit_code == 0, result.output
    fc = json.loads(out.read_text(encoding="utf-8"))
    FeatureCollection.model_validate(fc)
    isis = [f for f in fc["features"] if f["properties"]["actor"] == "isis"]
    assert [f["properties"]["places"] for f in isis] == [[BAGHUZ]]
    assert all(shape(f["geometry"]).is_valid for f in fc["features"])
    assert 0 < isis[0]["properties"]["area_km2"] < 20


def test_timeline_geojson_and_gpkg(store: Path, tmp_path: Path) -> None:
    result = _run("export", "--timeline", "--format", "geojson", "--store", str(store))
    assert result.exit_code == 0, result.output
    fc = json.loads(result.stdout)
    ivs = [f["properties"] for f in fc["features"] if f["properties"]["kind"] == "interval"]
    assert sorted((p["start"], p["end"]) for p in ivs if p["place_id"] == BAGHUZ) == [
        ("2018-09-10", "2019-03-22"), ("2019-03-23", None)]
    assert any(f["properties"]["kind"] == "territory" for f in fc["features"])
    gpkg = tmp_path / "tl.gpkg"
    result = _run("export", "--timeline", "--format", "gpkg", "--out", str(gpkg),
                  "--store", str(store))
    assert result.exit_code == 0, result.output
    assert len(gpd.read_file(gpkg, layer="intervals")) == len(ivs)
    assert set(gpd.read_file(gpkg, layer="territory")["actor"]) == {"isis", "sdf"}


def test_snapshot_csv_and_gpkg(store: Path, tmp_path: Path) -> None:
    result = _run("export", "--on", "2019-01-10", "--format", "csv", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("place_id,")
    assert len(result.stdout.splitlines()) == 5
    gpkg = tmp_path / "s.gpkg"
    result = _run("export", "--on", "2019-01-10", "--format", "gpkg", "--what", "both",
                  "--out", str(gpkg), "--store", str(store))
    assert result.exit_code == 0, result.output
    places = gpd.read_file(gpkg, layer="places")
    assert dict(zip(places["place_id"], places["actor"], strict=True))[SUSAH] == "isis"


def test_exported_timeline_reloads_as_corrections(store: Path, tmp_path: Path) -> None:
    csv_out = tmp_path / "timeline.csv"
    assert _run("export", "--timeline", "--format", "csv", "--out", str(csv_out),
                "--store", str(store)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    result = _run("correct", str(csv_out), "--store", str(fresh))
    assert result.exit_code == 0, result.output
    for day in ("2018-09-09", "2018-09-10", "2018-12-13", "2018-12-14", "2019-01-23",
                "2019-03-22", "2019-03-23", "2020-01-01"):
        a = _run("export", "--on", day, "--format", "geojson", "--store", str(store))
        b = _run("export", "--on", day, "--format", "geojson", "--store", str(fresh))
        if a.exit_code:  # nothing known yet: both stores say so
            assert b.exit_code == a.exit_code
            assert "nothing is known" in b.output
            continue
        assert _actors(json.loads(b.stdout)) == _actors(json.loads(a.stdout)), day


def test_html_with_offline_assets(store: Path, tmp_path: Path) -> None:
    from browser_assets import leaflet_tarball

    tarball = leaflet_tarball()
    page = tmp_path / "map.html"
    result = _run("export", "--format", "html", "--out", str(page), "--assets",
                  str(tmp_path / "map_files"), "--assets-from", str(tarball), "--no-tiles",
                  "--store", str(store))
    assert result.exit_code == 0, result.output
    doc = page.read_text(encoding="utf-8")
    assert 'src="map_files/leaflet.js"' in doc
    assert 'href="map_files/leaflet.css"' in doc
    assert "cdn.jsdelivr" not in doc
    assert "openstreetmap" not in doc.lower()
    assert (tmp_path / "map_files" / "leaflet.js").is_file()
    # The note is escaped (&lt;) and then JSON-encoded for the script block (\u0026).
    assert "\\u0026lt;script\\u0026gt;alert(1)" in doc
    assert "<script>alert(1)" not in doc


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2019-01-01", "--format", "shapefile"], "unknown format 'shapefile'"),
        (["--on", "2019-01-01", "--format", "gpkg"], "needs --out"),
        (["--format", "geojson"], "give --on"),
        (["--timeline", "--on", "2019-01-01", "--format", "geojson"], "drop --on"),
        (["--format", "html"], "needs --out"),
        (["--on", "2019-01-01", "--format", "csv", "--assets", "x"], "only applies"),
        (["--on", "2017-01-01", "--format", "geojson"], "nothing is known on 2017-01-01"),
    ],
)
def test_bad_input_says_what_to_do(store: Path, args: list[str], message: str) -> None:
    result = _run("export", *args, "--store", str(store))
    assert result.exit_code == 1
    assert message in result.output


def test_existing_output_needs_overwrite(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    out.write_text("keep me", encoding="utf-8")
    args = ["export", "--on", "2019-01-10", "--format", "geojson", "--out", str(out),
            "--store", str(store)]
    result = _run(*args)
    assert result.exit_code == 1
    assert "pass --overwrite" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    assert _run(*args, "--overwrite").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_missing_or_empty_store(tmp_path: Path) -> None:
    result = _run("export", "--on", "2019-01-10", "--format", "geojson",
                  "--store", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "tracker ingest" in result.output
    from tracker.store import Store

    Store.open(tmp_path / "empty.db").close()
    result = _run("export", "--on", "2019-01-10", "--format", "geojson",
                  "--store", str(tmp_path / "empty.db"))
    assert result.exit_code == 1
    assert "holds no control claims" in result.output


def test_dates_are_iso(store: Path) -> None:
    result = _run("export", "--on", "10/01/2019", "--format", "geojson", "--store", str(store))
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
    assert dt.date.fromisoformat("2019-01-10")  # the form the message asks for


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's store: the bundled sample corpus ingested, then its baseline corrections."""
    from tracker.settings import SAMPLE_DIR

    reports = sorted(str(p) for p in SAMPLE_DIR.glob("*") if p.suffix in {".txt", ".jsonl"})
    if not reports or not (SAMPLE_DIR / "baseline.csv").is_file():
        pytest.skip(f"no sample corpus in {SAMPLE_DIR}")
    db = tmp_path_factory.mktemp("sample-export") / "demo.db"
    assert _run("ingest", *reports, "--store", str(db)).exit_code == 0
    assert _run("correct", str(SAMPLE_DIR / "baseline.csv"), "--store", str(db)).exit_code == 0
    return db


@pytest.mark.slow
def test_demo_exports_are_strict_rfc7946_and_match_tracker_pocket(
    sample_store: Path, tmp_path: Path
) -> None:
    from test_export import _fc_ok

    result = _run("export", "--on", "2019-01-15", "--format", "geojson", "--what", "both",
                  "--store", str(sample_store))
    assert result.exit_code == 0, result.output
    fc = json.loads(result.stdout)
    _fc_ok(fc)  # schema, no crs, 6 decimals, valid, CCW exteriors and CW holes
    kinds = {f["geometry"]["type"] for f in fc["features"]}
    assert "Point" in kinds
    assert kinds & {"Polygon", "MultiPolygon"}
    point = next(f["properties"] for f in fc["features"] if f["geometry"]["type"] == "Point")
    assert set(point) >= {"place_id", "name_ar", "name_en", "actor", "status", "since",
                          "confidence", "evidence_count", "sources"}
    isis = [f["properties"] for f in fc["features"]
            if f["geometry"]["type"] != "Point" and f["properties"]["actor"] == "isis"]
    assert all(set(p) >= {"actor", "area_km2", "places"} for p in isis)
    pocket = _run("pocket", "--actor", "isis", "--on", "2019-01-15", "--region", "adm:SY090203",
                  "--json", "--store", str(sample_store))
    doc = json.loads(pocket.stdout)
    want = sorted(round(p["area_km2"], 2) for p in doc["pockets"])
    ids = {pl["id"] for p in doc["pockets"] for pl in p["places"]}
    got = sorted(round(p["area_km2"], 2) for p in isis if set(p["places"]) & ids)
    assert got == want  # the export measures the pocket as `tracker pocket` does
    gpkg = tmp_path / "demo.gpkg"
    result = _run("export", "--on", "2019-01-15", "--format", "gpkg", "--what", "both",
                  "--out", str(gpkg), "--store", str(sample_store))
    assert result.exit_code == 0, result.output
    places = gpd.read_file(gpkg, layer="places")
    assert len(places) == sum(f["geometry"]["type"] == "Point" for f in fc["features"])
    assert gpd.read_file(gpkg, layer="territory").geometry.is_valid.all()
    result = _run("export", "--timeline", "--format", "geojson", "--what", "places",
                  "--store", str(sample_store))
    assert result.exit_code == 0, result.output
    timeline = json.loads(result.stdout)
    _fc_ok(timeline)
    ivs = [f["properties"] for f in timeline["features"]]
    assert all(dt.date.fromisoformat(p["start"]) for p in ivs)
    assert any(p["end"] is None for p in ivs)
    assert all(p["end"] is None or p["end"] >= p["start"] for p in ivs)
