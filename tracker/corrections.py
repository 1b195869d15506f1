"""Analyst corrections: a plain CSV of claims that win over anything extracted from reports.

Columns: ``place, actor, status, date, note`` (required, in any order), and optionally
``fraction`` (a contested share in (0, 1]), ``besieger`` (an actor) and ``in`` (a
governorate / district / sub-district that narrows the place name). Lines starting with
``#`` are comments.

``place`` is a place id (``ocha:C5175``), a name resolved through the gazetteer like
``tracker resolve`` does, or an admin unit (``adm:SY090201``, a P-code ``SY090201``, or a
name with an admin word: "ناحية هجين", "Hajin sub-district"). An admin unit stands for
every place inside it, so a baseline such as "on 2018-09-10 ISIS held every place in these
sub-districts" is one row per sub-district.

Each place of each row becomes a `ControlClaim` with rule ``correction``, confidence 1.0,
day precision, and the analyst's note as its evidence sentence.

All or nothing: when any row is bad, `load_corrections` raises one `InputError` that lists
every bad row (file, line, what is wrong, what to do) and nothing is stored, so a file is
never half-applied. Fix the rows and load the file again (rows already stored are skipped).

The CSV is read strictly, one record per line: a quote that runs past the end of its line,
a row with more or fewer fields than the header, a field over `MAX_FIELD_CHARS` characters
or a NUL character is a bad row (never a row silently swallowed into another's note). A
date outside the plausible window (`tracker.reports.DateWindow`: 1900-01-01 to tomorrow by
default) is a bad row too. A cell starting with ``'`` before ``= + - @`` (how this tool's
CSV exports neutralise spreadsheet formulas) is read without the ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tracker._io import csv_unsafe
from tracker.arabic import latin_key, normalize
from tracker.errors import InputError, TrackerError, UnknownActorError
from tracker.model import ACTORS, STATUSES, ControlClaim, Evidence, Place
from tracker.reports import DateWindow
from tracker.timeline import CORRECTION_RULE

REQUIRED = ("place", "actor", "status", "date", "note")
OPTIONAL = ("fraction", "besieger", "in")
ADMIN_KINDS = frozenset({"country", "governorate", "district", "subdistrict"})
_ADMIN_CUE_AR = re.compile(r"^(?P<cue>ناحيه|منطقه|محافظه)\s")
_ADMIN_CUE_EN = re.compile(
    r"\s(?P<cue>sub district|subdistrict|district|governorate|province|nahiya)$")
_CUE_KIND = {
    "ناحيه": "subdistrict", "منطقه": "district", "محافظه": "governorate",
    "sub district": "subdistrict", "subdistrict": "subdistrict", "nahiya": "subdistrict",
    "district": "district", "governorate": "governorate", "province": "governorate",
}
_PCODE = re.compile(r"(?i)^SY\d{2}(\d{2}){0,2}$")
#: Longest accepted field (a note); longer ones are a bad row, not a traceback.
MAX_FIELD_CHARS = 10_000
#: Bad rows listed one by one in the error message (the rest are counted).
MAX_LISTED_ERRORS = 20


class _Gazetteer(Protocol):
    def __contains__(self, place_id: object) -> bool: ...
    def __iter__(self) -> Any: ...
    def get(self, place_id: str) -> Place: ...
    def resolve(self, name: str, context: Any = None) -> Any: ...
    def find_admin(self, name: str) -> Place | None: ...


class _Lexicon(Protocol):
    def canonical(self, name_or_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Corrections:
    """The claims of a corrections file, with the line each came from."""

    path: str
    claims: tuple[ControlClaim, ...]
    lines: tuple[int, ...]
    rows: int


def load_corrections(
    path: str | Path, gazetteer: _Gazetteer, lexicon: _Lexicon | None = None, *,
    window: DateWindow | None = None,
) -> Corrections:
    """Read and check a corrections CSV.

    Parameters
    ----------
    path
        The CSV file (UTF-8).
    gazetteer
        Resolves place names and ids, and expands admin units.
    lexicon
        Maps actor names to ids (`tracker.actors.ActorLexicon`); default: ids only.
    window
        Plausible dates (default `DateWindow.from_env()`).

    Returns
    -------
    Corrections

    Raises
    ------
    InputError
        When the file cannot be read, lacks a column, or has bad rows (all listed).
    """
    label = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        msg = "is not UTF-8 text; save it as UTF-8 CSV and load it again"
        raise InputError(msg, path=label) from err
    except OSError as err:
        msg = f"cannot read the corrections file ({err.strerror})"
        raise InputError(msg, path=label) from err
    return corrections_from_text(text, gazetteer, lexicon, source=label, window=window)


def corrections_from_text(
    text: str, gazetteer: _Gazetteer, lexicon: _Lexicon | None = None, *, source: str,
    window: DateWindow | None = None,
) -> Corrections:
    """Parse corrections CSV text (see `load_corrections`); `source` names it in messages."""
    window = window if window is not None else DateWindow.from_env()
    records = list(_records(text))
    if not records:
        msg = (f"has no header line; the first line must name the columns "
               f"{','.join(REQUIRED)} (optional: {','.join(OPTIONAL)})")
        raise InputError(msg, path=source, line=1)
    header_at = 0
    if records[0][1] is None:
        msg = f"the header line {records[0][2]}"
        raise InputError(msg, path=source, line=records[0][0])
    head_line, head_fields, _ = records[header_at]
    assert head_fields is not None
    header = [h.strip().lower() for h in head_fields]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        msg = (f"missing column(s) {', '.join(missing)}; the first line must name the columns "
               f"{','.join(REQUIRED)} (optional: {','.join(OPTIONAL)})")
        raise InputError(msg, path=source, line=head_line)
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        msg = f"column(s) {', '.join(twice)} named twice in the header; keep one of each"
        raise InputError(msg, path=source, line=head_line)
    claims: list[ControlClaim] = []
    where: list[int] = []
    errors: list[tuple[int, str]] = []
    rows = 0
    for line, fields, problem in records[header_at + 1 :]:
        if problem is None and fields is not None and len(fields) != len(header):
            problem = (f"has {len(fields)} field(s) but the header names {len(header)} "
                       f"({','.join(header)}); put a note that holds a comma in double quotes")
        if problem is not None or fields is None:
            rows += 1
            errors.append((line, problem or "cannot be read"))
            continue
        values = {k: v.strip() for k, v in zip(header, fields, strict=True)}
        if not any(values.values()):
            continue
        rows += 1
        try:
            made = _row_claims(values, gazetteer, lexicon, source=source, line=line,
                               window=window)
        except TrackerError as err:
            errors.append((line, str(err)))
            continue
        claims.extend(made)
        where.extend([line] * len(made))
    if errors:
        listed = errors[:MAX_LISTED_ERRORS]
        detail = "; ".join(f"{source}:{ln}: {m.rstrip('. ')}" for ln, m in listed)
        more = f" (and {len(errors) - len(listed)} more)" if len(errors) > len(listed) else ""
        msg = (f"{len(errors)} bad row(s), nothing stored. {detail}{more}. Fix these rows and "
               "load the file again.")
        raise InputError(msg, path=source, line=errors[0][0])
    return Corrections(source, tuple(claims), tuple(where), rows)


def _records(text: str) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """``(line number, fields or None, problem or None)`` for each CSV line that is not
    blank or a ``#`` comment; one record per line, parsed strictly."""
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\x00" in line:
            yield n, None, "holds a NUL character (a damaged or binary file); remove it"
            continue
        try:
            rows = list(csv.reader([line], strict=True))
        except csv.Error as err:
            yield n, None, _csv_problem(str(err), line)
            continue
        fields = rows[0] if rows else []
        long = next((f for f in fields if len(f) > MAX_FIELD_CHARS), None)
        if long is not None:
            yield n, None, (f"has a field of {len(long)} characters (limit {MAX_FIELD_CHARS}); "
                            "shorten the note, or check for a quote that is never closed")
            continue
        yield n, [csv_unsafe(f) for f in fields], None


