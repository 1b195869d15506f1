"""Territory: place cells, actor territory, pockets and their area in km².

Pure functions over shapely geometries in lon/lat (EPSG:4326). Anything metric (buffers in
km, areas in km²) is computed in a Lambert Azimuthal Equal Area projection centred on the
data (pyproj), never in degrees.

The chain is::

    places ──place_cells()──► {place_id: cell}
    snapshot + cells ──actor_territory()──► {actor: MultiPolygon}
    snapshot + cells ──pockets()/pocket_report()──► connected parts, km² low/total/high

A *snapshot* is ``{place_id: Holding}`` as returned by ``Timeline.snapshot(on)``; only the
attributes ``actor``, ``status`` and ``fraction`` of a holding are read here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from tracker.model import ADMIN_KINDS, Place

logger = logging.getLogger(__name__)

#: Place kinds that are administrative units: they have polygons but are not control cells.

#: Statuses under which the holding's actor controls the place outright.
HELD_STATUSES: frozenset[str] = frozenset({"captured", "held", "besieged"})
#: Status under which the place is shared; the holding's fraction is the actor's share.
CONTESTED_STATUS = "contested"
#: Share assumed for a contested place whose reports give no fraction.
DEFAULT_CONTESTED_FRACTION = 0.5

#: Fixed radius around each settlement that can belong to it, when one is asked for
#: (``place_cells(buffer_km=...)``); by default the reach follows the local density.
DEFAULT_BUFFER_KM = 1.25
#: Density-following reach (`settlement_reach`): a settlement's land reaches
#: `REACH_FACTOR` times the median distance to its `REACH_NEIGHBOURS` nearest neighbours,
#: kept between `REACH_MIN_KM` (town quarters, dense villages) and `REACH_MAX_KM` (steppe).
REACH_FACTOR = 0.4
REACH_NEIGHBOURS = 3
REACH_MIN_KM = 0.5
REACH_MAX_KM = 4.0
#: Two points closer than this are one settlement listed twice: not each other's neighbour.
_SAME_SITE_KM = 0.05
#: Settlements closer than this to a barrier line ignore it (the line is too coarse there).
BARRIER_MARGIN_KM = 0.5
#: Settlements closer than this share one cell (see `place_cells`).
DEFAULT_MERGE_KM = 0.5
#: Parts of an actor's territory closer than this are one pocket (see `pockets`).
DEFAULT_LINK_KM = 2.0
#: Radius of the morphological closing that makes neighbouring cells of one actor one patch
#: on maps (and in the areas the CLI reports for them); see `close_territory`.
#: 0.75 km bridges gaps under 1.5 km, i.e. neighbouring villages of the valley (1-4 km
#: apart, cells of 1.25 km), and adds a few per cent to a pocket's area (the mid-January
#: 2019 pocket: 18.8 km² closed; a 1 km closing would add more than the reported ~15 km²
#: allow).
DEFAULT_CLOSE_KM = 0.75
#: Sites farther than this from a territory cannot own land the closing may fill.
_SITE_WINDOW_KM = 12.0

_CELLS_VERSION = "cells-v1"
_MEMORY_CACHE: dict[str, dict[str, Polygon]] = {}
_MEMORY_CACHE_MAX = 8


# --------------------------------------------------------------------------- projections


@lru_cache(maxsize=64)
def _laea(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    """Forward and inverse transformers lon/lat <-> LAEA centred on (lon0, lat0), metres."""
    crs = f"+proj=laea +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return fwd, inv


def equal_area_transformers(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Transformers to and from a local equal-area projection (LAEA, metres) near a point.

    The centre is rounded to 0.1° so that nearby calls share one (cached) transformer.

    Parameters
    ----------
    lon, lat
        Where the projection is centred, in degrees.

    Returns
    -------
    (forward, inverse)
        ``forward`` maps lon/lat to metres, ``inverse`` maps metres back; both always_xy.
    """
    return _laea(round(lon, 1), round(lat, 1))


def _apply(geom: Any, transformer: Transformer) -> Any:
    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def to_metric(geom: Any, transformer: Transformer) -> Any:
    """Project a lon/lat geometry (or array of them) with `transformer` (e.g. LAEA)."""
    return _apply(geom, transformer)


def area_km2(geom: BaseGeometry | None) -> float:
    """Area of a lon/lat geometry in km², measured in an equal-area projection.

    The geometry is projected to a Lambert Azimuthal Equal Area projection centred on its
    own centroid, so the result is exact up to the ellipsoid (no degree areas).

    Parameters
    ----------
    geom
        A polygonal shapely geometry in lon/lat (EPSG:4326); None or empty gives 0.

    Returns
    -------
    float
        Area in square kilometres.

    Examples
    --------
    >>> round(area_km2(shapely.box(40.0, 34.0, 40.01, 34.01)), 3)  # ~0.92 x 1.11 km
    1.023
    """
    if geom is None or geom.is_empty:
        return 0.0
    c = geom.centroid
    fwd, _ = equal_area_transformers(c.x, c.y)
    return float(shapely.area(_apply(geom, fwd))) / 1e6


# --------------------------------------------------------------------------- cells


def is_settlement(place: Place) -> bool:
    """True for places that get a control cell: not an admin unit."""
    return place.kind not in ADMIN_KINDS


