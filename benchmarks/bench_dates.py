"""Date grammar throughput (`tracker.dates.find_dates`) and, with ../shared, its corpus score.

Run: ``python benchmarks/bench_dates.py [--rounds 5]``. Reads the bundled sample reports (and
the real corpus under ``../shared/corpus`` when it is there), then times `find_dates` on each
text twice per round: against a publication date and without one. Times are CPU seconds of
this process (one core). With the corpus present it also prints the measure of
`tests/test_dates.py::measure_corpus_dates`: of the truth rows dated to the day whose quote's
sentence holds a date expression, how many the mention nearest the quote dates right.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tracker.dates import find_dates, infer_published  # noqa: E402
from tracker.settings import SAMPLE_DIR  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def _texts() -> list[str]:
    out = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    for p in sorted(CORPUS.glob("*/reports/*.txt")):
        out.append(p.read_text(encoding="utf-8").split("\n---\n", 1)[-1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    texts = _texts()
    size = sum(len(t.encode("utf-8")) for t in texts)
    find_dates("warm-up: اليوم الأحد", None)  # builds the grammar once
    pub = dt.date(2018, 1, 1)
    t0 = time.process_time()
    found = 0
    for _ in range(args.rounds):
        for t in texts:
            found += len(find_dates(t, pub)) + len(find_dates(t, None))
    cpu = time.process_time() - t0
    calls = 2 * args.rounds * len(texts)
    print(f"find_dates: {len(texts)} texts ({size / 1e6:.2f} MB), {calls} calls in {cpu:.2f} s "
          f"CPU: {calls / cpu:,.0f} calls/s, {2 * args.rounds * size / cpu / 1e6:.2f} MB/s, "
          f"{found // args.rounds} mentions per round")
    t0 = time.process_time()
    for t in texts:
        infer_published(t)
    cpu = time.process_time() - t0
    print(f"infer_published: {len(texts) / cpu:,.0f} texts/s")
    test = REPO / "tests" / "test_dates.py"
    if any(CORPUS.glob("*/truth/control_events.csv")) and test.exists():
        spec = importlib.util.spec_from_file_location("test_dates", test)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["test_dates"] = module
        spec.loader.exec_module(module)
        r = module.measure_corpus_dates(CORPUS)
        print(f"corpus dates: {r.right}/{r.with_expression} day-precision truth rows with a date "
              f"expression in the quote's sentence dated right ({r.share:.1%}; "
              f"{r.day_rows} day rows in all)")
    else:
        print(f"corpus dates: skipped ({CORPUS} not found)")


if __name__ == "__main__":
    main()
