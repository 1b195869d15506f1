"""Frozen value types that pass between the stages of the pipeline.

reports -> Report -> (Mention, ControlClaim) -> ControlInterval -> territory -> maps/exports.
Coordinates are lon/lat in EPSG:4326. Dates are whole days (`datetime.date`, never datetime).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

#: Canonical actor ids (DESIGN.md, interface contract).
ACTORS: tuple[str, ...] = (
    "isis",
    "sdf",
    "government",
    "opposition",
    "hts",
    "sna",
    "turkey",
    "coalition",
    "unknown",
)

Status = Literal["captured", "held", "lost", "contested", "besieged"]
STATUSES: tuple[str, ...] = ("captured", "held", "lost", "contested", "besieged")

Precision = Literal["day", "week", "month", "year", "unknown"]
PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year", "unknown")

#: Half-width in days of the window a date of each precision stands for.
PRECISION_DAYS: dict[str, int] = {"day": 0, "week": 3, "month": 15, "year": 182, "unknown": 0}


def _check_date(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        msg = f"`{name}` must be a datetime.date (not datetime, not str): {value!r}"
        raise TypeError(msg)


#: Admin levels, from the country down (COD-AB adm0..adm3); their kinds are admin units.
ADMIN_LEVELS: tuple[str, ...] = ("country", "governorate", "district", "subdistrict")
#: Place kinds that are administrative units (the one definition; see `Place.kind`).
ADMIN_KINDS: frozenset[str] = frozenset(ADMIN_LEVELS)


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    `place_id` is a stable string prefixed by its source: ``ocha:C5175`` (OCHA community
    P-code), ``geonames:174506``, ``wof:890449895``, ``adm:SY090201`` (OCHA admin unit),
    ``landmark:tabqa_dam`` (``gazetteer/landmarks.csv``). `kind` is one of ``community``,
    ``locality``, ``neighbourhood``, ``landmark``, ``camp``, ``country``, ``governorate``,
    ``district``, ``subdistrict``. `admin1..3` are English admin names,
    `admin_pcodes` the matching OCHA P-codes (``SY09``, ``SY0902``, ``SY090201``).
    `aliases` holds every other name from every source, any script. `source_ids` holds
    the ids of the same place in other sources (links made by the importer).
    `geometry` is an optional area (shapely, lon/lat) for admin units and neighbourhoods.
    """

    place_id: str
    name_ar: str
    name_en: str
    lat: float
    lon: float
    kind: str = "community"
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    admin_pcodes: tuple[str, str, str] = ("", "", "")
    aliases: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    population: int | None = None
    geometry: Any = field(default=None, compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the place: Arabic, English, then aliases (no empties)."""
        return tuple(n for n in (self.name_ar, self.name_en, *self.aliases) if n)

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by `tracker resolve --json` and friends."""
        return {
            "id": self.place_id,
            "name_ar": self.name_ar,
            "name_en": self.name_en,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "kind": self.kind,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "admin3": self.admin3,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """One news report, dated and hashed.

    `report_id` is the hash of the normalised text, so the same report twice is one.
    `published` is given as metadata or inferred from the text; `published_precision`
    says how well it is known (``day``/``week``/``month``/``unknown``) and
    `published_inferred` whether it came from the text.
    """

    report_id: str
    text: str
    source_file: str
    published: dt.date | None = None
    published_precision: str = "day"
    published_inferred: bool = False
    source_url: str = ""
    title: str = ""
    publisher: str = ""
    language: str = ""
    line: int | None = None
    metadata: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        _check_date("published", self.published, optional=True)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a claim comes from: character span in the report text, the sentence, the rule."""

    start: int
    end: int
    sentence: str
    rule: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "sentence": self.sentence, "rule": self.rule}


@dataclass(frozen=True, slots=True)
class Mention:
    """A place-like mention in a report and what the gazetteer made of it.

    `status` is ``resolved``, ``ambiguous`` or ``unresolved``; `candidates` are place ids.
    """

    text: str
    start: int
    end: int
    status: str
    place_id: str | None = None
    candidates: tuple[str, ...] = ()
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class ControlClaim:
    """One dated statement of control taken from one sentence of one report.

    `status` is one of STATUSES. `fraction` (0..1] is the share of the place held, when the
    report gives one ("نصف" -> 0.5). `exclusive_group` is set on claims of a pocket
    statement that enumerates the *whole* remaining area of `actor`: every claim of the
    statement carries the same group id. `scope` narrows what "the whole remaining area"
    covers when the report says so: ``bank:west`` / ``bank:east`` (of the Euphrates) or
    ``adm:<PCODE>`` ("its last pocket west of the Euphrates"). `place_id` is None when the
    mention could not be resolved (the claim is kept, and listed with the unresolved
    mentions).
    `weekday` (0 = Monday .. 6 = Sunday) is set when the report names only a weekday for
    the claim and no publication date anchors it ("اليوم الأحد" in an undated report):
    `date` is then None and the control layer may date it from other reports.
    For ``besieged`` (and for a pocket under siege) `actor` is the side that is surrounded
    and `besieger` the side surrounding it ("حاصرت قسد التنظيم في P" -> actor ``isis``,
    besieger ``sdf``); `besieger` is None when the report does not say who besieges.
    """

    report_id: str
    source_file: str
    place_text: str
    place_id: str | None
    actor: str
    status: str
    date: dt.date | None
    date_precision: str
    confidence: float
    evidence: Evidence
    fraction: float | None = None
    exclusive_group: str | None = None
    besieger: str | None = None
    scope: str | None = None
    name_ar: str = ""
    name_en: str = ""
    lat: float | None = None
    lon: float | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        _check_date("date", self.date, optional=True)
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            msg = f"weekday must be 0 (Monday) .. 6 (Sunday), got {self.weekday!r}"
            raise ValueError(msg)
        if self.status not in STATUSES:
            msg = f"unknown claim status {self.status!r}; expected one of {', '.join(STATUSES)}"
            raise ValueError(msg)
        if not 0.0 <= self.confidence <= 1.0:
            msg = f"confidence must be within [0, 1], got {self.confidence!r}"
            raise ValueError(msg)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of `tracker extract --json` (interface contract)."""
        return {
            "report": self.report_id,
            "source_file": self.source_file,
            "place_text": self.place_text,
            "place_id": self.place_id,
            "name_ar": self.name_ar,
            "name_en": self.name_en,
            "lat": self.lat,
            "lon": self.lon,
            "actor": self.actor,
            "status": self.status,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision,
            "confidence": round(self.confidence, 3),
            "fraction": self.fraction,
            "exclusive_group": self.exclusive_group,
            "scope": self.scope,
            "besieger": self.besieger,
            "weekday": self.weekday,
            "evidence": self.evidence.to_json(),
        }


@dataclass(frozen=True, slots=True)
class ControlInterval:
    """Who held a place from `start` to `end` (inclusive; None = still open), and why.

    `supporting` and `conflicting` hold claim ids (store row ids as strings, or
    ``correction:<n>``). `fraction` is set for partial/contested control.
    """

    place_id: str
    actor: str
    status: str
    start: dt.date
    end: dt.date | None
    confidence: float
    supporting: tuple[str, ...] = ()
    conflicting: tuple[str, ...] = ()
    fraction: float | None = None

    def __post_init__(self) -> None:
        _check_date("start", self.start)
        _check_date("end", self.end, optional=True)

    def covers(self, on: dt.date) -> bool:
        """True when `on` falls inside the interval (both ends inclusive)."""
        return self.start <= on and (self.end is None or on <= self.end)
