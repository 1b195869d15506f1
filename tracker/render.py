"""Maps and charts as matplotlib Figures: control maps, small multiples, the area chart.

Everything here builds a ``matplotlib.figure.Figure()`` (never pyplot, no global state)
and returns it; the caller saves it (see ``tracker._cli_territory.write_map``). Maps are
drawn in a Lambert Azimuthal Equal Area projection centred on the map extent, so the
scale bar is true in metres and "up" is north at the centre.

Arabic labels are shaped (``arabic_reshaper``) and put in visual order (``python-bidi``),
and drawn with DejaVu Sans, which has the Arabic presentation forms.

Map layers, bottom to top: sub-district boundaries (thin grey), territory (each actor's
cells closed into patches by ``territory.close_territory``; contested places hatched),
river and borders, place dots (dark: held; hollow grey: holder unknown / no report), the
river's name, place labels; the legend sits in the corner where it hides least territory.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import arabic_reshaper
import numpy as np
import shapely
from bidi.algorithm import get_display
from matplotlib import font_manager
from matplotlib import patheffects as pe
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox, offset_copy
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from tracker.model import ADMIN_KINDS, Place
from tracker.palette import ACTOR_COLORS, ACTOR_NAMES, actor_color, actor_name  # noqa: F401
from tracker.territory import (
    CONTESTED_STATUS,
    DEFAULT_CLOSE_KM,
    HELD_STATUSES,
    actor_territory,
    contested_places,
    place_sites,
    pockets,
    territory_bounds,
)

CONTESTED_LABEL = "Contested"
#: Legend entry of the place rings that no report gives a known holder for (never
#: reported, or reported lost to an unknown holder).
NO_REPORT_LABEL = "Place: holder unknown / no report"
#: The river label, by label mode.
RIVER_NAMES: dict[str, str] = {"ar": "الفرات", "en": "Euphrates"}
#: Place kinds whose boundaries are drawn as thin grey lines under the territory.
BOUNDARY_KINDS: frozenset[str] = frozenset({"subdistrict"})
#: Place kinds whose boundaries are drawn as darker lines (the governorate lines).
GOVERNORATE_KINDS: frozenset[str] = frozenset({"governorate"})
LABEL_MODES = ("ar", "en", "none")
#: Above this many places in the extent, only places with a known holder are drawn.
MAX_BACKGROUND_PLACES = 400

_KM_PER_DEGREE = 111.0  # rough, for the extent heuristic only
#: With no actor or region, a map shows the places within this of the median place (or
#: three times their median distance from it): one theatre, such as Tabqa with Raqqa.
_THEATRE_KM = 60.0
_RIVER_COLOR = "#4a90c8"
_BORDER_COLOR = "#555555"
_POINT_COLOR = "#333333"
_NO_REPORT_COLOR = "#8a8a8a"
_ADMIN_COLOR = "#9a9a9a"
_GOVERNORATE_COLOR = "#6e6e6e"


#: Shapes Arabic into presentation forms; the ﷲ ligature is off (DejaVu Sans lacks it).
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"ARABIC LIGATURE ALLAH": "no"})


@lru_cache(maxsize=1)
def matplotlib_does_bidi() -> bool:
    """True when matplotlib lays out right-to-left text itself (libraqm, matplotlib >= 3.11).

    Probed by laying out "با" (bā then alif): a bidi-aware layout puts the alif first.
    """
    try:
        from matplotlib.ft2font import FT2Font, LoadFlags

        font = FT2Font(font_manager.findfont("DejaVu Sans"))
        font.set_size(12, 72)
        items = font._layout("\u0628\u0627", LoadFlags.DEFAULT)
        return bool(items) and items[0].char == "\u0627"
    except (AttributeError, ImportError, TypeError, RuntimeError, ValueError):
        return False


def shape_arabic(text: str) -> str:
    """Arabic text ready for matplotlib: letters joined and laid out right to left.

    ``arabic_reshaper.reshape`` picks the contextual presentation forms (U+FB50-U+FEFF).
    Older matplotlib lays glyphs out left to right without bidi, so the runs are then put
    in visual order with ``bidi.algorithm.get_display``; matplotlib >= 3.11 (libraqm) does
    the bidi itself, and reversing there would print the name backwards, so the reshaped
    text is kept in logical order. Text without Arabic comes back unchanged.
    """
    if not any("\u0600" <= ch <= "\u06ff" for ch in text):
        return text
    reshaped = str(_RESHAPER.reshape(text))
    return reshaped if matplotlib_does_bidi() else str(get_display(reshaped))


def place_label(place: Place, mode: str) -> str:
    """The label of a place: its bare Arabic or English name (OCHA qualifiers dropped)."""
    # a source name may hold line breaks (one COD-AB neighbourhood name spans three lines):
    # the label is its first line
    ar = (place.name_ar.strip().splitlines() or [""])[0]
    en = (place.name_en.strip().splitlines() or [""])[0]
    if mode == "ar":
        name = ar.split(" - ")[0].split("_")[0].strip() or en
        return shape_arabic(" ".join(name.split()))
    if mode == "en":
        return " ".join(en.split(" (")[0].split()) or shape_arabic(" ".join(ar.split()))
    return ""


# --------------------------------------------------------------------------- projection


@dataclass(frozen=True, slots=True)
class MapProjection:
    """The map's projection: LAEA centred on the extent, and the extent in metres.

    Build it with `map_projection(extent)`; `xy(lon, lat)` projects points.
    """

    extent: tuple[float, float, float, float]
    forward: Transformer
    limits: tuple[float, float, float, float]

    def xy(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """Project lon/lat (scalars or arrays) to map metres."""
        return self.forward.transform(lon, lat)

    def geom(self, geom: Any) -> Any:
        """Project a lon/lat shapely geometry (or array) to map metres."""

        def fn(xy: np.ndarray) -> np.ndarray:
            x, y = self.forward.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(geom, fn)


def map_projection(extent: tuple[float, float, float, float]) -> MapProjection:
    """The projection of a map of `extent` (W, S, E, N in lon/lat).

    Raises
    ------
    ValueError
        When the extent is empty or inverted.
    """
    w, s, e, n = (float(v) for v in extent)
    if not (w < e and s < n):
        msg = f"map extent must be W,S,E,N with W < E and S < N, got {extent!r}"
        raise ValueError(msg)
    crs = (
        f"+proj=laea +lat_0={(s + n) / 2:.6f} +lon_0={(w + e) / 2:.6f} "
        "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    edge_lon = np.concatenate([np.linspace(w, e, 21), np.full(21, e), np.linspace(e, w, 21),
                               np.full(21, w)])
    edge_lat = np.concatenate([np.full(21, s), np.linspace(s, n, 21), np.full(21, n),
                               np.linspace(n, s, 21)])
    x, y = fwd.transform(edge_lon, edge_lat)
    return MapProjection((w, s, e, n), fwd, (min(x), min(y), max(x), max(y)))


def _latest_since(snapshot: Mapping[str, Any], place_ids: Iterable[str]) -> dt.date:
    """The latest start of the holdings of some places (date.min when none has one)."""
    days = [getattr(snapshot.get(p), "since", None) for p in place_ids]
    return max((d for d in days if isinstance(d, dt.date)), default=dt.date.min)


def map_extent(
    snapshot: Mapping[str, Any],
    cells: Mapping[str, BaseGeometry],
    *,
    actor: str | None = None,
    region: BaseGeometry | None = None,
    pad_km: float = 6.0,
    focus_km: float = 40.0,
) -> tuple[float, float, float, float] | None:
    """The extent (W, S, E, N) that fits the region of interest, padded by `pad_km`.

    The region when given; else the active pocket of `actor` (the one where control last
    changed, i.e. the latest `since` of its holdings; then the largest) with the pockets
    within about `focus_km` of it (one theatre: a pocket elsewhere in the country does not
    stretch the map); else every place with a known holder. None when there is
    nothing to show.
    """
    if region is not None:
        return territory_bounds([region], pad_km=pad_km)
    if actor is not None:
        found = pockets(snapshot, cells, actor)
        if found:
            main = max(found, key=lambda p: (_latest_since(snapshot, p.places),
                                             p.area_km2_high)).geometry
            near = [p.geometry for p in found
                    if p.geometry.distance(main) * _KM_PER_DEGREE <= focus_km]
            return territory_bounds(near, pad_km=pad_km)
    known = [cells[p] for p in snapshot if p in cells]
    return territory_bounds(_theatre_cells(known, max(focus_km, _THEATRE_KM)), pad_km=pad_km)


def _theatre_cells(cells: list[BaseGeometry], focus_km: float) -> list[BaseGeometry]:
    """The cells of one theatre: those within `focus_km`, or three times the median
    distance, of the median point of all (a village of another front that one report
    names in passing does not stretch the map across the country)."""
    if len(cells) < 3:
        return cells
    pts = [c.representative_point() for c in cells]
    xs, ys = sorted(p.x for p in pts), sorted(p.y for p in pts)
    mx, my = xs[len(xs) // 2], ys[len(ys) // 2]
    kx = _KM_PER_DEGREE * math.cos(math.radians(my))
    dist = [math.hypot((p.x - mx) * kx, (p.y - my) * _KM_PER_DEGREE) for p in pts]
    reach = max(focus_km, 3 * sorted(dist)[len(dist) // 2])
    kept = [c for c, d in zip(cells, dist, strict=True) if d <= reach]
    return kept or cells


# --------------------------------------------------------------------------- drawing


def _ring_codes(n: int) -> list[np.uint8]:
    return [MplPath.MOVETO] + [MplPath.LINETO] * (n - 2) + [MplPath.CLOSEPOLY]


def geometry_path(geom: BaseGeometry) -> MplPath | None:
    """A matplotlib Path for a (multi)polygon in map coordinates, holes included."""
    verts: list[np.ndarray] = []
    codes: list[np.uint8] = []
    for poly in shapely.get_parts(geom):
        if not isinstance(poly, Polygon) or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            verts.append(xy)
            codes.extend(_ring_codes(len(xy)))
    if not verts:
        return None
    return MplPath(np.concatenate(verts), codes)


def _draw_lines(ax: Axes, geom: BaseGeometry, **style: Any) -> None:
    for line in shapely.get_parts(geom):
        if isinstance(line, LineString | MultiLineString):
            for part in shapely.get_parts(line):
                xy = np.asarray(part.coords)
                ax.plot(xy[:, 0], xy[:, 1], **style)
        elif isinstance(line, Polygon | MultiPolygon):
            _draw_lines(ax, shapely.boundary(line), **style)


def _as_geometry(value: Any) -> BaseGeometry | None:
    if value is None:
        return None
    if isinstance(value, BaseGeometry):
        return value
    if isinstance(value, Iterable):
        geoms = [g for g in value if isinstance(g, BaseGeometry)]
        return shapely.union_all(geoms) if geoms else None
    return None


def _river_names() -> dict[str, tuple[str, str, str]]:
    """``{key: (kind, name_ar, name_en)}`` of the river table (`tracker.banks`)."""
    from tracker.banks import load_rivers

    return {k: (r.kind, r.name_ar, r.name_en) for k, r in load_rivers().items()}


def _is_river(name: str) -> bool:
    lname = name.lower()
    return (lname in _river_names() or "river" in lname or "euphrates" in lname
            or "water" in lname or "lake" in lname)


def river_label_text(key: str, mode: str) -> str | None:
    """A river's (or lake's) name for its label: from the river table by key, in the label
    mode's language (``ar``/``en``); None for ``none`` or an unnamed line."""
    if mode not in ("ar", "en"):
        return None
    known = _river_names().get(key.lower())
    if known is not None:
        return known[1] if mode == "ar" else known[2]
    if key.lower() in ("euphrates", "river"):
        return RIVER_NAMES[mode]
    return None


