"""Score the extractor against hand-made truth tables (``tracker evaluate``).

A corpus folder holds ``reports/*.txt`` and ``truth/control_events.csv`` (one row per control
claim an analyst records from a report) plus ``truth/places.csv`` (coordinates and gazetteer
ids of the places). The formats and the matching rules are those of
``../shared/corpus/README.md``:

A claim matches a truth row of the same report when

1. **same place**: by id (an OCHA P-code or Who's On First / GeoNames id cited in
   ``places.csv``), or within `SAME_PLACE_KM` of the truth coordinates, or by normalised name
   (`name_key`: diacritics and tatweel removed, alef/hamza, ة/ه and ى/ي unified,
   lower-cased, the article al-/ال, spaces and punctuation dropped);
2. **same actor, compatible status**: ``captured``/``held`` rows match a claim that their
   ``actor_after`` captured or held the place; ``lost`` rows a claim that ``actor_before`` lost
   it or that ``actor_after`` (when known) captured it; ``contested`` and ``besieged`` only
   claims of the same status (the besieged side is the claim's actor, the besieger its
   ``besieger``); ``turkey`` and ``sna`` stand for each other;
3. **date within the row's precision**: ``day`` ±2 days, ``week`` ±7, ``month`` ±31;
   undated rows count for place and actor only.

Each row is matched at most once (recall); a claim is correct when it matches some row of
its report (precision). *Date accuracy* is measured on claims that match a dated row by
rules 1 and 2: the share whose date also satisfies rule 3.

Pure scoring lives in `score_folder`; `load_truth` reads the files (errors name file and
line), `evaluate_folder` runs the extractor on a folder's reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.arabic import fold
from tracker.errors import InputError
from tracker.model import ControlClaim

__all__ = [
    "SAME_PLACE_KM",
    "TOLERANCE_DAYS",
    "ClaimVerdict",
    "FolderScore",
    "TruthPlace",
    "TruthRow",
    "evaluate_folder",
    "load_truth",
    "name_key",
    "score_folder",
]

#: Distance under which a claim's point is the truth place (README rule 1).
SAME_PLACE_KM = 3.0
#: Days a claim's date may be off a truth date of each precision (README rule 3).
TOLERANCE_DAYS: dict[str, int] = {"day": 2, "week": 7, "month": 31}
#: Actors that stand for each other (the corpus README: Turkey and the SNA are one side).
EQUIVALENT_ACTORS: dict[str, frozenset[str]] = {
    "turkey": frozenset({"turkey", "sna"}),
    "sna": frozenset({"turkey", "sna"}),
}

_EVENT_COLUMNS = ("report", "place_en", "place_ar", "actor_before", "actor_after", "status",
                  "date", "date_precision", "quote", "notes")
_PLACE_COLUMNS = ("place_ar", "place_en", "lat", "lon", "source", "notes")
_STATUSES = frozenset({"captured", "held", "lost", "contested", "besieged"})
_PRECISIONS = frozenset({"day", "week", "month", "unknown"})


# ----------------------------------------------------------------------------- truth


@dataclass(frozen=True, slots=True)
class TruthRow:
    """One row of ``truth/control_events.csv``; `line` is its line in the file."""

    report: str
    place_en: str
    place_ar: str
    actor_before: str
    actor_after: str
    status: str
    date: dt.date | None
    date_precision: str
    quote: str
    notes: str
    line: int

    @property
    def besieged_side(self) -> tuple[str, str | None]:
        """(holder inside the siege, besieger or None), whichever folder convention is used."""
        if self.actor_before == self.actor_after:
            m = re.search(r"besieged by:\s*([a-z]+)", self.notes)
            return self.actor_before, (m.group(1) if m else None)
        return self.actor_before, (self.actor_after or None)


@dataclass(frozen=True, slots=True)
class TruthPlace:
    """One row of ``truth/places.csv``: coordinates (or None) and the gazetteer ids cited."""

    place_en: str
    place_ar: str
    lat: float | None
    lon: float | None
    ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Truth:
    """A corpus folder's truth: rows by report file name, places by English name."""

    folder: Path
    rows: tuple[TruthRow, ...]
    places: Mapping[str, TruthPlace]

    def rows_of(self, report: str) -> list[TruthRow]:
        return [r for r in self.rows if r.report == report]


