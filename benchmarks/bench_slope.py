"""Extraction cost against report size: is it linear? (issue 10: a report without sentence
punctuation was quadratic: 9.6 s at 120 KB, 46 s at 240 KB, 285 s at 480 KB.)

Run: ``python benchmarks/bench_slope.py [--sizes 0.1,0.5,1] [--timeout 120]``; add ``5`` to
``--sizes`` for the 5 MB reports (opt-in: minutes with a slow extractor). Prints, for each
size and kind, the seconds (CPU of the child process that did the work), MB/s, and the
*slope*: the exponent k in time ~ size^k between successive sizes and fitted over all of
them (1 = linear, 2 = quadratic). Target: linear, >= 0.2 MB/s. Asserts nothing.

Each report is synthetic, in our own words: Arabic sentences of the kinds the extractor
reads (captures, withdrawals, sieges, clashes, "the pocket now holds only A and B"), naming
villages of the bundled gazetteer and the actors of the lexicon, with dates. The
*punctuated* report ends each sentence with a full stop and starts a new line now and then;
the *unpunctuated* report is the same words with every sentence mark and line break
removed (one run of text, as some feeds deliver it). Each report is written to a ``.txt``
file with a header and read back through `tracker.reports.read_reports`, then extracted with
`tracker.extract.extract` (the public path `tracker extract` and `tracker ingest` take).

Each measurement runs in a child process with a time limit (``--timeout``, seconds): a
size that runs over is reported as over the limit, and the larger sizes of that kind are
not tried. ``python -m benchmarks`` runs this script with its defaults (0.1, 0.5, 1 MB).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_SIZES = (0.1, 0.5, 1.0)
KINDS = ("punctuated", "unpunctuated")

#: Sentence frames in our own words; {a}/{b} actors, {p}/{q} villages, {d} a date phrase.
FRAMES = (
    "سيطرت {a} على قرية {p} {d} بعد اشتباكات عنيفة مع {b} استمرت ساعات",
    "انسحب عناصر {b} من بلدة {p} باتجاه قرية {q} {d} تحت ضغط هجمات {a}",
    "تمكنت {a} من استعادة السيطرة على {p} {d} وبدأت فرق الهندسة بتفكيك الألغام فيها",
    "تواصل {a} حصار بلدة {p} من ثلاث جهات {d} فيما يتحصن عناصر {b} في أحيائها الشرقية",
    "دارت اشتباكات متقطعة بين {a} و{b} على أطراف قرية {p} {d} دون تقدم لأي طرف",
    "باتت بلدة {p} تحت سيطرة {a} بشكل كامل {d} بحسب مصادر محلية في المنطقة",
    "لم يعد {b} يسيطر إلا على قريتي {p} و{q} {d} بعد خسارته معظم مواقعه في الريف الشرقي",
    "قصفت طائرات التحالف مواقع {b} في محيط {p} {d} تمهيدا لتقدم {a} نحو البلدة",
    "أفاد ناشطون بأن عشرات العائلات نزحت من {p} نحو {q} {d} هربا من المعارك",
    "دخلت {a} قرية {p} {d} وسط انهيار في صفوف {b} وانسحاب عناصره نحو البادية",
)
ACTORS = ("قوات سوريا الديمقراطية", "قوات النظام", "تنظيم داعش", "فصائل المعارضة",
          "هيئة تحرير الشام", "الجيش الوطني السوري")
DATES = ("اليوم الجمعة", "أمس الخميس", "صباح اليوم", "في الـ 14 من كانون الأول الجاري",
         "مساء الأربعاء الفائت", "منذ مطلع الشهر الجاري", "خلال الساعات الماضية")
#: Sentence marks and line breaks removed to make the unpunctuated report.
MARKS = ".!?؟؛;،,:\n\r"


def village_names(limit: int = 400) -> list[str]:
    """Arabic names of the bundled gazetteer's communities (the extractor's own data)."""
    import csv

    with (REPO / "gazetteer" / "places.csv").open(encoding="utf-8") as fh:
        names = [row["name_ar"] for row in csv.DictReader(fh)
                 if row["kind"] == "community" and row["name_ar"]]
    return names[:limit]


def synthetic_text(target_bytes: int, *, punctuated: bool, seed: int = 11) -> str:
    """About `target_bytes` of UTF-8 report text (same words for both kinds)."""
    rnd = random.Random(seed)
    names = village_names()
    parts: list[str] = []
    size = 0
    while size < target_bytes:
        a, b = rnd.sample(ACTORS, 2)
        p, q = rnd.sample(names, 2)
        sentence = rnd.choice(FRAMES).format(a=a, b=b, p=p, q=q, d=rnd.choice(DATES))
        end = ".\n" if rnd.random() < 0.2 else ". "
        piece = sentence + end
        parts.append(piece)
        size += len(piece.encode("utf-8"))
    text = "".join(parts)
    if not punctuated:
        text = " ".join(text.translate({ord(c): " " for c in MARKS}).split())
    return text


def measure(kind: str, mb: float) -> dict[str, float | int]:
    """In this process: write, read and extract one report; CPU seconds and counts."""
    from tracker.actors import ActorLexicon
    from tracker.extract import extract
    from tracker.gazetteer_io import load_gazetteer
    from tracker.model import Report
    from tracker.reports import read_reports
    from tracker.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        gaz = load_gazetteer(Settings(cache_dir=Path(tmp) / "cache"))
        lex = ActorLexicon.load()
        text = synthetic_text(int(mb * 1e6), punctuated=kind == "punctuated")
        path = Path(tmp) / f"{kind}.txt"
        path.write_text(f"published: 2018-12-14\nlanguage: ar\n---\n{text}\n", encoding="utf-8")
        c0, t0 = time.process_time(), time.perf_counter()
        (report,) = [r for r in read_reports([path], max_bytes=10**9) if isinstance(r, Report)]
        result = extract(report, gaz, lex)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    return {"bytes": len(text.encode("utf-8")), "cpu": cpu, "wall": wall,
            "claims": len(result.claims), "mentions": len(result.mentions)}


def run_child(kind: str, mb: float, timeout: float) -> dict[str, float | int] | None:
    """`measure` in a child process; None when it runs over `timeout` seconds."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(mb)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True,
                             cwd=REPO)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as err:
        print(err.stderr[-2000:], file=sys.stderr)
        raise
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares exponent k of time ~ size^k over (bytes, seconds) points."""
    pts = [(math.log(b), math.log(t)) for b, t in points if b > 0 and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(f"{s:g}" for s in DEFAULT_SIZES),
                    help="report sizes in MB, comma-separated (default 0.1,0.5,1; add 5)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds allowed for one size (default 120)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="punctuated,unpunctuated")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "MB"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child[0], float(args.child[1]))))
        return 0
    try:
        sizes = sorted(float(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        print(f"--sizes {args.sizes!r}: give MB numbers such as 0.1,0.5,1,5", file=sys.stderr)
        return 2
    kinds = [k for k in args.kinds.split(",") if k in KINDS]
    print(f"extraction of one synthetic Arabic report per size (CPU seconds of one core; "
          f"limit {args.timeout:g} s per size)")
    print(f"{'kind':<14}{'MB':>6}{'seconds':>10}{'MB/s':>8}{'claims':>8}{'k (step)':>10}")
    summary: dict[str, float | None] = {}
    bounds: dict[str, float | None] = {}
    for kind in kinds:
        points: list[tuple[float, float]] = []
        for mb in sizes:
            got = run_child(kind, mb, args.timeout)
            if got is None:
                bound = ""
                if points:  # the exponent is at least what the limit allows
                    low = slope([points[-1], (mb * 1e6, args.timeout)])
                    bounds[kind] = low
                    bound = f", so k (step) > {low:.2f} in wall time" if low is not None else ""
                print(f"{kind:<14}{mb:>6g}{'> ' + format(args.timeout, 'g'):>10}"
                      f"{'< ' + format(mb / args.timeout, '.3f'):>8}  (over the limit{bound}; "
                      "larger sizes not tried)")
                break
            b, cpu = float(got["bytes"]), max(float(got["cpu"]), 1e-6)
            step = slope([*points[-1:], (b, cpu)]) if points else None
            points.append((b, cpu))
            print(f"{kind:<14}{b / 1e6:>6.2f}{cpu:>10.2f}{b / 1e6 / cpu:>8.2f}"
                  f"{int(got['claims']):>8}{'' if step is None else format(step, '.2f'):>10}",
                  flush=True)
        summary[kind] = slope(points)
    for kind, k in summary.items():
        verdict = ("n/a" if k is None else "linear" if k < 1.25 else
                   "worse than linear" if k < 1.75 else "quadratic or worse")
        low = bounds.get(kind)
        more = f"; the next size ran over the limit: k > {low:.2f} there (wall time)" if low else ""
        print(f"slope {kind}: k = {'n/a' if k is None else format(k, '.2f')} ({verdict})"
              f"{more}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
