"""Control layer benchmark on synthetic data: build, held_by, held_by_many, snapshot, store.

Usage: ``python benchmarks/bench_timeline.py [--places 100000] [--claims 1000000]
[--reports 100000] [--no-store]``. Prints numbers; asserts nothing.

Targets (issue 4): held_by from Python < 50 us per query; >= 100,000 queries/s batched;
snapshot of all places < 100 ms. Synthetic claims: each place gets a random walk of
captures / holds / losses / contests / sieges between 2017 and 2019 among four actors,
10 % of claims week- or month-precise, from several publishers; 1 % of places sit in
pocket statements. Seeded, so runs are comparable. The store part also times the
`tracker who-held` command on that store: its first run (builds the intervals and caches
them in the store) and cached runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.model import ControlClaim, Evidence, Report
from tracker.store import Store, load_reliability
from tracker.timeline import StoredClaim, Timeline

ACTORS = ("isis", "sdf", "government", "hts")
STATUSES = ("captured",) * 4 + ("held",) * 3 + ("lost", "contested", "besieged")
PUBLISHERS = ("Syrian Observatory", "SANA", "Amaq", "AFP", "")
START = dt.date(2017, 1, 1).toordinal()
DAYS = 3 * 365


def synthetic(n_places: int, n_claims: int, seed: int = 7) -> list[StoredClaim]:
    """Claims spread over places (about n_claims / n_places each), dates sorted per place."""
    rnd = random.Random(seed)
    per_place = max(1, n_claims // n_places)
    evidence = [Evidence(0, 40, f"synthetic sentence {i}", "verb") for i in range(64)]
    out: list[StoredClaim] = []
    cid = 0
    for p in range(n_places):
        pid = f"syn:{p}"
        lat, lon = 33.0 + (p % 400) * 0.01, 36.0 + (p // 400) * 0.02
        group = f"g{p // 20}" if p % 100 < 1 else None
        days = sorted(rnd.randrange(DAYS) for _ in range(per_place))
        for k, d in enumerate(days):
            day = dt.date.fromordinal(START + d)
            precision = "day" if rnd.random() < 0.9 else rnd.choice(("week", "month"))
            status = rnd.choice(STATUSES)
            claim = ControlClaim(
                f"rep{cid // 10}", "synthetic.txt", pid, pid, rnd.choice(ACTORS), status, day,
                precision, round(rnd.uniform(0.5, 0.95), 2), evidence[cid % 64],
                fraction=0.5 if status == "contested" else None,
                exclusive_group=group if k == per_place - 1 else None,
                besieger="sdf" if status == "besieged" else None, lat=lat, lon=lon)
            out.append(StoredClaim(str(cid), claim, day + dt.timedelta(days=1),
                                   PUBLISHERS[cid % len(PUBLISHERS)]))
            cid += 1
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_queries(tl: Timeline, n_places: int) -> None:
    rnd = random.Random(1)
    ids = [f"syn:{rnd.randrange(n_places)}" for _ in range(100_000)]
    days = [dt.date.fromordinal(START + rnd.randrange(DAYS)) for _ in range(100_000)]
    held_by = tl.held_by
    t0 = time.perf_counter()
    for p, d in zip(ids, days, strict=True):
        held_by(p, d)
    single = (time.perf_counter() - t0) / len(ids)
    print(f"held_by (one at a time, random place and day): {single * 1e6:.2f} us/query "
          f"({1 / single:,.0f} queries/s)")
    on = dt.date(2018, 6, 1)
    t0 = time.perf_counter()
    res = tl.held_by_many(ids, on)
    batch = time.perf_counter() - t0
    assert res == [held_by(p, on) for p in ids[:1000]] + res[1000:]
    print(f"held_by_many (100,000 places, one day): {batch * 1e3:.1f} ms "
          f"({len(ids) / batch:,.0f} queries/s)")
    times = []
    for k in range(5):
        t0 = time.perf_counter()
        snap = tl.snapshot(dt.date(2017, 6, 1) + dt.timedelta(days=90 * k))
        times.append(time.perf_counter() - t0)
    print(f"snapshot of all places: median {sorted(times)[2] * 1e3:.1f} ms "
          f"(last: {len(snap):,} places)")
    t0 = time.perf_counter()
    ch = tl.changes(dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    took = (time.perf_counter() - t0) * 1e3
    print(f"changes over one month: {took:.1f} ms ({len(ch):,} changes)")
    t0 = time.perf_counter()
    held = tl.places_held_by("isis", on)
    print(f"places_held_by: {(time.perf_counter() - t0) * 1e3:.1f} ms ({len(held):,} places)")


def bench_store(claims: list[StoredClaim], n_reports: int) -> None:
    by_report: dict[str, list[ControlClaim]] = {}
    for sc in claims:
        by_report.setdefault(sc.claim.report_id, []).append(sc.claim)
    reports = list(by_report.items())[:n_reports]
    n_claims = sum(len(c) for _, c in reports)

    class Extraction:
        def __init__(self, cs: list[ControlClaim]) -> None:
            self.claims, self.mentions = cs, ()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        with Store.open(path) as store:
            for rid, cs in reports:
                report = Report(rid, f"synthetic report {rid} " + "x" * 800, "synthetic.txt",
                                cs[0].date, publisher="Syrian Observatory")
                store.add_report(report, Extraction(cs))
        ingest = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in Path(tmp).iterdir())
        print(f"store ingest: {len(reports):,} reports / {n_claims:,} claims in {ingest:.1f} s "
              f"({len(reports) / ingest:,.0f} reports/s, one transaction each)")
        print(f"store size: {size / 1e6:.1f} MB ({size / max(n_claims, 1):.0f} bytes/claim, "
              "report text ~800 chars each)")
        with Store.open(path) as store:
            t0 = time.perf_counter()
            loaded = store.claims()
            load = time.perf_counter() - t0
            t0 = time.perf_counter()
            Timeline.from_claims(loaded, reliability=load_reliability())
            build = time.perf_counter() - t0
        del loaded
        print(f"store load of all claims: {load:.1f} s; timeline from them: {build:.1f} s")
        bench_cli(path, reports[0][1][0].place_id or "")


def bench_cli(path: Path, place: str) -> None:
    """`tracker who-held` wall time: uncached (build), first run (build + write the
    interval cache), then cached; and the cached full timeline from Python."""
    cmd = [sys.executable, "-c", "from tracker.cli import main; main()", "who-held", place,
           "--on", "2018-06-01", "--store", str(path), "--json"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def timed(extra_env: dict[str, str] | None = None) -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env={**env, **(extra_env or {})})
        return time.perf_counter() - t0

    first = timed()
    size = path.stat().st_size
    cached = sorted(timed() for _ in range(3))[1]
    print(f"CLI who-held: first run {first:.1f} s (build + cache write; store {size / 1e6:.0f} "
          f"MB after), cached {cached:.2f} s (median of 3)")
    with Store.open(path) as store:
        t0 = time.perf_counter()
        store.timeline(cache=False)
        plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.timeline()
        full = time.perf_counter() - t0
    print(f"Store.timeline(): uncached {plain:.1f} s, from the cache (every place, with "
          f"evidence) {full:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--places", type=int, default=100_000)
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--reports", type=int, default=100_000,
                    help="reports (10 claims each) written to the store benchmark")
    ap.add_argument("--no-store", action="store_true")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cpus {os.cpu_count()}")
    t0 = time.perf_counter()
    claims = synthetic(args.places, args.claims)
    print(f"synthetic data: {len(claims):,} claims over {args.places:,} places "
          f"({time.perf_counter() - t0:.1f} s to generate)")
    gc.collect()
    gc.freeze()
    t0 = time.perf_counter()
    tl = Timeline.from_claims(claims, reliability=load_reliability())
    build = time.perf_counter() - t0
    n_int = sum(1 for _ in tl.intervals())
    print(f"interval build: {build:.1f} s ({len(claims) / build:,.0f} claims/s) -> "
          f"{n_int:,} intervals; peak RSS {_rss_mb():,.0f} MB")
    gc.collect()
    gc.freeze()  # a long-lived index: keep the collector from re-walking millions of objects
    bench_queries(tl, args.places)
    if not args.no_store:
        bench_store(claims, args.reports)


if __name__ == "__main__":
    main()
