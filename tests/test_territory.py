"""Territory: equal-area measures, place cells, actor territory, pockets and their km²."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Polygon

from tracker import territory as T  # noqa: N812
from tracker.model import Place

# Hand-made places are laid out in km on a local equal-area grid near al-Baghuz.
LON0, LAT0 = 40.95, 34.45
_FWD, _INV = T.equal_area_transformers(LON0, LAT0)
_X0, _Y0 = _FWD.transform(LON0, LAT0)


def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    lon, lat = _INV.transform(_X0 + x_km * 1000, _Y0 + y_km * 1000)
    return float(lon), float(lat)


def village(pid: str, x_km: float, y_km: float, **kw: object) -> Place:
    lon, lat = lonlat(x_km, y_km)
    return Place(pid, f"قرية {pid}", f"Village {pid}", lat, lon, **kw)  # type: ignore[arg-type]


def km_polygon(coords: list[tuple[float, float]]) -> Polygon:
    return Polygon([lonlat(x, y) for x, y in coords])


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    T._MEMORY_CACHE.clear()


# --------------------------------------------------------------------------- areas


@pytest.mark.parametrize(
    ("epsg", "x0", "y0"),
    [(32637, 600_000, 3_800_000), (32637, 700_000, 3_870_000), (32636, 300_000, 3_700_000)],
)
def test_a_10_km_square_measures_100_km2(epsg: int, x0: float, y0: float) -> None:
    """A 10x10 km square built in UTM measures 100 km² (±1%) after going to lon/lat."""
    to_ll = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
    square = shapely.box(x0, y0, x0 + 10_000, y0 + 10_000).segmentize(500)
    xy = np.asarray(square.exterior.coords)
    lon, lat = to_ll.transform(xy[:, 0], xy[:, 1])
    assert T.area_km2(Polygon(np.column_stack([lon, lat]))) == pytest.approx(100, rel=0.01)


def test_area_is_not_in_degrees() -> None:
    one_degree = shapely.box(40, 34, 41, 35)
    assert T.area_km2(one_degree) == pytest.approx(111.32 * 110.9 * math.cos(math.radians(34.5)),
                                                   rel=0.01)


@pytest.mark.parametrize("geom", [None, Polygon()])
def test_area_of_nothing_is_zero(geom: Polygon | None) -> None:
    assert T.area_km2(geom) == 0.0


# --------------------------------------------------------------------------- cells


def test_a_lone_village_gets_a_disc_of_the_buffer_radius() -> None:
    cells = T.place_cells([village("a", 0, 0)], buffer_km=1.5)
    assert T.area_km2(cells["a"]) == pytest.approx(math.pi * 1.5**2, rel=0.01)


def test_neighbours_split_the_land_between_them() -> None:
    places = [village("a", 0, 0), village("b", 2, 0)]
    cells = T.place_cells(places, buffer_km=1.5, merge_km=0)
    assert T.area_km2(cells["a"].intersection(cells["b"])) < 1e-4
    both = shapely.union_all([shapely.Point(lonlat(0, 0)), shapely.Point(lonlat(2, 0))])
    assert both.within(shapely.union_all(list(cells.values())))
    # each gets less than a full disc, and more than half of one
    for pid in "ab":
        assert 0.5 * math.pi * 1.5**2 < T.area_km2(cells[pid]) < math.pi * 1.5**2 * 0.99
    # the boundary between them is the bisector, 1 km from each
    assert shapely.Point(lonlat(0.9, 0)).within(cells["a"])
    assert shapely.Point(lonlat(1.1, 0)).within(cells["b"])


def test_admin_units_get_no_cell_and_neighbourhoods_keep_their_polygon() -> None:
    hood = km_polygon([(0.2, -0.3), (0.8, -0.3), (0.8, 0.3), (0.2, 0.3)])
    places = [
        village("town", 0, 0),
        Place("adm:SY09", "دير الزور", "Deir ez-Zor", LAT0, LON0, kind="governorate",
              geometry=shapely.box(40, 34, 42, 35)),
        Place("n1", "حي", "Hood", hood.centroid.y, hood.centroid.x, kind="neighbourhood",
              geometry=hood),
    ]
    cells = T.place_cells(places, buffer_km=1.0)
    assert set(cells) == {"town", "n1"}
    assert cells["n1"].equals(hood)
    assert T.area_km2(cells["town"].intersection(hood)) < 1e-4
    assert T.area_km2(cells["town"]) == pytest.approx(math.pi - 0.36, rel=0.02)


def test_a_river_keeps_each_village_on_its_own_bank() -> None:
    river = LineString([lonlat(1.0, -5), lonlat(1.0, 5)])
    places = [village("west", 0, 0), village("east", 4, 0)]
    cells = T.place_cells(places, buffer_km=1.5, barriers=river)
    assert cells["west"].bounds[2] <= lonlat(1.0, 0)[0] + 1e-5  # ~1 m
    r, d = 1.5, 1.0  # the disc loses the circular segment beyond the river
    segment = r**2 * math.acos(d / r) - d * math.sqrt(r**2 - d**2)
    assert T.area_km2(cells["west"]) == pytest.approx(math.pi * r**2 - segment, rel=0.01)
    assert T.area_km2(cells["east"]) == pytest.approx(math.pi * 1.5**2, rel=0.01)


def test_a_village_on_the_river_line_keeps_its_cell() -> None:
    """A coarse river line passing through a riverside village does not halve it."""
    river = LineString([lonlat(0.2, -5), lonlat(0.2, 5)])
    cells = T.place_cells([village("a", 0, 0)], buffer_km=1.5, barriers=river)
    assert T.area_km2(cells["a"]) == pytest.approx(math.pi * 1.5**2, rel=0.01)


def test_the_study_area_clips_cells() -> None:
    half = km_polygon([(-5, -5), (0, -5), (0, 5), (-5, 5)])
    cells = T.place_cells([village("a", 0, 0)], buffer_km=1.0, study_area=half)
    assert T.area_km2(cells["a"]) == pytest.approx(math.pi / 2, rel=0.02)


def test_one_village_listed_twice_shares_one_cell() -> None:
    places = [village("ocha", 0, 0), village("geonames", 0.2, 0), village("far", 2.5, 0)]
    cells = T.place_cells(places, buffer_km=1.0, merge_km=0.5)
    assert cells["ocha"].equals(cells["geonames"])
    assert T.area_km2(cells["ocha"]) > math.pi * 0.99
    split = T.place_cells(places, buffer_km=1.0, merge_km=0)
    assert T.area_km2(split["ocha"]) < 0.75 * math.pi


def test_bad_buffer_is_refused() -> None:
    with pytest.raises(ValueError, match="buffer_km"):
        T.place_cells([village("a", 0, 0)], buffer_km=0)


def test_cells_are_cached_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    places = [village("a", 0, 0), village("b", 2, 0)]
    first = T.place_cells(places, cache_dir=tmp_path)
    files = list(tmp_path.glob("*.cells.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text())["ids"]
    T._MEMORY_CACHE.clear()

    def boom(*a: object, **k: object) -> None:
        msg = "recomputed despite the cache"
        raise AssertionError(msg)

    monkeypatch.setattr(T, "_compute_cells", boom)
    again = T.place_cells(places, cache_dir=tmp_path)
    assert set(again) == set(first)
    assert all(again[p].equals(first[p]) for p in first)
    # a moved village is another gazetteer: another key
    with pytest.raises(AssertionError, match="recomputed"):
        T.place_cells([village("a", 0, 0), village("b", 2.5, 0)], cache_dir=tmp_path)


# --------------------------------------------------------------------------- territory


@pytest.fixture
def row() -> tuple[list[Place], dict[str, Polygon]]:
    """Five villages 2.5 km apart along a river and one 30 km away."""
    places = [village(f"v{i}", 2.5 * i, 0) for i in range(5)] + [village("far", 0, 30)]
    return places, T.place_cells(places, buffer_km=1.0, merge_km=0)


def held(actor: str, status: str = "held", fraction: float | None = None,
         by: str | None = None) -> dict[str, object]:
    return {"actor": actor, "status": status, "fraction": fraction, "by": by}


def test_actor_territory_is_the_union_of_held_cells(row) -> None:  # type: ignore[no-untyped-def]
    _, cells = row
    snap = {"v0": held("sdf"), "v1": held("isis"), "v2": held("isis", "besieged"),
            "v3": held("isis", "contested", 0.5, "sdf"), "v4": held("unknown", "lost")}
    terr = T.actor_territory(snap, cells)
    assert set(terr) == {"sdf", "isis"}
    assert T.area_km2(terr["isis"]) == pytest.approx(2 * math.pi, rel=0.01)
    assert terr["isis"].geom_type == "MultiPolygon"
    contested = T.contested_places(snap, cells)
    assert [(c.place_id, c.actor, c.fraction, c.other) for c in contested] == [
        ("v3", "isis", 0.5, "sdf")]


def test_pockets_are_connected_parts_linked_across_small_gaps(row) -> None:  # type: ignore[no-untyped-def]
    _, cells = row
    snap = {"v0": held("isis"), "v1": held("isis"), "v2": held("isis"), "v4": held("isis"),
            "far": held("isis"), "v3": held("sdf")}
    found = T.pockets(snap, cells, "isis", link_km=1.0)
    assert [p.places for p in found] == [("v0", "v1", "v2"), ("far",), ("v4",)]
    assert found[0].area_km2 == pytest.approx(3 * math.pi, rel=0.01)
    w, s, e, n = found[0].bbox
    assert w < lonlat(0, 0)[0] < lonlat(5, 0)[0] < e
    assert s < LAT0 < n
    # a longer link does not join them across v3, which the SDF holds ...
    assert len(T.pockets(snap, cells, "isis", link_km=3.5)) == 3
    # ... but does when nobody known holds v3
    del snap["v3"]
    assert [p.places for p in T.pockets(snap, cells, "isis", link_km=3.5)] == [
        ("v0", "v1", "v2", "v4"), ("far",)]
    assert T.pockets(snap, cells, "government") == []


def test_contested_places_count_by_share(row) -> None:  # type: ignore[no-untyped-def]
    _, cells = row
    disc = math.pi
    snap = {"v0": held("isis"), "v1": held("sdf", "contested", 0.75, "isis"),
            "v2": held("isis", "contested", None, "sdf")}
    (pocket,) = T.pockets(snap, cells, "isis")
    assert pocket.contested == ("v1", "v2")
    assert pocket.area_km2_low == pytest.approx(disc, rel=0.01)
    assert pocket.area_km2_high == pytest.approx(3 * disc, rel=0.01)
    assert pocket.area_km2 == pytest.approx(disc * (1 + 0.25 + 0.5), rel=0.01)
    # the other side of v1 sees it from its own share
    sdf = T.pockets(snap, cells, "sdf")
    assert sdf[0].places == ("v1", "v2")
    assert sdf[0].area_km2 == pytest.approx(
        disc * (0.75 + 0.5), rel=0.01)


def test_pocket_report_json_and_region(row) -> None:  # type: ignore[no-untyped-def]
    places, cells = row
    snap = {"v0": held("isis"), "v1": held("isis", "contested", 0.5, "sdf"), "far": held("isis")}
    doc = T.pocket_report(snap, cells, "isis", on=dt.date(2019, 1, 15),
                          places={p.place_id: p for p in places})
    assert set(doc) == {"actor", "date", "pockets", "area_km2_total", "area_km2_low",
                        "area_km2_high"}
    assert doc["date"] == "2019-01-15"
    assert doc["area_km2_low"] < doc["area_km2_total"] < doc["area_km2_high"]
    assert doc["area_km2_total"] == pytest.approx(sum(p["area_km2"] for p in doc["pockets"]))
    first = doc["pockets"][0]
    assert [q["id"] for q in first["places"]] == ["v0", "v1"]
    assert first["places"][1] == {"id": "v1", "name_ar": "قرية v1", "name_en": "Village v1",
                                  "contested": True}
    assert len(first["bbox"]) == 4
    json.dumps(doc)
    region = shapely.Point(lonlat(0, 30)).buffer(0.01)
    only_far = T.pocket_report(snap, cells, "isis", region=region)
    assert [[q["id"] for q in p["places"]] for p in only_far["pockets"]] == [["far"]]
    assert only_far["area_km2_total"] == pytest.approx(math.pi, rel=0.01)


def test_territory_bounds_pads_in_km() -> None:
    box = T.territory_bounds([shapely.Point(LON0, LAT0)], pad_km=5)
    assert box is not None
    _w, s, _e, n = box
    assert (n - s) * 111.32 == pytest.approx(10, rel=0.01)
    assert T.territory_bounds([]) is None


#: Villages 2-3 km apart up and down the valley around the pocket (its neighbours).
VALLEY = [village(f"up{i}", 0.5 * (i % 2), 10 + 2.5 * i) for i in range(6)] + [
    village(f"down{i}", -1.0 * (i % 2), -3 - 2.5 * i) for i in range(6)]


def test_fixed_buffer_gives_reported_order_for_a_valley_pocket() -> None:
    """Four villages 2-4 km apart (al-Susah .. al-Safafinah) measure 10-30 km² with the
    old fixed 1.25 km reach."""
    places = [village("susah", 1.5, 7.5), village("marashida", -2, 5), village("safafina", 0, 4),
              village("baghuz", 0, 0), *VALLEY]
    cells = T.place_cells(places, buffer_km=1.25)
    snap = {p.place_id: held("isis") for p in places[:4]}
    assert 10 < T.pocket_report(snap, cells, "isis")["area_km2_total"] < 30
    assert 3 < T.pocket_report({"baghuz": held("isis")}, cells, "isis")["area_km2_total"] < 10


#: The four villages ISIS held east of the Euphrates in mid-January 2019 (OCHA ids).
JANUARY_POCKET = ("ocha:C5186", "ocha:C5184", "ocha:C5182", "ocha:C6797")


def test_density_reach_on_the_real_valley_keeps_the_reported_order() -> None:
    """With the bundled gazetteer's real villages around them, the four villages of the
    mid-January 2019 pocket (reported then: ~15 km²) measure within a factor of two."""
    from tracker import gazetteer_io as gio
    from tracker.settings import BUNDLED_GAZETTEER_DIR

    near = [p for p in gio.load_bundled(BUNDLED_GAZETTEER_DIR)
            if 40.6 < p.lon < 41.2 and 34.2 < p.lat < 34.9]
    cells = T.place_cells(near)
    snap = {pid: held("isis") for pid in JANUARY_POCKET}
    doc = T.pocket_report(snap, cells, "isis", close_km=T.DEFAULT_CLOSE_KM,
                          sites=T.place_sites(near))
    assert 7.5 < doc["area_km2_total"] < 30


def test_reach_follows_the_density_of_settlements() -> None:
    dense = [village(f"q{i}{j}", 0.4 * i, 0.4 * j) for i in range(5) for j in range(5)]
    lone = village("hamlet", 60, 0)
    valley = [village(f"v{i}", 3.0 * i, 30) for i in range(6)]
    cells = T.place_cells([*dense, lone, *valley], merge_km=0)
    # a town's close-set quarters: each stands for a small cell; the lone hamlet for a
    # disc of REACH_MAX_KM; a valley village 3 km from its neighbours for about 1-3 km²
    assert max(T.area_km2(cells[p.place_id]) for p in dense) < 0.5
    assert T.area_km2(cells["hamlet"]) == pytest.approx(math.pi * T.REACH_MAX_KM ** 2, rel=0.02)
    assert 1.0 < T.area_km2(cells["v2"]) < 8.0
    fixed = T.place_cells([*dense, lone], buffer_km=1.25, merge_km=0)
    assert T.area_km2(fixed["hamlet"]) == pytest.approx(math.pi * 1.25 ** 2, rel=0.02)


def test_settlement_reach_is_the_median_of_the_nearest_neighbours() -> None:
    rng = __import__("random").Random(3)
    xy = np.array([[rng.uniform(0, 40), rng.uniform(0, 40)] for _ in range(300)])
    got = T.settlement_reach(xy, factor=0.4, neighbours=3, lo=0.5, hi=4.0)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    want = np.clip(0.4 * np.median(np.sort(d, axis=1)[:, :3], axis=1), 0.5, 4.0)
    assert np.allclose(got, want)


# --------------------------------------------------------------------------- closed territory


@pytest.fixture
def trio() -> tuple[list[Place], dict[str, Polygon], dict[str, tuple[float, float]]]:
    """Two villages 3.2 km apart (discs of 1.5 km: a gap of 0.2 km), a third between them
    and 2.5 km to the north, and a lone one 20 km away."""
    places = [village("a", 0, 0), village("b", 3.2, 0), village("c", 1.6, 2.5),
              village("lone", 20, 0)]
    return places, T.place_cells(places, buffer_km=1.5, merge_km=0), T.place_sites(places)


def test_closing_makes_neighbouring_villages_one_patch(trio) -> None:  # type: ignore[no-untyped-def]
    _, cells, sites = trio
    snap = {"a": held("isis"), "b": held("isis"), "lone": held("isis")}
    plain = T.actor_territory(snap, cells)["isis"]
    closed = T.actor_territory(snap, cells, close_km=1.0, sites=sites)["isis"]
    assert len(plain.geoms) == 3  # a, b and lone apart
    assert len(closed.geoms) == 2  # a+b one patch, lone alone
    assert T.area_km2(plain.difference(closed)) < 1e-6  # the cells are kept whole
    gain = T.area_km2(closed) - T.area_km2(plain)
    assert 0.2 < gain < 2.0  # the waist between a and b, not a bloated hull


def test_closing_never_takes_land_nearer_another_place(trio) -> None:  # type: ignore[no-untyped-def]
    _, cells, sites = trio
    snap = {"a": held("isis"), "b": held("isis"), "c": held("sdf")}
    closed = T.actor_territory(snap, cells, close_km=1.0, sites=sites)
    assert T.area_km2(closed["isis"].intersection(closed["sdf"])) < 1e-6
    assert T.area_km2(closed["isis"].intersection(cells["c"])) < 1e-6
    # every filled point is nearer to a or b than to c
    fill = closed["isis"].difference(shapely.union_all([cells["a"], cells["b"]]))
    fwd, _ = T.equal_area_transformers(LON0, LAT0)
    for pt in shapely.get_coordinates(fill)[::5]:
        x, y = fwd.transform(*pt)
        d = {k: math.dist((x, y), fwd.transform(*sites[k])) for k in ("a", "b", "c")}
        assert min(d["a"], d["b"]) <= d["c"] + 1.0


def test_pocket_areas_measure_the_closed_geometry(trio) -> None:  # type: ignore[no-untyped-def]
    _, cells, sites = trio
    snap = {"a": held("isis"), "b": held("isis"), "c": held("isis", "contested", 0.5, "sdf"),
            "lone": held("isis")}
    found = T.pockets(snap, cells, "isis", close_km=1.0, sites=sites)
    drawn = T.actor_territory(snap, cells, close_km=1.0, sites=sites)["isis"]
    assert sum(p.area_km2_low for p in found) == pytest.approx(T.area_km2(drawn), rel=1e-6)
    main = found[0]
    assert main.places == ("a", "b", "c")
    assert main.area_km2_high == pytest.approx(T.area_km2(main.geometry), rel=1e-9)
    assert main.area_km2_low < main.area_km2 < main.area_km2_high
    assert main.area_km2 == pytest.approx(
        (main.area_km2_low + main.area_km2_high) / 2, rel=1e-6)  # a half share
    with pytest.raises(ValueError, match="sites"):
        T.pockets(snap, cells, "isis", close_km=1.0)
    doc = T.pocket_report(snap, cells, "isis", close_km=1.0, places={
        p: v for p, v in zip(["a", "b", "c", "lone"], trio[0], strict=True)})
    assert doc["area_km2_low"] == pytest.approx(T.area_km2(drawn), abs=0.01)


def test_closing_keeps_the_reported_order_for_a_valley_pocket() -> None:
    """The default closing keeps four villages 2-4 km apart within a factor of two of the
    ~15 km² reported for such a pocket, and adds little to the bare cells."""
    places = [village("susah", 1.5, 7.5), village("marashida", -2, 5),
              village("safafina", 0, 4), village("baghuz", 0, 0), *VALLEY]
    cells = T.place_cells(places, buffer_km=1.25)
    snap = {p.place_id: held("isis") for p in places[:4]}
    doc = T.pocket_report(snap, cells, "isis", close_km=T.DEFAULT_CLOSE_KM,
                          sites=T.place_sites(places))
    plain = T.pocket_report(snap, cells, "isis")
    assert plain["area_km2_total"] <= doc["area_km2_total"] < 30
    assert doc["area_km2_total"] < 1.15 * plain["area_km2_total"]


def test_small_empty_holes_are_filled_but_not_around_another_village() -> None:
    ring = [village(f"r{i}", 2.2 * math.cos(i * math.pi / 3), 2.2 * math.sin(i * math.pi / 3))
            for i in range(6)]
    snap = {p.place_id: held("isis") for p in ring}
    cells = T.place_cells(ring, merge_km=0, buffer_km=1.5)
    plain = T.actor_territory(snap, cells)["isis"]
    assert [len(g.interiors) for g in plain.geoms] == [1]
    closed = T.actor_territory(snap, cells, close_km=0.75, sites=T.place_sites(ring))["isis"]
    assert [len(g.interiors) for g in closed.geoms] == [0]
    centre = shapely.Point(lonlat(0, 0))
    assert closed.contains(centre)
    # a village nobody reports on in the middle keeps its land
    places = [*ring, village("mid", 0, 0)]
    cells = T.place_cells(places, merge_km=0, buffer_km=1.5)
    closed = T.actor_territory(snap, cells, close_km=0.75, sites=T.place_sites(places))["isis"]
    assert not closed.contains(centre)
    assert T.area_km2(closed.intersection(cells["mid"])) < 1e-3  # slivers of reprojection