def _csv_problem(error: str, line: str) -> str:
    if "unexpected end of data" in error:
        return ("has a quote that is not closed before the end of the line; close it (a "
                'quote inside a field is written twice: "")')
    if "field limit" in error or "field larger" in error:
        return (f"has a field over the csv reader's size limit (limit {MAX_FIELD_CHARS} "
                "characters here); shorten the note, or check for a quote never closed")
    return (f"is not valid CSV ({error}) near {line[:60]!r}; a field with a quote or a comma "
            'goes in double quotes, with its own quotes doubled ("")')


def _row_claims(
    row: Mapping[str, str], gazetteer: _Gazetteer, lexicon: _Lexicon | None, *, source: str,
    line: int, window: DateWindow,
) -> list[ControlClaim]:
    actor = _actor(row["actor"], lexicon)
    status = row["status"].lower()
    if status not in STATUSES:
        msg = f"status {row['status']!r} is not one of {', '.join(STATUSES)}"
        raise InputError(msg)
    try:
        on = dt.date.fromisoformat(row["date"])
    except ValueError as err:
        msg = f"date {row['date']!r} is not YYYY-MM-DD (e.g. 2018-09-10)"
        raise InputError(msg) from err
    if (problem := window.problem(on, "date")) is not None:
        raise InputError(problem)
    fraction = _fraction(row.get("fraction", ""))
    besieger = _actor(row["besieger"], lexicon) if row.get("besieger") else None
    places = _places(row["place"], row.get("in", ""), gazetteer)
    note = row["note"] or f"analyst correction ({source}:{line})"
    return [
        ControlClaim(
            report_id=f"correction:{source}:{line}",
            source_file=source,
            place_text=row["place"],
            place_id=p.place_id,
            actor=actor,
            status=status,
            date=on,
            date_precision="day",
            confidence=1.0,
            evidence=Evidence(0, len(note), note, CORRECTION_RULE),
            fraction=fraction,
            besieger=besieger,
            name_ar=p.name_ar,
            name_en=p.name_en,
            lat=p.lat,
            lon=p.lon,
        )
        for p in places
    ]