def _draw_context(
    ax: Axes, proj: MapProjection, context_layers: Mapping[str, Any] | None, clip: Polygon
) -> dict[str, BaseGeometry]:
    """Rivers in blue, borders in dashed grey, anything else as thin grey lines.

    Returns ``{key: line inside the map (map metres)}`` of the rivers, for their labels.
    """
    rivers: dict[str, BaseGeometry] = {}
    for name, value in (context_layers or {}).items():
        geom = _as_geometry(value)
        if geom is None or geom.is_empty:
            continue
        local = shapely.intersection(proj.geom(geom), clip)
        if local.is_empty:
            continue
        lname = name.lower()
        if _is_river(name):
            lake = _river_names().get(lname, ("river",))[0] == "lake"
            _draw_lines(ax, local, color=_RIVER_COLOR, lw=3.2 if lake else 1.6, zorder=3,
                        solid_capstyle="round")
            rivers[name] = local
        elif "border" in lname or "country" in lname or "admin" in lname:
            _draw_lines(ax, local, color=_BORDER_COLOR, lw=1.0, ls=(0, (6, 3)), zorder=3)
        else:
            _draw_lines(ax, local, color="#888888", lw=0.6, zorder=3)
    return rivers


def _draw_boundaries(
    ax: Axes, proj: MapProjection, places: Iterable[Place], clip: Polygon
) -> bool:
    """Sub-district boundaries (`BOUNDARY_KINDS` with a polygon) as thin grey lines, and
    governorate lines (`GOVERNORATE_KINDS`) darker.

    Drawn under the territory as one LineCollection (gid ``admin-boundaries``); shared
    edges are drawn once. Returns True when any line is inside the map.
    """
    w, s, e, n = proj.extent
    view = shapely.box(w, s, e, n)
    places = list(places)
    drawn = False
    for kinds, color, width, gid in ((BOUNDARY_KINDS, _ADMIN_COLOR, 0.6, "admin-boundaries"),
                                     (GOVERNORATE_KINDS, _GOVERNORATE_COLOR, 1.1,
                                      "governorate-boundaries")):
        polys = [p.geometry for p in places
                 if p.kind in kinds and p.geometry is not None and p.geometry.intersects(view)]
        if not polys:
            continue
        edges = shapely.union_all([shapely.boundary(g) for g in polys])
        local = shapely.intersection(proj.geom(edges), clip)
        segments = [np.asarray(part.coords) for part in shapely.get_parts(local)
                    if isinstance(part, LineString) and len(part.coords) >= 2]
        if segments:
            ax.add_collection(LineCollection(segments, colors=color, linewidths=width,
                                             linestyles="solid", zorder=1.6, gid=gid))
            drawn = True
    return drawn


