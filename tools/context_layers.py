"""Map context lines of the bundled gazetteer (``gazetteer/context.geojson``).

Used by `build_gazetteer.py`. Each feature has ``kind`` (``river``, ``lake``, ``border``),
``name_en``, ``name_ar`` and ``source``; rivers are LineStrings/MultiLineStrings in lon/lat.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import linemerge

from tracker.model import Place

#: Window for the context lines (lon/lat): Syria and a margin.
CONTEXT_BOX = (35.0, 32.0, 42.9, 37.8)
SIMPLIFY_DEG = 0.002
DECIMALS = 4


def _round(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: xy.round(DECIMALS))


def _features(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


def _line(parts: Sequence[Any], box: Any) -> Any:
    merged = linemerge(shapely.union_all(list(parts)))
    return _round(merged.intersection(box).simplify(SIMPLIFY_DEG))


def _feature(kind: str, name_en: str, name_ar: str, source: str, geom: Any) -> dict[str, Any]:
    return {"type": "Feature",
            "properties": {"kind": kind, "name_en": name_en, "name_ar": name_ar,
                           "source": source},
            "geometry": mapping(geom)}


def build_context(src: Mapping[str, Path], syria: Any,
                  places: Sequence[Place]) -> list[dict[str, Any]]:
    """The context features: the Euphrates and the Syria-Iraq border."""
    box = shapely.box(*CONTEXT_BOX)
    ne = _features(src["rivers"])
    euphrates = _line([shape(f["geometry"]) for f in ne
                       if f["properties"].get("name_ar") == "الفرات"], box)
    countries = _features(src["countries"])
    iraq = next(shape(f["geometry"]) for f in countries if f["properties"]["name"] == "Iraq")
    border = syria.boundary.intersection(iraq.buffer(0.03))
    border = linemerge(border) if border.geom_type == "MultiLineString" else border
    border = _round(border.simplify(SIMPLIFY_DEG))
    return [
        _feature("river", "Euphrates", "الفرات", "Natural Earth 10m", euphrates),
        _feature("border", "Syria-Iraq border", "الحدود السورية العراقية",
                 "OCHA COD-AB adm0 / Natural Earth 10m", border),
    ]