def _actor(value: str, lexicon: _Lexicon | None) -> str:
    if lexicon is not None:
        return lexicon.canonical(value)
    if value.strip().lower() in ACTORS:
        return value.strip().lower()
    msg = f"Unknown actor {value!r}. Use one of the ids {', '.join(ACTORS)}."
    raise UnknownActorError(msg)


def _fraction(value: str) -> float | None:
    if not value:
        return None
    try:
        f = float(value)
    except ValueError:
        f = -1.0
    if not 0.0 < f <= 1.0:
        msg = f"fraction {value!r} must be a number in (0, 1], e.g. 0.5 for half"
        raise InputError(msg)
    return f


def _places(value: str, within: str, gazetteer: _Gazetteer) -> list[Place]:
    """The places a ``place`` cell stands for (admin units expand to their places)."""
    if not value:
        msg = "the place is empty; give a place name or id (e.g. ocha:C5175)"
        raise InputError(msg)
    if _PCODE.match(value):
        value = f"adm:{value.upper()}"
    if value in gazetteer:
        place = gazetteer.get(value)
        return expand_admin(place, gazetteer) if place.kind in ADMIN_KINDS else [place]
    if re.match(r"^[a-z]+:\S+$", value):
        msg = (f"place id {value!r} is not in the gazetteer; check it with "
               "`tracker gazetteer search`, or import a fuller gazetteer")
        raise InputError(msg)
    admin = _admin_named(value, gazetteer)
    if admin is not None:
        return expand_admin(admin, gazetteer)
    context = _context(within, gazetteer) if within else None
    res = gazetteer.resolve(value, context)
    if res.status == "resolved" and res.place is not None:
        p = res.place
        return expand_admin(p, gazetteer) if p.kind in ADMIN_KINDS else [p]
    cands = ", ".join(f"{c.place.place_id} ({c.place.name_en or c.place.name_ar})"
                      for c in res.candidates[:5])
    if res.status == "ambiguous":
        msg = (f"place {value!r} matches several places: {cands}. Use a place id, or add an "
               "`in` column with the governorate or district")
    else:
        hint = f" Closest: {cands}." if cands else ""
        msg = f"no place matches {value!r}.{hint} Use a place id or check the spelling"
    raise InputError(msg)


def _admin_named(value: str, gazetteer: _Gazetteer) -> Place | None:
    """The admin unit a name with an admin word stands for ("ناحية هجين", "Hajin district")."""
    folded = normalize(value)
    m = _ADMIN_CUE_AR.match(folded) or _ADMIN_CUE_EN.search(folded)
    if m is None:
        return None
    kind = _CUE_KIND[m.group("cue")]
    bare = (folded[m.end():] if m.start() == 0 else folded[: m.start()]).strip()
    key = latin_key(bare)
    for p in gazetteer:
        if p.kind != kind:
            continue
        if normalize(p.name_ar) == bare or (key and latin_key(p.name_en) == key):
            return p
    return gazetteer.find_admin(value)


def _context(within: str, gazetteer: _Gazetteer) -> Any:
    from tracker.gazetteer import Context

    admin = gazetteer.find_admin(within)
    if admin is None:
        msg = f"`in` value {within!r} is not a known governorate, district or sub-district"
        raise InputError(msg)
    return Context(admin_pcodes=(admin.place_id.removeprefix("adm:"),))


def expand_admin(admin: Place, places: Iterable[Place]) -> list[Place]:
    """Every non-admin place inside an admin unit (by P-code), sorted by id.

    Raises
    ------
    InputError
        When the unit contains no place of the gazetteer.
    """
    code = admin.place_id.removeprefix("adm:")
    inside = sorted(
        (p for p in places if p.kind not in ADMIN_KINDS and code in p.admin_pcodes),
        key=lambda p: p.place_id,
    )
    if not inside:
        msg = (f"admin unit {admin.place_id} ({admin.name_en or admin.name_ar}) contains no "
               "place of the gazetteer; import a fuller gazetteer or list the places")
        raise InputError(msg)
    return inside
