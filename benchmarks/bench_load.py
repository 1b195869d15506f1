"""How long the bundled national gazetteer takes to load, cold and compiled, and CLI start-up.

Run: ``python benchmarks/bench_load.py [--repeat 5]``.

- ``build from the files``: `load_gazetteer` on a copy of ``gazetteer/`` with no compiled
  index (reads places.csv + polygons, builds the index, writes the compiled pickle);
- ``from the compiled index``: the same in a fresh process state (the in-memory copy
  dropped), so it reads the pickle;
- ``in memory``: a second call in the same process;
- ``tracker resolve ...``: wall time of the whole command (a new Python process each time,
  interpreter start-up and imports included), best and median of `--repeat`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tracker import gazetteer_io as gio  # noqa: E402
from tracker.settings import BUNDLED_GAZETTEER_DIR, Settings  # noqa: E402


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        gdir = Path(tmp) / "gazetteer"
        shutil.copytree(BUNDLED_GAZETTEER_DIR, gdir, ignore=shutil.ignore_patterns(".cache"))
        settings = Settings(cache_dir=Path(tmp) / "cache", gazetteer_dir=gdir)
        cold = timed(lambda: gio.load_gazetteer(settings))
        gio._GAZETTEER_CACHE.clear()
        warm = min(timed(lambda: (gio._GAZETTEER_CACHE.clear(), gio.load_gazetteer(settings)))
                   for _ in range(args.repeat))
        mem = timed(lambda: gio.load_gazetteer(settings))
        n = len(gio.load_gazetteer(settings))
        size = sum(p.stat().st_size for p in (gdir / ".cache").glob("*.pickle"))
    print(f"bundled national gazetteer: {n} places")
    print(f"load_gazetteer, build from the files:   {cold:6.2f} s")
    print(f"load_gazetteer, from the compiled index: {warm:6.2f} s  ({size / 1e6:.1f} MB pickle)")
    print(f"load_gazetteer, in memory:               {mem * 1000:6.2f} ms")
    exe = Path(sys.executable).with_name("tracker")
    cmd = [str(exe) if exe.is_file() else sys.executable, *([] if exe.is_file() else
           ["-m", "tracker.cli"]), "resolve", "هجين", "عفرين", "Tabqa"]
    subprocess.run(cmd, capture_output=True, check=True)  # compile once if needed
    walls = [timed(lambda: subprocess.run(cmd, capture_output=True, check=True))
             for _ in range(args.repeat)]
    print(f"`tracker resolve` (3 names), whole process: best {min(walls):.2f} s, "
          f"median {statistics.median(walls):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
