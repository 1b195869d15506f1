"""The control layer: dated claims become per-place control intervals, with as-of queries.

Pure: takes claims, returns intervals and answers. `store.py` feeds it; nothing here reads
a file.

Rules (how claims become intervals)
-----------------------------------
Each claim is a statement "on day D, actor A captured / held / lost / contested / was
besieged in place P". Claims without a place id or a date are kept out (counted in
`Timeline.skipped`; the undated ones are listed in `Timeline.undated` with the reason).
Per place, the claims are replayed day by day, in date order, into contiguous intervals
(each ends the day before the next starts; the last is open) whose status is ``held``,
``contested``, ``besieged`` or ``lost`` (holder ``unknown``):

* ``captured`` by A: A holds the place from D (status ``held``); the previous holder's
  interval ends on D - 1.
* ``held`` by A: confirms A's current interval (whatever its status); when nothing is known,
  or someone else held it, an interval for A opens on D (a later report of possession wins).
* ``lost`` by A: A's interval ends on D - 1. The place passes to the actor the claim names
  as `besieger`, else to the actor whose ``captured`` claim about the same place explains
  the loss (a capture whose date window overlaps the loss's: the same day, or within the
  week of a week-precise "A withdrew from P"), else to the one that was besieging or
  contesting it, else to ``unknown`` (status ``lost``). A loss by an actor that did not
  hold the place changes nothing.
  ``lost`` by ``unknown`` (how an exported ``unknown`` interval reads back as a correction)
  makes the holder unknown.
* ``contested`` by A with a fraction f (A's share): the interval becomes ``contested``. Its
  actor is whoever holds the larger share: A when f > 0.5, the other side when f < 0.5, the
  incumbent when f is 0.5 or not given (when nothing is known: A). `fraction` is the share of
  the interval's actor; `Holding.by` names the other side.
* ``besieged`` (A besieged, optionally by `besieger` B): A holds the place with status
  ``besieged`` and ``by`` = B. When nothing is known the besieged actor holds it.
* Pocket statements (claims sharing an `exclusive_group`: "A's last pocket consists only
  of P1 and P2"): besides their own places, every *other* place A holds on D in the same
  theatre passes on D to the besieger named by the claims, else to ``unknown``. A statement
  whose claims are ``lost`` ("the government took P1 and P2, ending ISIS's presence in the
  area") says A's area in the theatre is now empty: every place A holds there passes to the
  besieger, else to the capturer of the named places. The theatre is the statement's
  `scope` when it has one and the mapping to judge it was given: ``bank:west`` /
  ``bank:east`` = every place on that bank of the Euphrates (`banks`), ``adm:<PCODE>`` =
  every place in that admin unit (`admins`). Otherwise it is geometric: places within
  `pocket_radius_km` (default 50 km) of a place the statement names, never across the
  Euphrates when all the named places lie on one bank (`banks`). Without coordinates, the
  `regions` mapping decides (same region key); without either, the statement is read
  literally and every place A holds counts. A place with its own claim on D keeps what its
  claim says. Two safeguards: only a statement dated to the
  day hands places over (a week or a month cannot say when they were lost), and only when
  A held at least one of the named places just before D, or nothing was known about it (a
  statement contradicting everything known about its own places is most likely a
  misreading; its claims still count for the named places).

Claims dated only by a weekday
------------------------------
An undated report may still name the weekday of its claim ("اليوم الأحد", "on Sunday"):
the claim comes with ``date=None`` and `ControlClaim.weekday` set. Before the intervals are
built, such a claim is dated from *other* reports (`date_by_weekday`): their claims about the
same place (after `aliases`) and the same actor, dated to the day, are its anchors (those of
the same status when there are any, else all). Each anchor proposes the day with the claim's
weekday nearest its own date (at most three days away). When the proposals lie within
`WEEKDAY_WINDOW_DAYS` (14) days of each other, the claim takes the day most of them propose
(the earliest on a tie), with precision ``day``, and its evidence says so:
``dated_by = "dated by weekday Sunday next to report <id> of 2018-07-06"``. Otherwise (no
other report's dated claim, proposals further apart, an unresolved place) the claim stays
undated and is listed in `Timeline.undated` with the reason; it is never dated by a guess.
A claim of the same report never anchors it, nor does another weekday-dated claim.

Conflicts and the winner
------------------------
All claims about one place and one day are ranked, weakest first, by the key
(analyst correction, publication date of the report, confidence, source reliability,
claim order) and applied in that order, so the strongest has the last word: an analyst
correction beats any report; then the later report about the same day; then the higher
confidence; then the more reliable source. Claims that agree with the day's outcome are
its supporting evidence; the others are kept as its conflicts (nothing is dropped).

Date precision: a claim dated only to the week / month / year (its window is
``date +- PRECISION_DAYS[precision]``) does not override a claim of finer precision about
the same place inside that window: it is attached as support to the interval covering its
date, or to one that began inside its window, when it agrees with it; else as a conflict of
the nearest interval that holds a claim whose window overlaps its own (claims whose windows
do not overlap never conflict). Otherwise it applies on its date.

Confidence of an interval: the noisy-or of its supporting claims' weights (claim confidence
times source reliability; a correction weighs 1), reduced by half the noisy-or of its
conflicts: ``s * (1 - k / 2)``; 1.0 when an analyst correction supports it.

As-of semantics
---------------
`held_by(place, on)` forward-fills: the answer on `on` is the interval that started on or
before `on` (a claim's own day counts) and has not been closed by a later claim. Before
the first claim about a place, and for a place with no claims, the answer is ``None``: an
answer, not an error. ``max_age`` caps staleness: when the most recent supporting evidence
on or before `on` is older than ``max_age``, the answer is ``None``.

Examples
--------
The day before, of and after a handover (SDF captured Hajin on 2018-12-14)::

    tl.held_by("ocha:C4942", date(2018, 12, 13)).actor  -> "isis"
    tl.held_by("ocha:C4942", date(2018, 12, 14)).actor  -> "sdf"
    tl.held_by("ocha:C4942", date(2018, 12, 15)).actor  -> "sdf"
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import gc
import itertools
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from tracker.arabic import normalize
from tracker.errors import TimelineError
from tracker.model import PRECISION_DAYS, ControlClaim, ControlInterval

logger = logging.getLogger(__name__)

#: `Evidence.rule` of an analyst correction.
CORRECTION_RULE = "correction"
#: Reliability of a publisher missing from the table.
DEFAULT_RELIABILITY = 0.5
#: Default radius of a pocket's theatre (see the module docstring).
POCKET_RADIUS_KM = 50.0
#: Version of the rules below; part of the key of interval caches (bump on any change).
RULE_VERSION = 3
#: Largest spread of the days other reports propose for a claim dated only by a weekday.
WEEKDAY_WINDOW_DAYS = 14

_SHIFT = 22  # date ordinals (< 2**22) packed under the place index in one int64 key
_UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """A claim with its id and the facts about its report the control layer ranks by.

    `claim_id` is the store row id as a string (``"17"``) or ``"correction:<n>"``;
    `published` and `publisher` come from the claim's report (None / "" for corrections).
    `dated_by` is set when the control layer dated a claim its report left undated (see
    "Claims dated only by a weekday" in the module docstring): how, and on whose word.
    """

    claim_id: str
    claim: ControlClaim
    published: dt.date | None = None
    publisher: str = ""
    dated_by: str | None = None

    @property
    def is_correction(self) -> bool:
        """True for an analyst correction."""
        return self.claim.evidence.rule == CORRECTION_RULE

    def evidence_json(self) -> dict[str, Any]:
        """``{"claim", "report", "source_file", "sentence", "date", ...}`` for query output."""
        c = self.claim
        return {
            "claim": self.claim_id,
            "report": c.report_id,
            "source_file": c.source_file,
            "sentence": c.evidence.sentence,
            "date": c.date.isoformat() if c.date else None,
            "date_precision": c.date_precision,
            "actor": c.actor,
            "status": c.status,
            "rule": c.evidence.rule,
            "confidence": round(c.confidence, 3),
            "publisher": self.publisher,
            "published": self.published.isoformat() if self.published else None,
            "weekday": c.weekday,
            "dated_by": self.dated_by,
        }


@dataclass(frozen=True, slots=True)
class UndatedClaim:
    """A claim the control layer cannot place in time, and why (listed, never guessed).

    `place_id` is the place it is filed under (after aliases; None when unresolved).
    """

    claim: StoredClaim
    reason: str
    place_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The claim's evidence with its place, weekday and the reason it stays undated."""
        c = self.claim.claim
        return {**self.claim.evidence_json(), "place_id": self.place_id,
                "place_text": c.place_text, "reason": self.reason}


