"""Resolution accuracy on the shared corpus: is each truth place resolved within 3 km?

Run: ``python benchmarks/bench_resolution.py [--corpus ../shared/corpus] [-v]``.

For every place of ``<corpus>/*/truth/places.csv`` with coordinates, in every report that
names it (``truth/control_events.csv``), the name as the report's language writes it
(``place_ar`` for Arabic reports, ``place_en`` for English ones, the other when empty) is
resolved against the active gazetteer (`load_gazetteer`: the bundled national gazetteer,
or the imported index when there is one) three ways:

- ``no context``: the bare name;
- ``report context``: the cues of the report text (`Gazetteer.context_from_text`: admin
  units, river banks) and the other truth places of the same report, resolved first, as
  `near` cues (`Gazetteer.resolve_many`);
- ``+ theatre``: the same plus the theatre's box (the extent of the folder's truth
  places), as an analyst sets it with ``--bbox``.

A mention counts as right when the resolved point lies within 3 km of the truth point
(the corpus README's matching rule) or the resolved place is an area (admin unit,
neighbourhood) that holds the truth point, ambiguous/unresolved when the resolver says so, and
wrong otherwise. ``-v`` lists every miss. Prints one table per folder and the total, then
the seed table (`tests/test_resolve_seeds.py`, every name of the five seed reports with
its accepted ids) resolved with no context and with the seed report's own context.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from shapely.geometry import Point  # noqa: E402

from tracker import gazetteer_io as gio  # noqa: E402
from tracker.gazetteer import Context, Gazetteer, Resolution  # noqa: E402
from tracker.geo import distance_km  # noqa: E402
from tracker.settings import Settings  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
WITHIN_KM = 3.0


@dataclass(frozen=True)
class Truth:
    place_en: str
    place_ar: str
    lat: float
    lon: float


def read_truth(folder: Path) -> dict[str, Truth]:
    """Truth places with coordinates, by ``place_en``."""
    out = {}
    with (folder / "truth" / "places.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except ValueError:
                continue
            out[row["place_en"]] = Truth(row["place_en"], row["place_ar"], lat, lon)
    return out


def report_places(folder: Path, truth: dict[str, Truth]) -> dict[str, list[str]]:
    """``{report file: [place_en, ...]}`` of the truth places each report names."""
    out: dict[str, list[str]] = defaultdict(list)
    with (folder / "truth" / "control_events.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["place_en"] in truth and row["place_en"] not in out[row["report"]]:
                out[row["report"]].append(row["place_en"])
    return out


def body(path: Path) -> tuple[str, str]:
    """(language, body) of a corpus report."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n---\n")
    lang = "ar"
    for line in head.splitlines():
        if line.startswith("language:"):
            lang = line.split(":", 1)[1].strip()
    return lang, rest


def theatre_box(truth: dict[str, Truth], pad: float = 0.1) -> tuple[float, float, float, float]:
    lons = [t.lon for t in truth.values()]
    lats = [t.lat for t in truth.values()]
    return (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)


def outcome(res: Resolution, t: Truth) -> str:
    if res.status != "resolved" or res.place is None:
        return res.status
    if res.place.geometry is not None and res.place.geometry.covers(Point(t.lon, t.lat)):
        return "right"  # an admin unit or neighbourhood that holds the truth point
    d = distance_km(res.place.lat, res.place.lon, t.lat, t.lon)
    return "right" if d <= WITHIN_KM else "wrong"


def mentions(corpus: Path) -> Iterator[tuple[str, str, str, list[tuple[str, Truth]], str]]:
    """(folder, report, language, [(name, truth)], body) per report naming truth places."""
    for folder in sorted(p for p in corpus.iterdir() if (p / "truth" / "places.csv").is_file()):
        truth = read_truth(folder)
        for report, names in sorted(report_places(folder, truth).items()):
            path = folder / "reports" / report
            if not path.is_file():
                continue
            lang, text = body(path)
            pairs = []
            for en in names:
                t = truth[en]
                name = (t.place_ar or t.place_en) if lang == "ar" else (t.place_en or t.place_ar)
                pairs.append((name, t))
            yield folder.name, report, lang, pairs, text


