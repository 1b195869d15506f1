"""Extraction throughput: reports/s and MB/s of text on one core (target: >= 200 reports/s).

Run: ``python benchmarks/bench_extract.py [--data ../shared/data] [--n 10000]``.
Reads the bundled sample corpus (`tracker/data/sample/`), replicates it to at least `--n`
reports, and times `tracker.extract.extract` on each against the national gazetteer (imported
from ``../shared/data`` into a temporary cache; the bundled regional one when that is absent).
Times are CPU seconds of this process (one core; other jobs on the machine do not count)
and wall-clock seconds. Two numbers: a *cold* pass over the distinct reports on a fresh index
(no cached lookups), and the replicated run (the gazetteer's per-name cache then helps
repeated names, as it does on a real stream where the same villages recur).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tracker import gazetteer_io as gio  # noqa: E402
from tracker.actors import ActorLexicon  # noqa: E402
from tracker.extract import extract  # noqa: E402
from tracker.model import Report  # noqa: E402
from tracker.reports import read_reports  # noqa: E402
from tracker.settings import BUNDLED_GAZETTEER_DIR, SAMPLE_DIR, Settings  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"


def national_paths(data: Path) -> list[Path]:
    return [
        data / "ocha_cod_ps" / "syr_ocha_locations_communities.csv",
        data / "wof" / "wof_admin_sy_places.csv",
        *(data / "ocha_cod_ab" / f"syr_adm{i}_ocha_20201217.geojson" for i in (1, 2, 3)),
    ]


def load_gaz(data: Path, tmp: str):  # type: ignore[no-untyped-def]
    paths = [p for p in national_paths(data) if p.exists()]
    if paths:
        gio.import_sources(paths, tmp)
        settings = Settings(cache_dir=Path(tmp), gazetteer_dir=BUNDLED_GAZETTEER_DIR)
        return gio.load_gazetteer(settings), "national"
    return gio.load_gazetteer(Settings(cache_dir=Path(tmp))), "bundled (no ../shared/data)"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--corpus", type=Path, default=SAMPLE_DIR)
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.rglob("*")
                   if p.is_file() and p.suffix.lower() in (".txt", ".jsonl", ".html", ".htm"))
    reports = [r for r in read_reports(files) if isinstance(r, Report)]
    if not reports:
        print(f"no reports in {args.corpus}")
        return 1
    lex = ActorLexicon.load()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        gaz, kind = load_gaz(args.data, tmp)
        print(f"gazetteer: {kind}, {len(gaz)} places, loaded in {time.perf_counter() - t0:.1f} s")
        print(f"corpus: {len(reports)} distinct reports from {args.corpus}")

        c0 = time.process_time()
        claims = sum(len(extract(r, gaz, lex).claims) for r in reports)
        cold = time.process_time() - c0
        size = sum(len(r.text.encode("utf-8")) for r in reports)
        print(f"cold pass (CPU time): {len(reports) / cold:8.1f} reports/s  "
              f"{size / 1e6 / cold:6.2f} MB/s  ({claims} claims)")

        reps = -(-args.n // len(reports))
        stream = reports * reps
        t0, c0 = time.perf_counter(), time.process_time()
        claims = 0
        for r in stream:
            claims += len(extract(r, gaz, lex).claims)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = sum(len(r.text.encode("utf-8")) for r in stream)
        print(f"replicated: {len(stream)} reports, {size / 1e6:.1f} MB, {claims} claims")
        print(f"throughput (CPU time, one core): {len(stream) / cpu:8.1f} reports/s  "
              f"{size / 1e6 / cpu:6.2f} MB/s  (target >= 200 reports/s)")
        print(f"throughput (wall clock):         {len(stream) / wall:8.1f} reports/s  "
              f"{size / 1e6 / wall:6.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