def _draw_river_label(
    ax: Axes,
    fig: Figure,
    river: BaseGeometry | None,
    mode: str,
    *,
    obstacles: Sequence[Bbox] = (),
    covered: BaseGeometry | None = None,
    fontsize: float = 9,
    text: str | None = None,
) -> Artist | None:
    """Name a river once, along the line, where the label fits (None if nowhere).

    The label is rotated to the local direction of the longest visible stretch of the
    river, kept upright, shifted off the line and haloed in white; candidate positions
    run from the middle of the stretch outwards, and the first one inside the map that
    overlaps none of the `obstacles` (legend, scale bar, north arrow) is kept, preferring
    one off the `covered` territory (map metres) so the name stays on open ground.
    No label without `text`: an unnamed line is not given any river's name.
    """
    if river is None or river.is_empty or text is None:
        return None
    lines = [g for g in shapely.get_parts(shapely.line_merge(river))
             if isinstance(g, LineString) and not g.is_empty]
    if not lines:
        return None
    line = max(lines, key=lambda g: g.length)
    label = shape_arabic(text)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_box = ax.get_window_extent(renderer)
    step = 0.03 * line.length
    fracs: tuple[float, ...] = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88)
    if covered is not None and not covered.is_empty:
        shapely.prepare(covered)
        # a river point deep in someone's land sorts last: the label goes on open ground
        fracs = tuple(sorted(fracs, key=lambda f: bool(shapely.intersects(
            covered, line.interpolate(f, normalized=True).buffer(0.02 * line.length)))))
    for frac in fracs:
        at = line.interpolate(frac, normalized=True)
        d = frac * line.length
        a = line.interpolate(max(d - step, 0.0))
        b = line.interpolate(min(d + step, line.length))
        (ax_, ay_), (bx_, by_) = ax.transData.transform([(a.x, a.y), (b.x, b.y)])
        angle = math.degrees(math.atan2(by_ - ay_, bx_ - ax_))
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        # shift the text off the line, to its upper side
        nx, ny = -math.sin(math.radians(angle)), math.cos(math.radians(angle))
        t = ax.text(at.x, at.y, label, ha="center", va="center", rotation=angle,
                    rotation_mode="anchor", fontsize=fontsize,
                    # DejaVu Sans Oblique has no Arabic presentation forms
                    fontstyle="normal" if label != text or mode == "ar" else "italic",
                    color="#1f5f99", zorder=6, gid="river-label",
                    transform=offset_copy(ax.transData, fig=fig, x=7 * nx, y=7 * ny,
                                          units="points"),
                    path_effects=[pe.withStroke(linewidth=2.5, foreground="white")])
        box = t.get_window_extent(renderer)
        inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1
                  and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1)
        if inside and not any(box.overlaps(o) for o in obstacles):
            return t
        t.remove()
    return None


