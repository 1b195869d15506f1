"""Map context lines of the bundled gazetteer (``gazetteer/context.geojson``).

Used by `build_gazetteer.py`. Each feature has ``key`` (the river id of
``tracker/data/rivers.csv``, or ``syria_border`` / ``syria_iraq_border``), ``kind``
(``river``, ``lake``, ``border``), ``name_en``, ``name_ar`` and ``source``; geometries are
lon/lat lines simplified at `SIMPLIFY_DEG` and rounded to `DECIMALS`.

- Euphrates, Tigris and the Lake Assad centerline: Natural Earth 10m (named there).
- Khabur, Orontes, Yarmouk: GSHHG/WDBII river parts, which have no names: a part is taken
  when it passes within `ANCHOR_DEG` of the towns the river is known to run through
  (`RIVER_ANCHORS`). The Balikh is in neither source and is left out.
- Borders: Syria's outline (OCHA COD-AB adm0) and its stretch along Iraq.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, mapping, shape

from tracker.model import Place

#: Window for the context lines (lon/lat): Syria and a margin.
CONTEXT_BOX = (35.0, 32.0, 42.9, 37.8)
SIMPLIFY_DEG = 0.002
DECIMALS = 4
#: A GSHHG part belongs to a river when it passes this close to one of its towns (deg).
ANCHOR_DEG = 0.05
#: Towns (lon, lat) each GSHHG river runs through; a part must pass near one of them.
RIVER_ANCHORS: dict[str, tuple[tuple[float, float], ...]] = {
    # Ras al-Ain, Tell Tamer, Hasakah, Shaddadi (not Busayrah: the Euphrates passes it too)
    "khabur": ((40.07, 36.85), (40.37, 36.65), (40.75, 36.50), (40.73, 36.06)),
    # al-Qusayr, Homs, Rastan, Hama, Jisr al-Shughur, Darkush
    "orontes": ((36.58, 34.51), (36.72, 34.73), (36.72, 34.93), (36.75, 35.13),
                (36.32, 35.81), (36.39, 35.99)),
    # al-Hamma (Yarmouk valley)
    "yarmouk": ((35.68, 32.68),),
}
#: GSHHG levels kept for each river (1-4: permanent rivers; 5+ intermittent, canals): the
#: Khabur's headwaters are level 4, the Orontes' level-4 parts are side channels at Homs.
GSHHG_LEVELS = {"khabur": (1, 2, 3, 4), "orontes": (1, 2, 3), "yarmouk": (1, 2, 3)}
#: Natural Earth names of the rivers taken from it, and the box each is cut to.
NE_RIVERS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[float, float, float, float]]] = {
    # key: (NE names, NE feature classes, box)
    "euphrates": (("Euphrates", "Firat", "Al Furat"), ("River", "Lake Centerline"), CONTEXT_BOX),
    "tigris": (("Tigris", "Dicle"), ("River",), (41.9, 36.9, 42.6, 37.45)),
    "lake_assad": (("Al Furat",), ("Lake Centerline",), (38.0, 35.8, 38.6, 36.4)),
}


def _round(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: xy.round(DECIMALS))


def _features(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


def _line(parts: Sequence[Any], box: Any) -> Any:
    merged = shapely.line_merge(shapely.union_all(list(parts)))
    return _round(merged.intersection(box).simplify(SIMPLIFY_DEG))


def _feature(key: str, kind: str, name_en: str, name_ar: str, source: str,
             geom: Any) -> dict[str, Any]:
    return {"type": "Feature",
            "properties": {"key": key, "kind": kind, "name_en": name_en, "name_ar": name_ar,
                           "source": source},
            "geometry": mapping(geom)}


def ne_river(features: Sequence[Mapping[str, Any]], key: str) -> Any:
    """One Natural Earth river (or lake centerline), merged and cut to its box."""
    names, classes, box = NE_RIVERS[key]
    parts = [shape(f["geometry"]) for f in features
             if f["properties"].get("name") in names
             and f["properties"].get("featurecla") in classes]
    return _line(parts, shapely.box(*box))


def gshhg_river(features: Sequence[Mapping[str, Any]], key: str) -> Any:
    """The GSHHG parts of one river: those passing near its anchor towns."""
    anchors = [Point(x, y) for x, y in RIVER_ANCHORS[key]]
    parts = []
    for f in features:
        if f["properties"].get("wdbii_level") not in GSHHG_LEVELS[key]:
            continue
        g = shape(f["geometry"])
        if any(g.distance(a) < ANCHOR_DEG for a in anchors):
            parts.append(g)
    return _line(parts, shapely.box(*CONTEXT_BOX))


def build_context(src: Mapping[str, Path], syria: Any,
                  places: Sequence[Place]) -> list[dict[str, Any]]:
    """The context features: rivers, Lake Assad, Syria's border and its Iraqi stretch."""
    import csv

    rivers_csv = Path(__file__).resolve().parent.parent / "tracker" / "data" / "rivers.csv"
    with rivers_csv.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(line for line in fh if not line.startswith("#"))]
    ne = _features(src["rivers"])
    gshhg = _features(src["gshhg"])
    out = []
    for row in rows:
        key = row["id"]
        if key in NE_RIVERS:
            geom, source = ne_river(ne, key), "Natural Earth 10m"
        elif key in RIVER_ANCHORS:
            geom, source = gshhg_river(gshhg, key), "GSHHG 2.3.7 WDBII (located by its towns)"
        else:
            continue
        if not geom.is_empty:
            out.append(_feature(key, row["kind"], row["name_en"], row["name_ar"], source, geom))
    countries = _features(src["countries"])
    iraq = next(shape(f["geometry"]) for f in countries if f["properties"]["name"] == "Iraq")
    outline = _round(syria.boundary.simplify(SIMPLIFY_DEG))
    iraq_stretch = syria.boundary.intersection(iraq.buffer(0.03))
    iraq_stretch = shapely.line_merge(iraq_stretch)
    out += [
        _feature("syria_border", "border", "Syria border", "حدود سوريا", "OCHA COD-AB adm0",
                 outline),
        _feature("syria_iraq_border", "border", "Syria-Iraq border", "الحدود السورية العراقية",
                 "OCHA COD-AB adm0 / Natural Earth 10m",
                 _round(iraq_stretch.simplify(SIMPLIFY_DEG))),
    ]
    return out
