"""Pocket sizes and shares against the ones the reports state, theatre by theatre.

Run: ``python benchmarks/bench_pockets.py [--corpus ../shared/corpus] [--markdown]
[--with-truth]``.

For each folder of the shared corpus the reports are ingested, as a user would, into a
fresh store (``tracker ingest FOLDER/reports --store ...``, the active gazetteer, no
corrections). Then every row of ``truth/pocket_areas.csv`` that this script knows how to
ask about (the table `ROWS` below: which actor, which region, an area or a share) is asked
of ``tracker pocket --actor A --on D --region R --json``, and ours is printed beside the
reported figure with the ratio ours / reported.

- The region is written the way a user writes ``--region``: a town with its quarters
  (``مدينة الرقة``), an admin unit (``محافظة درعا``, ``منطقة عفرين``) or what an actor
  held on a date (``isis@2018-07-20/محافظة درعا``, the Yarmouk basin pocket as the store
  has it). Choosing it is the analyst's part; it is never read from the truth table.
- The date is the row's own date, else (most of these reports carry no publication date
  and the analysts dated none of their events) the date of the figure from the public
  record written in `ROWS` (``when``, to the week: e.g. SOHR's "90% of eastern Aleppo"
  on 12 December 2016), else the latest date the analysts give the events of the same
  report (``truth/control_events.csv``). Rows without any are listed as skipped.
- ``turkey`` and ``sna`` are one side (the corpus README): for such rows both actors are
  asked and their areas added (a place has one holder at a time, so nothing is counted
  twice).
- A reported range ("85-90") is compared with its middle.

``--with-truth`` adds a column computed from a second store that also holds the analysts'
own rows (``truth/control_events.csv`` turned into corrections: each row's place, actor
after and date), clearly labelled: it shows what the territory model gives when the claims
are right, separately from what the extraction finds.

Skips cleanly (exit 0 with a message) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402

from tracker.cli import main as tracker_main  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Ask:
    """How to ask about one truth row: its folder and report prefix, a regex on its
    ``pocket`` column, the theatre's name, the actor(s) whose area or share it states, the
    ``--region`` and what the figure is (``share``: percent of the region; ``km2``: the
    actors' area in the region; ``region_km2``: the region's own area)."""

    folder: str
    report: str
    pocket: str
    theatre: str
    actors: tuple[str, ...]
    region: str
    what: str
    when: str = ""  # date of an undated report's figure (public record, week precision)


_EA = "opposition@2016-11-27/مدينة حلب"  # what the store says the opposition held then
_RAQQA, _TABQA, _BAB = "مدينة الرقة", "مدينة الطبقة", "مدينة الباب"
_DARAA, _AFRIN = "محافظة درعا", "منطقة عفرين"
_YARMOUK = "isis@2018-07-20/محافظة درعا"
_TR = ("turkey", "sna")

ROWS: tuple[Ask, ...] = (
    # eastern Aleppo, Nov-Dec 2016
    Ask("aleppo_palmyra", "005", r"\(total\)", "eastern Aleppo", ("government",), _EA,
        "region_km2", "2016-11-28"),
    Ask("aleppo_palmyra", "005", r"part taken by government$", "eastern Aleppo",
        ("government",), _EA, "km2", "2016-11-28"),
    Ask("aleppo_palmyra", "005", r"part taken by government", "eastern Aleppo",
        ("government",), _EA, "share", "2016-11-28"),
    Ask("aleppo_palmyra", "006", r"share retaken", "eastern Aleppo", ("government",), _EA,
        "share", "2016-12-05"),
    Ask("aleppo_palmyra", "009", r"held by government", "eastern Aleppo", ("government",),
        _EA, "share", "2016-12-07"),
    Ask("aleppo_palmyra", "009", r"still held by the opposition", "eastern Aleppo",
        ("opposition",), _EA, "km2", "2016-12-07"),
    Ask("aleppo_palmyra", "010", r"held by the army", "eastern Aleppo", ("government",),
        _EA, "share", "2016-12-08"),
    Ask("aleppo_palmyra", "013", r"held by government", "eastern Aleppo", ("government",),
        _EA, "share", "2016-12-12"),
    Ask("aleppo_palmyra", "014", r"held by government", "eastern Aleppo", ("government",),
        _EA, "share", "2016-12-12"),
    Ask("aleppo_palmyra", "015", r"whole city", "Aleppo city", ("government",),
        "مدينة حلب", "share"),
    # Tabqa and Raqqa cities, 2017
    Ask("raqqa_afrin", "003", r"Tabqa city", "Tabqa city", ("sdf",), _TABQA, "share", "2017-05-01"),
    Ask("raqqa_afrin", "010", r"Raqqa city", "Raqqa city", ("sdf",), _RAQQA, "share",
        "2017-07-17"),
    Ask("raqqa_afrin", "012", r"Raqqa city", "Raqqa city", ("sdf",), _RAQQA, "share",
        "2017-08-21"),
    Ask("raqqa_afrin", "013", r"SDF-held", "Raqqa city", ("sdf",), _RAQQA, "share"),
    Ask("raqqa_afrin", "013", r"SDF-held", "Raqqa city", ("sdf",), _RAQQA, "km2"),
    Ask("raqqa_afrin", "013", r"ISIS-held", "Raqqa city", ("isis",), _RAQQA, "share"),
    Ask("raqqa_afrin", "013", r"ISIS-held", "Raqqa city", ("isis",), _RAQQA, "km2"),
    Ask("raqqa_afrin", "014", r"Raqqa city", "Raqqa city", ("sdf",), _RAQQA, "share"),
    Ask("raqqa_afrin", "015", r"Raqqa city", "Raqqa city", ("sdf",), _RAQQA, "share",
        "2017-09-01"),
    Ask("raqqa_afrin", "016", r"Raqqa city", "Raqqa city", ("sdf",), _RAQQA, "share",
        "2017-09-11"),
    # Afrin, Jan-Mar 2018
    Ask("raqqa_afrin", "030", r"share", "Afrin", _TR, _AFRIN, "share", "2018-03-05"),
    Ask("raqqa_afrin", "033", r"area", "Afrin", _TR, _AFRIN, "km2"),
    Ask("raqqa_afrin", "034", r"share", "Afrin", _TR, _AFRIN, "share", "2018-03-12"),
    # Daraa and the Yarmouk basin, Jun-Jul 2018
    Ask("south_albab", "005", r"government share", "Daraa governorate", ("government",),
        _DARAA, "share"),
    Ask("south_albab", "006", r"government share", "Daraa governorate", ("government",),
        _DARAA, "share"),
    Ask("south_albab", "008", r"government share", "Daraa governorate", ("government",),
        _DARAA, "share"),
    Ask("south_albab", "008", r"opposition share", "Daraa governorate", ("opposition",),
        _DARAA, "share"),
    Ask("south_albab", "008", r"ISIS-linked", "Daraa governorate", ("isis",), _DARAA,
        "share"),
    Ask("south_albab", "014", r"Yarmouk", "Daraa governorate", ("isis",), _DARAA, "share"),
    Ask("south_albab", "018", r"Yarmouk", "Yarmouk basin", ("government",), _YARMOUK,
        "share"),
    Ask("south_albab", "021", r"Yarmouk", "Yarmouk basin", ("isis",), _DARAA, "km2"),
    # al-Bab, Dec 2016 - Feb 2017
    Ask("south_albab", "032", r"al-Bab", "al-Bab city", _TR, _BAB, "share", "2017-02-13"),
    Ask("south_albab", "033", r"al-Bab", "al-Bab city", _TR, _BAB, "share", "2017-02-20"),
    Ask("south_albab", "034", r"al-Bab", "al-Bab city", _TR, _BAB, "share", "2017-02-22"),
    Ask("south_albab", "035", r"ISIS share", "al-Bab city", ("isis",), _BAB, "share"),
)


@dataclass
class Row:
    ask: Ask
    report: str
    date: str
    reported: float
    ours: float | None = None
    truth: float | None = None
    note: str = ""


def _value(text: str) -> float | None:
    nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text or "")]
    return sum(nums) / len(nums) if nums else None  # "85-90" -> 87.5


def read_rows(corpus: Path) -> tuple[list[Row], list[str]]:
    """The truth rows `ROWS` asks about, with the date to measure them on."""
    rows, skipped = [], []
    for folder in sorted({a.folder for a in ROWS}):
        truth = corpus / folder / "truth"
        if not (truth / "pocket_areas.csv").is_file():
            continue
        event_dates: dict[str, str] = defaultdict(str)
        with (truth / "control_events.csv").open(encoding="utf-8", newline="") as fh:
            for ev in csv.DictReader(fh):
                if re.fullmatch(r"\d{4}-\d\d-\d\d", ev["date"] or ""):
                    event_dates[ev["report"]] = max(event_dates[ev["report"]], ev["date"])
        with (truth / "pocket_areas.csv").open(encoding="utf-8", newline="") as fh:
            table = list(csv.DictReader(fh))
        for ask in (a for a in ROWS if a.folder == folder):
            for t in table:
                if not t["report"].startswith(ask.report) or not re.search(ask.pocket,
                                                                           t["pocket"]):
                    continue
                col = "share_pct" if ask.what == "share" else "value_km2"
                reported = _value(t[col])
                if reported is None:
                    continue
                date = t["date"] if re.fullmatch(r"\d{4}-\d\d-\d\d", t["date"] or "") else (
                    ask.when or event_dates.get(t["report"], ""))
                if not date:
                    skipped.append(f"{folder}/{t['report']}: {t['pocket']} (no date)")
                    continue
                rows.append(Row(ask, t["report"], date, reported))
    return rows, skipped


def _run(args: list[str]) -> tuple[int, str, str]:
    res = CliRunner().invoke(tracker_main, args, catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def ingest(corpus: Path, folder: str, store: Path, *, with_truth: bool) -> None:
    code, _out, err = _run(["ingest", str(corpus / folder / "reports"), "--store", str(store)])
    if code not in (0, 3):
        msg = f"ingest of {folder} failed ({code}): {err}"
        raise SystemExit(msg)
    if with_truth:
        path = store.with_suffix(".corrections.csv")
        write_truth_corrections(corpus / folder / "truth", path)
        code, _out, err = _run(["correct", str(path), "--store", str(store)])
        if code not in (0, 3):
            msg = f"corrections of {folder} failed ({code}): {err}"
            raise SystemExit(msg)


def write_truth_corrections(truth: Path, out: Path) -> int:
    """The analysts' dated captured/held rows as a corrections CSV (place id, actor
    after, date). A row's place is the gazetteer entry of its name nearest the truth
    point (``truth/places.csv``), within 3 km; rows whose place has no coordinates or no
    such entry are left out. Returns the number of rows written."""
    from tracker import gazetteer_io as gio
    from tracker.gazetteer import Context
    from tracker.geo import distance_km
    from tracker.settings import Settings

    gaz = gio.load_gazetteer(Settings())
    points = {}
    with (truth / "places.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            try:
                points[r["place_en"]] = (float(r["lat"]), float(r["lon"]))
            except ValueError:
                continue
    with (truth / "control_events.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"] or "")
                and r["actor_after"] not in ("", "unknown")
                and r["status"] in ("captured", "held") and r["place_en"] in points]
    n = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["place", "actor", "status", "date", "note"])
        for r in rows:
            lat, lon = points[r["place_en"]]
            cands = gaz.candidates(r["place_ar"] or r["place_en"], Context(near=((lat, lon),)))
            near = [c for c in cands if distance_km(c.place.lat, c.place.lon, lat, lon) <= 3.0]
            if not near:
                continue
            w.writerow([near[0].place.place_id, r["actor_after"], "held", r["date"],
                        f"analyst truth row of {r['report']}"])
            n += 1
    return n


def ask(store: Path, row: Row) -> tuple[float | None, str]:
    """Ours for `row` from `store` (None and a reason when the tool has no answer)."""
    total_km2 = 0.0
    share = 0.0
    region_km2 = None
    for actor in row.ask.actors:
        code, out, err = _run(["pocket", "--actor", actor, "--on", row.date, "--region",
                               row.ask.region, "--store", str(store), "--json"])
        if code != 0:
            return None, err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
        doc = json.loads(out)
        reg = doc.get("region") or {}
        total_km2 += float(reg.get("actor_km2", doc.get("area_km2_total", 0.0)))
        share += float(reg.get("share_pct", 0.0))
        region_km2 = reg.get("region_km2", region_km2)
    if row.ask.what == "share":
        return share, ""
    if row.ask.what == "region_km2":
        return (float(region_km2) if region_km2 is not None else None), ""
    return total_km2, ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--with-truth", action="store_true",
                    help="add a column with the analysts' rows as corrections")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: no corpus at {args.corpus} (pass --corpus)", file=sys.stderr)
        return 0
    rows, skipped = read_rows(args.corpus)
    with tempfile.TemporaryDirectory(prefix="bench_pockets_") as tmp:
        for folder in sorted({r.ask.folder for r in rows}):
            plain = Path(tmp) / f"{folder}.db"
            ingest(args.corpus, folder, plain, with_truth=False)
            truthy = Path(tmp) / f"{folder}_truth.db"
            if args.with_truth:
                ingest(args.corpus, folder, truthy, with_truth=True)
            for row in (r for r in rows if r.ask.folder == folder):
                row.ours, row.note = ask(plain, row)
                if args.with_truth:
                    row.truth, _ = ask(truthy, row)
    unit = {"share": "%", "km2": "km²", "region_km2": "km² (region)"}

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    def ratio(v: float | None, ref: float) -> str:
        return "—" if v is None or ref == 0 else f"{v / ref:.2f}"

    head = ["theatre", "report", "date", "what", "actor", "ours", "reported", "ours/reported"]
    if args.with_truth:
        head += ["with analyst truth as corrections", "ratio"]
    lines = []
    for r in rows:
        cells = [r.ask.theatre, r.report[:3], r.date, unit[r.ask.what], "+".join(r.ask.actors),
                 fmt(r.ours), fmt(r.reported), ratio(r.ours, r.reported)]
        if args.with_truth:
            cells += [fmt(r.truth), ratio(r.truth, r.reported)]
        lines.append(cells)
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for cells in lines:
            print("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(str(c)) for c in col) for col in zip(head, *lines, strict=False)]
        for cells in (head, *lines):
            print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)))
    for r in rows:
        if r.note:
            print(f"no answer: {r.ask.folder}/{r.report}: {r.note}", file=sys.stderr)
    for s in skipped:
        print(f"skipped: {s}", file=sys.stderr)
    answered = [r for r in rows if r.ours is not None and r.reported]
    within2 = sum(1 for r in answered if 0.5 <= (r.ours or 0) / r.reported <= 2)
    print(f"\n{len(rows)} stated figures, {len(answered)} answered, {within2} within a factor "
          f"of two of the report")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