def settlement_reach(xy_km: np.ndarray, *, factor: float = REACH_FACTOR,
                     neighbours: int = REACH_NEIGHBOURS, lo: float = REACH_MIN_KM,
                     hi: float = REACH_MAX_KM) -> np.ndarray:
    """How far each settlement's land reaches (km), from the local settlement density.

    ``factor`` x the median distance to the ``neighbours`` nearest other settlements,
    clipped to [lo, hi]: in a valley of villages 2-4 km apart about 1-2 km (the Voronoi
    cell then decides), in a city's dense quarters `lo`, for a lone steppe hamlet up to
    `hi`. `xy_km` is an ``(n, 2)`` array of projected coordinates in km. Neighbours are
    looked for within ``hi / factor`` (an STRtree query), so the cost grows with the
    local density, not with the square of the number of settlements.
    """
    n = len(xy_km)
    far = hi / factor
    if n < 2:
        return np.full(n, hi)
    pts = shapely.points(xy_km)
    tree = shapely.STRtree(pts)
    i, j = tree.query(pts, predicate="dwithin", distance=far)
    d = np.hypot(*(xy_km[i] - xy_km[j]).T)
    keep = d >= _SAME_SITE_KM
    i, d = i[keep], d[keep]
    order = np.lexsort((d, i))
    i, d = i[order], d[order]
    first = np.searchsorted(i, np.arange(n))
    rank = np.arange(len(i)) - first[i]
    near = np.full((n, neighbours), far)
    sel = rank < neighbours
    near[i[sel], rank[sel]] = d[sel]
    return np.clip(factor * np.median(near, axis=1), lo, hi)


def cells_key(
    places: Sequence[Place],
    *,
    buffer_km: float | None,
    study_area: BaseGeometry | None,
    barriers: BaseGeometry | None,
    merge_km: float = 0.0,
) -> str:
    """Cache key of a cell computation: hash of ids, coordinates, own polygons and options."""
    h = hashlib.sha256(_CELLS_VERSION.encode())
    reach = (f"{buffer_km:.6f}" if buffer_km is not None else
             f"adaptive:{REACH_FACTOR}:{REACH_NEIGHBOURS}:{REACH_MIN_KM}:{REACH_MAX_KM}")
    h.update(f"|{reach}|{merge_km:.6f}|".encode())
    for p in sorted(places, key=lambda q: q.place_id):
        h.update(f"{p.place_id}|{p.lon:.6f}|{p.lat:.6f}|{p.kind}\n".encode())
        if p.geometry is not None:
            h.update(shapely.to_wkb(p.geometry))
    for extra in (study_area, barriers):
        h.update(b"|" + (shapely.to_wkb(extra) if extra is not None else b"-"))
    return h.hexdigest()[:24]


def place_cells(
    places: Iterable[Place],
    *,
    study_area: BaseGeometry | None = None,
    buffer_km: float | None = None,
    barriers: BaseGeometry | None = None,
    merge_km: float = DEFAULT_MERGE_KM,
    cache_dir: Path | None = None,
) -> dict[str, Polygon]:
    """The area each settlement stands for: its own polygon, or a clipped Voronoi cell.

    Every place that is not an admin unit gets a cell. Places with their own polygon
    (city neighbourhoods) use it. Every point place gets its Voronoi cell among all point
    places (the land closer to it than to any other settlement), cut down to

    * the disc of its *reach* around it: a settlement stands for its houses and fields,
      not for the desert beyond. By default (``buffer_km=None``) the reach follows the
      settlement pattern (`settlement_reach`): 0.4 x the median distance to its three
      nearest neighbours, between 0.5 km (a city's quarters, dense villages) and 4 km (a
      lone steppe hamlet). In the Euphrates valley, where villages sit 2-4 km apart on a
      cultivated strip, that is 1-2 km and the Voronoi cell between neighbours decides;
      between Aleppo's or Daraa's close-set villages it is under 1 km. ``buffer_km``
      fixes one radius for all instead (1.25 km was the earlier default, fitted to the
      2019 pocket only). Voronoi ∩ (union of all discs) equals Voronoi ∩ own disc, so
      this is the study area "union of the settlements' reaches". A point-based cell
      cannot follow a pocket of a few hundred metres of one town: such figures are shown
      beside ours, not matched.
    * `study_area` (e.g. the country border or a set of admin units) when given;
    * the side of each `barrier` line (e.g. the Euphrates) the settlement stands on, so a
      village on the east bank never owns land on the west bank. A settlement closer
      than `BARRIER_MARGIN_KM` to the line keeps its whole cell: a 1:10m river line can
      be a kilometre off, and would otherwise cut a riverside village in half;
    * minus the own polygons of other places (neighbourhoods inside a city cell).

    Settlements less than `merge_km` apart (by default 0.5 km: in practice one village
    listed twice by two sources under two spellings) share one cell, the Voronoi cell of
    their centre within the union of their discs, rather than splitting it in two
    slivers; when two actors hold such a pair, each is given the whole cell. Cells are
    computed in a local equal-area projection and returned in lon/lat. Results are cached
    in memory and, when `cache_dir` is given, on disk (key: hash of ids, coordinates and
    options).

    Parameters
    ----------
    places
        Gazetteer places (admin units are skipped).
    study_area
        Optional polygon (lon/lat) that every cell is clipped to.
    buffer_km
        One radius (km, > 0) around every settlement beyond which land belongs to nobody;
        None (default): each settlement's own reach (`settlement_reach`).
    barriers
        Optional lines (lon/lat) a cell may not cross, e.g. a river.
    merge_km
        Settlements closer than this (km) share one cell; 0 = only identical points.
    cache_dir
        Optional directory for the on-disk cache.

    Returns
    -------
    dict
        ``{place_id: Polygon}`` in lon/lat; places whose cell is empty are left out.

    Raises
    ------
    ValueError
        When `buffer_km` is not positive.
    """
    if buffer_km is not None and not buffer_km > 0:
        msg = (f"buffer_km must be positive (or None for the density-following reach), "
               f"got {buffer_km!r}")
        raise ValueError(msg)
    settlements = [p for p in places if is_settlement(p)]
    key = cells_key(
        settlements, buffer_km=buffer_km, study_area=study_area, barriers=barriers,
        merge_km=merge_km,
    )
    if key in _MEMORY_CACHE:
        return dict(_MEMORY_CACHE[key])
    cells = _read_cells_cache(cache_dir, key) if cache_dir is not None else None
    if cells is None:
        cells = _compute_cells(
            settlements, study_area=study_area, buffer_km=buffer_km, barriers=barriers,
            merge_km=merge_km,
        )
        if cache_dir is not None:
            _write_cells_cache(cache_dir, key, cells)
    if len(_MEMORY_CACHE) >= _MEMORY_CACHE_MAX:
        _MEMORY_CACHE.pop(next(iter(_MEMORY_CACHE)))
    _MEMORY_CACHE[key] = cells
    return dict(cells)


