"""GeoJSON (RFC 7946), GeoPackage and CSV exports of the control layer, and the round trip."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import geopandas as gpd
import pytest
from geojson_pydantic import FeatureCollection
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LinearRing, MultiPolygon, Point, Polygon, shape

from tracker import export as ex
from tracker.corrections import corrections_from_text
from tracker.errors import InputError, OutputError, TrackerError
from tracker.gazetteer import Gazetteer
from tracker.model import ControlClaim, Evidence, Place
from tracker.store import Store
from tracker.territory import place_cells
from tracker.timeline import Timeline

D = dt.date

# ---------------------------------------------------------------- hand-made data
# Three villages of the Hajin pocket (real coordinates, test ids) and a town elsewhere.
PLACES = (
    Place("t:hajin", "هجين", "Hajin", 34.6936, 40.8336),
    Place("t:susah", "السوسة", "Al-Susah", 34.5900, 40.9020),
    Place("t:baghuz", "الباغوز", "Al-Baghuz", 34.4640, 40.9460),
    Place("t:shafah", "الشعفة", "Ash-Shafah", 34.6190, 40.8770),
)
XSS = '<img src=x onerror="window.__pwned=1"> and </script><script>window.__pwned=2</script>'


def claim(
    place: str, actor: str, status: str, day: dt.date, sentence: str = "", **kw: object
) -> ControlClaim:
    """A hand-made extracted claim."""
    text = sentence or f"{actor} {status} {place} on {day.isoformat()}"
    return ControlClaim(
        report_id=f"r-{place}-{day.isoformat()}",
        source_file=f"{day.isoformat()}_{place[2:]}.txt",
        place_text=place,
        place_id=place,
        actor=actor,
        status=status,
        date=day,
        date_precision="day",
        confidence=0.8,
        evidence=Evidence(0, len(text), text, "test"),
        **kw,  # type: ignore[arg-type]
    )


def sample_claims() -> list[ControlClaim]:
    """ISIS holds the pocket in September 2018; the SDF takes it village by village."""
    return [
        *(claim(p.place_id, "isis", "held", D(2018, 9, 10)) for p in PLACES),
        claim("t:hajin", "sdf", "captured", D(2018, 12, 14), "SDF captured Hajin. " + XSS),
        claim("t:shafah", "sdf", "captured", D(2019, 1, 8)),
        claim("t:susah", "sdf", "captured", D(2019, 1, 23)),
        claim("t:baghuz", "sdf", "contested", D(2019, 2, 20), fraction=0.5),
        claim("t:baghuz", "sdf", "captured", D(2019, 3, 23)),
    ]


def sample_timeline() -> Timeline:
    """The control timeline of `sample_claims`."""
    return Timeline.from_claims(sample_claims())


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return sample_timeline()


@pytest.fixture(scope="module")
def cells() -> dict[str, Polygon]:
    return place_cells(PLACES)


def _fc_ok(fc: dict) -> None:
    """Schema-valid RFC 7946: lon/lat, <= 6 decimals, valid and oriented, no crs."""
    FeatureCollection.model_validate(fc)
    assert "crs" not in fc
    json.loads(json.dumps(fc, allow_nan=False))
    for feature in fc["features"]:
        geom = feature["geometry"]
        _coords_ok(geom["coordinates"])
        g = shape(geom)
        assert g.is_valid, feature["properties"]
        if geom["type"] == "Point":
            lon, lat = geom["coordinates"]
            assert 35 < lon < 43
            assert 32 < lat < 38
        else:
            polys = g.geoms if isinstance(g, MultiPolygon) else [g]
            for poly in polys:
                assert LinearRing(poly.exterior.coords).is_ccw
                assert all(not LinearRing(r.coords).is_ccw for r in poly.interiors)


def _coords_ok(coords: object) -> None:
    if isinstance(coords, float | int):
        assert round(coords, 6) == coords
        return
    for c in coords:  # type: ignore[union-attr]
        _coords_ok(c)


# ---------------------------------------------------------------- one date


@pytest.mark.parametrize(
    ("on", "hajin", "susah"),
    [
        (D(2018, 12, 13), "isis", "isis"),
        (D(2018, 12, 14), "sdf", "isis"),
        (D(2019, 1, 23), "sdf", "sdf"),
    ],
)
def test_places_feature_collection(timeline: Timeline, on: dt.date, hajin: str, susah: str) -> None:
    fc = ex.to_feature_collection(PLACES, timeline.snapshot(on), on=on)
    _fc_ok(fc)
    props = {f["properties"]["place_id"]: f["properties"] for f in fc["features"]}
    assert props["t:hajin"]["actor"] == hajin
    assert props["t:susah"]["actor"] == susah
    assert props["t:hajin"]["name_ar"] == "هجين"
    assert props["t:hajin"]["as_of"] == on.isoformat()
    hajin_pt = next(f for f in fc["features"] if f["id"] == "t:hajin")
    assert hajin_pt["geometry"]["coordinates"] == [40.8336, 34.6936]


def test_place_properties_trace_the_evidence(timeline: Timeline) -> None:
    fc = ex.to_feature_collection(PLACES, timeline.snapshot(D(2018, 12, 20)), on=D(2018, 12, 20))
    hajin = next(f["properties"] for f in fc["features"] if f["id"] == "t:hajin")
    assert hajin["since"] == "2018-12-14"
    assert hajin["until"] is None
    assert hajin["evidence_count"] == 1
    assert hajin["sources"] == ["2018-12-14_hajin.txt"]
    assert 0 < hajin["confidence"] <= 1
    assert set(hajin) >= {"place_id", "name_ar", "name_en", "actor", "status", "since",
                          "confidence", "evidence_count", "sources"}


def test_territory_features_are_rfc7946(timeline: Timeline, cells: dict) -> None:
    on = D(2019, 1, 10)
    snap = timeline.snapshot(on)
    territory = ex.territory_on(snap, cells)
    fc = ex.to_feature_collection(PLACES, snap, on=on, territory=territory, what="both")
    _fc_ok(fc)
    polys = [f["properties"] for f in fc["features"] if f["geometry"]["type"] != "Point"]
    assert {p["actor"] for p in polys} == {"isis", "sdf"}
    isis_places = sorted(p for q in polys if q["actor"] == "isis" for p in q["places"])
    assert isis_places == ["t:baghuz", "t:susah"]
    assert all(p["area_km2"] > 0 for p in polys)


def test_orientation_holes_and_rounding_are_fixed() -> None:
    # Exterior clockwise and hole counter-clockwise on input; 9 decimals.
    outer = [(40.0, 34.0), (40.0, 34.5000000004), (40.5, 34.5), (40.5, 34.0)]
    hole = [(40.1, 34.1), (40.2, 34.1), (40.2, 34.2), (40.1, 34.2)]
    poly = Polygon(outer, [hole])
    assert not LinearRing(poly.exterior.coords).is_ccw
    geom = ex.polygon_geojson(poly)
    assert geom is not None
    g = shape(geom)
    assert g.is_valid
    assert LinearRing(g.exterior.coords).is_ccw
    assert not LinearRing(g.interiors[0].coords).is_ccw
    _coords_ok(geom["coordinates"])


def test_rounding_that_breaks_a_polygon_is_repaired() -> None:
    # A bow tie appears when two vertices 4e-7 apart collapse onto one grid point.
    spike = Polygon([(40.0, 34.0), (40.1, 34.0), (40.1000004, 34.1), (40.1, 34.1000001),
                     (40.0, 34.1)])
    geom = ex.polygon_geojson(spike)
    assert geom is not None
    assert shape(geom).is_valid
    # A sliver thinner than the grid vanishes instead of becoming invalid.
    assert ex.polygon_geojson(Polygon([(40, 34), (40.3, 34), (40.3, 34.0000001)])) is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(36.0, 42.0), st.floats(32.5, 37.0), st.floats(1e-7, 0.2)),
        min_size=1,
        max_size=6,
    )
)
def test_any_union_of_discs_exports_valid(discs: list[tuple[float, float, float]]) -> None:
    from shapely import union_all

    geom = union_all([Point(x, y).buffer(r, 8) for x, y, r in discs])
    out = ex.polygon_geojson(geom)
    if out is None:
        return
    _fc_ok({"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": out, "properties": {}}]})


def test_bad_requests_raise_input_errors(timeline: Timeline) -> None:
    snap = timeline.snapshot(D(2019, 1, 1))
    with pytest.raises(InputError, match="unknown export content"):
        ex.to_feature_collection(PLACES, snap, on=D(2019, 1, 1), what="everything")
    with pytest.raises(ValueError, match="needs the territory"):
        ex.to_feature_collection(PLACES, snap, on=D(2019, 1, 1), what="territory")
    with pytest.raises(TrackerError, match="not in the gazetteer"):
        ex.to_feature_collection(PLACES[:1], snap, on=D(2019, 1, 1))


# ---------------------------------------------------------------- timeline


def test_timeline_features_have_iso_start_and_end(timeline: Timeline, cells: dict) -> None:
    intervals = list(timeline.intervals())
    days = ex.change_dates(intervals)
    assert days[0] == D(2018, 9, 10)
    assert D(2018, 12, 14) in days
    territory = ex.territory_timeline(timeline.snapshot, cells, days)
    fc = ex.timeline_feature_collection(intervals, PLACES, territory_by_date=territory)
    _fc_ok(fc)
    ivs = [f["properties"] for f in fc["features"] if f["properties"]["kind"] == "interval"]
    hajin = sorted((p for p in ivs if p["place_id"] == "t:hajin"), key=lambda p: p["start"])
    assert [(p["actor"], p["start"], p["end"]) for p in hajin] == [
        ("isis", "2018-09-10", "2018-12-13"),
        ("sdf", "2018-12-14", None),
    ]
    terr = [f["properties"] for f in fc["features"] if f["properties"]["kind"] == "territory"]
    starts = sorted({p["start"] for p in terr})
    assert starts == [d.isoformat() for d in days]
    # Consecutive periods: each ends the day before the next one starts; the last is open.
    by_start = {p["start"]: p["end"] for p in terr}
    for a, b in itertools.pairwise(starts):
        assert by_start[a] == (D.fromisoformat(b) - dt.timedelta(days=1)).isoformat()
    assert by_start[starts[-1]] is None
    on_jan = [p for p in terr if p["start"] <= "2019-01-10" and (p["end"] or "9") >= "2019-01-10"]
    assert sorted(p for q in on_jan if q["actor"] == "isis" for p in q["places"]) == [
        "t:baghuz", "t:susah"]


# ---------------------------------------------------------------- writers


def test_write_geojson_refuses_to_overwrite(tmp_path: Path, timeline: Timeline) -> None:
    fc = ex.to_feature_collection(PLACES, timeline.snapshot(D(2019, 1, 1)), on=D(2019, 1, 1))
    out = ex.write_geojson(fc, tmp_path / "a.geojson")
    assert json.loads(out.read_text(encoding="utf-8")) == fc
    with pytest.raises(OutputError, match="--overwrite") as err:
        ex.write_geojson({"type": "FeatureCollection", "features": []}, out)
    assert isinstance(err.value, OSError)
    assert json.loads(out.read_text(encoding="utf-8")) == fc  # untouched
    ex.write_geojson({"type": "FeatureCollection", "features": []}, out, overwrite=True)
    assert json.loads(out.read_text(encoding="utf-8"))["features"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.geojson"]  # no temp files left


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    bad = {"type": "FeatureCollection", "features": [{"x": float("nan")}]}
    with pytest.raises(ValueError, match="JSON"):
        ex.write_geojson(bad, tmp_path / "b.geojson")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError, match="does not exist"):
        ex.write_geojson({"type": "FeatureCollection", "features": []}, tmp_path / "no" / "c.json")


def test_geopackage_round_trip(tmp_path: Path, timeline: Timeline, cells: dict) -> None:
    on = D(2019, 1, 10)
    snap = timeline.snapshot(on)
    territory = ex.territory_on(snap, cells)
    layers = {
        "places": ex.to_feature_collection(PLACES, snap, on=on),
        "territory": ex.to_feature_collection(PLACES, snap, on=on, territory=territory,
                                              what="territory"),
        "intervals": ex.timeline_feature_collection(timeline.intervals(), PLACES),
    }
    path = ex.write_gpkg(layers, tmp_path / "control.gpkg")
    places = gpd.read_file(path, layer="places")
    assert places.crs.to_epsg() == 4326
    assert dict(zip(places["place_id"], places["actor"], strict=True)) == {
        "t:hajin": "sdf", "t:shafah": "sdf", "t:susah": "isis", "t:baghuz": "isis"}
    assert places.loc[places["place_id"] == "t:hajin", "sources"].item() == "2018-12-14_hajin.txt"
    terr = gpd.read_file(path, layer="territory")
    assert set(terr["actor"]) == {"isis", "sdf"}
    assert terr.geometry.is_valid.all()
    ivs = gpd.read_file(path, layer="intervals")
    hajin = ivs[ivs["place_id"] == "t:hajin"].sort_values("start")
    assert [str(d.date()) for d in hajin["start"]] == ["2018-09-10", "2018-12-14"]
    assert hajin["end"].isna().tolist() == [False, True]  # open end stays empty
    with pytest.raises(OutputError, match="--overwrite"):
        ex.write_gpkg(layers, path)
    with pytest.raises(OutputError, match="every layer is empty"):
        ex.write_gpkg({"places": {"type": "FeatureCollection", "features": []}},
                      tmp_path / "empty.gpkg")
    assert not (tmp_path / "empty.gpkg").exists()


def test_csv_rows_flatten_lists(tmp_path: Path, timeline: Timeline) -> None:
    fc = ex.to_feature_collection(PLACES, timeline.snapshot(D(2019, 1, 1)), on=D(2019, 1, 1))
    path = ex.write_csv(ex.feature_rows(fc), tmp_path / "p.csv")
    text = path.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert {"place_id", "actor", "lon", "lat", "sources"} <= set(header)
    assert "هجين" in text


# ---------------------------------------------------------------- round trip


def _rebuild(rows: list[dict[str, str]], tmp_path: Path) -> Timeline:
    """Rows -> CSV text -> the corrections loader -> an empty store -> its timeline."""
    text = ex.csv_text(rows, ex.CORRECTION_COLUMNS)
    loaded = corrections_from_text(text, Gazetteer(PLACES), source="timeline.csv")
    with Store.open(tmp_path / "empty.db") as store:
        assert store.counts()["claims"] == 0
        store.add_corrections(loaded.claims, "timeline.csv", lines=loaded.lines)
        return store.timeline()


def _state(tl: Timeline, on: dt.date) -> dict[str, tuple]:
    return {p: (h.actor, h.status, h.fraction, h.by) for p, h in tl.snapshot(on).items()}


def test_exported_timeline_reloaded_as_corrections_gives_the_same_snapshots(
    tmp_path: Path, timeline: Timeline
) -> None:
    holdings = [h for p in timeline.place_ids for h in timeline.holdings(p)]
    rebuilt = _rebuild(ex.corrections_rows(holdings), tmp_path)
    days = ex.change_dates(timeline.intervals())
    probe = sorted({d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)})
    assert any(h.status == "contested" for h in holdings)
    for on in probe:
        assert _state(rebuilt, on) == _state(timeline, on), on


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([p.place_id for p in PLACES]),
            st.sampled_from(["isis", "sdf", "government", "unknown"]),
            st.sampled_from(["captured", "held", "lost", "contested", "besieged"]),
            st.integers(0, 60),
            st.sampled_from([None, 0.25, 0.5, 0.8]),
            st.sampled_from([None, "sdf", "government"]),
        ),
        min_size=1,
        max_size=14,
    )
)
def test_round_trip_holds_for_any_claims(tmp_path_factory: pytest.TempPathFactory,
                                         raw: list[tuple]) -> None:
    claims = [
        claim(p, a, s, D(2018, 9, 1) + dt.timedelta(days=d),
              fraction=f if s == "contested" else None, besieger=b if b != a else None)
        for p, a, s, d, f, b in raw
    ]
    tl = Timeline.from_claims(claims)
    holdings = [h for p in tl.place_ids for h in tl.holdings(p)]
    rebuilt = _rebuild(ex.corrections_rows(holdings), tmp_path_factory.mktemp("rt"))
    days = ex.change_dates(tl.intervals())
    for on in sorted({d + dt.timedelta(days=k) for d in days for k in (-1, 0)}):
        want = _state(tl, on)
        got = _state(rebuilt, on)
        assert got == want, on


def test_evidence_records_from_claims_stored_claims_and_json(timeline: Timeline) -> None:
    stored = timeline.holdings("t:hajin")[-1].evidence[0]
    from_stored = ex.evidence_record(stored)
    assert from_stored == ex.evidence_record(stored.claim)
    assert from_stored.sentence.startswith("SDF captured Hajin.")
    assert from_stored.date == "2018-12-14"
    from_json = ex.evidence_record(stored.evidence_json())
    assert from_json == from_stored
