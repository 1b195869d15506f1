"""Export the control layer: GeoJSON (RFC 7946), GeoPackage, CSV and an interactive HTML map.

The builders are pure: they take places, a snapshot or intervals (and optionally territory
pockets) and return plain data (a GeoJSON dict that `json.dumps` accepts, CSV rows, an HTML
string). The writers are thin: each writes to a temporary file in the target directory and
renames it into place, so an output is either complete or absent, and an existing output is
replaced only with ``overwrite=True``.

GeoJSON follows RFC 7946: WGS84 longitude/latitude, no ``crs`` member, exterior rings
counter-clockwise and holes clockwise, coordinates rounded to 6 decimals (about 0.1 m) and
geometries valid after rounding. Dates are ISO ``YYYY-MM-DD`` strings; a control interval's
``start`` and ``end`` are inclusive days and an open end is ``null`` (the fields QGIS's
Temporal Controller and Leaflet timelines read).

Report text is untrusted: everything taken from a report is escaped with `html.escape`
before it reaches the HTML page, and the data embedded in the page's script is JSON with
``<``, ``>`` and ``&`` written as unicode escapes, so ``</script>`` cannot end the block.
In every CSV, a text cell starting with ``= + - @``, a tab or a carriage return gets a
leading ``'`` (`csv_safe`, OWASP's advice against formula injection); GeoJSON and GeoPackage
keep text raw: they are data for GIS tools, not spreadsheets, and their readers must treat
names as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from branca.element import Element, MacroElement, Template
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from tracker._io import atomic_path, check_target, csv_safe
from tracker.errors import InputError, OutputError
from tracker.model import ControlInterval, Place
from tracker.palette import ACTOR_COLORS, OTHER_COLOR, actor_color  # noqa: F401 (re-exported)

logger = logging.getLogger(__name__)

#: Decimal places kept in GeoJSON coordinates (RFC 7946 section 11.2: about 0.1 m).
PRECISION = 6
#: Formats `tracker export` writes.
FORMATS: tuple[str, ...] = ("geojson", "gpkg", "csv", "html")
WHAT: tuple[str, ...] = ("places", "territory", "both")

#: Columns of the corrections CSV (issue 4) that a timeline exports to.
CORRECTION_COLUMNS: tuple[str, ...] = (
    "place", "actor", "status", "date", "note", "fraction", "besieger",
)
#: Columns of the places CSV.
PLACE_COLUMNS: tuple[str, ...] = (
    "place_id", "name_ar", "name_en", "lon", "lat", "actor", "status", "since", "until",
    "confidence", "fraction", "evidence_count", "sources",
)  # fmt: skip


# --------------------------------------------------------------------------- helpers


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None



def _round_coords(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), PRECISION)
    return [_round_coords(c) for c in coords]


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    """The polygons of a geometry (collections flattened, lines and points dropped)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _as_areal(geom: BaseGeometry) -> Polygon | MultiPolygon | None:
    polys = _polygons(geom)
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def polygon_geojson(geom: BaseGeometry) -> dict[str, Any] | None:
    """An RFC 7946 (Multi)Polygon geometry dict for a shapely areal geometry.

    The geometry is snapped to a 1e-6 degree grid (`shapely.set_precision`, which keeps it
    valid), repaired with `make_valid` if still needed, oriented (exterior rings counter-
    clockwise, holes clockwise) and its coordinates rounded to 6 decimals. The rounded
    result is checked again and repaired if rounding broke it.

    Parameters
    ----------
    geom
        A shapely Polygon, MultiPolygon or a collection holding polygons, lon/lat.

    Returns
    -------
    dict or None
        The GeoJSON geometry, or None when nothing areal is left (empty or degenerate).
    """
    for attempt in range(3):
        g = shapely.set_precision(geom, 10.0**-PRECISION)
        if not g.is_valid:
            g = shapely.make_valid(g)
        areal = _as_areal(g)
        if areal is None:
            return None
        if isinstance(areal, Polygon):
            areal = orient(areal, sign=1.0)
        else:
            areal = MultiPolygon([orient(p, sign=1.0) for p in areal.geoms])
        out = mapping(areal)
        doc = {"type": out["type"], "coordinates": _round_coords(out["coordinates"])}
        check = shape(doc)
        if check.is_valid and not check.is_empty:
            return doc
        geom = shapely.make_valid(check)
        logger.debug("rounding broke a polygon; repaired (attempt %d)", attempt + 1)
    msg = "could not make a valid polygon after rounding to 6 decimals"
    raise OutputError(msg)


def point_geojson(lon: float, lat: float) -> dict[str, Any]:
    """An RFC 7946 Point (longitude first), rounded to 6 decimals."""
    return {"type": "Point", "coordinates": [round(lon, PRECISION), round(lat, PRECISION)]}


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """One piece of evidence as exported: the report, its file, the sentence, the date."""

    report: str
    source_file: str
    sentence: str
    date: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.report,
            "source_file": self.source_file,
            "sentence": self.sentence,
            "date": self.date,
        }