def _compute_cells(
    places: Sequence[Place],
    *,
    study_area: BaseGeometry | None,
    buffer_km: float | None,
    barriers: BaseGeometry | None,
    merge_km: float,
) -> dict[str, Polygon]:
    if not places:
        return {}
    lon0 = float(np.mean([p.lon for p in places]))
    lat0 = float(np.mean([p.lat for p in places]))
    fwd, inv = equal_area_transformers(lon0, lat0)

    own = {p.place_id: p.geometry for p in places if p.geometry is not None}
    points = [p for p in places if p.geometry is None]
    cells: dict[str, Polygon] = {}

    if points:
        x, y = fwd.transform([p.lon for p in points], [p.lat for p in points])
        xy = np.column_stack([x, y])
        # settlements closer than merge_km are one (often one village twice, from two
        # sources under two spellings): they share one cell instead of splitting it
        groups = _link_groups(shapely.points(xy), merge_km * 1000.0)
        inverse = np.empty(len(points), dtype=np.int64)
        for g, members in enumerate(groups):
            inverse[members] = g
        uniq = np.array([xy[m].mean(axis=0) for m in groups])
        pts = shapely.points(uniq)
        if buffer_km is None:  # each settlement's reach from the density around it
            radius_each = settlement_reach(
                uniq / 1000.0, factor=REACH_FACTOR, neighbours=REACH_NEIGHBOURS,
                lo=REACH_MIN_KM, hi=REACH_MAX_KM)[inverse] * 1000.0
        else:
            radius_each = np.full(len(points), buffer_km * 1000.0)
        radius = float(radius_each.max())
        point_discs = shapely.buffer(shapely.points(xy), radius_each, quad_segs=16)
        discs = np.array(
            [point_discs[m[0]] if len(m) == 1 else shapely.union_all(point_discs[m])
             for m in groups],
            dtype=object,
        )
        if len(uniq) == 1:
            metric_cells = discs
        else:
            # voronoi_polygons(ordered=True) gives one cell per input point, in input order.
            vor = shapely.voronoi_polygons(
                shapely.multipoints(uniq), extend_to=shapely.box(*_bounds(uniq, radius * 2)),
                ordered=True,
            )
            metric_cells = shapely.intersection(np.asarray(shapely.get_parts(vor)), discs)
        if study_area is not None:
            metric_cells = _clip(np.asarray(metric_cells, dtype=object), _apply(study_area, fwd))
        if barriers is not None and not barriers.is_empty:
            metric_cells = _cut_by_barriers(metric_cells, pts, _apply(barriers, fwd))
        if own:
            holes = shapely.union_all(_apply(np.array(list(own.values()), dtype=object), fwd))
            metric_cells = shapely.difference(metric_cells, holes)
        metric_cells = shapely.make_valid(metric_cells)
        lonlat = _apply(metric_cells, inv)
        for i, p in enumerate(points):
            cell = _polygonal(lonlat[inverse[i]])
            if cell is not None:
                cells[p.place_id] = cell
    for pid, geom in own.items():
        cell = _polygonal(geom)
        if cell is not None:
            cells[pid] = cell
    logger.info("Built %d cells for %d places", len(cells), len(places))
    return cells


def _clip(cells: np.ndarray, area: BaseGeometry) -> np.ndarray:
    """Cells ∩ area, intersecting only the cells the (prepared) area does not contain."""
    shapely.prepare(area)
    out = cells.copy()
    todo = ~shapely.contains(area, cells)
    out[todo] = shapely.intersection(cells[todo], area)
    return out


def _bounds(xy: np.ndarray, pad: float) -> tuple[float, float, float, float]:
    return (
        float(xy[:, 0].min() - pad),
        float(xy[:, 1].min() - pad),
        float(xy[:, 0].max() + pad),
        float(xy[:, 1].max() + pad),
    )


