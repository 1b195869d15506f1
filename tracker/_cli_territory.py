"""`tracker pocket`, `tracker map`, `tracker animate`: territory, maps, series, animation.

The commands parse, call the library functions below and print. The library functions
(`load_territory_data`, `write_map`, `write_map_series`, `write_series`,
`write_animation`, ...) are what the demo calls too. Every file is written to a temporary
file in the target directory and renamed into place, so a failure leaves nothing
half-written; an existing file is replaced only with ``--overwrite`` (checked for every
file before any is drawn). A date series is checked before any work: its number of frames
(`MAX_FRAMES`, ``$TRACKER_MAX_FRAMES``) unless ``--yes``, its step and its dates; frames are
drawn one at a time, not all held at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import click
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry.base import BaseGeometry

from tracker._cli_common import (
    DATE,
    echo_json,
    fail,
    json_opt,
    overwrite_opt,
    settings_for,
    store_opt,
    yes_opt,
)
from tracker._io import atomic_path, check_target
from tracker.errors import (
    AmbiguousPlaceError,
    InputError,
    OutputError,
    TimelineError,
    TrackerError,
    UnknownPlaceError,
)
from tracker.model import Place
from tracker.render import (
    AreaPoint,
    MapFrame,
    ReportedArea,
    map_extent,
    render_area_chart,
    render_control_map,
    render_small_multiples,
)
from tracker.settings import Settings
from tracker.territory import (
    DEFAULT_CLOSE_KM,
    equal_area_transformers,
    place_cells,
    place_sites,
    pocket_report,
)

logger = logging.getLogger(__name__)

MAP_FORMATS = ("png", "svg", "pdf")
_EVERY_RE = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.IGNORECASE)
#: Radius (km) of the region around a settlement named with --region.
PLACE_REGION_KM = 3.0
#: Frames (dates) of a series drawn without ``--yes``; ``$TRACKER_MAX_FRAMES`` changes it.
MAX_FRAMES = 1000
#: Longest step of a series (days): a century.
MAX_STEP_DAYS = 36_525
#: Widest --bbox (degrees, each way): a country or a front, not the globe.
MAX_BBOX_DEG = 40.0
#: Narrowest --bbox (degrees): about 100 m.
MIN_BBOX_DEG = 0.001
#: Most panels on one small-multiples sheet; a longer series gets its maps only.
MAX_SHEET_PANELS = 48


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class TerritoryData:
    """Everything the maps and pockets need: the control timeline, places, cells, context.

    `close_km` is the closing radius of each actor's territory (`territory.close_territory`)
    used alike by the maps and by the areas of `tracker pocket`, so that the km² reported
    are those of the patches drawn.
    """

    timeline: Any
    gazetteer: Any
    places: Mapping[str, Place]
    cells: Mapping[str, BaseGeometry]
    context: Mapping[str, Any]
    first_day: dt.date | None
    last_day: dt.date | None
    close_km: float = DEFAULT_CLOSE_KM

    @cached_property
    def quarter_city(self) -> dict[str, str]:
        """``{neighbourhood id: town id}``: the town each city quarter belongs to."""
        return city_of_quarters(self.places.values())

    @cached_property
    def sites(self) -> dict[str, tuple[float, float]]:
        """``{place_id: (lon, lat)}`` of the places that have a cell (the partition)."""
        return {k: v for k, v in place_sites(self.places.values()).items() if k in self.cells}

    def snapshot(self, on: dt.date) -> dict[str, Any]:
        """The holdings on `on`.

        Raises
        ------
        TimelineError
            When `on` is before the first claim in the store.
        """
        if self.first_day is None:
            msg = "the store holds no dated control claims; run `tracker ingest` first"
            raise TimelineError(msg)
        if on < self.first_day:
            msg = (
                f"{on.isoformat()} is before the first report in the store "
                f"({self.first_day.isoformat()}); pick a date from {self.first_day.isoformat()} on"
            )
            raise TimelineError(msg)
        return with_quarters(self.timeline.snapshot(on), self.quarter_city)


def city_of_quarters(places: Iterable[Place]) -> dict[str, str]:
    """The town each neighbourhood belongs to: of the towns of its sub-district within
    `CITY_KM`, the most prominent (a governorate or district seat, then the most
    populous), then the nearest."""
    from tracker.geo import distance_km

    places = list(places)
    towns: dict[str, list[Place]] = {}
    for p in places:
        if p.kind in ("community", "locality") and p.admin_pcodes[2]:
            towns.setdefault(p.admin_pcodes[2], []).append(p)
    units = {p.place_id[4:]: p for p in places if p.place_id.startswith("adm:")}
    out: dict[str, str] = {}
    for q in places:
        if q.kind != "neighbourhood" or not q.admin_pcodes[2]:
            continue
        near = [(t, distance_km(q.lat, q.lon, t.lat, t.lon)) for t in towns.get(
            q.admin_pcodes[2], ()) if distance_km(q.lat, q.lon, t.lat, t.lon) <= CITY_KM]
        if not near:
            continue

        def rank(item: tuple[Place, float]) -> tuple[int, int, float]:
            t, d = item
            seat = sum(1 for code in t.admin_pcodes[:2] if code in units
                       and units[code].name_ar and units[code].name_ar == t.name_ar)
            return (-seat, -(t.population or 0), d)

        out[q.place_id] = min(near, key=rank)[0].place_id
    return out


def with_quarters(snapshot: Mapping[str, Any], quarter_city: Mapping[str, str]
                  ) -> dict[str, Any]:
    """The snapshot with each city quarter that has no holding of its own given its
    town's: a report that a city fell speaks for its quarters until one of them is
    reported otherwise."""
    out = dict(snapshot)
    for quarter, town in quarter_city.items():
        if quarter not in out and town in out:
            out[quarter] = out[town]
    return out


def timeline_from_store(store_path: Path) -> Any:
    """The control `Timeline` of the store at `store_path` (``Store.timeline()``).

    Raises
    ------
    StoreError
        When there is no store at `store_path` or it cannot be read.
    """
    from tracker.store import Store

    with Store.open(store_path, create=False, write=False) as store:
        return store.timeline()


def _timeline_span(timeline: Any) -> tuple[dt.date | None, dt.date | None]:
    starts: list[dt.date] = []
    for iv in timeline.intervals():
        starts.append(iv.start)
    return (min(starts), max(starts)) if starts else (None, None)


def load_territory_data(
    settings: Settings,
    *,
    timeline: Any | None = None,
    gazetteer: Any | None = None,
) -> TerritoryData:
    """Load the gazetteer, its cells (cached), the context layers and the timeline.

    Parameters
    ----------
    settings
        Where the store, the cache and the bundled gazetteer are.
    timeline, gazetteer
        Already built ones (the demo passes its own); else loaded from `settings`.
    """
    from tracker.gazetteer_io import load_context_layers, load_gazetteer, river_lines

    gaz = gazetteer if gazetteer is not None else load_gazetteer(settings)
    context = load_context_layers(settings.gazetteer_dir)
    places = {p.place_id: p for p in gaz}
    cells = place_cells(
        places.values(),
        study_area=country_outline(places.values()),
        barriers=_union(river_lines(context).values()),
        cache_dir=Path(settings.cache_dir) / "cells",
    )
    tl = timeline if timeline is not None else timeline_from_store(settings.store)
    first, last = _timeline_span(tl)
    return TerritoryData(tl, gaz, places, cells, context, first, last)


def _union(geoms: Iterable[Any]) -> BaseGeometry | None:
    parts = [g for g in geoms if g is not None and not g.is_empty]
    return shapely.union_all(parts) if parts else None


def country_outline(places: Iterable[Place]) -> BaseGeometry | None:
    """The country the cells are cut to: its own polygon when the index has one, else the
    union of its governorates (None when it has neither)."""
    places = list(places)
    countries = [p.geometry for p in places if p.kind == "country" and p.geometry is not None]
    if countries:
        return shapely.union_all(countries)
    govs = [p.geometry for p in places if p.kind == "governorate" and p.geometry is not None]
    return shapely.union_all(govs).buffer(0.005) if govs else None


def canonical_actor(name: str) -> str:
    """The canonical id of an actor name or id (the actor lexicon, `tracker.actors`).

    Raises
    ------
    UnknownActorError
        When the name is no known actor.
    """
    from tracker.actors import ActorLexicon

    return str(ActorLexicon.load().canonical(name))


_TOWN_WORDS = re.compile(r"^(?:مدينة|مدينه|بلدة|بلده|city of|town of)\s+(?P<name>.+)$"
                         r"|^(?P<name2>.+?)\s+(?:city|town)$", re.IGNORECASE)
_HELD_REGION = re.compile(r"^(?P<actor>[^@/]+)@(?P<date>\d{4}-\d{2}-\d{2})(?:/(?P<within>.+))?$")


def resolve_region(data: TerritoryData, name: str) -> BaseGeometry:
    """The area a ``--region`` names.

    - an admin unit (any level: name, unit phrase, P-code, ``adm:`` id): its polygon;
    - a town or city: its cell, with the polygons of its quarters when the gazetteer has
      them (neighbourhoods of its sub-district within `CITY_KM`): "مدينة الرقة" or "Raqqa
      city" is Raqqa city (plain "الرقة" is the governorate of its name);
    - ``ACTOR@YYYY-MM-DD`` (optionally ``/REGION``): the land ACTOR held that day (inside
      REGION): "opposition@2016-11-15/حلب" is the eastern Aleppo pocket of that day, so
      a share of it is "the share of eastern Aleppo retaken";
    - any other settlement: its cell, or a disc of `PLACE_REGION_KM` when it has none.

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        When the name matches nothing, or several places.
    InputError, TimelineError, UnknownActorError
        For a bad ``ACTOR@DATE`` (unknown actor, bad date, a date before the store).
    """
    m = _HELD_REGION.match(name.strip())
    if m:
        return _held_region(data, m.group("actor"), m.group("date"), m.group("within"))
    gaz = data.gazetteer
    place: Place | None = None
    town = _TOWN_WORDS.match(name.strip())  # "مدينة الرقة", "Raqqa city": not the governorate
    if town:
        name = town.group("name") or town.group("name2")
    if name in data.places:
        place = data.places[name]
    else:
        admin = None if town else (
            gaz.find_unit(name) if hasattr(gaz, "find_unit") else gaz.find_admin(name))
        if admin is not None and admin.geometry is not None:
            return admin.geometry
        res = gaz.resolve(name)
        ids = tuple(c.place.place_id for c in res.candidates)
        if res.status == "ambiguous":
            raise AmbiguousPlaceError(name, ids)
        if res.status != "resolved" or res.place is None:
            raise UnknownPlaceError(name, ids[:5])
        place = res.place
    if place.geometry is not None:
        return place.geometry
    quarters = city_quarters(data, place)
    if quarters:
        own = [data.cells[place.place_id]] if place.place_id in data.cells else []
        return shapely.union_all([*own, *quarters])
    if place.place_id in data.cells:
        return data.cells[place.place_id]
    fwd, inv = equal_area_transformers(place.lon, place.lat)
    x, y = fwd.transform(place.lon, place.lat)
    disc = shapely.Point(x, y).buffer(PLACE_REGION_KM * 1000)
    return shapely.transform(disc, lambda xy: _xy(inv, xy))


#: Quarters (neighbourhood polygons) of a town's sub-district within this many km of it
#: make up the town as a region.
CITY_KM = 12.0


def city_quarters(data: TerritoryData, place: Place) -> list[BaseGeometry]:
    """The neighbourhood polygons of a town: those of its sub-district within `CITY_KM`."""
    from tracker.geo import distance_km

    code = place.admin_pcodes[2]
    if not code or place.kind == "neighbourhood":
        return []
    return [q.geometry for q in data.places.values()
            if q.kind == "neighbourhood" and q.geometry is not None
            and q.admin_pcodes[2] == code
            and distance_km(q.lat, q.lon, place.lat, place.lon) <= CITY_KM]


def _held_region(data: TerritoryData, actor: str, day: str, within: str | None
                 ) -> BaseGeometry:
    """The land `actor` held on `day` (closed like the maps), inside `within` if given."""
    from tracker.territory import pockets

    try:
        on = dt.date.fromisoformat(day)
    except ValueError:
        msg = f"--region {actor}@{day}: {day!r} is not a date; write ACTOR@YYYY-MM-DD"
        raise InputError(msg) from None
    actor_id = canonical_actor(actor)
    found = pockets(data.snapshot(on), data.cells, actor_id, close_km=data.close_km,
                    sites=data.sites)
    area = shapely.union_all([p.geometry for p in found]) if found else shapely.Polygon()
    if within:
        area = shapely.intersection(area, resolve_region(data, within))
    if area.is_empty:
        where = f" inside {within}" if within else ""
        msg = (f"--region {actor}@{day}{('/' + within) if within else ''}: {actor_id} held "
               f"no place{where} on {day}; pick another date or region")
        raise InputError(msg)
    return area


def _xy(tr: Any, xy: Any) -> Any:
    import numpy as np

    x, y = tr.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def parse_every(text: str) -> dt.timedelta:
    """A step like ``7d`` or ``2w`` as a timedelta.

    Raises
    ------
    InputError
        When the step is not ``<n>d`` or ``<n>w`` with 1 <= n, at most `MAX_STEP_DAYS` days.
    """
    m = _EVERY_RE.match(text or "")
    if not m or int(m.group(1)) < 1:
        msg = f"--every {text!r} is not a step; write a number of days or weeks, e.g. 7d or 2w"
        raise InputError(msg)
    days = int(m.group(1)) * (7 if m.group(2).lower() == "w" else 1)
    if days > MAX_STEP_DAYS:
        msg = (f"--every {text!r} is a step of {days} days, longer than a century "
               f"({MAX_STEP_DAYS} days); give a step such as 7d, 4w or 365d")
        raise InputError(msg)
    return dt.timedelta(days=days)


def max_frames() -> int:
    """`MAX_FRAMES`, or ``$TRACKER_MAX_FRAMES`` when set.

    Raises
    ------
    InputError
        When ``$TRACKER_MAX_FRAMES`` is not a whole number of at least 1.
    """
    value = os.environ.get("TRACKER_MAX_FRAMES", "").strip()
    if not value:
        return MAX_FRAMES
    if not value.isdigit() or int(value) < 1:
        msg = f"$TRACKER_MAX_FRAMES={value!r} is not a number of frames (1 or more)"
        raise InputError(msg)
    return int(value)


def frame_count(start: dt.date, end: dt.date, step: dt.timedelta) -> int:
    """How many dates `date_range` gives (computed, not listed)."""
    span = end.toordinal() - start.toordinal()
    if span < 0:
        return 0
    n = span // step.days + 1
    return n + (span % step.days != 0)


def date_range(
    start: dt.date, end: dt.date, step: dt.timedelta, *, limit: int | None = None
) -> list[dt.date]:
    """Dates from `start` to `end` by `step`; `end` is always included.

    Parameters
    ----------
    start, end, step
        The series.
    limit
        Most dates allowed (None: no limit); checked before any date is made.

    Raises
    ------
    InputError
        When `end` is before `start`, or the series has more than `limit` dates (the
        message says how many, and that ``--yes`` goes ahead anyway).
    """
    if end < start:
        msg = f"--to {end.isoformat()} is before --from {start.isoformat()}"
        raise InputError(msg)
    n = frame_count(start, end, step)
    if limit is not None and n > limit:
        msg = (f"--from {start.isoformat()} --to {end.isoformat()} --every {step.days}d is "
               f"{n:,} frames, over the limit of {limit:,}; narrow the dates or take a longer "
               "step, or pass --yes to draw them all (or set $TRACKER_MAX_FRAMES)")
        raise InputError(msg)
    first, last = start.toordinal(), end.toordinal()
    days = [dt.date.fromordinal(o) for o in range(first, last, step.days)]
    days.append(end)
    return days


def source_line(snapshot: Mapping[str, Any], on: dt.date) -> str:
    """``"from N reports, latest DATE"``: the reports behind the holdings shown on `on`.

    Counts the distinct reports whose claims (dated on or before `on`) support a holding
    of the snapshot; analyst corrections are counted apart.
    """
    reports: set[str] = set()
    corrections = 0
    latest: dt.date | None = None
    for holding in snapshot.values():
        for sc in getattr(holding, "evidence", ()) or ():
            claim = getattr(sc, "claim", sc)
            day = getattr(claim, "date", None)
            if day is None or day > on:
                continue
            if getattr(sc, "is_correction", False):
                corrections += 1
                continue
            reports.add(claim.report_id)
            latest = day if latest is None or day > latest else latest
    text = f"from {len(reports)} report{'s' if len(reports) != 1 else ''}"
    if latest is not None:
        text += f", latest {latest.isoformat()}"
    if corrections:
        text += f" (+{corrections} analyst correction{'s' if corrections != 1 else ''})"
    return text


# --------------------------------------------------------------------------- writing


def figure_format(path: Path) -> str:
    """The image format of an output path (png, svg or pdf).

    Raises
    ------
    OutputError
        For another extension.
    """
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in MAP_FORMATS:
        msg = f"{path}: unknown image format {fmt!r}; end the file name in .png, .svg or .pdf"
        raise OutputError(msg)
    return fmt


def save_figure(
    fig: Figure, path: Path, *, dpi: float | None = None, overwrite: bool = False
) -> Path:
    """Save a Figure atomically in the format of its extension; returns the path.

    Raises
    ------
    OutputError
        When `path` exists and `overwrite` is False, or it cannot be written.
    """
    fmt = figure_format(path)
    with atomic_path(path, overwrite=overwrite) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi or fig.dpi)
    return Path(path)


def _extent_for(
    data: TerritoryData,
    snapshots: Iterable[Mapping[str, Any]],
    *,
    actor: str | None,
    region: BaseGeometry | None,
    bbox: tuple[float, float, float, float] | None,
) -> tuple[float, float, float, float]:
    """One extent for all snapshots: the bbox, else the region, else the pockets' union.

    `snapshots` may be a generator: each is looked at once and let go.
    """
    if bbox is not None:
        return bbox
    boxes = [
        b for s in snapshots
        if (b := map_extent(s, data.cells, actor=actor, region=region)) is not None
    ]
    if not boxes:
        msg = "nothing to map: no place has a known holder on these dates; pass --bbox"
        raise TimelineError(msg)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def build_map(
    data: TerritoryData,
    on: dt.date,
    *,
    actor: str | None = None,
    region: BaseGeometry | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    extent: tuple[float, float, float, float] | None = None,
    labels: str = "ar",
) -> Figure:
    """The control map of one date as a Figure (see `render.render_control_map`)."""
    snap = data.snapshot(on)
    if extent is None:
        extent = _extent_for(data, [snap], actor=actor, region=region, bbox=bbox)
    return render_control_map(
        snap, data.places.values(), data.cells, on=on, context_layers=data.context,
        labels=labels, extent=extent, actor=actor, source_line=source_line(snap, on),
        close_km=data.close_km,
    )


def write_map(
    data: TerritoryData, on: dt.date, out: Path, *, overwrite: bool = False, **options: Any
) -> Path:
    """Write the map of `on` to `out` (.png/.svg/.pdf); options as for `build_map`.

    Raises
    ------
    OutputError
        When `out` exists and `overwrite` is False (checked before drawing).
    """
    figure_format(out)
    check_target(out, overwrite=overwrite)
    return save_figure(build_map(data, on, **options), out, overwrite=overwrite)


def series_targets(out_dir: Path, dates: Sequence[dt.date], fmt: str) -> list[Path]:
    """The files a map series writes into `out_dir`: one map per date, then the sheet
    (when the series has at most `MAX_SHEET_PANELS` dates)."""
    paths = [out_dir / f"map_{d.isoformat()}.{fmt}" for d in dates]
    if len(dates) <= MAX_SHEET_PANELS:
        paths.append(out_dir / f"small_multiples.{fmt}")
    return paths


def _check_series_targets(out_dir: Path, targets: Sequence[Path], overwrite: bool) -> None:
    if overwrite or not out_dir.is_dir():
        return
    existing = [t for t in targets if t.exists()]
    if existing:
        names = ", ".join(t.name for t in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        msg = (f"{out_dir} already holds {names}{more}; pass --overwrite to replace them, "
               "or pick another folder")
        raise OutputError(msg)


def write_map_series(
    data: TerritoryData,
    dates: Sequence[dt.date],
    out_dir: Path,
    *,
    actor: str | None = None,
    region: BaseGeometry | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    labels: str = "ar",
    fmt: str = "png",
    overwrite: bool = False,
) -> list[Path]:
    """One map per date with one extent and style, then ``small_multiples.<fmt>``.

    `out_dir` is created when its parent exists (after the dates, the extent and the
    targets are checked, so a bad date leaves nothing behind). Every map and the sheet
    share one extent: the union of the extents of all the dates (or the bbox/region
    given). Maps are drawn and saved one at a time. A series of more than
    `MAX_SHEET_PANELS` dates gets no sheet (it would be unreadable); the log says so.
    Returns the paths written (maps in date order, the sheet last).

    Raises
    ------
    OutputError
        When `out_dir` is a file or its parent does not exist, or one of the files it would
        write exists and `overwrite` is False (nothing is drawn then).
    """
    out_dir = Path(out_dir)
    if not (out_dir.is_dir() or (not out_dir.exists() and out_dir.parent.is_dir())):
        msg = f"{out_dir}: not a directory; create it first (`mkdir -p {out_dir}`)"
        raise OutputError(msg)
    targets = series_targets(out_dir, dates, fmt)
    _check_series_targets(out_dir, targets, overwrite)
    data.snapshot(dates[0])  # the earliest date: a date before the store's first fails here
    extent = _extent_for(data, (data.snapshot(d) for d in dates), actor=actor, region=region,
                         bbox=bbox)
    if not out_dir.exists():  # the parent exists: make the folder itself
        try:
            out_dir.mkdir()
        except OSError as err:
            msg = f"{out_dir}: cannot create the folder ({err.strerror}); pick a writable path"
            raise OutputError(msg) from err
    written = []
    for day, target in zip(dates, targets, strict=False):
        snap = data.snapshot(day)
        fig = render_control_map(
            snap, data.places.values(), data.cells, on=day, context_layers=data.context,
            labels=labels, extent=extent, actor=actor, source_line=source_line(snap, day),
            close_km=data.close_km,
        )
        written.append(save_figure(fig, target, overwrite=overwrite))
    if len(dates) > MAX_SHEET_PANELS:
        logger.warning("%d dates: no small-multiples sheet (at most %d panels)", len(dates),
                       MAX_SHEET_PANELS)
        return written
    frames = [MapFrame(d, s, source_line(s, d)) for d in dates for s in (data.snapshot(d),)]
    sheet = render_small_multiples(
        frames, data.places.values(), data.cells, extent=extent, context_layers=data.context,
        close_km=data.close_km,
        title=f"{actor.upper() if actor else 'Control'}: {dates[0]} to {dates[-1]}",
    )
    written.append(save_figure(sheet, targets[-1], overwrite=overwrite))
    return written


def area_series(
    data: TerritoryData,
    actor: str,
    dates: Sequence[dt.date],
    *,
    region: BaseGeometry | None = None,
) -> list[AreaPoint]:
    """The actor's area (total, low, high km²) on each date, pockets kept by `region`."""
    out = []
    for day in dates:
        doc = pocket_report(data.snapshot(day), data.cells, actor, on=day, region=region,
                            close_km=data.close_km, sites=data.sites, share=False)
        out.append(AreaPoint(day, doc["area_km2_total"], doc["area_km2_low"],
                             doc["area_km2_high"]))
    return out