def _nearest_weekday(day: dt.date, weekday: int) -> dt.date:
    """The day with `weekday` nearest `day` (at most three days away)."""
    delta = (weekday - day.weekday()) % 7
    return day + dt.timedelta(days=delta - 7 if delta > 3 else delta)


def date_by_weekday(
    claims: Sequence[StoredClaim],
    *,
    aliases: Mapping[str, str] | None = None,
    window_days: int = WEEKDAY_WINDOW_DAYS,
) -> tuple[list[StoredClaim], list[UndatedClaim]]:
    """Date the claims their reports left undated but whose weekday they name.

    See "Claims dated only by a weekday" in the module docstring for the rule.

    Parameters
    ----------
    claims
        Every claim (the anchors are among them).
    aliases
        Place id -> the id its claims are filed under (as in `Timeline.from_claims`).
    window_days
        Largest spread of the days the anchors propose.

    Returns
    -------
    tuple[list[StoredClaim], list[UndatedClaim]]
        The claims in the same order, those dated by a weekday replaced by a copy with the
        date, precision ``day`` and `StoredClaim.dated_by`; and every claim still without
        a date, with the reason.
    """
    alias = aliases or {}

    def place_of(c: ControlClaim) -> str | None:
        return alias.get(c.place_id, c.place_id) if c.place_id is not None else None

    wanted = {(place_of(sc.claim), sc.claim.actor) for sc in claims
              if sc.claim.date is None and sc.claim.weekday is not None
              and sc.claim.place_id is not None}
    anchors: dict[tuple[str | None, str], list[StoredClaim]] = defaultdict(list)
    if wanted:
        for sc in claims:
            c = sc.claim
            if c.date is not None and c.date_precision == "day" and c.place_id is not None:
                key = (place_of(c), c.actor)
                if key in wanted:
                    anchors[key].append(sc)
    out: list[StoredClaim] = []
    undated: list[UndatedClaim] = []
    for sc in claims:
        c = sc.claim
        if c.date is not None:
            out.append(sc)
            continue
        place = place_of(c)
        dated, reason = _date_one(sc, place, anchors.get((place, c.actor), []), window_days)
        if dated is None:
            undated.append(UndatedClaim(sc, reason, place))
            out.append(sc)
        else:
            out.append(dated)
    return out, undated


