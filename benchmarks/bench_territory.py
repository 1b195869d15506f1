"""Territory and maps: cells for the national gazetteer, one map, a 30-frame animation.

Run: ``python benchmarks/bench_territory.py [--data ../shared/data]``.
Targets: cells for ~10,000 places under 10 s; one map under 2 s; a 30-frame animation
under 60 s.

* cells: the national gazetteer imported from ``../shared/data`` into a temporary cache
  (the import itself is not timed; see bench_import), clipped to Syria's outline and cut by
  the Euphrates; cold, then from the disk cache. Without ../shared, 10,000 synthetic points.
* map / animation: the bundled regional gazetteer and a timeline built from synthetic
  claims (30 Euphrates-valley villages held by ISIS, taken by the SDF one a day), drawn
  and written to PNG / GIF in a temporary directory with the library functions the CLI
  uses (`write_map`, `write_animation`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from tracker import _cli_territory as cli_territory  # noqa: E402
from tracker import gazetteer_io as gio  # noqa: E402
from tracker import territory  # noqa: E402
from tracker.model import ControlClaim, Evidence, Place  # noqa: E402
from tracker.settings import BUNDLED_GAZETTEER_DIR, Settings  # noqa: E402
from tracker.timeline import Timeline  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"
NATIONAL = (
    ("ocha_cod_ps", "syr_ocha_locations_communities.csv"),
    ("wof", "wof_admin_sy_places.csv"),
    *(("ocha_cod_ab", f"syr_adm{i}_ocha_20201217.geojson") for i in (0, 1, 2, 3)),
)


def national_places(data: Path, tmp: Path) -> tuple[list[Place], str]:
    """The national gazetteer (imported into `tmp`), or 10,000 synthetic points."""
    paths = [data / a / b for a, b in NATIONAL]
    paths = [p for p in paths if p.is_file()]
    if paths and paths[0].is_file():
        gio.import_sources(paths, tmp)
        places = gio.load_cached(tmp) or []
        return list(places), f"national gazetteer from {data}"
    rng = np.random.default_rng(1)
    lon = rng.uniform(35.8, 42.3, 10_000)
    lat = rng.uniform(32.4, 37.3, 10_000)
    return [Place(f"syn:{i}", "", f"p{i}", float(lat[i]), float(lon[i]))
            for i in range(10_000)], "10,000 synthetic points"


def bench_cells(data: Path) -> None:
    context = gio.load_context_layers(BUNDLED_GAZETTEER_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        places, what = national_places(data, Path(tmp) / "gaz")
        countries = [p.geometry for p in places if p.kind == "country" and p.geometry is not None]
        study = shapely.union_all(countries) if countries else None
        n_settle = sum(territory.is_settlement(p) for p in places)
        cache = Path(tmp) / "cells"
        territory._MEMORY_CACHE.clear()
        t0 = time.perf_counter()
        cells = territory.place_cells(places, study_area=study,
                                      barriers=context.get("euphrates"), cache_dir=cache)
        cold = time.perf_counter() - t0
        territory._MEMORY_CACHE.clear()
        t0 = time.perf_counter()
        territory.place_cells(places, study_area=study, barriers=context.get("euphrates"),
                              cache_dir=cache)
        disk = time.perf_counter() - t0
        t0 = time.perf_counter()
        territory.place_cells(places, study_area=study, barriers=context.get("euphrates"))
        memory = time.perf_counter() - t0
    areas = [territory.area_km2(c) for c in list(cells.values())[:2000]]
    print(f"cells: {what}: {len(places)} places, {n_settle} settlements, {len(cells)} cells"
          f"{' (clipped to the country outline)' if study is not None else ''}")
    print(f"  place_cells cold                {cold:7.2f} s   (target < 10 s)")
    print(f"  place_cells from the disk cache {disk:7.2f} s")
    print(f"  place_cells from memory         {memory:7.3f} s")
    print(f"  median cell area {np.median(areas):.2f} km² (first 2,000)")


def synthetic_timeline(places: list[Place]) -> tuple[Timeline, list[Place]]:
    """30 valley villages around al-Baghuz held by ISIS on day 0, one lost a day."""
    valley = sorted(
        (p for p in places if territory.is_settlement(p) and 34.35 < p.lat < 34.9
         and 40.6 < p.lon < 41.1),
        key=lambda p: (p.lat - 34.45) ** 2 + (p.lon - 40.95) ** 2,
    )[:30]
    start = dt.date(2019, 1, 1)
    ev = Evidence(0, 1, "synthetic", "bench")
    claims = [ControlClaim("r0", "bench", p.name_en, p.place_id, "isis", "held", start, "day",
                           0.9, ev) for p in valley]
    for i, p in enumerate(reversed(valley)):
        day = start + dt.timedelta(days=i + 1)
        claims.append(ControlClaim(f"r{i + 1}", "bench", p.name_en, p.place_id, "sdf",
                                   "captured", day, "day", 0.9, ev))
    return Timeline.from_claims(claims), valley


def bench_maps() -> None:
    settings = Settings(store=Path("unused.db"))
    gaz = gio.load_gazetteer(settings)
    timeline, valley = synthetic_timeline(list(gaz))
    if len(valley) < 30:
        print(f"maps: only {len(valley)} valley villages in the bundled gazetteer; skipped")
        return
    t0 = time.perf_counter()
    data = cli_territory.load_territory_data(settings, timeline=timeline, gazetteer=gaz)
    load = time.perf_counter() - t0
    day = dt.date(2019, 1, 10)
    with tempfile.TemporaryDirectory() as tmp:
        cli_territory.write_map(data, day, Path(tmp) / "warm.png")  # fonts, caches
        times = []
        for labels in ("ar", "en"):
            t0 = time.perf_counter()
            cli_territory.write_map(data, day, Path(tmp) / f"map_{labels}.png", labels=labels)
            times.append(time.perf_counter() - t0)
        dates = [dt.date(2019, 1, 1) + dt.timedelta(days=i) for i in range(30)]
        t0 = time.perf_counter()
        closed = cli_territory.area_series(data, "isis", dates)
        series = time.perf_counter() - t0
        bare = cli_territory.area_series(
            cli_territory.TerritoryData(*(getattr(data, f) for f in (
                "timeline", "gazetteer", "places", "cells", "context", "first_day",
                "last_day")), close_km=0.0), "isis", dates)
        t0 = time.perf_counter()
        out = cli_territory.write_animation(data, dates, Path(tmp) / "anim.gif")
        anim = time.perf_counter() - t0
        size = out.stat().st_size
    print(f"maps: bundled gazetteer ({len(data.places)} places), 30-village synthetic pocket")
    print(f"  load gazetteer + cells + context  {load:6.2f} s")
    print(f"  one map, Arabic labels, PNG       {times[0]:6.2f} s   (target < 2 s)")
    print(f"  one map, English labels, PNG      {times[1]:6.2f} s")
    print(f"  30-frame animation, GIF           {anim:6.2f} s   (target < 60 s; "
          f"{size / 1e6:.1f} MB)")
    print(f"  30-date area series (closed)      {series:6.2f} s   day 0: "
          f"{closed[0].km2:.1f} km² closed ({data.close_km:g} km), {bare[0].km2:.1f} km² "
          "bare cells")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    args = ap.parse_args()
    bench_cells(args.data)
    bench_maps()
    return 0


if __name__ == "__main__":
    sys.exit(main())
