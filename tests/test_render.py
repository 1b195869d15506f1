"""Maps and charts: checked through the Figure's artists and rendered pixels, not images."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from shapely.geometry import LineString

from tracker import render as R  # noqa: N812
from tracker import territory as T  # noqa: N812
from tracker.model import Place

D = dt.date(2019, 1, 23)
LON0, LAT0 = 40.95, 34.45
_FWD, _INV = T.equal_area_transformers(LON0, LAT0)
_X0, _Y0 = _FWD.transform(LON0, LAT0)

NAMES = {  # id: (Arabic, English, x km, y km)
    "susah": ("السوسة", "al-Susah", 1.5, 7.5),
    "marashida": ("المراشدة", "al-Marashidah", -2.0, 5.0),
    "safafina": ("السفافنة", "al-Safafinah", 0.5, 3.5),
    "baghuz": ("الباغوز فوقاني", "al-Baghuz Fawqani", 0.0, 0.0),
    "abukamal": ("البوكمال", "Abu Kamal", -4.0, 0.0),
    "hajin": ("هجين", "Hajin", -10.0, 20.0),
    "hamlet": ("مزرعة", "Farm", 6.0, -4.0),
}


def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    lon, lat = _INV.transform(_X0 + x_km * 1000, _Y0 + y_km * 1000)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def places() -> list[Place]:
    out = []
    for pid, (ar, en, x, y) in NAMES.items():
        lon, lat = lonlat(x, y)
        out.append(Place(pid, ar, en, lat, lon, population=1000))
    return out


@pytest.fixture(scope="module")
def cells(places: list[Place]) -> dict[str, shapely.Polygon]:
    return T.place_cells(places)


def h(actor: str, status: str = "held", fraction: float | None = None) -> dict[str, object]:
    return {"actor": actor, "status": status, "fraction": fraction}


@pytest.fixture
def snapshot() -> dict[str, dict[str, object]]:
    return {"susah": h("isis"), "marashida": h("isis"), "safafina": h("isis"),
            "baghuz": h("isis"), "abukamal": h("government"), "hajin": h("sdf")}


CONTEXT = {"euphrates": LineString([lonlat(-3, -10), lonlat(-2.5, 25)]),
           "syria_iraq_border": LineString([lonlat(3, -15), lonlat(12, 10)])}
EXTENT = (*lonlat(-12, -8), *lonlat(10, 24))


def draw(fig: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


def pixel(fig: Figure, rgba: np.ndarray, lon: float, lat: float) -> np.ndarray:
    ax = fig.axes[0]
    proj = R.map_projection(EXTENT)
    x, y = ax.transData.transform(proj.xy(lon, lat))
    row = rgba.shape[0] - round(y)
    return rgba[row, round(x), :3].astype(float)


def blend(color: str, alpha: float = 0.85, under: str = "#f7f4ec") -> np.ndarray:
    return 255 * (alpha * np.array(to_rgb(color)) + (1 - alpha) * np.array(to_rgb(under)))


def labels_of(fig: Figure) -> list[Annotation]:
    return [t for t in fig.axes[0].texts if isinstance(t, Annotation) and t.get_text() != "N"]


def test_territory_has_the_actor_colour_at_known_places(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    fig = R.render_control_map(snapshot, places, cells, on=D, context_layers=CONTEXT,
                               extent=EXTENT, labels="none")
    rgba = draw(fig)
    # 0.8 km south of each village: inside its cell, clear of its dot and label
    for pid, actor in [("susah", "isis"), ("baghuz", "isis"), ("hajin", "sdf"),
                       ("abukamal", "government")]:
        _, _, x, y = NAMES[pid]
        got = pixel(fig, rgba, *lonlat(x, y - 0.8))
        assert np.abs(got - blend(R.ACTOR_COLORS[actor])).max() < 14, (pid, got)
    # the hamlet nobody holds stays background
    got = pixel(fig, rgba, *lonlat(6.0, -4.8))
    assert np.abs(got - blend("#f7f4ec", 1.0)).max() < 6


def test_legend_lists_exactly_the_actors_drawn(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    fig = R.render_control_map(snapshot, places, cells, on=D, extent=EXTENT, labels="none")
    legend = fig.axes[0].get_legend()
    # the hamlet has no report: its hollow ring gets the last entry
    assert [t.get_text() for t in legend.get_texts()] == [
        "ISIS", "SDF", "Syrian government", R.NO_REPORT_LABEL]

    snapshot["baghuz"] = h("isis", "contested", 0.5)
    snapshot["hajin"] = snapshot["hamlet"] = h("government")
    fig = R.render_control_map(snapshot, places, cells, on=D, extent=EXTENT, labels="none")
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    # every place has a holder now: no ring drawn, no entry
    assert texts == ["ISIS", "Syrian government", "Contested"]
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert [p.get_gid() for p in hatched] == ["contested:isis"]


def test_default_extent_contains_the_pocket(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    fig = R.render_control_map(snapshot, places, cells, on=D, actor="isis", labels="none")
    extent = R.map_extent(snapshot, cells, actor="isis")
    assert extent is not None
    proj = R.map_projection(extent)
    (pocket,) = T.pockets(snapshot, cells, "isis")
    x0, y0, x1, y1 = proj.geom(pocket.geometry).bounds
    ax = fig.axes[0]
    (lx0, lx1), (ly0, ly1) = ax.get_xlim(), ax.get_ylim()
    assert lx0 < x0 < x1 < lx1
    assert ly0 < y0 < y1 < ly1
    # fitted to the pocket: Hajin, 20 km up the river, is outside
    lon, lat = lonlat(-10, 20)
    assert not (extent[0] <= lon <= extent[2] and extent[1] <= lat <= extent[3])


def test_arabic_labels_are_shaped_and_do_not_overlap(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    fig = R.render_control_map(snapshot, places, cells, on=D, extent=EXTENT, labels="ar")
    labels = labels_of(fig)
    assert labels
    logical = {ar for ar, _, _, _ in NAMES.values()}
    for t in labels:
        text = t.get_text()
        assert text not in logical
        assert any("\ufb50" <= ch <= "\ufeff" for ch in text), text
    shaped = {R.shape_arabic(ar) for ar in logical}
    assert {t.get_text() for t in labels} <= shaped
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def test_crowded_labels_are_dropped_not_overlapped(cells) -> None:  # type: ignore[no-untyped-def]
    crowd = [Place(f"p{i}", "قرية الشيخ", "Village with a long name", *lonlat(0.05 * i, 0)[::-1])
             for i in range(12)]
    fig = R.render_control_map({}, crowd, cells, on=D, extent=EXTENT, labels="en")
    labels = labels_of(fig)
    assert 1 <= len(labels) < 12
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_english_labels_and_map_furniture(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    fig = R.render_control_map(snapshot, places, cells, on=D, extent=EXTENT, labels="en",
                               context_layers=CONTEXT,
                               source_line="from 3 reports, latest 2019-01-22")
    texts = {t.get_text() for t in labels_of(fig)}
    assert {"al-Susah", "al-Baghuz Fawqani", "Hajin"} <= texts
    assert fig._suptitle is not None
    assert fig._suptitle.get_text() == "2019-01-23"
    assert any(t.get_text() == "from 3 reports, latest 2019-01-22" for t in fig.texts)
    ax = fig.axes[0]
    assert any(t.get_gid() == "north-arrow" for t in ax.texts)
    scale = [t for t in ax.texts if t.get_gid() == "scale-bar"]
    assert scale
    assert scale[0].get_text().endswith(" km")
    assert len(ax.lines) == 2  # river and border
    assert labels_of(R.render_control_map(snapshot, places, cells, on=D, extent=EXTENT,
                                          labels="none")) == []


def test_bad_input_is_refused(places, cells) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="labels"):
        R.render_control_map({}, places, cells, on=D, extent=EXTENT, labels="fr")
    with pytest.raises(ValueError, match="nothing to map"):
        R.render_control_map({}, places, cells, on=D)
    with pytest.raises(ValueError, match="W < E"):
        R.map_projection((41, 34, 40, 35))
    with pytest.raises(ValueError, match="no frames"):
        R.render_small_multiples([], places, cells, extent=EXTENT)


@pytest.mark.parametrize(("text", "plain"), [("Hajin", True), ("عبد الله", False)])
def test_shape_arabic(text: str, plain: bool) -> None:
    shaped = R.shape_arabic(text)
    assert (shaped == text) is plain
    assert "\ufdf2" not in shaped  # the Allah ligature: DejaVu Sans has no glyph for it


def test_small_multiples_share_extent_and_legend(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    later = dict(snapshot, susah=h("sdf"), marashida=h("sdf"))
    frames = [R.MapFrame(D, snapshot), R.MapFrame(D + dt.timedelta(days=7), later),
              R.MapFrame(D + dt.timedelta(days=14), {"baghuz": h("isis")})]
    fig = R.render_small_multiples(frames, places, cells, extent=EXTENT,
                                   context_layers=CONTEXT)
    used = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in used] == ["2019-01-23", "2019-01-30", "2019-02-06"]
    assert len({(ax.get_xlim(), ax.get_ylim()) for ax in used}) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "ISIS", "SDF", "Syrian government"]
    draw(fig)


def test_area_chart_plots_series_and_reported_figures() -> None:
    series = [R.AreaPoint(D + dt.timedelta(days=7 * i), 20 - 5 * i, 18 - 5 * i, 22 - 5 * i)
              for i in range(4)]
    reported = [R.ReportedArea(dt.date(2019, 1, 15), 15, "SOHR"),
                R.ReportedArea(dt.date(2019, 1, 26), 10, "AA")]
    fig = R.render_area_chart(series, reported, actor="isis")
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == [20, 15, 10, 5]
    assert ax.collections[-1].get_offsets().shape == (2, 2)
    # numbered markers, sources listed under the chart (not written over it)
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2"]
    (listing,) = [t for t in fig.texts if t.get_gid() == "source-list"]
    assert listing.get_text().splitlines() == [" 1  2019-01-15  15 km²  SOHR",
                                               " 2  2019-01-26  10 km²  AA"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "contested left out / counted in", "tracker (from reports)", "reported at the time"]
    draw(fig)
    assert R.render_area_chart([]).axes[0].get_legend() is None


def test_area_chart_numbers_stay_legible_when_points_crowd() -> None:
    """Close reported dates: numbers do not overlap, long sources are shortened, and a
    detail panel is added when our series dwarfs the reported figures."""
    series = [R.AreaPoint(D + dt.timedelta(days=7 * i), v, v, v)
              for i, v in enumerate([160, 150, 25, 9, 4, 0])]
    long = "a very long source line " * 20
    reported = [R.ReportedArea(D + dt.timedelta(days=14 + i), 5 - i, f"{long}{i}")
                for i in range(5)]
    fig = R.render_area_chart(series, list(reversed(reported)), actor="isis")
    draw(fig)
    main, detail = fig.axes
    assert detail.get_ylim()[1] < 40  # fitted to the reported figures, not to 160
    numbers = [t for t in detail.texts if t.get_gid() == "reported-number"]
    assert [t.get_text() for t in numbers] == ["1", "2", "3", "4", "5"]  # in date order
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in numbers]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    (listing,) = [t for t in fig.texts if t.get_gid() == "source-list"]
    lines = listing.get_text().splitlines()
    assert len(lines) == 5
    assert all(len(line) < R.SOURCE_CHARS + 30 and line.endswith("…") for line in lines)
    assert main.get_legend() is not None


def test_labels_keep_clear_of_the_legend_and_north_arrow(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    fig = R.render_control_map(snapshot, places, cells, on=D, extent=EXTENT, labels="en")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    furniture = [ax.get_legend().get_window_extent(renderer),
                 *(t.get_window_extent(renderer) for t in ax.texts
                   if t.get_gid() in ("north-arrow", "scale-bar"))]
    for label in labels_of(fig):
        box = label.get_window_extent(renderer)
        assert not any(box.overlaps(f) for f in furniture), label.get_text()


def test_default_extent_follows_the_active_front(places, cells) -> None:  # type: ignore[no-untyped-def]
    """Two far-apart pockets: the map fits the one where control changed last."""
    old, new = dt.date(2017, 11, 1), dt.date(2019, 1, 10)

    def since(day: dt.date) -> object:
        return type("Holding", (), {"actor": "isis", "status": "held", "fraction": None,
                                    "since": day})()

    # the old pocket is the larger one (three villages); the front is at Hajin
    snap = {"susah": since(old), "marashida": since(old), "safafina": since(old),
            "hajin": since(new)}
    w, s, e, n = R.map_extent(snap, cells, actor="isis", focus_km=10)
    lon, lat = lonlat(*NAMES["hajin"][2:])
    assert w < lon < e
    assert s < lat < n
    lon, lat = lonlat(*NAMES["susah"][2:])
    assert not (w < lon < e and s < lat < n)


def test_neighbouring_villages_of_one_actor_read_as_one_patch() -> None:
    """The waist between two ISIS villages 3.2 km apart is filled; towards a third
    village held by the SDF the gap stays open."""
    vill = {"a": (0.0, 0.0), "b": (3.2, 0.0), "c": (1.6, -3.2)}
    pl = [Place(k, "", k, *lonlat(x, y)[::-1]) for k, (x, y) in vill.items()]
    cl = T.place_cells(pl, merge_km=0, buffer_km=1.5)
    snap = {"a": h("isis"), "b": h("isis"), "c": h("sdf")}
    extent = (*lonlat(-4, -6), *lonlat(7, 4))
    fig = R.render_control_map(snap, pl, cl, on=D, extent=extent, labels="none")
    rgba = draw(fig)
    proj = R.map_projection(extent)
    ax = fig.axes[0]

    def px(x_km: float, y_km: float) -> np.ndarray:
        x, y = ax.transData.transform(proj.xy(*lonlat(x_km, y_km)))
        return rgba[rgba.shape[0] - round(y), round(x), :3].astype(float)

    # 0.5 km north of the line a-b: outside both discs, inside the closed patch
    assert np.abs(px(1.6, 0.5) - blend(R.ACTOR_COLORS["isis"])).max() < 14
    bare = R.render_control_map(snap, pl, cl, on=D, extent=extent, labels="none", close_km=0)
    rgba = draw(bare)
    assert np.abs(px(1.6, 0.5) - blend("#f7f4ec", 1.0)).max() < 6


def test_river_named_once_and_boundaries_under_territory(places, cells, snapshot) -> None:  # type: ignore[no-untyped-def]
    sub = Place("adm:SY0001", "ناحية", "Subdistrict", LAT0, LON0, kind="subdistrict",
                geometry=shapely.Polygon([lonlat(-8, -6), lonlat(2, -6), lonlat(2, 20),
                                          lonlat(-8, 20)]))
    for mode, name in (("ar", R.shape_arabic("الفرات")), ("en", "Euphrates")):
        fig = R.render_control_map(snapshot, [*places, sub], cells, on=D, extent=EXTENT,
                                   labels=mode, context_layers=CONTEXT)
        ax = fig.axes[0]
        rivers = [t for t in ax.texts if t.get_gid() == "river-label"]
        assert [t.get_text() for t in rivers] == [name]
        (admin,) = [c for c in ax.collections if c.get_gid() == "admin-boundaries"]
        territory = [p for p in ax.patches if (p.get_gid() or "").startswith("territory:")]
        assert admin.get_zorder() < min(p.get_zorder() for p in territory)
        # the river name keeps clear of the place labels
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        box = rivers[0].get_window_extent(renderer)
        assert not any(box.overlaps(t.get_window_extent(renderer)) for t in labels_of(fig))
    assert R.shape_arabic("الفرات") != "الفرات"  # shaped: presentation forms
    fig = R.render_control_map(snapshot, places, cells, on=D, extent=EXTENT, labels="none",
                               context_layers=CONTEXT)
    assert not [t for t in fig.axes[0].texts if t.get_gid() == "river-label"]


def test_legend_moves_off_territory_in_its_corner() -> None:
    """Territory in the lower-right corner: the legend goes to another corner, and never
    onto the scale bar or the north arrow."""
    vill = {f"v{i}": (9.0 - 1.5 * (i % 2), -7.4 + 1.5 * (i // 2)) for i in range(4)}
    pl = [Place(k, "", k, *lonlat(x, y)[::-1]) for k, (x, y) in vill.items()]
    cl = T.place_cells(pl, merge_km=0)
    snap = {k: h("isis") for k in vill}
    extent = (*lonlat(-12, -8), *lonlat(10, 24))
    fig = R.render_control_map(snap, pl, cl, on=D, extent=extent, labels="none")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = ax.get_legend().get_window_extent(renderer)
    proj = R.map_projection(extent)
    for x, y in vill.values():
        px, py = ax.transData.transform(proj.xy(*lonlat(x, y)))
        assert not box.contains(px, py)
    furniture = [t.get_window_extent(renderer) for t in ax.texts
                 if t.get_gid() in ("north-arrow", "scale-bar")]
    assert not any(box.overlaps(f) for f in furniture)