def _read_csv(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                msg = (f"{path}:1: missing column(s) {', '.join(missing)}; the header must be "
                       f"{','.join(columns)}")
                raise InputError(msg)
            out = []
            for row in reader:
                if None in row:
                    msg = f"{path}:{reader.line_num}: more fields than the header has columns"
                    raise InputError(msg)
                out.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
            return out
    except OSError as err:
        msg = f"{path}: cannot read the truth file ({err.strerror or err})"
        raise InputError(msg) from err
    except (UnicodeDecodeError, csv.Error) as err:
        msg = f"{path}: not a UTF-8 CSV file ({err}); save it as UTF-8 CSV (RFC 4180)"
        raise InputError(msg) from err


def _parse_date(value: str, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = f"{where}: date {value!r} is not YYYY-MM-DD (leave it empty when unknown)"
        raise InputError(msg) from None


def _ids_of(source: str) -> frozenset[str]:
    ids = set()
    for m in re.finditer(r"Location_Pcode=(C\d+)", source):
        ids.add(f"ocha:{m.group(1)}")
    for m in re.finditer(r"wof_id=(\d+)", source):
        ids.add(f"wof:{m.group(1)}")
    for m in re.finditer(r"geonameid=(\d+)", source):
        ids.add(f"geonames:{m.group(1)}")
    return frozenset(ids)


def _coord(value: str) -> float | None:
    try:
        x = float(value)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def load_truth(folder: Path) -> Truth:
    """Read a corpus folder's truth tables; a bad row raises InputError naming file and line."""
    tdir = folder / "truth"
    events = tdir / "control_events.csv"
    if not events.is_file():
        msg = (f"{folder}: no truth/control_events.csv; a corpus folder holds reports/ and "
               "truth/ (see ../shared/corpus/README.md for the format)")
        raise InputError(msg)
    rows = []
    for line, r in _read_csv(events, _EVENT_COLUMNS):
        where = f"{events}:{line}"
        if r["status"] not in _STATUSES:
            msg = f"{where}: status {r['status']!r} is not one of {', '.join(sorted(_STATUSES))}"
            raise InputError(msg)
        precision = r["date_precision"] or "unknown"
        if precision not in _PRECISIONS:
            msg = f"{where}: date_precision {precision!r} is not day, week, month or unknown"
            raise InputError(msg)
        date = _parse_date(r["date"], where)
        if precision == "unknown":
            date = None
        rows.append(TruthRow(
            report=r["report"], place_en=r["place_en"], place_ar=r["place_ar"],
            actor_before=r["actor_before"].lower(), actor_after=r["actor_after"].lower(),
            status=r["status"], date=date, date_precision=precision if date else "unknown",
            quote=r["quote"], notes=r["notes"], line=line))
    places: dict[str, TruthPlace] = {}
    pfile = tdir / "places.csv"
    if pfile.is_file():
        for _line, r in _read_csv(pfile, _PLACE_COLUMNS):
            places[r["place_en"]] = TruthPlace(
                place_en=r["place_en"], place_ar=r["place_ar"], lat=_coord(r["lat"]),
                lon=_coord(r["lon"]), ids=_ids_of(r["source"]))
    return Truth(folder=folder, rows=tuple(rows), places=places)


# ----------------------------------------------------------------------------- matching

_NAME_DROP = re.compile(r"[\W_]+")
_LATIN_ARTICLE = re.compile(r"(?<![a-z])(?:al|el)[-\s]+")
_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def name_key(name: str) -> str:
    """The README's normalised name: no diacritics/tatweel/article/spaces/punctuation."""
    s = _AR_DIACRITICS.sub("", name)
    s = fold(s).lower()
    s = _LATIN_ARTICLE.sub("", s)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in s.split()]
    return _NAME_DROP.sub("", "".join(words))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _actors(a: str) -> frozenset[str]:
    return EQUIVALENT_ACTORS.get(a, frozenset({a}))


@dataclass(frozen=True, slots=True)
class _ClaimView:
    """What the scorer needs of a claim (names, ids, point, actor, status, date)."""

    claim: ControlClaim
    names: frozenset[str]
    ids: frozenset[str]


def same_place(view: _ClaimView, row: TruthRow, place: TruthPlace | None) -> bool:
    """README rule 1: by id, by distance, or by normalised name."""
    c = view.claim
    if place is not None:
        if place.ids & view.ids:
            return True
        if (place.lat is not None and place.lon is not None and c.lat is not None
                and c.lon is not None
                and _km(place.lat, place.lon, c.lat, c.lon) <= SAME_PLACE_KM):
            return True
    keys = {name_key(n) for n in (row.place_en, row.place_ar) if n}
    if place is not None:
        keys |= {name_key(n) for n in (place.place_en, place.place_ar) if n}
    keys.discard("")
    return bool(keys & view.names)


def compatible(claim: ControlClaim, row: TruthRow) -> bool:
    """README rule 2: same actor and a compatible status."""
    a = claim.actor
    if row.status in ("captured", "held"):
        return claim.status in ("captured", "held") and a in _actors(row.actor_after)
    if row.status == "lost":
        if claim.status == "lost" and a in _actors(row.actor_before):
            return True
        return (claim.status in ("captured", "held") and row.actor_after not in ("", "unknown")
                and a in _actors(row.actor_after))
    if row.status == "contested":
        return claim.status == "contested" and (
            a in _actors(row.actor_before) or a in _actors(row.actor_after))
    # besieged
    if claim.status != "besieged":
        return False
    holder, besieger = row.besieged_side
    if a not in _actors(holder):
        return False
    return claim.besieger is None or besieger is None or claim.besieger in _actors(besieger)


def date_fits(claim: ControlClaim, row: TruthRow) -> bool:
    """README rule 3: an undated row accepts any date; a dated one needs a close date."""
    if row.date is None:
        return True
    if claim.date is None:
        return False
    return abs((claim.date - row.date).days) <= TOLERANCE_DAYS[row.date_precision]


# ----------------------------------------------------------------------------- scores


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """A claim and the truth row it matched (None: a false claim)."""

    report: str
    claim: ControlClaim
    row: TruthRow | None
    date_ok: bool | None  # None when the row is undated or there is no row


@dataclass(frozen=True, slots=True)
class FolderScore:
    """Scores of one corpus folder (or the sum of several: `folder` = ``overall``)."""

    folder: str
    reports: int
    rows: int
    found: int
    claims: int
    correct: int
    dated_pairs: int
    dates_ok: int
    undated_claims: int
    unresolved_claims: int
    misses: tuple[TruthRow, ...] = ()
    false_claims: tuple[ClaimVerdict, ...] = ()
    problems: tuple[str, ...] = ()
    verdicts: tuple[ClaimVerdict, ...] = field(default=(), repr=False)

    @property
    def recall(self) -> float:
        return self.found / self.rows if self.rows else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.claims if self.claims else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_ok / self.dated_pairs if self.dated_pairs else 0.0

    def to_json(self, *, details: bool = True) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "folder": self.folder, "reports": self.reports, "truth_rows": self.rows,
            "found": self.found, "recall": round(self.recall, 4), "claims": self.claims,
            "correct": self.correct, "precision": round(self.precision, 4),
            "dated_matches": self.dated_pairs, "dates_ok": self.dates_ok,
            "date_accuracy": round(self.date_accuracy, 4),
            "undated_claims": self.undated_claims, "unresolved_claims": self.unresolved_claims,
        }
        if details:
            doc["misses"] = [_row_json(r) for r in self.misses]
            doc["false_claims"] = [
                {**v.claim.to_json(), "report_file": v.report} for v in self.false_claims]
            doc["problems"] = list(self.problems)
        return doc