def evidence_record(item: Any) -> EvidenceRecord:
    """Normalise a claim-like object (ControlClaim, a stored claim wrapping one, or a dict).

    Parameters
    ----------
    item
        A `ControlClaim`, an object with a ``claim`` attribute holding one (the store's
        claims), or a dict with ``report``/``source_file``/``sentence``/``date`` keys
        (the JSON of `tracker who-held`).

    Returns
    -------
    EvidenceRecord
    """
    if isinstance(item, Mapping):
        ev = item.get("evidence")
        nested = ev.get("sentence", "") if isinstance(ev, Mapping) else ""
        sentence = item.get("sentence") or nested
        date = item.get("date")
        return EvidenceRecord(
            report=str(item.get("report") or item.get("report_id") or ""),
            source_file=str(item.get("source_file") or ""),
            sentence=str(sentence or ""),
            date=date.isoformat() if isinstance(date, dt.date) else (str(date) if date else None),
        )
    claim = getattr(item, "claim", item)
    ev = getattr(claim, "evidence", None)
    sentence = getattr(ev, "sentence", None) if ev is not None else None
    if sentence is None:
        sentence = getattr(claim, "sentence", "") or getattr(claim, "note", "")
    date = getattr(claim, "date", None)
    return EvidenceRecord(
        report=str(getattr(claim, "report_id", "") or ""),
        source_file=str(getattr(claim, "source_file", "") or ""),
        sentence=str(sentence or ""),
        date=date.isoformat() if isinstance(date, dt.date) else (str(date) if date else None),
    )


def _holding_evidence(holding: Any) -> list[EvidenceRecord]:
    return [evidence_record(e) for e in (getattr(holding, "evidence", None) or ())]


def _sources(records: Iterable[EvidenceRecord]) -> list[str]:
    seen: dict[str, None] = {}
    for r in records:
        key = r.source_file or r.report
        if key:
            seen.setdefault(key, None)
    return list(seen)


# --------------------------------------------------------------------------- GeoJSON


def _place_index(places: Iterable[Place]) -> dict[str, Place]:
    return {p.place_id: p for p in places}


def place_features(
    places: Iterable[Place], snapshot: Mapping[str, Any], *, on: dt.date
) -> list[dict[str, Any]]:
    """Point features of the places known on `on`, with who held them and on whose word.

    Parameters
    ----------
    places
        Gazetteer places (lon/lat); only those in `snapshot` are exported.
    snapshot
        ``place_id -> Holding`` (the result of ``Timeline.snapshot(on)``).
    on
        The date of the snapshot, written as ``as_of``.

    Returns
    -------
    list of dict
        GeoJSON Point features with properties ``place_id, name_ar, name_en, actor,
        status, since, until, confidence, fraction, evidence_count, sources, as_of``.

    Raises
    ------
    InputError
        When the snapshot names a place the gazetteer does not have.
    """
    index = _place_index(places)
    features = []
    for place_id in sorted(snapshot):
        holding = snapshot[place_id]
        place = index.get(place_id)
        if place is None:
            msg = (
                f"snapshot place {place_id!r} is not in the gazetteer; import the gazetteer "
                "the store was built with (`tracker gazetteer import`)"
            )
            raise InputError(msg)
        records = _holding_evidence(holding)
        confidence = getattr(holding, "confidence", None)
        features.append(
            {
                "type": "Feature",
                "id": place_id,
                "geometry": point_geojson(place.lon, place.lat),
                "properties": {
                    "place_id": place_id,
                    "name_ar": place.name_ar,
                    "name_en": place.name_en,
                    "actor": holding.actor,
                    "status": getattr(holding, "status", None),
                    "since": _iso(getattr(holding, "since", None)),
                    "until": _iso(getattr(holding, "until", None)),
                    "confidence": round(confidence, 3) if confidence is not None else None,
                    "fraction": getattr(holding, "fraction", None),
                    "evidence_count": len(records),
                    "sources": _sources(records),
                    "as_of": on.isoformat(),
                },
            }
        )
    return features


def _pocket_places(pocket: Any) -> list[str]:
    return sorted(str(p) for p in (getattr(pocket, "places", None) or ()))


def _area_bounds(pocket: Any) -> dict[str, Any]:
    """``area_km2_low``/``area_km2_high`` and ``contested`` when the pocket has them."""
    out: dict[str, Any] = {}
    for key in ("area_km2_low", "area_km2_high"):
        value = getattr(pocket, key, None)
        if value is not None:
            out[key] = round(float(value), 3)
    contested = getattr(pocket, "contested", None)
    if contested is not None:
        out["contested"] = sorted(str(p) for p in contested)
    return out


def territory_on(
    snapshot: Mapping[str, Any],
    cells: Mapping[str, Any],
    *,
    sites: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, list[Any]]:
    """``actor -> pockets`` of a snapshot (`tracker.territory.pockets` for each actor held).

    Parameters
    ----------
    snapshot
        ``place_id -> Holding``.
    cells
        ``place_id -> Polygon`` from `tracker.territory.place_cells`.
    sites
        ``place_id -> (lon, lat)`` of the settlements; when given, each actor's territory
        is closed as the maps draw it (`tracker.territory.DEFAULT_CLOSE_KM`), so exported
        polygons and km² match the maps and `tracker pocket`.

    Returns
    -------
    dict
        Actors with at least one pocket.
    """
    from tracker.territory import DEFAULT_CLOSE_KM, pockets

    actors = sorted({h.actor for h in snapshot.values() if getattr(h, "actor", None)})
    close_km = DEFAULT_CLOSE_KM if sites is not None else 0.0
    out = {a: pockets(snapshot, cells, a, close_km=close_km, sites=sites) for a in actors}
    return {a: ps for a, ps in out.items() if ps}