def evaluate(gaz: Gazetteer, corpus: Path, *, verbose: bool = False) -> dict[str, dict[str, int]]:
    """Counts of right/wrong/ambiguous/unresolved by folder and way (see the module doc)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    boxes = {f.name: theatre_box(read_truth(f)) for f in corpus.iterdir()
             if (f / "truth" / "places.csv").is_file()}
    for folder, report, _lang, pairs, text in mentions(corpus):
        names = [n for n, _ in pairs]
        base = gaz.context_from_text(text)
        ways = {
            "no context": [gaz.resolve(n) for n in names],
            "report context": gaz.resolve_many(names, base),
            "+ theatre": gaz.resolve_many(names, base.merge(Context(bbox=boxes[folder]))),
        }
        for way, results in ways.items():
            for (name, t), res in zip(pairs, results, strict=True):
                got = outcome(res, t)
                counts[f"{folder}|{way}"][got] += 1
                counts[f"all|{way}"][got] += 1
                if verbose and got != "right" and way == "report context":
                    where = (f"{res.place.place_id} {res.place.name_ar} ({res.place.admin3})"
                             if res.place else
                             ", ".join(c.place.place_id for c in res.candidates[:4]))
                    print(f"  {folder}/{report[:40]}: {name} [{t.place_en}] -> {got}: {where}")
    return counts


def evaluate_seeds(gaz: Gazetteer, seeds: Path) -> dict[str, dict[str, int]]:
    """The seed table (`tests/test_resolve_seeds.py`: every place name of the five seed
    reports with its accepted ids and point), resolved with no context and with the seed
    report's own context (`context_from_text` + the report's other names as `near`)."""
    sys.path.insert(0, str(REPO / "tests"))
    from test_resolve_seeds import TABLE  # the hand-written table of the seed names

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for seed in sorted({r.seed for r in TABLE}):
        (path,) = sorted(seeds.glob(f"{seed}_*.txt"))
        rows = [r for r in TABLE if r.seed == seed]
        text = path.read_text(encoding="utf-8")
        ways = {"no context": [gaz.resolve(r.name) for r in rows],
                "report context": gaz.resolve_many([r.name for r in rows],
                                                   gaz.context_from_text(text))}
        for way, results in ways.items():
            for r, res in zip(rows, results, strict=True):
                ok = res.status == "resolved" and res.place is not None and (
                    res.place.place_id in r.ids or any(i in res.place.source_ids
                                                       for i in r.ids))
                counts[f"seeds|{way}"]["right" if ok else res.status if res.status !=
                                       "resolved" else "wrong"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"missing {args.corpus}; pass --corpus with the shared corpus", file=sys.stderr)
        return 2
    gaz = gio.load_gazetteer(Settings())
    print(f"gazetteer: {gaz.description}")
    counts = evaluate(gaz, args.corpus, verbose=args.verbose)
    seeds = args.corpus.parent / "seeds"
    if seeds.is_dir():
        counts.update(evaluate_seeds(gaz, seeds))
    print(f"{'folder':<16} {'context':<16} {'mentions':>8} {'right':>6} {'wrong':>6} "
          f"{'ambig.':>6} {'unres.':>6} {'% right':>8}")
    for key in sorted(counts, key=lambda k: (k.startswith(("all", "seeds")), k)):
        folder, way = key.split("|")
        c = counts[key]
        n = sum(c.values())
        print(f"{folder:<16} {way:<16} {n:>8} {c['right']:>6} {c['wrong']:>6} "
              f"{c['ambiguous']:>6} {c['unresolved']:>6} {100 * c['right'] / n:>7.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
