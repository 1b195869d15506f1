"""Extraction throughput: reports/s and MB/s of text on one core (target: >= 200 reports/s).

Run: ``python benchmarks/bench_extract.py [--n 10000] [--shared ../shared] [--profile]``.

Two corpora, each measured cold and warm with `tracker.extract.extract` (the package
`tracker extract`, `ingest` and `evaluate` run) against the bundled national gazetteer:

* the bundled sample corpus (`tracker/data/sample/`, our own writing), replicated to at least
  `--n` reports;
* the real shared corpus (``../shared/corpus/*/reports``), replicated the same way; skipped
  with a note when it is absent.

*Cold* is one pass over the distinct reports with every cache empty: a fresh gazetteer index
and actor lexicon, the control grammar read again from its files, and the per-word caches of
the tracker modules cleared. *Warm* is the replicated stream after that (the caches then hold
the names and words of the corpus, as on a real stream where the same villages recur). Times
are CPU seconds of this process (one core; other jobs on the machine do not count), with the
wall clock beside them. Each pass checks that it found the same claims as the cold one.
``--profile`` adds the functions where a warm pass over the shared corpus spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tracker import gazetteer_io as gio  # noqa: E402
from tracker.actors import ActorLexicon  # noqa: E402
from tracker.extract import default_grammar, extract  # noqa: E402
from tracker.model import Report  # noqa: E402
from tracker.reports import read_reports  # noqa: E402
from tracker.settings import SAMPLE_DIR, Settings  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared"


def clear_caches() -> int:
    """Empty every functools cache of the loaded tracker modules; returns how many."""
    n = 0
    for name, module in list(sys.modules.items()):
        if not (name == "tracker" or name.startswith("tracker.")):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()
                n += 1
    return n


def fresh_resources(cache_dir: str) -> tuple[Any, ActorLexicon, float]:
    """A new gazetteer index and lexicon, the grammar re-read; returns them and the seconds
    (CPU) the grammar took to load."""
    clear_caches()
    gaz = gio.load_gazetteer(Settings(cache_dir=Path(cache_dir)))
    lex = ActorLexicon.load()
    c0 = time.process_time()
    default_grammar()
    return gaz, lex, time.process_time() - c0


def read_corpus(paths: Sequence[Path]) -> list[Report]:
    return [r for r in read_reports([str(p) for p in paths]) if isinstance(r, Report)]


def run_pass(reports: Sequence[Report], gaz: Any, lex: ActorLexicon) -> tuple[float, float,
                                                                               list[int]]:
    """CPU and wall seconds of one pass, and the number of claims of each report."""
    t0, c0 = time.perf_counter(), time.process_time()
    counts = [len(extract(r, gaz, lex).claims) for r in reports]
    return time.process_time() - c0, time.perf_counter() - t0, counts


def rate(n: int, size: int, cpu: float, wall: float) -> str:
    return (f"{n / cpu:8.1f} reports/s {size / 1e6 / cpu:6.3f} MB/s CPU   "
            f"({n / wall:7.1f} reports/s {size / 1e6 / wall:6.3f} MB/s wall)")


def measure(name: str, reports: list[Report], n: int, cache_dir: str) -> dict[str, float]:
    """Print and return the cold and warm numbers of one corpus."""
    size = sum(len(r.text.encode("utf-8")) for r in reports)
    print(f"\n{name}: {len(reports)} distinct reports, {size / 1e6:.3f} MB "
          f"(mean {size / len(reports) / 1e3:.1f} kB)")
    gaz, lex, grammar_s = fresh_resources(cache_dir)
    print(f"  grammar read from its files in {grammar_s * 1e3:.0f} ms CPU")
    cpu, wall, cold_counts = run_pass(reports, gaz, lex)
    print(f"  cold, {len(reports):6d} reports: {rate(len(reports), size, cpu, wall)}  "
          f"{sum(cold_counts)} claims")
    reps = max(1, -(-n // len(reports)))
    stream = reports * reps
    wcpu, wwall, counts = run_pass(stream, gaz, lex)
    same = counts == cold_counts * reps
    print(f"  warm, {len(stream):6d} reports: {rate(len(stream), size * reps, wcpu, wwall)}  "
          f"{sum(counts)} claims ({'same' if same else 'NOT THE SAME'} as cold)")
    return {"cold": len(reports) / cpu, "warm": len(stream) / wcpu,
            "cold_mb": size / 1e6 / cpu, "warm_mb": size * reps / 1e6 / wcpu,
            "same": float(same)}


def profile(reports: list[Report], cache_dir: str, top: int = 25) -> None:
    """Print where a warm pass spends its time (by own time, then by cumulative time)."""
    gaz, lex, _ = fresh_resources(cache_dir)
    run_pass(reports, gaz, lex)
    prof = cProfile.Profile()
    prof.enable()
    run_pass(reports, gaz, lex)
    prof.disable()
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(top)
        lines = out.getvalue().splitlines()
        start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
        print(f"\nprofile of a warm pass over {len(reports)} reports, by {key}:")
        print("\n".join(lines[start - 2: start + top + 1]))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="reports in each warm stream")
    ap.add_argument("--sample", type=Path, default=SAMPLE_DIR, help="the sample corpus")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="the shared folder holding corpus/*/reports")
    ap.add_argument("--profile", action="store_true",
                    help="also profile a warm pass over the shared corpus")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:  # an empty cache: the bundled gazetteer
        t0 = time.perf_counter()
        gaz = gio.load_gazetteer(Settings(cache_dir=Path(tmp)))
        print(f"gazetteer: bundled national, {len(gaz)} places, loaded in "
              f"{time.perf_counter() - t0:.1f} s")
        results = {}
        sample = read_corpus([args.sample])
        if not sample:
            print(f"no reports in {args.sample}")
            return 1
        results["sample"] = measure(f"sample corpus ({args.sample})", sample, args.n, tmp)
        folders = sorted(p for p in (args.shared / "corpus").glob("*/reports") if p.is_dir())
        shared = read_corpus(folders) if folders else []
        if shared:
            results["shared"] = measure(
                f"shared corpus ({', '.join(p.parent.name for p in folders)})", shared, args.n,
                tmp)
        else:
            print(f"\nshared corpus: none at {args.shared / 'corpus'}/*/reports, skipped")
        print("\nsummary (CPU time, one core; target >= 200 reports/s):")
        for name, r in results.items():
            print(f"  {name:7} cold {r['cold']:7.1f} reports/s {r['cold_mb']:.3f} MB/s   "
                  f"warm {r['warm']:7.1f} reports/s {r['warm_mb']:.3f} MB/s")
        if args.profile:
            profile(shared or sample, tmp)
        if not all(r["same"] for r in results.values()):
            print("a warm pass found other claims than the cold one: a cache changes output")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