def territory_timeline(
    snapshot_on: Callable[[dt.date], Mapping[str, Any]],
    cells: Mapping[str, Any],
    days: Iterable[dt.date],
    *,
    sites: Mapping[str, tuple[float, float]] | None = None,
) -> dict[dt.date, dict[str, list[Any]]]:
    """``date -> (actor -> pockets)`` on each of `days` (e.g. `change_dates(intervals)`).

    Parameters
    ----------
    snapshot_on
        ``Timeline.snapshot`` or any function from a date to ``place_id -> Holding``.
    cells
        Place cells.
    days
        The dates of change.
    sites
        As in `territory_on`: close the territory as the maps draw it.
    """
    return {
        day: territory_on(snapshot_on(day), cells, sites=sites) for day in sorted(set(days))
    }


def territory_features(
    territory: Mapping[str, Sequence[Any]], *, extra: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One (Multi)Polygon feature per actor and pocket.

    Parameters
    ----------
    territory
        ``actor -> pockets``; a pocket has ``geometry`` (shapely, lon/lat), ``area_km2``
        and ``places`` (place ids), as `tracker.territory.pockets` returns.
    extra
        Properties added to every feature (e.g. ``start``/``end`` in a timeline).

    Returns
    -------
    list of dict
        Features with properties ``actor, pocket, area_km2, places`` (+ `extra`), in
        actor order then by decreasing area. Degenerate pockets are left out.
    """
    features = []
    for actor in sorted(territory):
        pockets = sorted(territory[actor], key=lambda p: -float(getattr(p, "area_km2", 0.0)))
        for i, pocket in enumerate(pockets, start=1):
            geometry = polygon_geojson(pocket.geometry)
            if geometry is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {
                        "actor": actor,
                        "pocket": i,
                        "area_km2": round(float(pocket.area_km2), 3),
                        **_area_bounds(pocket),
                        "places": _pocket_places(pocket),
                        **(extra or {}),
                    },
                }
            )
    return features


def to_feature_collection(
    places: Iterable[Place],
    snapshot: Mapping[str, Any],
    *,
    on: dt.date,
    territory: Mapping[str, Sequence[Any]] | None = None,
    what: str = "places",
) -> dict[str, Any]:
    """The control layer on one date as an RFC 7946 FeatureCollection.

    Parameters
    ----------
    places
        Gazetteer places.
    snapshot
        ``place_id -> Holding`` on `on`.
    on
        The date.
    territory
        ``actor -> pockets`` on `on` (needed for ``what="territory"`` or ``"both"``).
    what
        ``places`` (points), ``territory`` (polygons per actor and pocket) or ``both``.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}`` (no ``crs`` member).

    Raises
    ------
    InputError
        On an unknown `what`, or territory asked for without `territory`.

    Examples
    --------
    >>> fc = to_feature_collection(places, timeline.snapshot(on), on=on)  # doctest: +SKIP
    >>> fc["features"][0]["properties"]["actor"]  # doctest: +SKIP
    'sdf'
    """
    if what not in WHAT:
        msg = f"unknown export content {what!r}; use one of {', '.join(WHAT)}"
        raise InputError(msg)
    features: list[dict[str, Any]] = []
    if what in ("places", "both"):
        features += place_features(places, snapshot, on=on)
    if what in ("territory", "both"):
        if territory is None:
            msg = "territory export needs the territory (actor -> pockets) for the date"
            raise InputError(msg)
        features += territory_features(territory, extra={"as_of": on.isoformat()})
    return {"type": "FeatureCollection", "features": features}


def change_dates(intervals: Iterable[ControlInterval]) -> list[dt.date]:
    """Every day on which some place's holder changes: interval starts and the day after ends."""
    days: set[dt.date] = set()
    for iv in intervals:
        days.add(iv.start)
        if iv.end is not None:
            days.add(iv.end + dt.timedelta(days=1))
    return sorted(days)


def interval_features(
    intervals: Iterable[ControlInterval], places: Iterable[Place]
) -> list[dict[str, Any]]:
    """One Point feature per control interval, with ISO ``start``/``end`` (null = open).

    Raises
    ------
    InputError
        When an interval's place is not in the gazetteer.
    """
    index = _place_index(places)
    features = []
    for iv in sorted(intervals, key=lambda i: (i.place_id, i.start)):
        place = index.get(iv.place_id)
        if place is None:
            msg = f"interval place {iv.place_id!r} is not in the gazetteer"
            raise InputError(msg)
        features.append(
            {
                "type": "Feature",
                "geometry": point_geojson(place.lon, place.lat),
                "properties": {
                    "place_id": iv.place_id,
                    "name_ar": place.name_ar,
                    "name_en": place.name_en,
                    "actor": iv.actor,
                    "status": iv.status,
                    "start": iv.start.isoformat(),
                    "end": _iso(iv.end),
                    "confidence": round(iv.confidence, 3),
                    "fraction": iv.fraction,
                    "supporting": len(iv.supporting),
                    "conflicting": len(iv.conflicting),
                },
            }
        )
    return features


