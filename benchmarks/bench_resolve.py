"""Resolutions per second against the national index (target: at least 20,000/s Arabic).

Run: ``python benchmarks/bench_resolve.py [--n 20000] [--imported [--data ../shared/data]]``.
Loads the bundled national gazetteer (`load_gazetteer`; with ``--imported``, imports the
whole country from ../shared/data into a temporary cache and loads that), then times
`Gazetteer.resolve` on query mixes drawn from the index itself (fixed seed): Arabic names
as written, Latin names, names with a proclitic or feature word, misspelt names (fuzzy
tier), and the same with an admin + bank context.
Each mix runs on a fresh index, so the per-query cache only helps repeated names.
Rates are per second of CPU time of this process (one core).
Also prints the index build time and `spot` / `context_from_text` throughput on
the seed reports and the sample corpus.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tracker import gazetteer_io as gio  # noqa: E402
from tracker.gazetteer import Context, Gazetteer  # noqa: E402
from tracker.model import Place  # noqa: E402
from tracker.settings import BUNDLED_GAZETTEER_DIR, SAMPLE_DIR, Settings  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"
SEEDS = REPO.parent / "shared" / "seeds"


def national_paths(data: Path) -> list[Path]:
    return [
        data / "ocha_cod_ps" / "syr_ocha_locations_communities.csv",
        data / "wof" / "wof_admin_sy_places.csv",
        *(data / "ocha_cod_ab" / f"syr_adm{i}_ocha_20201217.geojson" for i in (1, 2, 3)),
    ]


def query_mixes(places: Sequence[Place], n: int, seed: int = 7) -> dict[str, list[str]]:
    """Query lists drawn from the index (deterministic)."""
    rng = random.Random(seed)
    ar = [p.name_ar for p in places if p.name_ar]
    en = [p.name_en for p in places if p.name_en]
    pick = [rng.choice(ar) for _ in range(n)]

    def misspell(name: str) -> str:
        if len(name) < 5:
            return name + "ه"
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1 :]

    return {
        "arabic as written": pick,
        "latin": [rng.choice(en) for _ in range(n)],
        "proclitic / feature word": [rng.choice(("و", "ب", "قرية ", "بلدة ", "وبلدة ")) + q
                                     for q in pick],
        "misspelt (fuzzy tier)": [misspell(q) for q in pick[: max(1, n // 10)]],
    }


def rate(fn: Callable[[str], object], queries: Sequence[str]) -> float:
    """Calls per second of CPU time of this process (steadier than wall time on a shared
    machine; the work is single-threaded, so it is the one-core rate)."""
    t = time.process_time()
    for q in queries:
        fn(q)
    return len(queries) / max(time.process_time() - t, 1e-9)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    ap.add_argument("--n", type=int, default=20_000, help="queries per mix")
    ap.add_argument("--imported", action="store_true",
                    help="import ../shared/data into a temporary cache and measure that "
                         "index instead of the bundled national gazetteer")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.imported:
            paths = national_paths(args.data)
            missing = [p for p in paths if not p.is_file()]
            if missing:
                print(f"missing {missing[0]}; pass --data with the shared data folder",
                      file=sys.stderr)
                return 2
            summary = gio.import_sources(paths, tmp)
            print(f"import of the whole country: {summary.seconds:.2f} s, {summary.total} places")
        settings = Settings(cache_dir=Path(tmp), gazetteer_dir=BUNDLED_GAZETTEER_DIR)
        t = time.perf_counter()
        gaz = gio.load_gazetteer(settings)
        print(f"load_gazetteer ({gaz.description}): {time.perf_counter() - t:.2f} s")
        places = list(gaz)
        river = gaz.river
    ctx = Context(admin_pcodes=("SY09",), bank="east")
    print(f"{'query mix':<28} {'no context':>14} {'admin+bank ctx':>16}")
    for label, queries in query_mixes(places, args.n).items():
        fresh = Gazetteer(places, river=river)
        r0 = rate(fresh.resolve, queries)
        fresh = Gazetteer(places, river=river)
        r1 = rate(lambda q, g=fresh: g.resolve(q, ctx), queries)
        print(f"{label:<28} {r0:>10,.0f} /s {r1:>12,.0f} /s   ({len(queries)} queries)")
    warm = query_mixes(places, args.n)["arabic as written"]
    print(f"{'repeated names (cached)':<28} {rate(gaz.resolve, warm):>10,.0f} /s")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    if texts:
        for label, fn in (("spot", gaz.spot), ("context_from_text", gaz.context_from_text)):
            t = time.process_time()
            chars = n_texts = 0
            for _ in range(5):
                for text in texts:
                    fn(text)
                    chars += len(text)
                    n_texts += 1
            cpu = max(time.process_time() - t, 1e-9)
            print(f"{label} on the seed + sample reports: {n_texts / cpu:,.0f} reports/s, "
                  f"{chars / cpu / 1000:,.0f} k chars/s (CPU time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