def read_reported(path: Path) -> list[ReportedArea]:
    """Read a CSV of reported areas with columns ``date, km2, source``.

    Raises
    ------
    InputError
        Naming the file and line of a missing column, a bad date or a bad number.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        msg = f"cannot read the reported areas ({err}); give a UTF-8 CSV: date,km2,source"
        raise InputError(msg, path=str(path)) from err
    reader = csv.DictReader(io.StringIO(text))
    cols = {c.strip().lower() for c in reader.fieldnames or ()}
    if not {"date", "km2"} <= cols:
        msg = f"needs the columns date, km2 (and source); found {sorted(cols)}"
        raise InputError(msg, path=str(path), line=1)
    out = []
    for n, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        try:
            day = dt.date.fromisoformat(row["date"])
        except ValueError:
            msg = f"date {row['date']!r} is not YYYY-MM-DD"
            raise InputError(msg, path=str(path), line=n) from None
        try:
            km2 = float(row["km2"])
        except ValueError:
            msg = f"km2 {row['km2']!r} is not a number"
            raise InputError(msg, path=str(path), line=n) from None
        out.append(ReportedArea(day, km2, row.get("source", "")))
    return out


def reported_from_store(
    store_path: Path, actor: str, start: dt.date, end: dt.date
) -> list[tuple[ReportedArea, Any]]:
    """Area statements of the stored reports (`tracker.areas`) dated from `start` to `end`.

    Keeps the statements of `actor` and those whose sentence names no actor. Each comes as
    ``(ReportedArea, AreaStatement)``; the source is the publisher (else the file name)
    and the publication date. Sorted by date.

    Raises
    ------
    StoreError
        When there is no store at `store_path` or it cannot be read.
    """
    from tracker.actors import ActorLexicon
    from tracker.areas import find_area_statements
    from tracker.store import Store

    lexicon = ActorLexicon.load()
    with Store.open(store_path, create=False, write=False) as store:
        reports = store.reports()
    out = []
    for r in reports:
        name = r.publisher or Path(r.source_file).name
        source = f"{name} {r.published.isoformat()}" if r.published else name
        seen: set[tuple[dt.date, float]] = set()  # a headline repeating its body counts once
        for st in find_area_statements(r.text, published=r.published, lexicon=lexicon):
            if st.date is None or not start <= st.date <= end:
                continue
            if st.actor not in (None, actor) or (st.date, st.km2) in seen:
                continue
            seen.add((st.date, st.km2))
            out.append((ReportedArea(st.date, st.km2, source), st))
    out.sort(key=lambda pair: (pair[0].on, pair[0].source))
    return out


def write_series(
    series: Sequence[AreaPoint],
    out: Path,
    *,
    actor: str,
    reported: Sequence[ReportedArea] | None = None,
    overwrite: bool = False,
) -> Path:
    """Draw the area chart (our series vs the reported figures) and save it to `out`.

    Raises
    ------
    OutputError
        When `out` exists and `overwrite` is False.
    """
    figure_format(out)
    return save_figure(render_area_chart(series, reported, actor=actor), out,
                       overwrite=overwrite)


def write_animation(
    data: TerritoryData,
    dates: Sequence[dt.date],
    out: Path,
    *,
    actor: str | None = None,
    region: BaseGeometry | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    labels: str = "ar",
    frame_ms: int = 700,
    progress: Callable[[int], None] | None = None,
    overwrite: bool = False,
) -> Path:
    """A GIF with one map per date (same extent), the last frame held longer.

    Frames are drawn one at a time as the GIF writer asks for them (no list of
    snapshots or figures is held). `progress` is called with 1 after each frame.

    Raises
    ------
    OutputError
        When `out` is not a .gif, or exists and `overwrite` is False (checked first).
    """
    from PIL import Image

    out = Path(out)
    if out.suffix.lower() != ".gif":
        msg = f"{out}: an animation is written as GIF; end the file name in .gif"
        raise OutputError(msg)
    check_target(out, overwrite=overwrite)
    data.snapshot(dates[0])  # a bad first date fails before any work
    extent = _extent_for(data, (data.snapshot(d) for d in dates), actor=actor, region=region,
                         bbox=bbox)

    def frames() -> Iterator[Any]:
        for day in dates:
            snap = data.snapshot(day)
            fig = render_control_map(
                snap, data.places.values(), data.cells, on=day, context_layers=data.context,
                labels=labels, extent=extent, actor=actor, source_line=source_line(snap, day),
                dpi=80, close_km=data.close_km,
            )
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            img = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
            yield img.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
            if progress is not None:
                progress(1)

    durations = [frame_ms] * (len(dates) - 1) + [frame_ms * 4]
    stream = frames()
    first = next(stream)
    with atomic_path(out, overwrite=overwrite) as tmp:
        first.save(tmp, format="GIF", save_all=True, append_images=stream,
                   duration=durations, loop=0, optimize=False)
    return out


# --------------------------------------------------------------------------- commands


def _parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``--bbox W,S,E,N`` as numbers, checked: finite, in lon/lat bounds, W < E, S < N,
    between `MIN_BBOX_DEG` and `MAX_BBOX_DEG` wide and tall, away from the poles."""
    if text is None:
        return None
    example = "e.g. 40.7,34.3,41.1,34.7"
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        msg = f"--bbox {text!r} is not W,S,E,N in degrees, {example}"
        raise InputError(msg) from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        msg = f"--bbox {text!r}: every value must be a finite number of degrees, {example}"
        raise InputError(msg)
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -85 <= s <= 85 and -85 <= n <= 85):
        msg = (f"--bbox {text!r}: longitudes go from -180 to 180 and latitudes (for a map) "
               f"from -85 to 85; write W,S,E,N, {example}")
        raise InputError(msg)
    if w >= e:
        msg = (f"--bbox {text!r}: the west edge {w:g} is not west of the east edge {e:g}; "
               f"write W,S,E,N (west first), {example}")
        raise InputError(msg)
    if s >= n:
        msg = (f"--bbox {text!r}: the south edge {s:g} is not south of the north edge {n:g}; "
               f"write W,S,E,N (south second), {example}")
        raise InputError(msg)
    width, height = e - w, n - s
    if max(width, height) > MAX_BBOX_DEG:
        msg = (f"--bbox {text!r} is {width:g}° x {height:g}°: maps are drawn for a front or a "
               f"country, at most {MAX_BBOX_DEG:g}° each way; give a smaller box, {example}")
        raise InputError(msg)
    if min(width, height) < MIN_BBOX_DEG:
        msg = (f"--bbox {text!r} is {width:g}° x {height:g}°, under {MIN_BBOX_DEG:g}° (about "
               f"100 m) one way; give a larger box, {example}")
        raise InputError(msg)
    return (w, s, e, n)