def timeline_feature_collection(
    intervals: Iterable[ControlInterval],
    places: Iterable[Place],
    *,
    territory_by_date: Mapping[dt.date, Mapping[str, Sequence[Any]]] | None = None,
) -> dict[str, Any]:
    """The whole timeline as one time-enabled FeatureCollection.

    Each control interval becomes a Point feature (``kind: "interval"``) with inclusive ISO
    ``start`` and ``end`` (``null`` while still open). With `territory_by_date`, each date
    of change adds the territory polygons valid from that date to the day before the next
    one (``kind: "territory"``, last one open-ended). In QGIS: Layer Properties > Temporal >
    "Separate fields for start and end date/time", fields ``start`` and ``end``.

    Parameters
    ----------
    intervals
        All control intervals (``Timeline.intervals()``).
    places
        Gazetteer places.
    territory_by_date
        ``date -> (actor -> pockets)``, e.g. for each of `change_dates(intervals)`.

    Returns
    -------
    dict
        A FeatureCollection.
    """
    intervals = list(intervals)
    places = list(places)
    features = [
        {**f, "properties": {"kind": "interval", **f["properties"]}}
        for f in interval_features(intervals, places)
    ]
    if territory_by_date:
        days = sorted(territory_by_date)
        for i, day in enumerate(days):
            end = days[i + 1] - dt.timedelta(days=1) if i + 1 < len(days) else None
            extra = {"kind": "territory", "start": day.isoformat(), "end": _iso(end)}
            features += territory_features(territory_by_date[day], extra=extra)
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- CSV


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if value is None:
        return ""
    return value


def feature_rows(fc: Mapping[str, Any], *, wkt: bool = False) -> list[dict[str, Any]]:
    """Flat rows of a FeatureCollection: properties, lists joined with ``;``.

    Points get ``lon``/``lat`` columns; with `wkt`, other geometries a ``wkt`` column.
    """
    rows = []
    for f in fc["features"]:
        row = {k: _csv_cell(v) for k, v in f["properties"].items()}
        geom = f["geometry"]
        if geom["type"] == "Point":
            row["lon"], row["lat"] = geom["coordinates"]
        elif wkt:
            row["wkt"] = shapely.to_wkt(shape(geom), rounding_precision=PRECISION)
        rows.append(row)
    return rows


def _span(item: Any) -> tuple[dt.date, dt.date | None]:
    start = getattr(item, "start", None) or item.since
    end = item.end if hasattr(item, "end") else getattr(item, "until", None)
    return start, end


def _correction_row(
    place_id: str, actor: str, status: str, day: dt.date, note: str, **extra: Any
) -> dict[str, str]:
    row = {"place": place_id, "actor": actor, "status": status, "date": day.isoformat(),
           "note": note, "fraction": "", "besieger": ""}
    row.update({k: "" if v is None else str(v) for k, v in extra.items()})
    return row


def corrections_rows(items: Iterable[Any]) -> list[dict[str, str]]:
    """A timeline as rows of the analyst-corrections CSV that rebuild it.

    Columns ``place, actor, status, date, note, fraction, besieger`` (issue 4's format).
    Each interval (a `ControlInterval`, or a `Holding` which also knows the other side
    ``by``) becomes the claims that put its place in the interval's state on its first day,
    under the control-layer rules of `tracker.timeline`: ``held`` -> ``captured`` by the
    actor; ``besieged`` -> ``besieged`` with the besieger; ``contested`` -> ``captured`` by
    one side, then ``contested`` by the other for its share (the larger share contests
    last, as the rules give the interval to it); ``lost`` (nobody known holds it) ->
    ``captured`` then ``lost`` by ``unknown``. An interval that ends with no interval after
    it gets a ``lost`` claim the day after its end. Loaded with
    `tracker correct` into an empty store, the rows give the same holder of every place
    on every date.

    Parameters
    ----------
    items
        Control intervals or holdings (``Timeline.intervals()``, ``Timeline.holdings(p)``).

    Returns
    -------
    list of dict
        Rows sorted by date, then place.
    """
    by_place: dict[str, list[Any]] = {}
    for item in items:
        by_place.setdefault(item.place_id, []).append(item)
    rows: list[dict[str, str]] = []
    for place_id, ivs in by_place.items():
        ivs.sort(key=lambda i: _span(i)[0])
        starts = {_span(i)[0] for i in ivs}
        for iv in ivs:
            start, end = _span(iv)
            note = f"exported interval {start.isoformat()}..{_iso(end) or 'open'}"
            by = getattr(iv, "by", None)
            if iv.status == "besieged":
                row = _correction_row(place_id, iv.actor, "besieged", start, note, besieger=by)
            elif iv.status == "contested":
                # Same-day corrections apply in file order: first make the actor the
                # incumbent, then let the other side (if any) contest it for its share.
                f = iv.fraction
                if by and by != "unknown" and f is not None and f > 0.5:
                    rows.append(_correction_row(place_id, by, "captured", start, note))
                    row = _correction_row(place_id, iv.actor, "contested", start, note, fraction=f)
                elif by:
                    rows.append(_correction_row(place_id, iv.actor, "captured", start, note))
                    share = None if f is None else round(1.0 - f, 6)
                    row = _correction_row(place_id, by, "contested", start, note, fraction=share)
                else:
                    rows.append(_correction_row(place_id, iv.actor, "captured", start, note))
                    row = _correction_row(
                        place_id, iv.actor, "contested", start, note, fraction=iv.fraction
                    )
            elif iv.status == "lost":
                # Nobody known holds it: `unknown` takes it, then loses it (status lost).
                rows.append(_correction_row(place_id, iv.actor, "captured", start, note))
                row = _correction_row(place_id, iv.actor, "lost", start, note)
            else:
                row = _correction_row(place_id, iv.actor, "captured", start, note)
            rows.append(row)
            if end is not None and end + dt.timedelta(days=1) not in starts:
                note = f"exported: interval ended {end.isoformat()}"
                rows.append(
                    _correction_row(place_id, iv.actor, "lost", end + dt.timedelta(days=1), note)
                )
    rows.sort(key=lambda r: (r["date"], r["place"]))
    return rows


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV text (header + rows, UTF-8 friendly, ``\\n`` line ends), every cell through
    `csv_safe` (the header too)."""
    if columns is None:
        seen: dict[str, None] = {}
        for r in rows:
            for k in r:
                seen.setdefault(k, None)
        columns = list(seen)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in columns])
    writer.writerows([csv_safe(r.get(c, "")) for c in columns] for r in rows)
    return buf.getvalue()


# --------------------------------------------------------------------------- writers


def _check_target(path: Path, overwrite: bool) -> None:
    check_target(path, overwrite=overwrite)


def _atomic_write(path: Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Write with `write(tmp)` to a temp file beside `path`, then rename it into place."""
    with atomic_path(Path(path), overwrite=overwrite) as tmp:
        write(tmp)
    return Path(path)