def _date_one(sc: StoredClaim, place: str | None, anchors: Sequence[StoredClaim],
              window: int) -> tuple[StoredClaim | None, str]:
    """One claim of `date_by_weekday`: the dated copy, or None and why not."""
    c = sc.claim
    if c.weekday is None:
        return None, "no date: neither the report nor its sentence names a day"
    name = calendar.day_name[c.weekday]
    if place is None:
        return None, (f"weekday {name} only, and the place {c.place_text!r} is not resolved: "
                      "no other report can date it")
    others = [a for a in anchors if a.claim.report_id != c.report_id]
    if not others:
        return None, (f"weekday {name} only, and no other report dates a claim about {place} "
                      f"by {c.actor} to the day")
    pool = [a for a in others if a.claim.status == c.status] or others
    proposals = sorted(((_nearest_weekday(a.claim.date, c.weekday), a) for a in pool
                        if a.claim.date is not None), key=lambda t: (t[0], t[1].claim.date))
    lo, hi = proposals[0][0], proposals[-1][0]
    if (hi - lo).days > window:
        return None, (f"weekday {name} only, and the other reports' claims about {place} by "
                      f"{c.actor} point {(hi - lo).days} days apart ({lo.isoformat()} .. "
                      f"{hi.isoformat()}): not dated by a guess")
    votes = Counter(d for d, _ in proposals)
    best = max(votes, key=lambda d: (votes[d], -d.toordinal()))
    anchor = next(a for d, a in proposals if d == best)
    ac = anchor.claim
    where = (f"correction {ac.report_id.removeprefix('correction:')}" if anchor.is_correction
             else f"report {ac.report_id}")
    note = f"dated by weekday {name} next to {where} of {ac.date.isoformat() if ac.date else ''}"
    if len(proposals) > 1:
        note += f" ({len(proposals) - 1} more claim(s) of other reports within {window} days)"
    return replace(sc, claim=replace(c, date=best, date_precision="day"), dated_by=note), ""


@dataclass(frozen=True, slots=True)
class Reliability:
    """Source reliability by publisher (a user-editable table, see ``data/sources.csv``).

    Lookup is by normalised name: exact first, then the longest table entry found as whole
    words in the publisher's name ("Syrian Observatory for Human Rights" -> "syrian
    observatory"); else the default.
    """

    table: Mapping[str, float] = field(default_factory=dict)
    default: float = DEFAULT_RELIABILITY

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, float]]) -> Reliability:
        """Build from ``(publisher, reliability)`` pairs; the row ``unknown`` sets the default."""
        table: dict[str, float] = {}
        default = DEFAULT_RELIABILITY
        for name, value in rows:
            if not 0.0 <= value <= 1.0:
                msg = f"reliability of {name!r} must be within [0, 1], got {value!r}"
                raise TimelineError(msg)
            key = normalize(name)
            if key == _UNKNOWN:
                default = value
            elif key:
                table[key] = value
        return cls(table, default)

    def of(self, publisher: str) -> float:
        """Reliability of a publisher (the default when unknown or empty)."""
        key = normalize(publisher) if publisher else ""
        if not key:
            return self.default
        if key in self.table:
            return self.table[key]
        best = ""
        padded = f" {key} "
        for name in self.table:
            if len(name) > len(best) and f" {name} " in padded:
                best = name
        return self.table[best] if best else self.default