def _row_json(r: TruthRow) -> dict[str, Any]:
    return {"report": r.report, "line": r.line, "place_en": r.place_en, "place_ar": r.place_ar,
            "actor_before": r.actor_before, "actor_after": r.actor_after, "status": r.status,
            "date": r.date.isoformat() if r.date else None, "date_precision": r.date_precision,
            "quote": r.quote}


def _view(claim: ControlClaim, ids_of: Callable[[str], Iterable[str]]) -> _ClaimView:
    names = {name_key(n) for n in (claim.place_text, claim.name_ar, claim.name_en) if n}
    names.discard("")
    ids: set[str] = set()
    if claim.place_id:
        ids.add(claim.place_id)
        ids.update(ids_of(claim.place_id))
    return _ClaimView(claim, frozenset(names), frozenset(ids))


def _score_report(report: str, claims: Sequence[ControlClaim], rows: Sequence[TruthRow],
                  places: Mapping[str, TruthPlace],
                  ids_of: Callable[[str], Iterable[str]]) -> tuple[list[ClaimVerdict], set[int]]:
    views = [_view(c, ids_of) for c in claims]
    fits: list[list[int]] = []  # for each claim, the rows it matches by rules 1-3
    near: list[list[int]] = []  # ... by rules 1-2 (date aside), dated rows only
    for v in views:
        f, n = [], []
        for j, r in enumerate(rows):
            if same_place(v, r, places.get(r.place_en)) and compatible(v.claim, r):
                if date_fits(v.claim, r):
                    f.append(j)
                if r.date is not None:
                    n.append(j)
        fits.append(f)
        near.append(n)
    # Maximum bipartite matching claims <-> rows (each row at most once), by augmenting paths.
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in fits[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(views)):
        augment(i, set())
    matched_of = {i: j for j, i in owner.items()}
    verdicts = []
    for i, v in enumerate(views):
        j = matched_of.get(i, fits[i][0] if fits[i] else None)
        if j is not None:
            row = rows[j]
            verdicts.append(ClaimVerdict(report, v.claim, row,
                                         True if row.date is not None else None))
        elif near[i]:
            verdicts.append(ClaimVerdict(report, v.claim, None, False))
        else:
            verdicts.append(ClaimVerdict(report, v.claim, None, None))
    return verdicts, set(owner)