def _write_text(path: Path, text: str, *, overwrite: bool) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return _atomic_write(path, write, overwrite=overwrite)


def geojson_text(fc: Mapping[str, Any]) -> str:
    """The GeoJSON text of a FeatureCollection (UTF-8, Arabic kept readable)."""
    return json.dumps(fc, ensure_ascii=False, allow_nan=False) + "\n"


def write_geojson(fc: Mapping[str, Any], path: Path, *, overwrite: bool = False) -> Path:
    """Write a FeatureCollection as a GeoJSON file.

    Raises
    ------
    OutputError
        When `path` exists and `overwrite` is False, or it cannot be written.
    """
    return _write_text(Path(path), geojson_text(fc), overwrite=overwrite)


def write_csv(
    rows: Sequence[Mapping[str, Any]],
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write rows (e.g. `feature_rows` or `corrections_rows`) as a CSV file.

    Raises
    ------
    OutputError
        When `path` exists and `overwrite` is False, or it cannot be written.
    """
    return _write_text(Path(path), csv_text(rows, columns), overwrite=overwrite)


_DATE_COLUMNS = ("since", "until", "start", "end", "as_of")


def _layer_frame(fc: Mapping[str, Any]) -> Any:
    import geopandas as gpd
    import pandas as pd

    frame = gpd.GeoDataFrame.from_features(list(fc["features"]), crs="EPSG:4326")
    for col in frame.columns:
        if col in _DATE_COLUMNS:
            frame[col] = pd.to_datetime(frame[col], format="ISO8601")
        elif col != "geometry" and frame[col].map(lambda v: isinstance(v, (list, tuple))).any():
            frame[col] = frame[col].map(lambda v: ";".join(map(str, v)) if v is not None else None)
    return frame


def write_gpkg(
    layers: Mapping[str, Mapping[str, Any]], path: Path, *, overwrite: bool = False
) -> Path:
    """Write FeatureCollections as layers of one GeoPackage (opens in QGIS).

    List properties (``sources``, ``places``) are joined with ``;``; ISO date properties
    become date-time fields, so QGIS's Temporal Controller can use ``start``/``end``.
    Empty layers are left out.

    Parameters
    ----------
    layers
        ``layer name -> FeatureCollection``, e.g. ``places``, ``territory``, ``intervals``.
    path
        The ``.gpkg`` file.
    overwrite
        Replace an existing file.

    Raises
    ------
    OutputError
        When `path` exists and `overwrite` is False, it cannot be written, or every layer
        is empty.
    """
    non_empty = {name: fc for name, fc in layers.items() if fc["features"]}
    if not non_empty:
        msg = f"nothing to write to {path}: every layer is empty"
        raise OutputError(msg)

    def write(tmp: Path) -> None:
        tmp.unlink()  # GDAL creates the file itself
        for name, fc in non_empty.items():
            _layer_frame(fc).to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")

    return _atomic_write(Path(path), write, overwrite=overwrite)


# --------------------------------------------------------------------------- HTML


def _folium_asset(kind: str, key: str) -> str:
    import folium

    table = folium.Map.default_js if kind == "js" else folium.Map.default_css
    return dict(table)[key]


def leaflet_urls() -> tuple[str, str]:
    """The Leaflet script and stylesheet URLs the installed folium references."""
    return _folium_asset("js", "leaflet"), _folium_asset("css", "leaflet_css")


def leaflet_version() -> str:
    """The Leaflet version the installed folium references (e.g. ``1.9.3``)."""
    match = re.search(r"leaflet@([0-9][0-9A-Za-z.\-]*)/", leaflet_urls()[0])
    if match is None:  # pragma: no cover - folium changed its URL scheme
        msg = f"cannot read the Leaflet version from {leaflet_urls()[0]}"
        raise OutputError(msg)
    return match.group(1)


def _safe_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` block (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def popup_html(
    place: Place, interval: ControlInterval, records: Sequence[EvidenceRecord]
) -> str:
    """The popup of one place while one interval holds: who, since when, on whose word.

    Every value (names, actor, sentences, file names) is escaped with `html.escape`.
    """
    name = " / ".join(n for n in (place.name_ar, place.name_en) if n) or place.place_id
    until = interval.end.isoformat() if interval.end else "open"
    parts = [
        f'<div class="tracker-popup" dir="auto"><b>{_e(name)}</b> '
        f"<small>{_e(place.place_id)}</small><br>",
        f'<span class="tracker-actor">{_e(interval.actor)}</span> ({_e(interval.status)}), '
        f"{_e(interval.start.isoformat())} to {_e(until)}, "
        f"confidence {_e(round(interval.confidence, 2))}",
    ]
    if interval.fraction is not None:
        parts.append(f", fraction {_e(interval.fraction)}")
    # One report sentence often supports several claims: quote it once.
    records = list(dict.fromkeys(records))
    if records:
        parts.append('<ul class="tracker-evidence">')
        for r in records:
            where = ", ".join(x for x in (r.source_file or r.report, r.date or "") if x)
            parts.append(f'<li dir="auto">{_e(r.sentence)} <small>({_e(where)})</small></li>')
        parts.append("</ul>")
    else:
        parts.append("<br><i>no evidence sentence stored</i>")
    if interval.conflicting:
        parts.append(f"<br><small>{len(interval.conflicting)} conflicting claim(s)</small>")
    parts.append("</div>")
    return "".join(parts)


def html_map_data(
    intervals: Iterable[ControlInterval],
    places: Iterable[Place],
    *,
    evidence: Mapping[str, Any] | None = None,
    territory_by_date: Mapping[dt.date, Mapping[str, Sequence[Any]]] | None = None,
) -> dict[str, Any]:
    """The data the HTML page's slider script reads (plain JSON, popups pre-escaped).

    Parameters
    ----------
    intervals
        Control intervals of the whole timeline.
    places
        Gazetteer places.
    evidence
        ``claim id -> claim-like`` for the ids in ``ControlInterval.supporting``.
    territory_by_date
        Optional ``date -> (actor -> pockets)`` drawn under the places.

    Returns
    -------
    dict
        ``{"dates": [...], "places": [...], "territory": [...], "colors": {...}}``.

    Raises
    ------
    InputError
        When there is no interval, or an interval's place is not in the gazetteer.
    """
    intervals = sorted(intervals, key=lambda i: (i.place_id, i.start))
    if not intervals:
        msg = "the timeline is empty: ingest reports or load corrections first"
        raise InputError(msg)
    index = _place_index(places)
    evidence = evidence or {}
    per_place: dict[str, list[dict[str, Any]]] = {}
    for iv in intervals:
        place = index.get(iv.place_id)
        if place is None:
            msg = f"interval place {iv.place_id!r} is not in the gazetteer"
            raise InputError(msg)
        records = [evidence_record(evidence[c]) for c in iv.supporting if c in evidence]
        per_place.setdefault(iv.place_id, []).append(
            {
                "actor": iv.actor,
                "status": iv.status,
                "start": iv.start.isoformat(),
                "end": _iso(iv.end),
                "popup": popup_html(place, iv, records),
            }
        )
    days = change_dates(intervals)
    territory: list[dict[str, Any]] = []
    if territory_by_date:
        tdays = sorted(territory_by_date)
        days = sorted(set(days) | set(tdays))
        for i, day in enumerate(tdays):
            end = tdays[i + 1] - dt.timedelta(days=1) if i + 1 < len(tdays) else None
            territory.append(
                {
                    "start": day.isoformat(),
                    "end": _iso(end),
                    "features": territory_features(territory_by_date[day]),
                }
            )
    place_rows = []
    for place_id, rows in sorted(per_place.items()):
        place = index[place_id]
        label = " / ".join(n for n in (place.name_ar, place.name_en) if n) or place_id
        place_rows.append(
            {
                "id": place_id,
                "label": _e(label),
                "lat": round(place.lat, PRECISION),
                "lon": round(place.lon, PRECISION),
                "intervals": rows,
            }
        )
    colors = {a: actor_color(a) for a in sorted({iv.actor for iv in intervals})}
    return {
        "dates": [d.isoformat() for d in days],
        "places": place_rows,
        "territory": territory,
        "colors": colors,
        "other_color": OTHER_COLOR,
    }


#: The page's own slider script (no plugin): a range input over the dates of change that
#: recolours the place markers and swaps the territory layer. Data arrives as JSON.
_SLIDER_JS = """
(function (map, data) {
  var markers = [];
  data.places.forEach(function (p) {
    var m = L.circleMarker([p.lat, p.lon], {radius: 7, weight: 1, color: "#333",
                                           fillOpacity: 0.9, fillColor: "#ffffff"});
    m.bindTooltip(p.label);
    m.addTo(map);
    var el = m.getElement();
    if (el) { el.setAttribute("data-place", p.id); }
    markers.push({place: p, marker: m});
  });
  var territory = L.layerGroup().addTo(map);
  function active(list, day) {
    for (var i = 0; i < list.length; i++) {
      var it = list[i];
      if (it.start <= day && (it.end === null || day <= it.end)) { return it; }
    }
    return null;
  }
  function color(actor) {
    return Object.prototype.hasOwnProperty.call(data.colors, actor) ?
      data.colors[actor] : data.other_color;
  }
  var label = document.createElement("span");
  function show(day) {
    label.textContent = day;
    markers.forEach(function (pm) {
      var it = active(pm.place.intervals, day);
      var el = pm.marker.getElement();
      if (it) {
        var unsure = it.status === "contested" || it.status === "besieged";
        pm.marker.setStyle({fillColor: color(it.actor), fillOpacity: 0.9, opacity: 1,
                            dashArray: unsure ? "3 2" : null, weight: unsure ? 2 : 1});
        pm.marker.unbindPopup();
        pm.marker.bindPopup(it.popup, {maxWidth: 420});
        if (el) { el.setAttribute("data-actor", it.actor); }
      } else {
        pm.marker.setStyle({fillColor: "#ffffff", fillOpacity: 0.2, opacity: 0.4,
                            dashArray: null, weight: 1});
        pm.marker.unbindPopup();
        if (el) { el.setAttribute("data-actor", ""); }
      }
    });
    territory.clearLayers();
    var t = active(data.territory, day);
    if (t) {
      L.geoJSON({type: "FeatureCollection", features: t.features}, {
        style: function (f) {
          return {color: color(f.properties.actor), weight: 1, fillOpacity: 0.6};
        }
      }).addTo(territory);
      territory.eachLayer(function (l) { if (l.bringToBack) { l.bringToBack(); } });
    }
    document.documentElement.setAttribute("data-tracker-date", day);
  }
  var Slider = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar tracker-slider");
      box.style.background = "#fff"; box.style.padding = "6px 10px";
      var input = L.DomUtil.create("input", "", box);
      input.type = "range"; input.min = "0"; input.max = String(data.dates.length - 1);
      input.step = "1"; input.value = "0"; input.id = "tracker-date-slider";
      input.style.width = "320px"; input.setAttribute("aria-label", "date");
      label.id = "tracker-date-label"; label.style.marginLeft = "8px";
      box.appendChild(label);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      input.addEventListener("input", function () { show(data.dates[Number(input.value)]); });
      return box;
    }
  });
  new Slider().addTo(map);
  var Legend = L.Control.extend({
    options: {position: "topright"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar tracker-legend");
      box.style.background = "#fff"; box.style.padding = "6px 10px";
      Object.keys(data.colors).forEach(function (actor) {
        var row = L.DomUtil.create("div", "", box);
        var sw = L.DomUtil.create("span", "", row);
        sw.style.display = "inline-block"; sw.style.width = "12px"; sw.style.height = "12px";
        sw.style.marginRight = "6px"; sw.style.background = data.colors[actor];
        sw.style.border = "1px solid #333";
        row.appendChild(document.createTextNode(actor));
      });
      return box;
    }
  });
  new Legend().addTo(map);
  show(data.dates[0]);
})(__TRACKER_MAP__, __TRACKER_DATA__);
"""


class _PageScript(MacroElement):  # type: ignore[misc]
    """A script block rendered inside the map's script section, after `L.map(...)`."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "TrackerSlider"
        self.code = code