def _valid(geom: BaseGeometry) -> BaseGeometry:
    """`geom`, repaired when reprojection left it invalid (rings touching themselves)."""
    return geom if shapely.is_valid(geom) else shapely.make_valid(geom)


def _draw_territory(
    ax: Axes,
    proj: MapProjection,
    snapshot: Mapping[str, Any],
    cells: Mapping[str, BaseGeometry],
    clip: Polygon,
    *,
    close_km: float = 0.0,
    sites: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[list[str], bool, list[BaseGeometry]]:
    """Fill each actor's land and hatch contested places.

    With ``close_km > 0`` the fill is the closed territory of `territory.actor_territory`
    (the geometry `territory.pockets` measures as ``area_km2_low``). Returns the actors
    drawn, whether any place is hatched, and the drawn geometries (map metres).
    """
    drawn: list[str] = []
    covered: list[BaseGeometry] = []
    territory = actor_territory(snapshot, cells, close_km=close_km, sites=sites)
    for actor, geom in territory.items():
        local = shapely.intersection(_valid(proj.geom(geom)), clip)
        path = geometry_path(local) if not local.is_empty else None
        if path is None:
            continue
        color = actor_color(actor) if actor else "#555555"
        ax.add_patch(PathPatch(path, facecolor=color, edgecolor="white", lw=0.3, alpha=0.85,
                               zorder=2, gid=f"territory:{actor}"))
        drawn.append(actor)
        covered.append(local)
    hatched = False
    for cp in contested_places(snapshot, cells):
        local = shapely.intersection(_valid(proj.geom(cp.geometry)), clip)
        path = geometry_path(local) if not local.is_empty else None
        if path is None:
            continue
        color = actor_color(cp.actor)
        ax.add_patch(PathPatch(path, facecolor=color, alpha=0.45, edgecolor="#444444",
                               hatch="////", lw=0.6, zorder=2, gid=f"contested:{cp.actor}"))
        hatched = True
        covered.append(local)
        if cp.actor not in drawn:
            drawn.append(cp.actor)
    return drawn, hatched, covered


def _places_in(places: Iterable[Place], proj: MapProjection) -> list[Place]:
    w, s, e, n = proj.extent
    return [p for p in places if p.kind not in ADMIN_KINDS and w <= p.lon <= e
            and s <= p.lat <= n]


def _place_label_layout(
    ax: Axes,
    fig: Figure,
    proj: MapProjection,
    candidates: Sequence[Place],
    mode: str,
    *,
    fontsize: float,
    max_labels: int,
    obstacles: Sequence[Bbox] = (),
) -> list[str]:
    """Greedy label placement: keep a label only if its box overlaps no kept label.

    Text extents are measured with the Agg renderer. Candidates come in priority order;
    `obstacles` (legend, north arrow, scale bar) are boxes no label may overlap.
    Returns the place ids labelled.
    """
    if mode == "none" or not candidates:
        return []
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_box = ax.get_window_extent(renderer)
    kept: list[Bbox] = list(obstacles)
    labelled: list[str] = []
    for place in candidates:
        if len(labelled) >= max_labels:
            break
        text = place_label(place, mode)
        if not text:
            continue
        x, y = proj.xy(place.lon, place.lat)
        for dx, ha in ((4, "left"), (-4, "right")):
            t = ax.annotate(text, (x, y), xytext=(dx, 2), textcoords="offset points",
                            fontsize=fontsize, ha=ha, va="bottom", zorder=6, color="#111111",
                            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                                  "alpha": 0.6})
            ext = t.get_window_extent(renderer)
            box = Bbox.from_extents(ext.x0 - 3, ext.y0 - 2, ext.x1 + 3, ext.y1 + 2)
            inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1
                      and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1)
            if inside and not any(box.overlaps(k) for k in kept):
                kept.append(box)
                labelled.append(place.place_id)
                break
            t.remove()
    return labelled


def _nice_length_km(width_km: float) -> float:
    target = width_km / 5
    for step in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if step >= target:
            return float(step)
    return 1000.0