def score_folder(
    name: str,
    truth: Truth,
    claims_by_report: Mapping[str, Sequence[ControlClaim]],
    *,
    ids_of: Callable[[str], Iterable[str]] = lambda _pid: (),
    problems: Sequence[str] = (),
) -> FolderScore:
    """Score the claims of each report (keyed by report file name) against the truth rows.

    `ids_of(place_id)` gives the other ids of a claim's place (the gazetteer's cross-source
    links), so an OCHA P-code in the truth matches a claim resolved to the same place in
    another source.
    """
    verdicts: list[ClaimVerdict] = []
    misses: list[TruthRow] = []
    found = 0
    reports = sorted(set(claims_by_report) | {r.report for r in truth.rows})
    for rep in reports:
        rows = truth.rows_of(rep)
        got, used = _score_report(rep, claims_by_report.get(rep, ()), rows, truth.places,
                                  ids_of)
        verdicts.extend(got)
        found += len(used)
        misses.extend(r for j, r in enumerate(rows) if j not in used)
    dated = [v for v in verdicts if v.date_ok is not None]
    return FolderScore(
        folder=name,
        reports=len(claims_by_report),
        rows=len(truth.rows),
        found=found,
        claims=len(verdicts),
        correct=sum(v.row is not None for v in verdicts),
        dated_pairs=len(dated),
        dates_ok=sum(bool(v.date_ok) for v in dated),
        undated_claims=sum(v.claim.date is None for v in verdicts),
        unresolved_claims=sum(v.claim.place_id is None for v in verdicts),
        misses=tuple(misses),
        false_claims=tuple(v for v in verdicts if v.row is None),
        problems=tuple(problems),
        verdicts=tuple(verdicts),
    )


def combine(scores: Sequence[FolderScore], name: str = "overall") -> FolderScore:
    """The sum of several folders' scores (lists concatenated)."""
    def total(attr: str) -> int:
        return sum(getattr(s, attr) for s in scores)

    return FolderScore(
        folder=name, reports=total("reports"), rows=total("rows"), found=total("found"),
        claims=total("claims"), correct=total("correct"), dated_pairs=total("dated_pairs"),
        dates_ok=total("dates_ok"), undated_claims=total("undated_claims"),
        unresolved_claims=total("unresolved_claims"),
        misses=tuple(m for s in scores for m in s.misses),
        false_claims=tuple(f for s in scores for f in s.false_claims),
        problems=tuple(p for s in scores for p in s.problems),
        verdicts=tuple(v for s in scores for v in s.verdicts),
    )


# ----------------------------------------------------------------------------- running


def corpus_folders(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The corpus folders named by `paths`, and a note for each path that is not one.

    A folder with ``truth/`` is itself; a folder without it stands for its sub-folders that
    have one (``../shared/corpus``); a file (a README beside the folders) is noted, not read.
    """
    folders: list[Path] = []
    notes: list[str] = []
    for raw in paths:
        p = Path(raw)
        if (p / "truth").is_dir():
            folders.append(p)
        elif p.is_dir() and (subs := sorted(q for q in p.iterdir() if (q / "truth").is_dir())):
            folders.extend(subs)
        elif p.is_file():
            notes.append(f"{p}: a file, not a corpus folder (reports/ + truth/); ignored")
        else:
            msg = (f"{p}: not a corpus folder; give folders that hold reports/ and "
                   "truth/control_events.csv (see ../shared/corpus/README.md)")
            raise InputError(msg)
    if not folders:
        msg = "no corpus folder among the arguments (each needs reports/ and truth/)"
        raise InputError(msg)
    return folders, notes


def evaluate_folder(folder: Path, gazetteer: Any, lexicon: Any) -> FolderScore:
    """Run the extractor on ``folder/reports/*`` and score it against ``folder/truth``.

    A report that cannot be read is listed in `problems` and the rest is scored.
    """
    from tracker.extract import extract
    from tracker.reports import ReportProblem, read_reports

    truth = load_truth(folder)
    rdir = folder / "reports"
    paths = sorted(p for p in rdir.iterdir() if p.suffix in (".txt", ".jsonl", ".html")) \
        if rdir.is_dir() else []
    if not paths:
        msg = f"{folder}: no reports in {rdir} (.txt, .jsonl or .html files)"
        raise InputError(msg)
    claims: dict[str, list[ControlClaim]] = {}
    problems: list[str] = []
    for item in read_reports([str(p) for p in paths]):
        if isinstance(item, ReportProblem):
            problems.append(str(item))
            continue
        name = Path(item.source_file).name
        claims.setdefault(name, []).extend(extract(item, gazetteer, lexicon).claims)

    def ids_of(pid: str) -> Iterable[str]:
        try:
            return gazetteer.get(pid).source_ids
        except Exception:
            return ()

    return score_folder(folder.name, truth, claims, ids_of=ids_of, problems=problems)