#: Smallest half-width (degrees) of the area the HTML map opens on: one place, or places on
#: one spot, would otherwise give Leaflet an empty box (zoom infinite, centre NaN).
MIN_HALF_SPAN_DEG = 0.05


def html_bounds(places: Sequence[Mapping[str, Any]]) -> tuple[tuple[float, float],
                                                               tuple[float, float]]:
    """``((south, west), (north, east))`` the page opens on: the places' box, widened to at
    least `MIN_HALF_SPAN_DEG` each way around its centre.

    Raises
    ------
    InputError
        When there is no place to show.
    """
    if not places:
        msg = "no place of the timeline has coordinates: nothing to put on the map"
        raise InputError(msg)
    lats = [float(p["lat"]) for p in places]
    lons = [float(p["lon"]) for p in places]
    box = []
    for lo, hi in ((min(lats), max(lats)), (min(lons), max(lons))):
        mid, half = (lo + hi) / 2, max((hi - lo) / 2, MIN_HALF_SPAN_DEG)
        box.append((mid - half, mid + half))
    (south, north), (west, east) = box
    return (max(south, -85.0), west), (min(north, 85.0), east)


def html_document(
    data: Mapping[str, Any],
    *,
    title: str = "tracker: territorial control",
    tiles: str | None = "OpenStreetMap",
    leaflet_js: str | None = None,
    leaflet_css: str | None = None,
) -> str:
    """The interactive map page (folium/Leaflet) with the date slider.

    Parameters
    ----------
    data
        What `html_map_data` returns.
    title
        The page title (escaped).
    tiles
        A folium tile set name, or None for no base map (fully offline pages).
    leaflet_js, leaflet_css
        Where the page loads Leaflet from; default the CDN URLs folium references.

    Returns
    -------
    str
        A standalone HTML document.
    """
    import folium

    (south, west), (north, east) = html_bounds(data["places"])
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=9,
        tiles=tiles,
        control_scale=True,
    )
    js_url, css_url = leaflet_urls()
    # Only Leaflet: the page draws with its own script, so no jQuery/Bootstrap/plugins.
    fmap.default_js = [("leaflet", leaflet_js or js_url)]
    fmap.default_css = [("leaflet_css", leaflet_css or css_url)]
    fmap.fit_bounds([[south, west], [north, east]], padding=(30, 30))
    root: Any = fmap.get_root()  # a branca Figure
    root.header.add_child(Element(f"<title>{_e(title)}</title>"), name="tracker_title")
    slider = _PageScript(
        _SLIDER_JS.replace("__TRACKER_MAP__", fmap.get_name()).replace(
            "__TRACKER_DATA__", _safe_json(dict(data))
        )
    )
    fmap.add_child(slider, name="tracker_slider")  # rendered after the map is created
    return root.render()