def _draw_scale_bar(ax: Axes, proj: MapProjection) -> list[Artist]:
    x0, y0, x1, y1 = proj.limits
    length_km = _nice_length_km((x1 - x0) / 1000)
    length = length_km * 1000
    bx, by = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    artists: list[Artist] = [
        ax.add_patch(Rectangle((bx + i * length / 2, by), length / 2, h, zorder=7,
                               facecolor="black" if i == 0 else "white", edgecolor="black",
                               lw=0.8))
        for i in range(2)
    ]
    label = f"{length_km:g} km"
    artists.append(ax.text(bx + length / 2, by + 1.8 * h, label, ha="center", va="bottom",
                           fontsize=8, zorder=7, gid="scale-bar"))
    return artists


def _draw_north_arrow(ax: Axes) -> Artist:
    return ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.85), xycoords="axes fraction",
                textcoords="axes fraction", ha="center", va="top", fontsize=11,
                fontweight="bold", zorder=7, gid="north-arrow",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})


def _setup_axes(ax: Axes, proj: MapProjection) -> Polygon:
    x0, y0, x1, y1 = proj.limits
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f7f4ec")
    return shapely.box(x0, y0, x1, y1)


@dataclass(frozen=True, slots=True)
class _Frame:
    """What `_draw_frame` drew: actors, any hatch, label candidates, no-report dots, river."""

    drawn: list[str]
    hatched: bool
    candidates: list[Place]
    no_report: bool
    river: dict[str, BaseGeometry] | None
    covered: BaseGeometry | None = None


def _has_holder(snapshot: Mapping[str, Any], place_id: str) -> bool:
    """True when the place is drawn as someone's territory (held, besieged, contested).

    A place lost to an unknown holder (actor ``unknown``, status ``lost``) is not."""
    holding = snapshot.get(place_id)
    if holding is None:
        return False
    if isinstance(holding, Mapping):
        actor, status = holding.get("actor"), holding.get("status", "held")
    else:
        actor, status = getattr(holding, "actor", None), getattr(holding, "status", "held")
    return bool(actor) and actor != "unknown" and (
        status in HELD_STATUSES or status == CONTESTED_STATUS)


def _draw_frame(
    ax: Axes,
    fig: Figure,
    proj: MapProjection,
    snapshot: Mapping[str, Any],
    places: Sequence[Place],
    cells: Mapping[str, BaseGeometry],
    context_layers: Mapping[str, Any] | None,
    *,
    point_size: float,
    close_km: float = DEFAULT_CLOSE_KM,
    show_unreported: bool = True,
) -> _Frame:
    """Boundaries, territory, context and place dots of one map.

    Places drawn as someone's territory are dark dots; places without a known holder (no
    report, or lost to an unknown holder) are small hollow grey rings (legend entry
    `NO_REPORT_LABEL`).
    """
    clip = _setup_axes(ax, proj)
    _draw_boundaries(ax, proj, places, clip)
    sites = place_sites(places) if close_km > 0 else None
    if sites is not None:
        sites = {k: v for k, v in sites.items() if k in cells}
    drawn, hatched, covered = _draw_territory(ax, proj, snapshot, cells, clip,
                                              close_km=close_km,
                                     sites=sites)
    river = _draw_context(ax, proj, context_layers, clip)
    shown = _places_in(places, proj)
    if len(shown) > MAX_BACKGROUND_PLACES:  # a large extent: only the places with a holder
        shown = [p for p in shown if p.place_id in snapshot]
    known = [p for p in shown if _has_holder(snapshot, p.place_id)]
    unknown = ([p for p in shown if not _has_holder(snapshot, p.place_id)]
               if show_unreported else [])
    if unknown:
        x, y = proj.xy([p.lon for p in unknown], [p.lat for p in unknown])
        ax.scatter(x, y, s=point_size * 0.9, facecolors="white", edgecolors=_NO_REPORT_COLOR,
                   linewidths=0.7, zorder=5, gid="places-no-report")
    if known:
        x, y = proj.xy([p.lon for p in known], [p.lat for p in known])
        ax.scatter(x, y, s=point_size, c=_POINT_COLOR, zorder=5, linewidths=0, gid="places")
    # labels: places with a known holder first, then the most populous
    ordered = sorted([*known, *unknown],
                     key=lambda p: (not _has_holder(snapshot, p.place_id),
                                    -(p.population or 0), p.place_id))
    return _Frame(drawn, hatched, ordered, bool(unknown), river,
                  shapely.union_all(covered) if covered else None)


def _legend_handles(
    drawn: Sequence[str], hatched: bool, no_report: bool = False
) -> list[Artist]:
    """Legend entries: the actors drawn in conventional order, "Contested", then the
    no-report place ring when such places are drawn."""
    order = list(ACTOR_COLORS)
    handles: list[Artist] = [
        Patch(facecolor=actor_color(a), edgecolor="#444444", label=actor_name(a))
        for a in sorted(set(drawn), key=lambda a: (order.index(a) if a in order else 99, a))
    ]
    if hatched:
        handles.append(Patch(facecolor="white", edgecolor="#444444", hatch="////",
                             label=CONTESTED_LABEL))
    if no_report:
        handles.append(Line2D([], [], ls="none", marker="o", ms=4, mfc="white",
                              mec=_NO_REPORT_COLOR, mew=0.8, label=NO_REPORT_LABEL))
    return handles


