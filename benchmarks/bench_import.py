"""Time the import of the whole national gazetteer (target: under 10 s).

Run: ``python benchmarks/bench_import.py [--data ../shared/data] [--repeat 3]``.
Prints the time to read each source, to merge, to write the cache, the whole
`import_sources` call, and `load_cached`; the best of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(REPO))

from tracker import gazetteer_io as gio  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"


def national_paths(data: Path) -> list[Path]:
    """The whole-country set: OCHA communities CSV, WOF CSV, COD-AB adm1-3 GeoJSON."""
    return [
        data / "ocha_cod_ps" / "syr_ocha_locations_communities.csv",
        data / "wof" / "wof_admin_sy_places.csv",
        *(data / "ocha_cod_ab" / f"syr_adm{i}_ocha_20201217.geojson" for i in (1, 2, 3)),
    ]


def optional_paths(data: Path) -> list[Path]:
    """Alternative downloads timed on their own (XLSX, shapefile zip)."""
    return [
        data / "ocha_cod_ps" / "syr_ocha_locations_communities.xlsx",
        data / "ocha_cod_ab" / "syr_admbnda_uncs_unocha_20201217.zip",
    ]


def best_of(repeat: int, fn: object) -> tuple[float, object]:
    """Smallest wall time of `repeat` calls of `fn()` and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv: list[str] | None = None) -> int:
    """Print the timings; return a process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is shown)")
    args = ap.parse_args(argv)
    paths = national_paths(args.data)
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"skipped: national data not found ({missing[0]}); pass --data", file=sys.stderr)
        return 0

    print(f"gazetteer import benchmark (best of {args.repeat})")
    lists = []
    for p in [*paths, *(q for q in optional_paths(args.data) if q.is_file())]:
        secs, (fmt, places) = best_of(args.repeat, lambda p=p: gio.read_source(p))  # type: ignore[misc]
        if p in paths:
            lists.append(places)
        print(f"  read   {p.name:<45} {fmt:<22} {len(places):>6} places {secs:7.3f} s")
    stats: dict[str, int] = {}
    secs, merged = best_of(args.repeat, lambda: gio.merge_places(*lists, stats=stats))
    print(f"  merge  {len(merged)} places, {stats['links']} links, "
          f"{stats['admin_assigned']} by point-in-polygon {secs:7.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        secs, summary = best_of(args.repeat, lambda: gio.import_sources(paths, tmp))
        size = Path(summary.cache_path).stat().st_size / 1e6  # type: ignore[attr-defined]
        print(f"  import_sources (read + merge + write, whole country)       {secs:7.3f} s"
              f"  [target < 10 s]; cache {size:.1f} MB")
        secs, loaded = best_of(args.repeat, lambda: gio.load_cached(tmp))
        print(f"  load_cached ({len(loaded)} places)                            "  # type: ignore[arg-type]
              f"{secs:7.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
