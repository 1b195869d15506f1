"""The demo: the bundled sample corpus in, maps, animation, chart and exports out.

``python -m tracker.demo --out outputs`` (what ``make demo`` runs) performs, in one
process, exactly the ``tracker`` commands it prints, so every step can be repeated by
hand. The store is rebuilt from scratch each time (``outputs/demo.db``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from tracker.cli import main as tracker_main
from tracker.settings import SAMPLE_DIR


@dataclass(frozen=True, slots=True)
class Campaign:
    """A theatre of the sample corpus: where to look and the four key dates to map."""

    slug: str
    title: str
    region: tuple[str, ...]  # CLI options that set the map extent
    actor: str
    dates: tuple[str, str, str, str]


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(
        "east_bank",
        "SDF against ISIS's last pocket, east bank of the Euphrates (Sep 2018 - Mar 2019)",
        ("--bbox", "40.62,34.36,41.02,34.78"),
        "isis",
        ("2018-09-12", "2018-12-20", "2019-01-27", "2019-02-20"),
    ),
    Campaign(
        "west_bank",
        "Government advance down the west bank (Oct - Dec 2017)",
        ("--bbox", "40.35,34.30,41.02,35.10"),
        "isis",
        ("2017-10-05", "2017-10-20", "2017-11-15", "2017-12-10"),
    ),
    Campaign(
        "ne_hama",
        "ISIS push into HTS-held north-east Hama (Oct - Nov 2017)",
        ("--bbox", "37.05,35.20,37.75,35.65"),
        "isis",
        ("2017-10-15", "2017-11-20", "2017-11-24", "2017-11-30"),
    ),
)

#: (place, date) pairs the demo asks `who-held` about, from the public record.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("هجين", "2018-12-10"),
    ("هجين", "2018-12-20"),
    ("الباغوز فوقاني", "2019-01-15"),
    ("الباغوز فوقاني", "2019-03-24"),
    ("البوكمال", "2017-11-12"),
    ("البوكمال", "2017-11-21"),
)


def _short(arg: str) -> str:
    """A path argument relative to the working directory, for display."""
    try:
        return str(Path(arg).resolve().relative_to(Path.cwd()))
    except ValueError:
        return arg


class StepFailedError(RuntimeError):
    """A demo step exited non-zero."""


def run(args: list[str], *, allowed: tuple[int, ...] = (0,)) -> None:
    """Run one `tracker` command in this process, echoing it first."""
    shown = [_short(a) for a in args]
    click.secho("$ tracker " + " ".join(shlex.quote(a) for a in shown), fg="cyan", err=True)
    try:
        code = tracker_main.main(args=args, prog_name="tracker", standalone_mode=False)
    except click.exceptions.Exit as err:
        code = err.exit_code
    except click.ClickException as err:
        err.show()
        code = err.exit_code
    except SystemExit as err:  # pragma: no cover - click may still exit
        code = int(err.code or 0)
    code = int(code or 0)
    if code not in allowed:
        msg = f"step failed with exit code {code}: tracker {' '.join(args)}"
        raise StepFailedError(msg)


def demo(out: Path) -> None:
    """Run the whole demo into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    store = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    st = ["--store", str(store)]
    # paths relative to the working directory when possible: they are stored as the
    # evidence's source file and show in exports
    reports = sorted(_short(str(p)) for p in SAMPLE_DIR.glob("*.txt")) + sorted(
        _short(str(p)) for p in SAMPLE_DIR.glob("*.jsonl")
    )
    run(["ingest", *reports, *st])
    run(["correct", str(SAMPLE_DIR / "baseline.csv"), *st])
    for place, on in QUESTIONS:
        run(["who-held", place, "--on", on, *st])

    for c in CAMPAIGNS:
        for on in c.dates:
            run(["map", "--on", on, *c.region, "--actor", c.actor, "--labels", "ar",
                 "--out", str(out / f"map_{c.slug}_{on}.png"), "--overwrite", *st])
    east = CAMPAIGNS[0]
    run(["map", "--on", "2019-01-15", *east.region, "--labels", "en",
         "--out", str(out / "map_east_bank_2019-01-15_en.svg"), "--overwrite", *st])
    run(["map", "--from", "2018-09-10", "--to", "2019-03-25", "--every", "4w", *east.region,
         "--labels", "none", "--out", str(out / "series_east_bank"), "--overwrite", *st])
    run(["animate", "--from", "2018-09-10", "--to", "2019-03-25", "--every", "7d",
         *east.region, "--out", str(out / "east_bank_pocket.gif"), "--overwrite", *st])
    run(["pocket", "--actor", "isis", "--from", "2018-12-01", "--to", "2019-03-31",
         "--every", "7d", "--region", "adm:SY090203", "--reported-from-store", "--reported",
         _short(str(SAMPLE_DIR / "reported_areas.csv")),
         "--chart", str(out / "pocket_area.png"), "--overwrite", *st])
    run(["pocket", "--actor", "isis", "--on", "2019-01-15", "--region", "adm:SY090203", *st])

    run(["export", "--on", "2019-01-15", "--format", "geojson", "--what", "both",
         "--out", str(out / "control_2019-01-15.geojson"), "--overwrite", *st])
    run(["export", "--timeline", "--format", "geojson",
         "--out", str(out / "timeline.geojson"), "--overwrite", *st])
    run(["export", "--timeline", "--format", "gpkg",
         "--out", str(out / "timeline.gpkg"), "--overwrite", *st])
    run(["export", "--on", "2019-01-15", "--format", "csv",
         "--out", str(out / "control_2019-01-15.csv"), "--overwrite", *st])
    run(["export", "--format", "html", "--out", str(out / "control_map.html"),
         "--overwrite", *st])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m tracker.demo [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder")
    ns = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        demo(ns.out)
    except StepFailedError as err:
        click.secho(f"demo: {err}", fg="red", err=True)
        return 1
    files = sorted(p.name for p in ns.out.iterdir() if p.name != "README.md")
    click.echo(f"\nDemo done in {time.perf_counter() - t0:.0f} s. In {ns.out}/: {', '.join(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