#: Corners tried for the map legend, in order of preference.
LEGEND_CORNERS: tuple[Literal["lower right", "upper left", "lower left", "upper right"], ...] = (
    "lower right", "upper left", "lower left", "upper right")


def _legend(
    ax: Axes,
    drawn: Sequence[str],
    hatched: bool,
    no_report: bool = False,
    *,
    covered: BaseGeometry | None = None,
    avoid: Sequence[Bbox] = (),
) -> Legend | None:
    """The map legend, in the corner (`LEGEND_CORNERS`) where it hides the least territory.

    A corner whose legend would overlap one of the `avoid` boxes (scale bar, north arrow)
    is taken only when every corner does; ties keep the first corner.
    """
    handles = _legend_handles(drawn, hatched, no_report)
    if not handles:
        return None
    fig = ax.get_figure()
    renderer = fig.canvas.get_renderer()  # type: ignore[union-attr]
    to_data = ax.transData.inverted()
    best: tuple[tuple[int, float], Any] | None = None
    for loc in LEGEND_CORNERS:
        legend = ax.legend(handles=handles, loc=loc, fontsize=8, framealpha=0.9)
        box = legend.get_window_extent(renderer)
        clash = sum(box.overlaps(a) for a in avoid)
        hidden = 0.0
        if covered is not None and not covered.is_empty:
            (x0, y0), (x1, y1) = to_data.transform([(box.x0, box.y0), (box.x1, box.y1)])
            hidden = float(shapely.area(shapely.intersection(covered,
                                                             shapely.box(x0, y0, x1, y1))))
        score = (clash, hidden)
        if best is None or score < best[0]:
            best = (score, loc)
        legend.remove()
    assert best is not None
    return ax.legend(handles=handles, loc=best[1], fontsize=8, framealpha=0.9)


def _check_labels(labels: str) -> None:
    if labels not in LABEL_MODES:
        msg = f"labels must be one of {', '.join(LABEL_MODES)}, got {labels!r}"
        raise ValueError(msg)


def _new_figure(figsize: tuple[float, float], dpi: float) -> Figure:
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)  # a renderer to measure label extents with
    return fig


def render_control_map(
    snapshot: Mapping[str, Any],
    places: Iterable[Place],
    cells: Mapping[str, BaseGeometry],
    *,
    on: dt.date,
    context_layers: Mapping[str, Any] | None = None,
    labels: str = "ar",
    extent: tuple[float, float, float, float] | None = None,
    actor: str | None = None,
    source_line: str | None = None,
    title: str | None = None,
    width_in: float = 8.0,
    dpi: float = 100,
    max_labels: int = 40,
    close_km: float = DEFAULT_CLOSE_KM,
) -> Figure:
    """A dated control map: territory by actor, places, river and borders, legend.

    Territory is filled with the actor's conventional colour (contested places hatched):
    each actor's cells closed by `territory.close_territory` (radius `close_km`), so
    neighbouring villages of one actor read as one patch; the area `territory.pockets`
    reports with the same `close_km` is the area of this fill. The legend lists only the
    actors drawn (then "Contested" and the no-report place ring when drawn). Sub-district
    boundaries (places of kind subdistrict with a polygon) are thin grey lines under the
    territory; the river is named once along its line. Places are dots (hollow grey when
    no report gives a holder) with labels placed greedily without overlaps (Arabic shaped
    right to left, or English). The map has a scale bar, a north arrow, the date as title
    and the source line at the bottom.

    Parameters
    ----------
    snapshot
        ``{place_id: Holding}`` on `on`.
    places
        Gazetteer places to draw as dots and labels (those inside the extent).
    cells
        ``{place_id: Polygon}`` from ``territory.place_cells``.
    on
        The date of the map (the title).
    context_layers
        ``{name: geometry or geometries}`` in lon/lat (`load_context_layers`): the keys of
        the river table (and names containing "river") are drawn as rivers and named in
        the label language, "border" as borders.
    labels
        ``"ar"``, ``"en"`` or ``"none"``.
    extent
        (W, S, E, N) in lon/lat; default: `map_extent` (the pockets of `actor`, else
        every place with a known holder).
    actor
        The actor whose pockets the map is about (extent only).
    source_line
        e.g. ``"from 42 reports, latest 2019-01-20"``.
    title
        Defaults to the ISO date.
    width_in, dpi, max_labels
        Figure width in inches, resolution, most labels drawn.
    close_km
        Radius (km) of the closing of each actor's territory; 0 draws the bare cells.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        Bad `labels`, or no extent given and nothing to show.
    """
    _check_labels(labels)
    places = list(places)
    if extent is None:
        extent = map_extent(snapshot, cells, actor=actor)
        if extent is None:
            msg = f"nothing to map on {on.isoformat()}: no place has a known holder"
            raise ValueError(msg)
    proj = map_projection(extent)
    x0, y0, x1, y1 = proj.limits
    aspect = (y1 - y0) / (x1 - x0)
    fig = _new_figure((width_in, width_in * min(max(aspect, 0.4), 2.0) + 0.6), dpi)
    ax = fig.add_axes((0.02, 0.06, 0.96, 0.86))
    frame = _draw_frame(ax, fig, proj, snapshot, places, cells, context_layers,
                        point_size=9, close_km=close_km)
    furniture = [*_draw_scale_bar(ax, proj), _draw_north_arrow(ax)]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = _legend(ax, frame.drawn, frame.hatched, frame.no_report, covered=frame.covered,
                     avoid=[a.get_window_extent(renderer) for a in furniture])
    if legend is not None:
        furniture.append(legend)
    obstacles = [a.get_window_extent(renderer) for a in furniture]
    for key, line in (frame.river or {}).items():  # each river named once, on open ground
        river_label = _draw_river_label(ax, fig, line, labels, obstacles=obstacles,
                                        covered=frame.covered,
                                        text=river_label_text(key, labels))
        if river_label is not None:
            obstacles.append(river_label.get_window_extent(renderer))
    _place_label_layout(ax, fig, proj, frame.candidates, labels, fontsize=8,
                        max_labels=max_labels, obstacles=obstacles)
    fig.suptitle(title or on.isoformat(), fontsize=14, y=0.975)
    if source_line:
        fig.text(0.02, 0.015, source_line, fontsize=8, color="#444444", gid="source-line")
    fig.text(0.98, 0.015, "Places: OCHA/GeoNames; context: Natural Earth, GSHHG",
             fontsize=6, color="#777777", ha="right")
    return fig