def _dates(on: dt.date | None, start: dt.date | None, end: dt.date | None,
           every: str | None, *, yes: bool = False) -> list[dt.date] | None:
    """None for one date (--on); the date list for --from/--to/--every (at most
    `max_frames()` dates unless `yes`)."""
    if on is not None:
        if start or end or every:
            msg = "give either --on DATE or --from D1 --to D2 --every N, not both"
            raise InputError(msg)
        return None
    if not (start and end):
        msg = "give --on DATE, or --from D1 --to D2 (with --every, default 7d)"
        raise InputError(msg)
    return date_range(start, end, parse_every(every or "7d"), limit=None if yes else max_frames())


def _pocket_lines(doc: Mapping[str, Any]) -> list[str]:
    lines = [f"{doc['actor']} on {doc['date']}: {doc['area_km2_total']:.2f} km² "
             f"(low {doc['area_km2_low']:.2f}, high {doc['area_km2_high']:.2f}) "
             f"in {len(doc['pockets'])} pocket(s)"]
    if "region" in doc:
        r = doc["region"]
        lines.append(f"  share of the region: {r['share_pct']:.1f}% (low {r['share_pct_low']:.1f}"
                     f"%, high {r['share_pct_high']:.1f}%) of {r['land_km2']:.2f} km² of "
                     f"settled land ({r['region_km2']:.2f} km² in all)")
    for i, p in enumerate(doc["pockets"], start=1):
        names = ", ".join((q["name_en"] or q["id"]) + (" (contested)" if q["contested"] else "")
                          for q in p["places"])
        lines.append(f"  {i}. {p['area_km2']:.2f} km²: {names}")
    return lines