@dataclass(frozen=True, slots=True)
class Holding:
    """Who held a place over one interval, and on whose word.

    `since`/`until` are the interval's first and last day (`until` None = still open).
    `fraction` is the share held by `actor` in a contested interval; `by` is the other side
    (the besieger of a besieged holder, the challenger of a contested one). `evidence` are
    the supporting claims, `conflicts` the claims that disagree.
    """

    place_id: str
    actor: str
    status: str
    since: dt.date
    until: dt.date | None
    confidence: float
    fraction: float | None = None
    by: str | None = None
    evidence: tuple[StoredClaim, ...] = ()
    conflicts: tuple[StoredClaim, ...] = ()
    evidence_days: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def last_evidence(self, on: dt.date) -> dt.date:
        """Date of the latest supporting evidence on or before `on` (else `since`)."""
        i = bisect.bisect_right(self.evidence_days, on.toordinal())
        if i == 0:
            return self.since
        return max(self.since, dt.date.fromordinal(self.evidence_days[i - 1]))

    @property
    def interval(self) -> ControlInterval:
        """The same interval as a `ControlInterval` (claim ids instead of claims)."""
        return ControlInterval(
            place_id=self.place_id,
            actor=self.actor,
            status=self.status,
            start=self.since,
            end=self.until,
            confidence=self.confidence,
            supporting=tuple(c.claim_id for c in self.evidence),
            conflicting=tuple(c.claim_id for c in self.conflicts),
            fraction=self.fraction,
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form (without the place and the query date, which the caller adds)."""
        return {
            "actor": self.actor,
            "status": self.status,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "confidence": self.confidence,
            "fraction": self.fraction,
            "by": self.by,
            "evidence": [c.evidence_json() for c in self.evidence],
            "conflicts": [c.evidence_json() for c in self.conflicts],
        }


@dataclass(frozen=True, slots=True)
class Change:
    """A place whose holder or status changed on `on` (`before` None = first known)."""

    place_id: str
    on: dt.date
    before: Holding | None
    after: Holding

    @property
    def from_actor(self) -> str | None:
        """The holder before the change (None when nothing was known)."""
        return self.before.actor if self.before else None

    @property
    def to_actor(self) -> str:
        """The holder from `on`."""
        return self.after.actor

    def to_json(self) -> dict[str, Any]:
        """JSON form used by `tracker changes --json`."""
        return {
            "place_id": self.place_id,
            "date": self.on.isoformat(),
            "from_actor": self.from_actor,
            "from_status": self.before.status if self.before else None,
            "to_actor": self.to_actor,
            "to_status": self.after.status,
            "confidence": self.after.confidence,
            "evidence": [c.evidence_json() for c in self.after.evidence],
        }


# --------------------------------------------------------------------------- building


@dataclass(slots=True)
class _Rec:
    """One usable claim, with its precomputed rank and weight."""

    idx: int
    sc: StoredClaim
    place: str
    actor: str
    status: str
    day: int
    half: int
    rank: tuple[int, int, float, float, int]
    weight: float
    correction: bool
    successor: str | None = None  # for a loss: the actor whose capture explains it


_State = tuple[str, str, float | None, str | None]  # holder, status, fraction, by


@dataclass(slots=True)
class _Seg:
    state: _State
    start: int
    support: list[_Rec] = field(default_factory=list)
    conflict: list[_Rec] = field(default_factory=list)


def _apply(state: _State | None, r: _Rec) -> _State:
    """One claim applied to the state of a place (see the rules in the module docstring)."""
    a, st, claim = r.actor, r.status, r.sc.claim
    holder = state[0] if state else None
    if st == "captured":
        return (a, "held", None, None)
    if st == "held":
        return state if state is not None and holder == a else (a, "held", None, None)
    if st == "besieged":
        by = claim.besieger or (state[3] if state and holder == a else None)
        return (a, "besieged", None, by if by != a else None)
    if st == "lost":
        if a == _UNKNOWN:  # "unknown lost it": the holder is now unknown (exported intervals)
            return (_UNKNOWN, "lost", None, None)
        if state is not None and holder not in (a, _UNKNOWN):
            return state
        successor = claim.besieger or r.successor or (state[3] if state else None)
        if successor and successor not in (a, _UNKNOWN):
            return (successor, "held", None, None)
        return (_UNKNOWN, "lost", None, None)
    # contested
    f = claim.fraction
    incumbent = holder if holder not in (None, _UNKNOWN) else None
    other = incumbent
    if incumbent == a:  # the holder claims the contest: the other side is its challenger
        other = state[3] if state and state[3] != a else None
    if other is None:
        return (a, "contested", f, None)
    if f is not None and f > 0.5:
        return (a, "contested", f, other)
    if f is not None and f < 0.5:
        return (other, "contested", round(1.0 - f, 6), a)
    if incumbent == a:
        return (a, "contested", f, other)
    return (other, "contested", round(1.0 - f, 6) if f is not None else None, a)


def _agrees(r: _Rec, state: _State) -> bool:
    """True when claim `r` is consistent with the outcome `state`."""
    if r.status == "lost":
        return state[0] != r.actor or r.actor == _UNKNOWN
    if r.status == "contested":
        return r.actor in (state[0], state[3])
    return state[0] == r.actor


def _noisy_or(weights: Iterable[float]) -> float:
    p = 1.0
    for w in weights:
        p *= 1.0 - min(max(w, 0.0), 1.0)
    return 1.0 - p


def _confidence(seg: _Seg) -> float:
    support = seg.support
    if len(support) == 1 and not seg.conflict:
        r = support[0]
        return 1.0 if r.correction else round(min(max(r.weight, 0.0), 1.0), 3)
    if any(r.correction for r in support):
        return 1.0
    s = _noisy_or(r.weight for r in support)
    k = _noisy_or(r.weight for r in seg.conflict)
    return round(s * (1.0 - k / 2.0), 3)


def _cell(degrees: float) -> int:
    """Index of the quarter-degree grid cell holding a coordinate."""
    return math.floor(degrees * 4.0)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


class _Builder:
    """Replays the claims day by day (one pass over all places, for pocket statements)."""

    def __init__(
        self,
        recs: list[_Rec],
        *,
        coords: Mapping[str, tuple[float, float]],
        regions: Mapping[str, str] | None,
        radius_km: float,
        banks: Mapping[str, str | None] | None = None,
        admins: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.coords = coords
        self.regions = regions
        self.radius_km = radius_km
        self.banks = banks
        self.admins = admins
        self.grid: dict[tuple[int, int], list[str]] = defaultdict(list)
        for place, (lat, lon) in coords.items():
            self.grid[(_cell(lat), _cell(lon))].append(place)
        self.segs: dict[str, list[_Seg]] = defaultdict(list)
        self.held: dict[str, set[str]] = defaultdict(set)
        self.weak: list[_Rec] = []
        self.before: dict[str, _State | None] = {}
        by_place: dict[str, list[_Rec]] = defaultdict(list)
        for r in recs:
            by_place[r.place].append(r)
        self.no_coords = {p for p in by_place if p not in coords}
        self.days: dict[int, dict[str, list[_Rec]]] = defaultdict(lambda: defaultdict(list))
        groups: dict[str, list[_Rec]] = defaultdict(list)
        self.group_places: dict[str, set[str]] = defaultdict(set)
        for place, rs in by_place.items():
            _explain_losses(rs)
            weak = _weak_claims(rs)
            for r in rs:
                group = r.sc.claim.exclusive_group
                if group is not None:
                    self.group_places[group].add(place)
                if r.idx in weak:
                    self.weak.append(r)
                    continue
                self.days[r.day][place].append(r)
                if group is not None:
                    groups[group].append(r)
        self.pockets: dict[int, list[list[_Rec]]] = defaultdict(list)
        for rs in groups.values():
            self.pockets[min(r.day for r in rs)].append(rs)

    def run(self) -> dict[str, list[_Seg]]:
        for day in sorted(set(self.days) | set(self.pockets)):
            todays = self.days.get(day, {})
            self.before = {}
            for place, rs in todays.items():
                self._day(place, day, rs)
            for group in self.pockets.get(day, ()):
                self._pocket(day, group, todays)
        for r in self.weak:
            self._attach_weak(r)
        return self.segs

    def _set(self, place: str, day: int, state: _State, support: list[_Rec]) -> _Seg:
        segs = self.segs[place]
        cur = segs[-1] if segs else None
        if cur is not None and cur.state == state:
            cur.support.extend(support)
            return cur
        seg = _Seg(state, day, list(support))
        if cur is not None:
            self.held[cur.state[0]].discard(place)
            if cur.start == day:  # a second statement the same day: it stands, the first
                segs.pop()  # becomes its conflict
                seg.conflict.extend(r for r in cur.support if not _agrees(r, state))
                seg.support.extend(r for r in cur.support if _agrees(r, state))
                seg.conflict.extend(cur.conflict)
        segs.append(seg)
        self.held[state[0]].add(place)
        return seg

    def _day(self, place: str, day: int, rs: list[_Rec]) -> None:
        segs = self.segs[place]
        state = segs[-1].state if segs else None
        self.before[place] = state
        if len(rs) == 1:
            new = _apply(state, rs[0])
            self._set(place, day, new, rs)
            return
        rs.sort(key=_by_rank)
        for r in rs:
            state = _apply(state, r)
        assert state is not None
        agree = [r for r in rs if _agrees(r, state)]
        seg = self._set(place, day, state, agree)
        seg.conflict.extend(r for r in rs if not _agrees(r, state))

    def _pocket(self, day: int, group: list[_Rec], todays: Mapping[str, list[_Rec]]) -> None:
        best = max(group, key=_by_rank)
        actor = best.actor
        named = self.group_places[best.sc.claim.exclusive_group or ""]
        if best.half > 0 or not any(self._held_before(p) in (None, actor) for p in named):
            return
        besieger = next((r.sc.claim.besieger for r in group if r.sc.claim.besieger), None)
        if besieger is None:  # "the end of A's pocket": the capturer of its last places
            besieger = next((r.successor for r in group if r.successor), None)
        if besieger == actor:
            besieger = None
        state: _State = (
            (besieger, "held", None, None) if besieger else (_UNKNOWN, "lost", None, None))
        support = sorted(group, key=_by_rank)
        inside = self._theatre(group, named)
        for place in sorted(self._pocket_candidates(actor, named, inside.scoped) - named):
            if place in todays or not inside(place):
                continue
            self._set(place, day, state, support)

    def _theatre(self, group: Sequence[_Rec], named: set[str]) -> _Theatre:
        """Which places a pocket statement speaks for (see the module docstring)."""
        scope = next((r.sc.claim.scope for r in group if r.sc.claim.scope), None)
        banks, admins = self.banks, self.admins
        if scope and scope.startswith("bank:") and banks is not None:
            wanted = scope.removeprefix("bank:")
            return _Theatre(lambda p: banks.get(p) == wanted, scoped=True)
        if scope and scope.startswith("adm:") and admins is not None:
            code = scope.removeprefix("adm:")
            return _Theatre(lambda p: code in admins.get(p, ()), scoped=True)
        sides = {banks.get(p) for p in named} if banks is not None else {None}
        if len(sides) != 1 or None in sides:
            return _Theatre(lambda p: self._same_theatre(p, named))
        other = "east" if sides.pop() == "west" else "west"
        assert banks is not None
        return _Theatre(
            lambda p: banks.get(p) != other and self._same_theatre(p, named))

    def _pocket_candidates(self, actor: str, named: set[str], scoped: bool = False) -> set[str]:
        """Places `actor` holds that may be in the theatre of `named` (a superset)."""
        held = self.held.get(actor, set())
        centres = [self.coords[p] for p in named if p in self.coords]
        if scoped or not centres:
            return set(held)
        out = {p for p in self.no_coords if p in held} if self.no_coords else set()
        reach_lat = self.radius_km / 111.0
        for lat, lon in centres:
            reach_lon = self.radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
            for i in range(_cell(lat - reach_lat), _cell(lat + reach_lat) + 1):
                for j in range(_cell(lon - reach_lon), _cell(lon + reach_lon) + 1):
                    out.update(p for p in self.grid.get((i, j), ()) if p in held)
        return out

    def _held_before(self, place: str) -> str | None:
        """Holder of `place` before today's claims (None when nothing was known)."""
        if place in self.before:
            state = self.before[place]
            return state[0] if state else None
        segs = self.segs.get(place)
        return segs[-1].state[0] if segs else None

    def _same_theatre(self, place: str, named: set[str]) -> bool:
        here = self.coords.get(place)
        there = [self.coords[p] for p in named if p in self.coords]
        if here is not None and there:
            return min(_km(here, p) for p in there) <= self.radius_km
        if self.regions is not None and place in self.regions:
            keys = {self.regions[p] for p in named if p in self.regions}
            if keys:
                return self.regions[place] in keys
        return True

    def _attach_weak(self, r: _Rec) -> None:
        """Attach an imprecise claim to an interval its date window overlaps.

        As support to the interval covering its date, or to one that began inside its
        window, when it agrees with it; else as a conflict of the nearest interval holding a
        claim whose own window overlaps it (claims whose windows do not overlap never
        conflict).
        """
        segs = self.segs.get(r.place)
        if not segs:  # only weak claims nearby were themselves weak: cannot happen, but be safe
            self._day(r.place, r.day, [r])
            return
        lo, hi = r.day - r.half, r.day + r.half
        starts = [s.start for s in segs]
        first = max(bisect.bisect_right(starts, lo) - 1, 0)
        last = max(bisect.bisect_right(starts, hi), first + 1)
        near = list(range(first, last))

        def distance(k: int) -> int:
            end = starts[k + 1] - 1 if k + 1 < len(segs) else r.day
            return 0 if starts[k] <= r.day <= end else min(abs(starts[k] - r.day),
                                                              abs(end - r.day))

        cover = max(bisect.bisect_right(starts, r.day) - 1, 0)
        agree = [k for k in near if _agrees(r, segs[k].state) and (k == cover or lo <= starts[k])]
        if agree:  # the interval it falls in, or one that began inside its window
            segs[min(agree, key=distance)].support.append(r)
            return

        def overlaps(k: int) -> bool:
            return any(q.day - q.half <= hi and lo <= q.day + q.half
                       for q in (*segs[k].support, *segs[k].conflict))

        against = [k for k in near if overlaps(k)] or near
        segs[min(against, key=distance)].conflict.append(r)


class _Theatre:
    """A predicate on place ids (the theatre of a pocket statement)."""

    __slots__ = ("scoped", "test")

    def __init__(self, test: Callable[[str], bool], *, scoped: bool = False) -> None:
        self.test = test
        self.scoped = scoped

    def __call__(self, place: str) -> bool:
        return self.test(place)


def _explain_losses(rs: Sequence[_Rec]) -> None:
    """Set `successor` on losses explained by another actor's capture of the same place.

    A capture counts when its date window overlaps the loss's ("X withdrew from P" and
    "Y entered P" the same day, or within the loss's week); the nearest in time wins, then
    the stronger claim.
    """
    caps = [q for q in rs if q.status == "captured" and q.actor != _UNKNOWN]
    if not caps:
        return
    for r in rs:
        if r.status != "lost" or r.actor == _UNKNOWN:
            continue
        best: tuple[int, tuple[int, int, float, float, int]] | None = None
        for q in caps:
            gap = abs(q.day - r.day)
            if q.actor == r.actor or gap > r.half + q.half:
                continue
            key = (-gap, q.rank)
            if best is None or key > best:
                best = key
                r.successor = q.actor


def _by_rank(r: _Rec) -> tuple[int, int, float, float, int]:
    return r.rank


def _weak_claims(rs: Sequence[_Rec]) -> set[int]:
    """Indices of claims with a finer-precision claim about the same place in their window."""
    halves = sorted({r.half for r in rs})
    if len(halves) == 1:
        return set()
    weak: set[int] = set()
    for h in halves[1:]:
        finer = sorted(r.day for r in rs if r.half < h)
        for r in rs:
            if r.half != h:
                continue
            i = bisect.bisect_left(finer, r.day - h)
            if i < len(finer) and finer[i] <= r.day + h:
                weak.add(r.idx)
    return weak


# --------------------------------------------------------------------------- the index


class Timeline:
    """Per-place control intervals built once from claims, with fast as-of queries.

    Build with `Timeline.from_claims`. Queries never raise for an unknown place or a date
    before anything is known: they answer ``None`` (see the module docstring).
    """

    def __init__(
        self,
        holdings: dict[str, list[Holding]],
        *,
        actors: Sequence[str] = (),
        skipped: int = 0,
        claims: int = 0,
        undated: Sequence[UndatedClaim] = (),
    ) -> None:
        self.skipped = skipped
        self.claims = claims
        #: Claims without a date that nothing could date, with the reason (see the rules).
        self.undated: tuple[UndatedClaim, ...] = tuple(undated)
        self._place_ids: list[str] = sorted(holdings)
        self._pidx: dict[str, int] = {p: i for i, p in enumerate(self._place_ids)}
        flat: list[Holding] = []
        offsets: dict[str, tuple[int, int]] = {}
        for p in self._place_ids:
            lo = len(flat)
            flat.extend(holdings[p])
            offsets[p] = (lo, len(flat))
        self._flat = flat
        self._offsets = offsets
        self._starts: list[int] = [h.since.toordinal() for h in flat]
        self._actors: list[str] = sorted({*actors, *(h.actor for h in flat)})
        code = {a: i for i, a in enumerate(self._actors)}
        n = len(flat)
        self._seg_place = np.empty(n, dtype=np.int64)
        self._seg_first = np.empty(n, dtype=np.int64)
        for p, (lo, hi) in offsets.items():
            self._seg_place[lo:hi] = self._pidx[p]
            self._seg_first[lo:hi] = lo
        starts = np.asarray(self._starts, dtype=np.int64)
        self._keys = (self._seg_place << _SHIFT) | starts
        self._seg_actor = np.fromiter((code[h.actor] for h in flat), dtype=np.int32, count=n)
        self._flat_arr = np.empty(n, dtype=object)
        self._flat_arr[:] = flat
        self._by_start = np.argsort(starts, kind="stable")
        self._sorted_starts = starts[self._by_start]
        self._place_arr = np.asarray(self._place_ids, dtype=object)

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_claims(
        cls,
        claims: Iterable[StoredClaim | ControlClaim],
        *,
        reliability: Reliability | Mapping[str, float] | None = None,
        regions: Mapping[str, str] | None = None,
        pocket_radius_km: float = POCKET_RADIUS_KM,
        aliases: Mapping[str, str] | None = None,
        banks: Mapping[str, str | None] | None = None,
        admins: Mapping[str, Sequence[str]] | None = None,
    ) -> Timeline:
        """Build the control intervals of every place from claims (extracted + corrections).

        Parameters
        ----------
        claims
            `StoredClaim`s (as `Store.claims()` returns them) or bare `ControlClaim`s
            (given ids ``"0"``, ``"1"``, ... in order, with no publication date).
        reliability
            Source reliability by publisher: a `Reliability` or a plain mapping;
            default: every source 0.5.
        regions
            Optional place id -> region key (e.g. a governorate P-code), used to bound
            pocket statements when claims carry no coordinates.
        pocket_radius_km
            Radius of a pocket's theatre around the places a pocket statement names.
        aliases
            Optional place id -> the id to file its claims under (the same place known to
            several sources, e.g. ``geonames:384695`` -> ``ocha:C6797``).
        banks
            Optional place id -> ``"east"`` / ``"west"`` (bank of the Euphrates; None or
            missing = off the river). Bounds pocket statements scoped ``bank:...`` and keeps
            unscoped ones on the bank of the places they name.
        admins
            Optional place id -> the admin P-codes it lies in (``("SY09", "SY0905",
            "SY090500")``), for pocket statements scoped ``adm:<PCODE>``.

        Returns
        -------
        Timeline
            The index; claims dated only by a weekday are dated from other reports first
            (`date_by_weekday`); claims still without place id or date are counted in
            ``skipped``, and those without a date are listed in ``undated``.
        """
        gc_was_on = gc.isenabled()
        gc.disable()  # building allocates millions of small objects, none of them cyclic
        try:
            items = [item if isinstance(item, StoredClaim) else StoredClaim(str(i), item)
                     for i, item in enumerate(claims)]
            items, undated = date_by_weekday(items, aliases=aliases)
            tl = cls._build(items, _as_reliability(reliability), regions, pocket_radius_km,
                            aliases or {}, banks, admins)
            tl.undated = tuple(undated)
            if undated:
                logger.info("Timeline: %d claims without a date (see Timeline.undated)",
                            len(undated))
            return tl
        finally:
            if gc_was_on:
                gc.enable()

    @classmethod
    def _build(
        cls,
        claims: Iterable[StoredClaim | ControlClaim],
        rel: Reliability,
        regions: Mapping[str, str] | None,
        pocket_radius_km: float,
        aliases: Mapping[str, str],
        banks: Mapping[str, str | None] | None = None,
        admins: Mapping[str, Sequence[str]] | None = None,
    ) -> Timeline:
        recs: list[_Rec] = []
        coords: dict[str, tuple[float, float]] = {}
        rel_cache: dict[str, float] = {}
        skipped = 0
        total = 0
        for i, item in enumerate(claims):
            total += 1
            sc = item if isinstance(item, StoredClaim) else StoredClaim(str(i), item)
            c = sc.claim
            if c.place_id is None or c.date is None:
                skipped += 1
                continue
            corr = c.evidence.rule == CORRECTION_RULE
            r = rel_cache.get(sc.publisher)
            if r is None:
                r = rel_cache[sc.publisher] = rel.of(sc.publisher)
            pub = sc.published.toordinal() if sc.published else -1
            place = aliases.get(c.place_id, c.place_id) if aliases else c.place_id
            recs.append(_Rec(  # positional: this runs once per claim
                i, sc, place, c.actor, c.status, c.date.toordinal(),
                0 if corr else PRECISION_DAYS.get(c.date_precision, 0),
                (int(corr), pub, c.confidence, r, i),
                1.0 if corr else c.confidence * r, corr,
            ))
            if c.lat is not None and c.lon is not None and place not in coords:
                coords[place] = (c.lat, c.lon)
        segs = _Builder(recs, coords=coords, regions=regions, radius_km=pocket_radius_km,
                        banks=banks, admins=admins).run()
        holdings = {place: _holdings(place, ss) for place, ss in segs.items() if ss}
        logger.info(
            "Timeline: %d claims -> %d intervals over %d places (%d skipped)",
            total,
            sum(len(h) for h in holdings.values()),
            len(holdings),
            skipped,
        )
        return cls(holdings, skipped=skipped, claims=total)

    # ----------------------------------------------------------------- queries
    def __len__(self) -> int:
        return len(self._place_ids)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._offsets

    @property
    def place_ids(self) -> list[str]:
        """Every place with at least one interval, sorted."""
        return list(self._place_ids)

    def held_by(
        self, place_id: str, on: dt.date, *, max_age: dt.timedelta | None = None
    ) -> Holding | None:
        """Who held a place on a day (forward fill, optionally capped by `max_age`).

        Parameters
        ----------
        place_id
            A place id (``ocha:C4942``).
        on
            The day asked about; a claim's own day counts.
        max_age
            When given, answer None if the latest supporting evidence on or before `on`
            is older than this.

        Returns
        -------
        Holding or None
            None when nothing is known about the place on that day (no claims, before the
            first claim, or evidence too old).

        Examples
        --------
        With SDF capturing Hajin on 2018-12-14 after ISIS held it::

            >>> tl.held_by("ocha:C4942", dt.date(2018, 12, 13)).actor
            'isis'
            >>> tl.held_by("ocha:C4942", dt.date(2018, 12, 14)).actor
            'sdf'
            >>> tl.held_by("ocha:C4942", dt.date(2018, 12, 15)).actor
            'sdf'
        """
        span = self._offsets.get(place_id)
        if span is None:
            return None
        i = bisect.bisect_right(self._starts, on.toordinal(), span[0], span[1]) - 1
        if i < span[0]:
            return None
        h = self._flat[i]
        if max_age is not None and on - h.last_evidence(on) > max_age:
            return None
        return h

    def held_by_many(
        self, place_ids: Sequence[str], on: dt.date, *, max_age: dt.timedelta | None = None
    ) -> list[Holding | None]:
        """`held_by` for many places at once (vectorised; same answers, same order)."""
        idx = np.fromiter(map(self._pidx.get, place_ids, itertools.repeat(-1)), np.int64,
                          len(place_ids))
        out = self._lookup(idx, on)
        if max_age is not None:
            out = [h if h is not None and on - h.last_evidence(on) <= max_age else None
                   for h in out]
        return out

    def _positions(self, idx: np.ndarray, on: dt.date) -> np.ndarray:
        """Interval index for each place index (-1 where nothing is known)."""
        if len(self._keys) == 0:
            return np.full(len(idx), -1, dtype=np.int64)
        keys = (np.maximum(idx, 0) << _SHIFT) | on.toordinal()
        pos = np.searchsorted(self._keys, keys, side="right") - 1
        ok = (idx >= 0) & (pos >= 0)
        ok &= self._seg_place[np.maximum(pos, 0)] == idx
        return np.where(ok, pos, -1)

    def _lookup(self, idx: np.ndarray, on: dt.date) -> list[Holding | None]:
        pos = self._positions(idx, on)
        found = pos >= 0
        result = np.full(len(idx), None, dtype=object)
        result[found] = self._flat_arr[pos[found]]
        return list(result.tolist())

    def snapshot(self, on: dt.date, *, max_age: dt.timedelta | None = None) -> dict[str, Holding]:
        """Every place known on `on` -> its `Holding` (places with no answer left out).

        Examples
        --------
        ``tl.snapshot(dt.date(2018, 12, 14))["ocha:C4942"].actor`` -> ``'sdf'``.
        """
        idx = np.arange(len(self._place_ids), dtype=np.int64)
        pos = self._positions(idx, on)
        found = pos >= 0
        snap = dict(
            zip(self._place_arr[found].tolist(), self._flat_arr[pos[found]].tolist(), strict=True)
        )
        if max_age is not None:
            snap = {p: h for p, h in snap.items() if on - h.last_evidence(on) <= max_age}
        return snap

    def places_held_by(self, actor: str, on: dt.date) -> list[str]:
        """Sorted ids of the places `actor` held on `on` (any status)."""
        if actor not in self._actors:
            return []
        code = self._actors.index(actor)
        idx = np.arange(len(self._place_ids), dtype=np.int64)
        pos = self._positions(idx, on)
        found = pos >= 0
        mine = np.zeros(len(idx), dtype=bool)
        mine[found] = self._seg_actor[pos[found]] == code
        return list(self._place_arr[mine].tolist())

    def history(self, place_id: str) -> list[ControlInterval]:
        """The intervals of one place, oldest first ([] when nothing is known)."""
        return [h.interval for h in self.holdings(place_id)]

    def holdings(self, place_id: str) -> list[Holding]:
        """Like `history`, with the evidence claims themselves."""
        lo, hi = self._offsets.get(place_id, (0, 0))
        return self._flat[lo:hi]

    def intervals(self) -> Iterator[ControlInterval]:
        """Every interval of every place, by place then start."""
        for h in self._flat:
            yield h.interval

    def changes(self, start: dt.date, end: dt.date) -> list[Change]:
        """Every interval that starts from `start` to `end` (inclusive), by date and place.

        That is every change of holder, of status (held / contested / besieged) or of a
        contested fraction, and the first known holder of a place (`before` None).

        Raises
        ------
        TimelineError
            When `end` is before `start`.
        """
        if end < start:
            msg = f"--to {end.isoformat()} is before --from {start.isoformat()}; swap them"
            raise TimelineError(msg)
        lo = np.searchsorted(self._sorted_starts, start.toordinal(), side="left")
        hi = np.searchsorted(self._sorted_starts, end.toordinal(), side="right")
        idx = self._by_start[lo:hi]  # by start, then by place id (stable sort of `_flat`)
        flat = self._flat
        return [
            Change(after.place_id, after.since, flat[i - 1] if i > first else None, after)
            for i, first in zip(idx.tolist(), self._seg_first[idx].tolist(), strict=True)
            for after in (flat[i],)
        ]

    @property
    def actors(self) -> list[str]:
        """Every actor that holds some place at some time."""
        return list(self._actors)

    def undated_about(self, place_id: str) -> list[UndatedClaim]:
        """The claims about one place that stay undated (see `undated`)."""
        return [u for u in self.undated if u.place_id == place_id]


def _by_day_rank(r: _Rec) -> tuple[int, tuple[int, int, float, float, int]]:
    return (r.day, r.rank)


def _holdings(place: str, segs: list[_Seg]) -> list[Holding]:
    out: list[Holding] = []
    for k, seg in enumerate(segs):
        end = segs[k + 1].start - 1 if k + 1 < len(segs) else None
        support = seg.support
        if len(support) > 1:
            support = sorted(support, key=_by_day_rank)
        conflict = seg.conflict
        if len(conflict) > 1:
            conflict = sorted(conflict, key=_by_day_rank)
        holder, status, fraction, by = seg.state
        out.append(
            Holding(  # positional: this runs once per interval
                place, holder, status, dt.date.fromordinal(seg.start),
                dt.date.fromordinal(end) if end is not None else None, _confidence(seg),
                fraction, by, tuple(r.sc for r in support), tuple(r.sc for r in conflict),
                tuple(r.day for r in support),
            )
        )
    return out


def _as_reliability(value: Reliability | Mapping[str, float] | None) -> Reliability:
    if value is None:
        return Reliability()
    if isinstance(value, Reliability):
        return value
    return Reliability.from_rows(value.items())