def write_html(document: str, path: Path, *, overwrite: bool = False) -> Path:
    """Write an HTML page (from `html_document`).

    Raises
    ------
    OutputError
        When `path` exists and `overwrite` is False, or it cannot be written.
    """
    return _write_text(Path(path), document, overwrite=overwrite)


# --------------------------------------------------------------------------- offline assets

_LEAFLET_FILES = ("leaflet.js", "leaflet.css")


def _package_json(text: str, origin: str) -> str:
    try:
        return str(json.loads(text)["version"])
    except (ValueError, KeyError) as err:
        msg = f"{origin}: not an npm package.json with a version"
        raise InputError(msg) from err


def _wanted(name: str) -> bool:
    """The files a page needs: ``dist/leaflet.js``, ``dist/leaflet.css``, ``dist/images/*``."""
    return name in ("dist/leaflet.js", "dist/leaflet.css") or name.startswith("dist/images/")


def _read_leaflet_dist(source: Path) -> tuple[str, dict[str, bytes]]:
    """Version and ``dist/`` files of a Leaflet npm package (tarball or directory)."""
    files: dict[str, bytes] = {}
    if source.is_file():
        try:
            with tarfile.open(source, "r:gz") as tar:
                version = None
                for member in tar.getmembers():
                    if not member.isfile():
                        continue
                    name = member.name.split("/", 1)[-1]
                    fh = tar.extractfile(member)
                    if fh is None:
                        continue
                    if name == "package.json":
                        version = _package_json(fh.read().decode("utf-8"), str(source))
                    elif _wanted(name) and ".." not in name:
                        files[name[len("dist/") :]] = fh.read()
        except (tarfile.TarError, OSError) as err:
            msg = f"{source}: not a readable npm package tarball ({err})"
            raise InputError(msg) from err
        if version is None:
            msg = f"{source}: no package.json in the tarball; is it from `npm pack leaflet`?"
            raise InputError(msg)
        return version, files
    pkg = source / "package.json"
    if not pkg.is_file():
        pkg = source / "node_modules" / "leaflet" / "package.json"
    if not pkg.is_file():
        msg = f"{source}: no Leaflet package.json here (nor in node_modules/leaflet)"
        raise InputError(msg)
    version = _package_json(pkg.read_text(encoding="utf-8"), str(pkg))
    dist = pkg.parent / "dist"
    for f in dist.rglob("*"):
        if f.is_file() and _wanted(f"dist/{f.relative_to(dist).as_posix()}"):
            files[f.relative_to(dist).as_posix()] = f.read_bytes()
    return version, files