@dataclass(frozen=True, slots=True)
class MapFrame:
    """One date of a series: the snapshot on that date and its source line."""

    on: dt.date
    snapshot: Mapping[str, Any]
    source_line: str = ""


def render_small_multiples(
    frames: Sequence[MapFrame],
    places: Iterable[Place],
    cells: Mapping[str, BaseGeometry],
    *,
    extent: tuple[float, float, float, float],
    context_layers: Mapping[str, Any] | None = None,
    ncols: int | None = None,
    title: str | None = None,
    panel_in: float = 3.0,
    dpi: float = 100,
    close_km: float = DEFAULT_CLOSE_KM,
) -> Figure:
    """A sheet of small maps, one per frame, all with the same extent and style.

    Panels carry the date and no labels, and only the places with a reported holder as
    dots (no-report places would be clutter at this size); one legend lists the actors of
    all panels. `close_km` as for `render_control_map`.

    Raises
    ------
    ValueError
        When `frames` is empty.
    """
    if not frames:
        msg = "no frames to draw"
        raise ValueError(msg)
    places = list(places)
    proj = map_projection(extent)
    n = len(frames)
    ncols = ncols or min(n, 4)
    nrows = math.ceil(n / ncols)
    x0, y0, x1, y1 = proj.limits
    aspect = min(max((y1 - y0) / (x1 - x0), 0.4), 2.0)
    fig = _new_figure((panel_in * ncols, panel_in * aspect * nrows + 0.9), dpi)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    all_drawn: list[str] = []
    any_hatch = False
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_axis_off()
            continue
        frame = frames[i]
        drawn = _draw_frame(ax, fig, proj, frame.snapshot, places, cells, context_layers,
                            point_size=3, close_km=close_km, show_unreported=False)
        ax.set_title(frame.on.isoformat(), fontsize=9)
        all_drawn += [a for a in drawn.drawn if a not in all_drawn]
        any_hatch |= drawn.hatched
    handles = _legend_handles(all_drawn, any_hatch)
    if handles:
        fig.legend(handles=handles, loc="lower center", ncols=min(len(handles), 5), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.92 if title else 0.96, bottom=0.08,
                        wspace=0.05, hspace=0.15)
    return fig


@dataclass(frozen=True, slots=True)
class AreaPoint:
    """An actor's area on one date: with contested places by share, left out, counted in."""

    on: dt.date
    km2: float
    km2_low: float
    km2_high: float


@dataclass(frozen=True, slots=True)
class ReportedArea:
    """An area figure reported at the time (from the user's CSV: date, km2, source)."""

    on: dt.date
    km2: float
    source: str = ""


#: Reported sources in the list under the area chart are shortened to this many characters.
SOURCE_CHARS = 110
#: A detail panel is added when our largest area exceeds this many times the largest
#: reported figure (the reported figures would sit flat on the x axis otherwise).
DETAIL_RATIO = 3.0


def _series_on(ax: Axes, series: Sequence[AreaPoint], color: str) -> None:
    days = [p.on for p in series]
    ax.fill_between(days, [p.km2_low for p in series], [p.km2_high for p in series],  # type: ignore[arg-type]
                    color=color, alpha=0.2, lw=0, label="contested left out / counted in")
    ax.plot(days, [p.km2 for p in series], color=color, marker="o", ms=3, lw=1.8,  # type: ignore[arg-type]
            label="tracker (from reports)")


