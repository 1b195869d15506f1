"""Claims dated only by a weekday: dated next to other reports, or listed as undated."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.cli import main
from tracker.model import ControlClaim, Evidence, Report
from tracker.store import Store
from tracker.timeline import (
    CORRECTION_RULE,
    WEEKDAY_WINDOW_DAYS,
    StoredClaim,
    Timeline,
    date_by_weekday,
)

D = dt.date
TOWN, VILLAGE = "ocha:town", "ocha:village"
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def claim(n: int, actor: str, status: str, on: dt.date | None, *, place: str | None = TOWN,
          weekday: int | None = None, report: str | None = None, precision: str = "day",
          rule: str = "verb") -> StoredClaim:
    c = ControlClaim(
        report_id=report or f"rep{n}", source_file=f"r{n}.txt", place_text=place or "Qaryat X",
        place_id=place, actor=actor, status=status, date=on,
        date_precision=precision if on else "unknown", confidence=0.7,
        evidence=Evidence(0, 1, f"sentence {n}", rule), weekday=weekday)
    cid = f"correction:{n}" if rule == CORRECTION_RULE else str(n)
    return StoredClaim(cid, c, on, "")


def dated(claims: list[StoredClaim]) -> dict[str, StoredClaim]:
    out, _ = date_by_weekday(claims)
    return {sc.claim_id: sc for sc in out}


@pytest.mark.parametrize(
    ("anchor", "weekday", "expected"),
    [
        (D(2018, 7, 6), SUN, D(2018, 7, 8)),  # a Friday: the Sunday after is nearer
        (D(2018, 7, 3), SUN, D(2018, 7, 1)),  # a Tuesday: the Sunday before is nearer
        (D(2018, 7, 8), SUN, D(2018, 7, 8)),  # the same day
        (D(2018, 12, 31), WED, D(2019, 1, 2)),  # across a year
    ],
)
def test_a_weekday_is_dated_to_the_nearest_such_day_of_another_report(
        anchor: dt.date, weekday: int, expected: dt.date) -> None:
    got = dated([claim(1, "sdf", "captured", anchor),
                 claim(2, "sdf", "captured", None, weekday=weekday)])["2"]
    assert (got.claim.date, got.claim.date_precision) == (expected, "day")
    name = dt.date(2018, 7, 2 + weekday).strftime("%A")
    assert got.dated_by == f"dated by weekday {name} next to report rep1 of {anchor.isoformat()}"


def test_the_timeline_keeps_the_dated_claim_as_evidence_with_its_note() -> None:
    tl = Timeline.from_claims([
        claim(1, "isis", "held", D(2018, 6, 1)),
        claim(2, "sdf", "captured", D(2018, 7, 6)),
        claim(3, "sdf", "captured", None, weekday=SUN),
    ])
    h = tl.held_by(TOWN, D(2018, 7, 10))
    assert h is not None
    assert (h.actor, h.since) == ("sdf", D(2018, 7, 6))
    (note,) = [e["dated_by"] for e in h.to_json()["evidence"] if e["dated_by"]]
    assert "Sunday" in note
    assert "2018-07-06" in note
    assert tl.undated == ()
    assert tl.skipped == 0


@pytest.mark.parametrize(
    ("others", "why"),
    [
        ([], "no other report"),
        ([claim(1, "sdf", "captured", D(2018, 7, 6), place=VILLAGE)], "no other report"),
        ([claim(1, "government", "captured", D(2018, 7, 6))], "no other report"),
        ([claim(1, "sdf", "captured", D(2018, 7, 1), precision="month")], "no other report"),
        ([claim(1, "sdf", "captured", D(2018, 7, 6), report="rep2")], "no other report"),
        ([claim(1, "sdf", "captured", D(2018, 7, 6)),
          claim(4, "sdf", "captured", D(2018, 9, 1))], "days apart"),
    ],
)
def test_without_a_near_report_the_claim_stays_undated_and_listed(
        others: list[StoredClaim], why: str) -> None:
    undated = claim(2, "sdf", "captured", None, weekday=SUN)
    tl = Timeline.from_claims([*others, undated])
    (u,) = tl.undated
    assert u.claim.claim_id == "2"
    assert why in u.reason
    assert "Sunday" in u.reason
    assert u.place_id == TOWN
    assert tl.undated_about(TOWN) == [u]
    assert tl.undated_about(VILLAGE) == []
    assert all(e.claim_id != "2" for h in tl.holdings(TOWN) for e in h.evidence)


def test_undated_claims_without_a_weekday_or_a_place_are_listed_with_the_reason() -> None:
    tl = Timeline.from_claims([
        claim(1, "sdf", "captured", D(2018, 7, 6)),
        claim(2, "sdf", "captured", None),
        claim(3, "sdf", "captured", None, place=None, weekday=SUN),
    ])
    reasons = {u.claim.claim_id: u.reason for u in tl.undated}
    assert "neither the report" in reasons["2"]
    assert "not resolved" in reasons["3"]
    assert tl.skipped == 2


def test_claims_of_the_same_status_are_preferred_as_anchors() -> None:
    got = dated([claim(1, "sdf", "captured", D(2018, 7, 6)),
                 claim(4, "sdf", "held", D(2018, 9, 1)),  # far, but another status
                 claim(2, "sdf", "captured", None, weekday=SUN)])["2"]
    assert got.claim.date == D(2018, 7, 8)


def test_the_day_most_reports_point_to_wins_and_the_note_counts_them() -> None:
    got = dated([claim(1, "sdf", "captured", D(2018, 7, 3)),  # -> Sunday 1 July
                 claim(4, "sdf", "captured", D(2018, 7, 6)),  # -> Sunday 8 July
                 claim(5, "sdf", "captured", D(2018, 7, 9)),  # -> Sunday 8 July
                 claim(2, "sdf", "captured", None, weekday=SUN)])["2"]
    assert got.claim.date == D(2018, 7, 8)
    assert got.dated_by is not None
    assert "report rep4 of 2018-07-06" in got.dated_by
    assert "2 more" in got.dated_by


def test_a_weekday_dated_claim_anchors_no_other() -> None:
    claims = [claim(1, "sdf", "captured", D(2018, 7, 6), place=VILLAGE),
              claim(2, "sdf", "captured", None, weekday=SUN, place=VILLAGE),
              claim(3, "sdf", "captured", None, weekday=SUN)]
    _, undated = date_by_weekday(claims)
    assert [u.claim.claim_id for u in undated] == ["3"]


def test_aliases_and_corrections_anchor_too() -> None:
    fix = claim(1, "sdf", "captured", D(2018, 7, 6), place="geonames:1",
                report="correction:fix.csv:3", rule=CORRECTION_RULE)
    out, undated = date_by_weekday(
        [fix, claim(2, "sdf", "captured", None, weekday=SUN)], aliases={"geonames:1": TOWN})
    assert undated == []
    assert out[1].claim.date == D(2018, 7, 8)
    assert out[1].dated_by == ("dated by weekday Sunday next to correction fix.csv:3 of "
                               "2018-07-06")


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)),
       st.lists(st.integers(min_value=0, max_value=WEEKDAY_WINDOW_DAYS - 6), min_size=1,
                max_size=4),
       st.integers(min_value=0, max_value=6), st.randoms(use_true_random=False))
def test_the_dated_day_has_the_weekday_near_an_anchor_in_any_order(
        start: dt.date, offsets: list[int], weekday: int, rnd: random.Random) -> None:
    anchors = [claim(10 + k, "sdf", "captured", start + dt.timedelta(days=o))
               for k, o in enumerate(offsets)]
    target = claim(1, "sdf", "captured", None, weekday=weekday)
    claims = [*anchors, target]
    got = dated(claims)["1"].claim.date
    assert got is not None
    assert got.weekday() == weekday
    assert min(abs((got - a.claim.date).days) for a in anchors if a.claim.date) <= 3
    rnd.shuffle(claims)
    assert dated(claims)["1"].claim.date == got


# ------------------------------------------------------------------------- through the store


def _report(n: int, published: dt.date | None) -> Report:
    return Report(report_id=f"rep{n}", text=f"report {n}", source_file=f"r{n}.txt",
                  published=published, published_precision="day" if published else "unknown")


class _Extraction:
    def __init__(self, *claims: ControlClaim) -> None:
        self.claims = claims
        self.mentions = ()


def _store(path: Path) -> Store:
    store = Store.open(path)
    a = replace(claim(1, "sdf", "captured", D(2018, 7, 6)).claim, name_en="Town")
    b = replace(claim(2, "sdf", "captured", None, weekday=SUN).claim, name_en="Town")
    c = replace(claim(3, "isis", "lost", None, weekday=THU, place=VILLAGE).claim,
                name_en="Village")
    store.add_report(_report(1, D(2018, 7, 6)), _Extraction(a))
    store.add_report(_report(2, None), _Extraction(b))
    store.add_report(_report(3, None), _Extraction(c))
    return store


def test_the_store_keeps_the_weekday_and_its_cache_the_dating(tmp_path: Path) -> None:
    with _store(tmp_path / "t.db") as store:
        assert [sc.claim.weekday for sc in store.claims()] == [None, SUN, THU]
        built = store.timeline()
        for tl in (store.timeline(), store.timeline(places={TOWN, VILLAGE}), built):
            h = tl.held_by(TOWN, D(2018, 7, 9))
            assert h is not None
            notes = {e.claim_id: e.dated_by for e in h.evidence}
            assert notes["2"] is not None
            assert "Sunday" in notes["2"]
            assert [e.claim.date for e in h.evidence] == [D(2018, 7, 6), D(2018, 7, 8)]
            assert [(u.claim.claim_id, u.place_id) for u in tl.undated] == [("3", VILLAGE)]
            assert "Thursday" in tl.undated[0].reason


def test_history_shows_the_dating_and_the_undated_claims(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    _store(path).close()
    runner = CliRunner()
    town = runner.invoke(main, ["history", TOWN, "--store", str(path)])
    assert town.exit_code == 0, town.output
    assert "[dated by weekday Sunday next to report rep1 of 2018-07-06]" in town.output
    village = runner.invoke(main, ["history", VILLAGE, "--store", str(path), "--json"])
    assert village.exit_code == 0, village.output
    doc = json.loads(village.stdout)
    assert doc["intervals"] == []
    (u,) = doc["undated"]
    assert (u["claim"], u["weekday"], u["date"]) == ("3", THU, None)
    assert "Thursday" in u["reason"]