def _cut_by_barriers(cells: np.ndarray, pts: np.ndarray, barrier: BaseGeometry) -> np.ndarray:
    """Keep, of each cell a barrier line crosses, the piece on the settlement's side."""
    out = np.array(cells, dtype=object)
    hits = shapely.intersects(cells, barrier) & (
        shapely.distance(pts, barrier) >= BARRIER_MARGIN_KM * 1000.0
    )
    for i in np.flatnonzero(hits):
        cell = cells[i]
        if cell.is_empty:
            continue
        # clip to a slightly larger cell so the line crosses the boundary (no dangles)
        lines = shapely.intersection(barrier, shapely.buffer(cell, 1.0))
        noded = shapely.union_all([shapely.boundary(cell), lines])
        pieces = [
            g
            for g in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
            if cell.contains(g.representative_point())
        ]
        if len(pieces) <= 1:
            continue
        dists = [g.distance(pts[i]) for g in pieces]
        out[i] = pieces[int(np.argmin(dists))]
    return out


def _polygonal(geom: BaseGeometry | None) -> Polygon | MultiPolygon | None:
    """The polygonal part of a geometry (drops slivers of lines and points), or None."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon | MultiPolygon)]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if not merged.is_empty else None


def _read_cells_cache(cache_dir: Path, key: str) -> dict[str, Polygon] | None:
    path = Path(cache_dir) / f"{key}.cells.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("version") != _CELLS_VERSION:
            return None
        geoms = shapely.from_wkb([bytes.fromhex(h) for h in doc["wkb"]])
        return dict(zip(doc["ids"], geoms, strict=True))
    except (OSError, ValueError, KeyError, shapely.errors.GEOSException):
        return None


def _write_cells_cache(cache_dir: Path, key: str, cells: Mapping[str, Polygon]) -> None:
    """Write the cell cache atomically; a failure only costs the cache, never the result."""
    ids = list(cells)
    doc = {
        "version": _CELLS_VERSION,
        "ids": ids,
        "wkb": [shapely.to_wkb(cells[i]).hex() for i in ids],
    }
    try:
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        os.replace(tmp, cache_dir / f"{key}.cells.json")
    except OSError as err:
        logger.warning("Could not write the cell cache in %s: %s", cache_dir, err)


# --------------------------------------------------------------------------- territory


@dataclass(frozen=True, slots=True)
class ContestedPlace:
    """A contested place: its cell, the holding's actor, that actor's share, the other side."""

    place_id: str
    actor: str
    geometry: BaseGeometry
    fraction: float
    other: str | None = None


@dataclass(frozen=True, slots=True)
class Pocket:
    """One connected part of an actor's territory.

    `geometry` covers the places held outright and the contested ones. `area_km2` counts
    contested places by the actor's share; `area_km2_low` leaves them out and
    `area_km2_high` counts them whole. `places` are the place ids inside, sorted;
    `contested` the subset that is contested. `bbox` is (west, south, east, north).
    `geometry_low` is the part held outright (what `area_km2_low` measures, and what a
    map fills with the actor's colour); None when the pocket has no such part.
    """

    geometry: BaseGeometry
    area_km2: float
    area_km2_low: float
    area_km2_high: float
    places: tuple[str, ...]
    contested: tuple[str, ...]
    bbox: tuple[float, float, float, float]
    geometry_low: BaseGeometry | None = None


def _holding_fields(holding: Any) -> tuple[str | None, str, float | None, str | None]:
    if isinstance(holding, Mapping):
        return (
            holding.get("actor"),
            str(holding.get("status", "held")),
            holding.get("fraction"),
            holding.get("by"),
        )
    return (
        getattr(holding, "actor", None),
        str(getattr(holding, "status", "held")),
        getattr(holding, "fraction", None),
        getattr(holding, "by", None),
    )


def _classify(
    snapshot: Mapping[str, Any], cells: Mapping[str, BaseGeometry]
) -> tuple[dict[str, list[str]], list[tuple[str, str, float, str | None]]]:
    """Split a snapshot into held place ids per actor and contested places.

    Contested entries are ``(place_id, actor, actor's share, other side or None)``.
    """
    held: dict[str, list[str]] = {}
    contested: list[tuple[str, str, float, str | None]] = []
    for pid, holding in snapshot.items():
        if pid not in cells or holding is None:
            continue
        actor, status, fraction, by = _holding_fields(holding)
        if not actor:
            continue
        if status == CONTESTED_STATUS:
            share = DEFAULT_CONTESTED_FRACTION if fraction is None else float(fraction)
            contested.append((pid, actor, min(max(share, 0.0), 1.0), by or None))
        elif status in HELD_STATUSES:
            held.setdefault(actor, []).append(pid)
    return held, contested


def _shares(
    contested: Iterable[tuple[str, str, float, str | None]], actor: str
) -> dict[str, float]:
    """The share `actor` has of each contested place (as holder or as the other side)."""
    out: dict[str, float] = {}
    for pid, holder, share, other in contested:
        if holder == actor:
            out[pid] = share
        elif other == actor:
            out[pid] = 1.0 - share
    return out


def _as_multi(geom: BaseGeometry) -> MultiPolygon:
    if geom.is_empty:
        return MultiPolygon()
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    return MultiPolygon([g for g in shapely.get_parts(geom) if isinstance(g, Polygon)])


def place_sites(places: Iterable[Place]) -> dict[str, tuple[float, float]]:
    """``{place_id: (lon, lat)}`` of the settlements: the sites of the Voronoi partition.

    `close_territory` (and `actor_territory`/`pockets` with ``close_km > 0``) needs them to
    keep a closed patch inside the land nearest to the actor's own settlements.
    """
    return {p.place_id: (float(p.lon), float(p.lat)) for p in places if is_settlement(p)}


class _SiteIndex:
    """The sites of a partition as arrays, for picking those near a patch quickly."""

    def __init__(self, sites: Mapping[str, tuple[float, float]], partition: Any) -> None:
        self.sites, self.partition = sites, partition
        self.ids = [p for p in partition if p in sites]
        self.lon = np.fromiter((sites[p][0] for p in self.ids), float, len(self.ids))
        self.lat = np.fromiter((sites[p][1] for p in self.ids), float, len(self.ids))

    def near(self, bounds: tuple[float, float, float, float], km: float) -> list[str]:
        """Ids of the sites within about `km` of a lon/lat box (a box test, generous)."""
        w, s, e, n = bounds
        dlat = km / 110.0
        dlon = km / (110.0 * max(math.cos(math.radians((s + n) / 2)), 0.1))
        sel = ((self.lon >= w - dlon) & (self.lon <= e + dlon)
               & (self.lat >= s - dlat) & (self.lat <= n + dlat))
        return [self.ids[i] for i in np.flatnonzero(sel)]


_SITE_INDEXES: dict[tuple[int, int], _SiteIndex] = {}


def _site_index(sites: Mapping[str, tuple[float, float]], partition: Any) -> _SiteIndex:
    """The (cached) `_SiteIndex` of a sites mapping and a partition (``cells``)."""
    key = (id(sites), id(partition))
    got = _SITE_INDEXES.get(key)
    if got is None or got.sites is not sites or got.partition is not partition:
        if len(_SITE_INDEXES) >= 8:
            _SITE_INDEXES.pop(next(iter(_SITE_INDEXES)))
        got = _SITE_INDEXES[key] = _SiteIndex(sites, partition)
    return got


def _site_regions(
    member_ids: Sequence[str],
    sites: Mapping[str, tuple[float, float]],
    partition_ids: Iterable[str],
    window: BaseGeometry,
    fwd: Transformer,
) -> BaseGeometry:
    """Union of the Voronoi regions (metric) of `member_ids` among the partition's sites.

    Only sites inside the metric `window` take part: a site farther away cannot own land
    inside it. Members without a site contribute nothing. `partition_ids` is a list of
    ids, or the ``cells`` mapping itself (its sites are then indexed once and reused).
    """
    if isinstance(partition_ids, Mapping):
        ids = list(partition_ids)  # the caller passes a pre-selected list when it can
    else:
        ids = [p for p in partition_ids if p in sites]
    ids = [p for p in ids if p in sites]
    if not ids:
        return shapely.Polygon()
    lon = np.fromiter((sites[p][0] for p in ids), float, len(ids))
    lat = np.fromiter((sites[p][1] for p in ids), float, len(ids))
    x, y = fwd.transform(lon, lat)
    xy = np.column_stack([x, y])
    w, s, e, n = window.bounds
    inside = (xy[:, 0] >= w) & (xy[:, 0] <= e) & (xy[:, 1] >= s) & (xy[:, 1] <= n)
    members = set(member_ids)
    keep = inside | np.fromiter((p in members for p in ids), bool, len(ids))
    xy = xy[keep]
    kept_ids = [p for p, k in zip(ids, keep.tolist(), strict=True) if k]
    uniq, inverse = np.unique(np.round(xy, 1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    own = sorted({int(inverse[i]) for i, p in enumerate(kept_ids) if p in members})
    if not own:
        return shapely.Polygon()
    frame = shapely.box(*_bounds(np.vstack([uniq, np.array(window.bounds).reshape(2, 2)]),
                                 1000.0))
    if len(uniq) == 1:
        return frame
    vor = shapely.voronoi_polygons(shapely.multipoints(uniq), extend_to=frame, ordered=True)
    regions = np.asarray(shapely.get_parts(vor))
    return shapely.union_all(regions[own])


def close_territory(
    member_ids: Sequence[str],
    cells: Mapping[str, BaseGeometry],
    sites: Mapping[str, tuple[float, float]],
    *,
    close_km: float = DEFAULT_CLOSE_KM,
    others: Iterable[str] = (),
) -> BaseGeometry:
    """One actor's cells as one patch of territory: a closing inside its Voronoi regions.

    Village cells are discs of land cut by their neighbours' cells; two villages of one
    actor 3 km apart are two discs that barely touch. The closing (buffer by +`close_km`
    then by -`close_km`, in a local equal-area projection) fills the waists and gaps
    narrower than 2·`close_km` between them, so neighbouring villages form one patch. The
    fill is kept only inside the Voronoi regions of the members among all the cells'
    sites (land nearer to the actor's own settlements than to any other), and never
    inside the cells of `others`; the members' cells themselves are always kept whole.
    Holes left inside the patch smaller than `MAX_HOLE_KM2` that hold no other settlement
    nor any cell of `others` are filled too.
    The fill adds little area (see `DEFAULT_CLOSE_KM`).

    Parameters
    ----------
    member_ids
        The places of the patch (ids in `cells`).
    cells
        ``{place_id: Polygon}`` from `place_cells`; every key is one site of the partition.
    sites
        ``{place_id: (lon, lat)}`` (`place_sites`).
    close_km
        Radius of the closing; 0 gives the plain union of the cells.
    others
        Places whose cells the fill must not enter (held by someone else, contested).

    Returns
    -------
    BaseGeometry
        A (multi)polygon in lon/lat; empty when there are no members.
    """
    members = [p for p in member_ids if p in cells]
    if not members:
        return MultiPolygon()
    union = shapely.union_all([cells[p] for p in members])
    if close_km <= 0:
        return union
    c = union.centroid
    fwd, inv = equal_area_transformers(c.x, c.y)
    metric = _apply(union, fwd)
    d = close_km * 1000.0
    closed = shapely.buffer(shapely.buffer(metric, d, quad_segs=8), -d, quad_segs=8)
    window = shapely.box(*metric.bounds).buffer(_SITE_WINDOW_KM * 1000.0)
    # the sites that can matter: the members and those within the window (box test)
    local = _site_index(sites, cells).near(union.bounds, _SITE_WINDOW_KM + close_km + 1.0)
    member_set = set(members)
    local_ids = list(dict.fromkeys([*members, *local]))
    fill = shapely.intersection(closed, _site_regions(members, sites, local_ids, window, fwd))
    blocked = [cells[p] for p in others if p in cells and p not in member_set]
    blocked_m = _apply(shapely.union_all(blocked), fwd) if blocked else None
    if blocked_m is not None:
        fill = shapely.difference(fill, blocked_m)
    fill = _polygonal(shapely.make_valid(fill))
    holes = _small_empty_holes(
        shapely.union_all([metric, fill]) if fill is not None else metric,
        [p for p in local_ids if p not in member_set and p in sites and p in cells], sites,
        fwd, blocked_m)
    if holes:
        fill = shapely.union_all([g for g in (fill, *holes) if g is not None])
    if fill is None or fill.is_empty:
        return union
    back = _apply(fill, inv)
    if not shapely.is_valid(back):  # reprojection can make rings touch themselves
        back = shapely.make_valid(back)
    out = shapely.union_all([union, back])
    return _polygonal(shapely.make_valid(out)) or union


#: Holes in a closed patch up to this size (km²) with no other settlement in them are
#: filled: an empty enclave inside one actor's land reads as that actor's land.
MAX_HOLE_KM2 = 2.0


def _small_empty_holes(
    metric: BaseGeometry,
    other_ids: Sequence[str],
    sites: Mapping[str, tuple[float, float]],
    fwd: Transformer,
    blocked: BaseGeometry | None,
) -> list[Polygon]:
    """The interior holes of `metric` (metres) under `MAX_HOLE_KM2` that hold no site of
    `other_ids` and no part of `blocked`."""
    holes = [Polygon(ring) for poly in shapely.get_parts(metric) if isinstance(poly, Polygon)
             for ring in poly.interiors]
    holes = [h for h in holes if h.area <= MAX_HOLE_KM2 * 1e6]
    if not holes:
        return []
    w, s, e, n = shapely.total_bounds(np.array(holes, dtype=object))
    if other_ids:
        x, y = fwd.transform([sites[p][0] for p in other_ids], [sites[p][1] for p in other_ids])
        xy = np.column_stack([x, y])
        xy = xy[(xy[:, 0] >= w) & (xy[:, 0] <= e) & (xy[:, 1] >= s) & (xy[:, 1] <= n)]
    else:
        xy = np.empty((0, 2))
    pts = shapely.points(xy) if len(xy) else None
    out = []
    for hole in holes:
        if pts is not None and shapely.contains(hole, pts).any():
            continue
        if blocked is not None and shapely.area(shapely.intersection(hole, blocked)) > 1.0:
            continue
        out.append(hole)
    return out


def actor_territory(
    snapshot: Mapping[str, Any],
    cells: Mapping[str, BaseGeometry],
    *,
    close_km: float = 0.0,
    sites: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, MultiPolygon]:
    """The land each actor holds outright on the snapshot's date.

    The union of the cells of the places whose holding is captured/held/besieged by the
    actor (a besieged place is still held by its holder). Contested places are left out
    here: see `contested_places`. Places lost, unknown or without a cell count for nobody.
    With ``close_km > 0`` each actor's land is the union of the ``geometry_low`` of its
    `pockets` (cells closed by `close_territory` per pocket), i.e. exactly the geometry
    whose area `pockets` reports as ``area_km2_low``.

    Parameters
    ----------
    snapshot
        ``{place_id: Holding}`` (``Timeline.snapshot(on)``).
    cells
        ``{place_id: Polygon}`` from `place_cells`.
    close_km
        Radius of the closing (0: the plain union of the cells).
    sites
        ``{place_id: (lon, lat)}`` (`place_sites`); needed when ``close_km > 0``.

    Returns
    -------
    dict
        ``{actor: MultiPolygon}`` in lon/lat, one entry per actor holding something.
    """
    held, _ = _classify(snapshot, cells)
    if close_km <= 0:
        return {
            actor: _as_multi(shapely.union_all([cells[p] for p in pids]))
            for actor, pids in sorted(held.items())
        }
    out: dict[str, MultiPolygon] = {}
    for actor in sorted(held):
        parts = [p.geometry_low for p in pockets(snapshot, cells, actor, close_km=close_km,
                                                 sites=sites)
                 if p.geometry_low is not None]
        if parts:
            out[actor] = _as_multi(shapely.union_all(parts))
    return out


def contested_places(
    snapshot: Mapping[str, Any], cells: Mapping[str, BaseGeometry]
) -> list[ContestedPlace]:
    """The contested places of a snapshot with their cells and the holding actor's share.

    A contested holding without a fraction counts as half (`DEFAULT_CONTESTED_FRACTION`).
    """
    _, contested = _classify(snapshot, cells)
    return [ContestedPlace(pid, actor, cells[pid], share, other)
            for pid, actor, share, other in contested]


def pockets(
    snapshot: Mapping[str, Any],
    cells: Mapping[str, BaseGeometry],
    actor: str,
    *,
    link_km: float = DEFAULT_LINK_KM,
    close_km: float = 0.0,
    sites: Mapping[str, tuple[float, float]] | None = None,
) -> list[Pocket]:
    """The connected parts of an actor's territory, largest first.

    Places held outright and places contested by the actor (as holder or as the other
    side) are merged. Two places are in the same pocket when their cells touch or lie
    less than `link_km` apart: village cells are discs of land around settlements, and
    the fields between two villages of one front line (a gap under 2 km by default) do
    not split a pocket in two. Areas are in km² (equal-area projection).

    With ``close_km == 0`` (the default) areas count only the cells, never the gaps. With
    ``close_km > 0`` each pocket's land is closed by `close_territory` (what maps draw):
    ``geometry_low`` closes the places held outright (the fill never enters a contested
    or another actor's cell) and ``geometry`` closes all of them; `area_km2_low` and
    `area_km2_high` measure exactly these, and `area_km2` adds to the low figure the
    contested increment (high - low) weighted by the actor's shares (by cell area).

    Parameters
    ----------
    snapshot
        ``{place_id: Holding}``.
    cells
        ``{place_id: Polygon}`` from `place_cells`.
    actor
        Canonical actor id.
    link_km
        Largest gap (km) between parts of one pocket; 0 = only touching cells.
    close_km
        Radius of the closing (km); 0 = plain union of cells.
    sites
        ``{place_id: (lon, lat)}`` (`place_sites`); required when ``close_km > 0``.

    Returns
    -------
    list of Pocket
        Empty when the actor holds nothing.

    Raises
    ------
    ValueError
        When ``close_km > 0`` and no `sites` are given.
    """
    if close_km > 0 and sites is None:
        msg = "pockets(close_km > 0) needs the cells' sites: pass sites=place_sites(places)"
        raise ValueError(msg)
    held, contested = _classify(snapshot, cells)
    firm = set(held.get(actor, ()))
    shares = _shares(contested, actor)
    pids = sorted(firm | set(shares))
    if not pids:
        return []
    c = shapely.centroid(shapely.union_all([cells[p] for p in pids]))
    fwd, _ = equal_area_transformers(c.x, c.y)
    metric = _apply(np.array([cells[p] for p in pids], dtype=object), fwd)
    other_ids = [p for a, ps in held.items() if a != actor for p in ps]
    others = [cells[p] for p in other_ids]
    blocker = _apply(shapely.union_all(others), fwd) if others else None
    groups = _link_groups(metric, link_km * 1000.0, blocker=blocker)
    areas = shapely.area(metric) / 1e6
    foreign_contested = [pid for pid, _a, _s, _o in contested if pid not in shares]
    out: list[Pocket] = []
    for members in groups:
        ids = [pids[i] for i in members]
        firm_ids = [p for p in ids if p not in shares]
        if close_km > 0:
            assert sites is not None
            geom = close_territory(ids, cells, sites, close_km=close_km,
                                   others=[*other_ids, *foreign_contested])
            low_geom = (close_territory(firm_ids, cells, sites, close_km=close_km,
                                        others=[*other_ids, *_contested_ids(contested)])
                        if firm_ids else None)
            high = area_km2(geom)
            low = area_km2(low_geom) if low_geom is not None else 0.0
            c_area = sum(float(areas[i]) for i in members if pids[i] in shares)
            weight = (sum(float(areas[i]) * shares[pids[i]] for i in members
                          if pids[i] in shares) / c_area) if c_area > 0 else 0.0
            total = low + max(high - low, 0.0) * weight
        else:
            geom = shapely.union_all([cells[p] for p in ids])
            high = area_km2(geom)
            c_area = sum(float(areas[i]) for i in members if pids[i] in shares)
            c_share = sum(float(areas[i]) * shares[pids[i]] for i in members
                          if pids[i] in shares)
            low = max(high - c_area, 0.0)
            total = low + c_share
            low_geom = (shapely.union_all([cells[p] for p in firm_ids]) if firm_ids
                        else None)
        names = tuple(sorted(ids))
        out.append(
            Pocket(
                geometry=geom,
                area_km2=total,
                area_km2_low=low,
                area_km2_high=high,
                places=names,
                contested=tuple(p for p in names if p in shares),
                bbox=tuple(float(v) for v in geom.bounds),  # type: ignore[arg-type]
                geometry_low=low_geom,
            )
        )
    out.sort(key=lambda p: (-p.area_km2_high, p.places))
    return out


def _contested_ids(contested: Iterable[tuple[str, str, float, str | None]]) -> list[str]:
    """The place ids of `_classify`'s contested entries."""
    return [pid for pid, _a, _s, _o in contested]


def _link_groups(
    metric: np.ndarray, gap_m: float, *, blocker: BaseGeometry | None = None
) -> list[list[int]]:
    """Indices of geometries grouped by chains of distance <= gap_m (union-find).

    Two geometries that do not touch are not linked when the shortest line between them
    runs through `blocker` (land someone else holds) for more than a metre.
    """
    parent = list(range(len(metric)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="dwithin", distance=max(gap_m, 1e-6))
    keep = left < right
    left, right = left[keep], right[keep]
    if blocker is not None and len(left):
        lines = shapely.shortest_line(metric[left], metric[right])
        through = shapely.length(shapely.intersection(lines, blocker)) > 1.0
        left, right = left[~through], right[~through]
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for i in range(len(metric)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def pocket_report(
    snapshot: Mapping[str, Any],
    cells: Mapping[str, BaseGeometry],
    actor: str,
    *,
    on: dt.date | None = None,
    region: BaseGeometry | None = None,
    places: Mapping[str, Place] | None = None,
    close_km: float = 0.0,
    sites: Mapping[str, tuple[float, float]] | None = None,
    share: bool = True,
) -> dict[str, Any]:
    """The JSON document of `tracker pocket --json` for one actor and date.

    Parameters
    ----------
    snapshot, cells, actor, close_km, sites
        As for `pockets` (with ``close_km > 0``, the sites default to those of `places`).
    on
        The date (written as ISO into ``date``).
    region
        Optional polygon (lon/lat): keep only the pockets that intersect it, and (with
        `share`) add ``"region"``: the share of the region the actor holds
        (`region_share`).
    places
        Optional ``{place_id: Place}`` to name the places of each pocket.

    Returns
    -------
    dict
        ``{"actor", "date", "pockets": [{"area_km2", "area_km2_low", "area_km2_high",
        "places": [{"id", "name_ar", "name_en", "contested"}], "bbox": [W, S, E, N]}],
        "area_km2_total", "area_km2_low", "area_km2_high"[, "region"]}``; areas rounded
        to 0.01 km².
    """
    if close_km > 0 and sites is None and places:
        sites = place_sites(places.values())
    found = pockets(snapshot, cells, actor, close_km=close_km, sites=sites)
    if region is not None:
        found = [p for p in found if p.geometry.intersects(region)]
    places = places or {}

    def place_doc(pid: str, pocket: Pocket) -> dict[str, Any]:
        p = places.get(pid)
        return {
            "id": pid,
            "name_ar": p.name_ar if p else "",
            "name_en": p.name_en if p else "",
            "contested": pid in pocket.contested,
        }

    doc: dict[str, Any] = {
        "actor": actor,
        "date": on.isoformat() if on else None,
        "pockets": [
            {
                "area_km2": round(p.area_km2, 2),
                "area_km2_low": round(p.area_km2_low, 2),
                "area_km2_high": round(p.area_km2_high, 2),
                "places": [place_doc(pid, p) for pid in p.places],
                "bbox": [round(v, 5) for v in p.bbox],
            }
            for p in found
        ],
        "area_km2_total": round(sum(p.area_km2 for p in found), 2),
        "area_km2_low": round(sum(p.area_km2_low for p in found), 2),
        "area_km2_high": round(sum(p.area_km2_high for p in found), 2),
    }
    if region is not None and share:
        doc["region"] = region_share(snapshot, cells, actor, region)
    return doc


def region_share(
    snapshot: Mapping[str, Any],
    cells: Mapping[str, BaseGeometry],
    actor: str,
    region: BaseGeometry,
) -> dict[str, float]:
    """The share of a region's land that `actor` holds, by the cells inside it.

    The region's land is the part of the settlements' cells inside `region` (the land the
    region's towns, villages and quarters stand for; steppe no settlement reaches is not
    counted). The actor's part: cells it holds outright, plus contested cells by its share
    (``share_pct``), left out (``share_pct_low``) or counted whole (``share_pct_high``).
    Areas are km² in an equal-area projection. Also ``region_km2`` (the region's whole
    polygon) and ``land_km2`` (its settlements' cells).

    Returns
    -------
    dict
        ``{"share_pct", "share_pct_low", "share_pct_high", "actor_km2", "land_km2",
        "region_km2"}``, areas rounded to 0.01 km², shares to 0.1 %.
    """
    shapely.prepare(region)
    ids = [p for p in cells if shapely.intersects(region, cells[p])]
    c = region.centroid
    fwd, _ = equal_area_transformers(c.x, c.y)
    metric_region = _apply(region, fwd)
    geoms = np.array([cells[p] for p in ids], dtype=object)
    parts = shapely.intersection(_apply(geoms, fwd), metric_region) if ids else geoms
    area = dict(zip(ids, (shapely.area(parts) / 1e6).tolist() if ids else [], strict=True))
    land = sum(area.values())
    held, contested = _classify(snapshot, {p: cells[p] for p in ids})
    outright = sum(area[p] for p in held.get(actor, ()))
    shares = _shares(contested, actor)
    part = sum(area[p] * f for p, f in shares.items())
    whole = sum(area[p] for p, f in shares.items() if f > 0)

    def pct(x: float) -> float:
        return round(100.0 * x / land, 1) if land > 0 else 0.0

    return {
        "share_pct": pct(outright + part),
        "share_pct_low": pct(outright),
        "share_pct_high": pct(outright + whole),
        "actor_km2": round(outright + part, 2),
        "land_km2": round(land, 2),
        "region_km2": round(float(shapely.area(metric_region)) / 1e6, 2),
    }


def territory_bounds(
    geoms: Iterable[BaseGeometry], *, pad_km: float = 5.0
) -> tuple[float, float, float, float] | None:
    """Bounding box (W, S, E, N, lon/lat) of some geometries, padded by `pad_km` each side.

    Returns None when there is nothing to bound.
    """
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return None
    w, s, e, n = shapely.total_bounds(np.array(geoms, dtype=object))
    dlat = pad_km / 111.32
    dlon = pad_km / (111.32 * max(math.cos(math.radians((s + n) / 2)), 0.1))
    return (float(w - dlon), float(s - dlat), float(e + dlon), float(n + dlat))