def _number_reported(
    ax: Axes, fig: Figure, reported: Sequence[ReportedArea], numbers: Sequence[int]
) -> None:
    """Write each reported point's number beside its marker, without overlaps.

    Offsets are tried in turn (above, right, left, below ...); the first whose box
    overlaps no other number nor leaves the axes is kept (else the last one tried).
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_box = ax.get_window_extent(renderer)
    kept: list[Bbox] = []
    offsets = ((0, 7), (7, 3), (-7, 3), (0, -11), (9, -7), (-9, -7), (0, 16), (0, -19))
    for r, num in zip(reported, numbers, strict=True):
        t = None
        for dx, dy in offsets:
            if t is not None:
                t.remove()
            t = ax.annotate(str(num), (r.on, r.km2), xytext=(dx, dy),  # type: ignore[arg-type]
                            textcoords="offset points", ha="center", va="center",
                            fontsize=7.5, fontweight="bold", color="#8a2e07", zorder=5,
                            gid="reported-number")
            box = t.get_window_extent(renderer)
            inside = axes_box.x0 <= box.x0 and box.x1 <= axes_box.x1 and \
                axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1
            if inside and not any(box.overlaps(k) for k in kept):
                break
        if t is not None:
            kept.append(t.get_window_extent(renderer))


def source_list(reported: Sequence[ReportedArea], *, width: int = SOURCE_CHARS) -> list[str]:
    """The numbered lines under the area chart: ``"1  2019-01-15  15 km²  source"``.

    Sources longer than `width` characters are shortened at a word boundary with "…".
    """
    lines = []
    for i, r in enumerate(reported, start=1):
        src = textwrap.shorten(r.source, width=width, placeholder=" …") if r.source else "-"
        lines.append(f"{i:>2}  {r.on.isoformat()}  {r.km2:g} km²  {src}")
    return lines


def render_area_chart(
    series: Sequence[AreaPoint],
    reported: Sequence[ReportedArea] | None = None,
    *,
    actor: str | None = None,
    title: str | None = None,
    dpi: float = 100,
) -> Figure:
    """Area over time: our series (band = contested left out .. counted in) vs reports.

    Reported figures are diamonds numbered 1, 2, ... in date order; the numbered list of
    their sources (shortened to `SOURCE_CHARS`) is printed under the chart. When our
    series dwarfs the reported figures (`DETAIL_RATIO`), a second panel repeats both over
    the reported dates with a y axis fitted to them, and carries the numbers.

    Parameters
    ----------
    series
        Our areas, one per date.
    reported
        Figures reported at the time, drawn as numbered markers.
    actor
        Whose area it is (colour and title).
    title
        Defaults to "<actor> territory, km²".

    Returns
    -------
    Figure
        ``fig.axes[0]`` is the full chart (with the legend), ``fig.axes[1]`` the detail
        panel when there is one.
    """
    reported = sorted(reported or (), key=lambda r: r.on)
    numbers = list(range(1, len(reported) + 1))
    top = max((p.km2_high for p in series), default=0.0)
    rep_top = max((r.km2 for r in reported), default=0.0)
    detail = bool(reported) and top > DETAIL_RATIO * max(rep_top, 1.0)
    lines = source_list(reported)
    list_in = 0.35 + 0.16 * len(lines) if lines else 0.0
    chart_in = 4.2 + (3.0 if detail else 0.0)
    height = chart_in + list_in
    fig = _new_figure((9, height), dpi)
    color = actor_color(actor)
    bottom = (list_in + 0.55) / height
    if detail:
        split = bottom + 2.55 / height
        ax = fig.add_axes((0.08, split + 0.75 / height, 0.88, 1 - split - 1.2 / height))
        det = fig.add_axes((0.08, bottom, 0.88, 2.35 / height))
    else:
        ax = fig.add_axes((0.08, bottom, 0.88, 1 - bottom - 0.5 / height))
        det = None
    if series:
        _series_on(ax, series, color)
    if reported:
        ax.scatter([r.on for r in reported], [r.km2 for r in reported], marker="D", s=30,  # type: ignore[arg-type]
                   color="#d9480f", edgecolors="white", linewidths=0.5, zorder=4,
                   label="reported at the time")
    ax.set_ylabel("area, km²")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.set_title(title or (f"{actor_name(actor)} territory, km²" if actor else "Territory, km²"))
    if series or reported:
        ax.legend(fontsize=8, loc="upper right")
    for a in (ax, det):
        if a is not None:
            for label in a.get_xticklabels():
                label.set_rotation(25)
                label.set_horizontalalignment("right")
                label.set_fontsize(8)
    if det is not None:
        first = reported[0].on - dt.timedelta(days=5)
        last = reported[-1].on + dt.timedelta(days=5)
        near = [p for p in series if reported[0].on <= p.on <= last]
        if series:
            _series_on(det, series, color)
        det.scatter([r.on for r in reported], [r.km2 for r in reported], marker="D", s=30,  # type: ignore[arg-type]
                    color="#d9480f", edgecolors="white", linewidths=0.5, zorder=4)
        ymax = max([rep_top, *(p.km2_high for p in near)]) * 1.2 or 1.0
        det.set_xlim(first, last)  # type: ignore[arg-type]
        det.set_ylim(0, ymax)
        det.grid(alpha=0.3)
        det.set_ylabel("area, km²")
        det.set_title(f"detail, {first.isoformat()} to {last.isoformat()}", fontsize=9)
        for label in det.get_xticklabels():
            label.set_rotation(25)
            label.set_horizontalalignment("right")
            label.set_fontsize(8)
        _number_reported(det, fig, reported, numbers)
        # where the detail panel sits on the full chart
        ax.axvspan(first, last, color="#999999", alpha=0.08, lw=0)  # type: ignore[arg-type]
    elif reported:
        _number_reported(ax, fig, reported, numbers)
    if lines:
        fig.text(0.03, (list_in - 0.12) / height, "Reported at the time:", fontsize=8,
                 fontweight="bold", va="top", gid="source-list-title")
        fig.text(0.03, (list_in - 0.32) / height, "\n".join(lines), fontsize=7.5,
                 va="top", linespacing=1.35, color="#333333", gid="source-list")
    return fig