def find_leaflet_package(candidates: Sequence[Path]) -> Path:
    """The first Leaflet package (``leaflet-X.tgz``, a package dir or a node_modules parent).

    A directory candidate is searched for ``leaflet-<version>.tgz`` (what `npm pack`
    writes), ``package.json`` and ``node_modules/leaflet``.

    Raises
    ------
    InputError
        When none is found; the message says which `npm pack` to run.
    """
    version = leaflet_version()
    for cand in candidates:
        cand = Path(cand)
        if cand.is_file():
            return cand
        tgz = cand / f"leaflet-{version}.tgz"
        if tgz.is_file():
            return tgz
        if (cand / "node_modules" / "leaflet" / "package.json").is_file():
            return cand / "node_modules" / "leaflet"
        if (cand / "package.json").is_file() and (cand / "dist" / "leaflet.js").is_file():
            return cand
    where = ", ".join(str(c) for c in candidates) or "(nowhere)"
    msg = (
        f"Leaflet {version} not found in {where}. Fetch it once where npm works with "
        f"`npm pack leaflet@{version}` and pass the .tgz with --assets-from"
    )
    raise InputError(msg)


def write_leaflet_assets(
    source: Path, dest: Path, *, overwrite: bool = False
) -> tuple[str, str]:
    """Copy Leaflet's ``dist/`` files from a local npm package into `dest`.

    The package must be the version folium references (`leaflet_version`), so the page
    behaves as the CDN one would. A file already in `dest` with the same bytes is left as
    it is; one with other bytes is replaced only with `overwrite` (checked before any
    file is written).

    Parameters
    ----------
    source
        ``leaflet-X.tgz`` from `npm pack`, or an installed package directory.
    dest
        The assets directory (created when missing).

    Returns
    -------
    tuple of Path-like str
        The written ``leaflet.js`` and ``leaflet.css`` paths.

    Raises
    ------
    InputError
        On a wrong version or an unreadable package.
    OutputError
        When `dest` cannot be written, or holds other files of those names and
        `overwrite` is False.
    """
    want = leaflet_version()
    version, files = _read_leaflet_dist(Path(source))
    if version != want:
        msg = (
            f"{source} is Leaflet {version}, but the page needs {want} (the version folium "
            f"references); run `npm pack leaflet@{want}`"
        )
        raise InputError(msg)
    missing = [f for f in _LEAFLET_FILES if f not in files]
    if missing:
        msg = f"{source}: the package lacks dist/{', dist/'.join(missing)}"
        raise InputError(msg)
    dest = Path(dest)
    differ = [n for n, content in sorted(files.items())
              if (dest / n).is_file() and (dest / n).read_bytes() != content]
    if differ and not overwrite:
        msg = (f"{dest} already holds {', '.join(differ[:3])} with other content; pass "
               "--overwrite to replace them, or pick another --assets folder")
        raise OutputError(msg)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".leaflet.", dir=dest))
        try:
            for name, content in files.items():
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            for name in sorted(files):
                final = dest / name
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as err:
        msg = f"cannot write the Leaflet files into {dest}: {err.strerror or err}"
        raise OutputError(msg) from err
    return str(dest / "leaflet.js"), str(dest / "leaflet.css")


def relative_url(target: Path, page: Path) -> str:
    """The URL of `target` relative to the page at `page` (forward slashes)."""
    return Path(os.path.relpath(Path(target).resolve(), Path(page).resolve().parent)).as_posix()