def register(main: click.Group) -> None:
    """Add `pocket`, `map` and `animate` to the command group."""

    @main.command("pocket")
    @click.option("--actor", required=True,
                  help="Actor id or name (isis, sdf, government, opposition, hts, sna ...).")
    @click.option("--on", "on", type=DATE, default=None, help="One date.")
    @click.option("--from", "start", type=DATE, default=None, help="First date of a series.")
    @click.option("--to", "end", type=DATE, default=None, help="Last date of a series.")
    @click.option("--every", default=None, help="Series step: Nd or Nw (default 7d).")
    @click.option("--region", default=None,
                  help="Admin unit, town (with its quarters) or ACTOR@DATE[/REGION]: keep "
                       "the pockets there and give the share of it the actor holds.")
    @click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Series only: write the area chart (.png/.svg/.pdf).")
    @click.option("--reported", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="CSV of reported areas (date,km2,source) drawn beside the series.")
    @click.option("--reported-from-store", "from_store", is_flag=True, default=False,
                  help="Series only: also draw and list the areas stated in the stored "
                       "reports (\"نحو 10 كيلومترات مربعة\", \"about 4 km²\").")
    @overwrite_opt
    @yes_opt
    @store_opt
    @json_opt
    def pocket_cmd(actor: str, on: dt.date | None, start: dt.date | None,
                   end: dt.date | None, every: str | None, region: str | None,
                   chart: Path | None, reported: Path | None, from_store: bool,
                   overwrite: bool, yes: bool, store: Path | None, as_json: bool) -> None:
        """The pockets of ACTOR on a date (km²), or the area series over dates."""
        try:
            actor_id = canonical_actor(actor)
            dates = _dates(on, start, end, every, yes=yes)
            rep = read_reported(reported) if reported else None
            if from_store and dates is None:
                msg = "--reported-from-store needs a series: give --from D1 --to D2"
                raise InputError(msg)
            if chart is not None:
                figure_format(chart)
                check_target(chart, overwrite=overwrite)
            data = load_territory_data(settings_for(store))
            area = resolve_region(data, region) if region else None
            if dates is None:
                assert on is not None
                doc = pocket_report(data.snapshot(on), data.cells, actor_id, on=on,
                                    region=area, places=data.places,
                                    close_km=data.close_km, sites=data.sites)
                if as_json:
                    echo_json(doc)
                else:
                    click.echo("\n".join(_pocket_lines(doc)))
                return
            stated: list[tuple[ReportedArea, Any]] = []
            if from_store:
                assert start is not None
                assert end is not None
                stated = reported_from_store(settings_for(store).store, actor_id, start, end)
            series = area_series(data, actor_id, dates, region=area)
            if chart is not None:
                drawn = [*(rep or ()), *(r for r, _ in stated)] if from_store else rep
                write_series(series, chart, actor=actor_id, reported=drawn,
                             overwrite=overwrite)
        except TrackerError as err:
            raise fail(err) from err
        rows = [{"date": p.on.isoformat(), "area_km2_total": p.km2, "area_km2_low": p.km2_low,
                 "area_km2_high": p.km2_high} for p in series]
        stated_rows = [
            {"date": r.on.isoformat(), "km2": r.km2, "approx": st.approx, "source": r.source,
             "text": st.text, "actor": st.actor, "date_precision": st.date_precision}
            for r, st in stated
        ]
        if as_json:
            doc: dict[str, Any] = {"actor": actor_id, "series": rows,
                                   "chart": str(chart) if chart else None}
            if from_store:
                doc["reported_from_store"] = stated_rows
            echo_json(doc)
        else:
            click.echo(f"{'date':<12}{'km2':>9}{'low':>9}{'high':>9}")
            for r in rows:
                click.echo(f"{r['date']:<12}{r['area_km2_total']:>9.2f}"
                           f"{r['area_km2_low']:>9.2f}{r['area_km2_high']:>9.2f}")
            if from_store:
                click.echo(f"reported in the store ({len(stated_rows)}):")
                for d in stated_rows:
                    click.echo(f"{d['date']:<12}{'~' if d['approx'] else ' '}"
                               f"{d['km2']:>8.2f}  {d['source']}: {d['text']}")
            if chart is not None:
                click.echo(f"chart: {chart}", err=True)

    @main.command("map")
    @click.option("--on", "on", type=DATE, default=None, help="The date of one map.")
    @click.option("--from", "start", type=DATE, default=None, help="First date of a series.")
    @click.option("--to", "end", type=DATE, default=None, help="Last date of a series.")
    @click.option("--every", default=None, help="Series step: Nd or Nw (default 7d).")
    @click.option("--out", "out", required=True, type=click.Path(path_type=Path),
                  help="FILE.png|.svg|.pdf for one map; a directory for a series.")
    @click.option("--region", default=None, help="Admin unit or place the map shows.")
    @click.option("--bbox", default=None, help="W,S,E,N in degrees.")
    @click.option("--actor", default=None,
                  help="Actor whose pockets set the extent when no region/bbox is given "
                       "(default: every place with a known holder on the date).")
    @click.option("--labels", type=click.Choice(["ar", "en", "none"]), default="ar",
                  show_default=True)
    @overwrite_opt
    @yes_opt
    @store_opt
    def map_cmd(on: dt.date | None, start: dt.date | None, end: dt.date | None,
                every: str | None, out: Path, region: str | None, bbox: str | None,
                actor: str | None, labels: str, overwrite: bool, yes: bool,
                store: Path | None) -> None:
        """A dated control map, or one map per date plus a small-multiples sheet.

        An existing file is replaced only with --overwrite (for a series: any of the maps
        or the sheet it would write into the folder).
        """
        try:
            dates = _dates(on, start, end, every, yes=yes)
            if region and bbox:
                msg = "give --region or --bbox, not both"
                raise InputError(msg)
            box = _parse_bbox(bbox)
            actor_id = canonical_actor(actor) if actor else None
            if dates is None:
                figure_format(out)
                check_target(out, overwrite=overwrite)
            else:
                _check_series_targets(out, series_targets(out, dates, "png"), overwrite)
            data = load_territory_data(settings_for(store))
            area = resolve_region(data, region) if region else None
            if dates is None:
                assert on is not None
                write_map(data, on, out, actor=actor_id, region=area, bbox=box, labels=labels,
                          overwrite=overwrite)
                click.echo(str(out))
                return
            for path in write_map_series(data, dates, out, actor=actor_id, region=area,
                                         bbox=box, labels=labels, overwrite=overwrite):
                click.echo(str(path))
        except TrackerError as err:
            raise fail(err) from err

    @main.command("animate")
    @click.option("--from", "start", type=DATE, required=True, help="First date.")
    @click.option("--to", "end", type=DATE, required=True, help="Last date.")
    @click.option("--every", default="3d", show_default=True, help="Step: Nd or Nw.")
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="FILE.gif")
    @click.option("--region", default=None, help="Admin unit or place the map shows.")
    @click.option("--bbox", default=None, help="W,S,E,N in degrees.")
    @click.option("--actor", default=None,
                  help="Actor whose pockets set the extent (default: every place with a "
                       "known holder).")
    @click.option("--labels", type=click.Choice(["ar", "en", "none"]), default="en",
                  show_default=True)
    @overwrite_opt
    @yes_opt
    @store_opt
    def animate_cmd(start: dt.date, end: dt.date, every: str, out: Path, region: str | None,
                    bbox: str | None, actor: str | None, labels: str, overwrite: bool,
                    yes: bool,
                    store: Path | None) -> None:
        """An animated GIF of the maps from --from to --to (progress bar on stderr).

        An existing FILE.gif is replaced only with --overwrite.
        """
        try:
            dates = date_range(start, end, parse_every(every),
                               limit=None if yes else max_frames())
            box = _parse_bbox(bbox)
            actor_id = canonical_actor(actor) if actor else None
            if out.suffix.lower() != ".gif":
                msg = f"{out}: an animation is written as GIF; end the file name in .gif"
                raise OutputError(msg)
            check_target(out, overwrite=overwrite)
            data = load_territory_data(settings_for(store))
            area = resolve_region(data, region) if region else None
            with click.progressbar(length=len(dates), label="frames",
                                   file=sys.stderr) as bar:
                write_animation(data, dates, out, actor=actor_id, region=area, bbox=box,
                                labels=labels, progress=bar.update, overwrite=overwrite)
        except TrackerError as err:
            raise fail(err) from err
        click.echo(str(out))


__all__ = [
    "TerritoryData",
    "area_series",
    "build_map",
    "canonical_actor",
    "date_range",
    "frame_count",
    "load_territory_data",
    "max_frames",
    "parse_every",
    "read_reported",
    "reported_from_store",
    "resolve_region",
    "series_targets",
    "source_line",
    "timeline_from_store",
    "write_animation",
    "write_map",
    "write_map_series",
    "write_series",
]
