"""Control layer rules on hand-made claims (tracker.timeline)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import TimelineError, TrackerError
from tracker.model import ControlClaim, Evidence
from tracker.timeline import CORRECTION_RULE, Reliability, StoredClaim, Timeline

D = dt.date
HAJIN, SUSAH, SHAFAH, BAGHUZ, KISHMAH, FAR = (
    "ocha:hajin", "ocha:susah", "ocha:shafah", "ocha:baghuz", "ocha:kishmah", "ocha:far")
COORDS = {
    HAJIN: (34.69, 40.83), SUSAH: (34.60, 40.90), SHAFAH: (34.62, 40.87),
    BAGHUZ: (34.44, 40.96), KISHMAH: (34.65, 40.86), FAR: (35.10, 38.90),
}
BUKAMAL = "ocha:bukamal"


def claim(place, actor, status, on, *, n=0, published=None, confidence=0.8, precision="day",
          publisher="", rule="verb", group=None, besieger=None, fraction=None, coords=True):
    lat, lon = COORDS.get(place, (None, None)) if coords else (None, None)
    c = ControlClaim(
        report_id=f"r{n}", source_file=f"r{n}.txt", place_text=place, place_id=place,
        actor=actor, status=status, date=on, date_precision=precision, confidence=confidence,
        evidence=Evidence(0, 1, f"sentence {n}: {actor} {status} {place}", rule),
        exclusive_group=group, besieger=besieger, fraction=fraction, lat=lat, lon=lon)
    claim_id = f"correction:{n}" if rule == CORRECTION_RULE else str(n)
    return StoredClaim(claim_id, c, published or on, publisher)


def actor_on(tl, place, on, **kw):
    h = tl.held_by(place, on, **kw)
    return h.actor if h else None


@pytest.fixture
def handover():
    return Timeline.from_claims([
        claim(HAJIN, "isis", "held", D(2018, 9, 10), n=1),
        claim(HAJIN, "sdf", "captured", D(2018, 12, 14), n=2),
        claim(HAJIN, "isis", "lost", D(2018, 12, 14), n=3),
    ])


@pytest.mark.parametrize(("on", "expected"), [
    (D(2018, 9, 9), None), (D(2018, 9, 10), "isis"), (D(2018, 12, 13), "isis"),
    (D(2018, 12, 14), "sdf"), (D(2018, 12, 15), "sdf"), (D(2019, 6, 1), "sdf")])
def test_held_by_the_day_before_of_and_after_a_handover(handover, on, expected):
    assert actor_on(handover, HAJIN, on) == expected


def test_handover_closes_the_previous_interval_and_keeps_evidence(handover):
    first, second = handover.history(HAJIN)
    assert (first.actor, first.start, first.end) == ("isis", D(2018, 9, 10), D(2018, 12, 13))
    assert (second.actor, second.start, second.end) == ("sdf", D(2018, 12, 14), None)
    assert set(second.supporting) == {"2", "3"}  # the capture and the loss agree
    assert second.conflicting == ()
    h = handover.held_by(HAJIN, D(2018, 12, 20))
    assert h.since == D(2018, 12, 14)
    assert h.until is None
    assert {c.claim.report_id for c in h.evidence} == {"r2", "r3"}


def test_bukamal_changed_hands_three_times_in_november_2017():
    tl = Timeline.from_claims([
        claim(BUKAMAL, "isis", "held", D(2017, 11, 1), n=1),
        claim(BUKAMAL, "government", "captured", D(2017, 11, 9), n=2),
        claim(BUKAMAL, "isis", "captured", D(2017, 11, 11), n=3, confidence=0.6),
        claim(BUKAMAL, "government", "contested", D(2017, 11, 17), n=4, fraction=0.5),
        claim(BUKAMAL, "government", "captured", D(2017, 11, 19), n=5),
        claim(BUKAMAL, "government", "held", D(2017, 11, 20), n=6),
    ])
    expected = {
        D(2017, 11, 8): "isis", D(2017, 11, 9): "government", D(2017, 11, 10): "government",
        D(2017, 11, 11): "isis", D(2017, 11, 16): "isis", D(2017, 11, 18): "isis",
        D(2017, 11, 19): "government", D(2017, 11, 30): "government"}
    assert {d: actor_on(tl, BUKAMAL, d) for d in expected} == expected
    h = tl.held_by(BUKAMAL, D(2017, 11, 18))
    assert (h.status, h.fraction, h.by) == ("contested", 0.5, "government")
    changes = tl.changes(D(2017, 11, 1), D(2017, 11, 30))
    assert [(c.on.day, c.from_actor, c.to_actor) for c in changes] == [
        (1, None, "isis"), (9, "isis", "government"), (11, "government", "isis"),
        (17, "isis", "isis"), (19, "isis", "government")]
    last = tl.held_by(BUKAMAL, D(2017, 11, 25))
    assert last.since == D(2017, 11, 19)
    assert [c.claim_id for c in last.evidence] == ["5", "6"]  # held confirms the capture


def _pocket_claims(besieger):
    base = [claim(p, "isis", "held", D(2018, 9, 10), n=i)
            for i, p in enumerate((HAJIN, SUSAH, SHAFAH, BAGHUZ, KISHMAH, FAR), start=1)]
    pocket = [claim(p, "isis", "held", D(2019, 2, 1), n=10 + i, group="g1", besieger=besieger)
              for i, p in enumerate((BAGHUZ, SUSAH))]
    return [*base, *pocket, claim(SHAFAH, "isis", "held", D(2019, 2, 1), n=20, confidence=0.3)]


@pytest.mark.parametrize(("besieger", "new_holder"), [("sdf", "sdf"), (None, "unknown")])
def test_pocket_statement_hands_every_other_pocket_place_over(besieger, new_holder):
    tl = Timeline.from_claims(_pocket_claims(besieger))
    on = D(2019, 2, 1)
    assert actor_on(tl, HAJIN, on) == new_holder
    assert actor_on(tl, KISHMAH, on) == new_holder
    assert actor_on(tl, HAJIN, on - dt.timedelta(days=1)) == "isis"
    assert actor_on(tl, BAGHUZ, on) == "isis"
    assert actor_on(tl, SUSAH, on) == "isis"
    assert actor_on(tl, SHAFAH, on) == "isis"  # its own claim that day wins
    assert actor_on(tl, FAR, on) == "isis"  # 180 km away: another theatre
    h = tl.held_by(HAJIN, on)
    assert {c.claim.exclusive_group for c in h.evidence} == {"g1"}
    assert sorted(tl.places_held_by("isis", on)) == sorted([BAGHUZ, SUSAH, SHAFAH, FAR])


def test_pocket_without_coordinates_uses_regions_else_reads_the_statement_literally():
    cs = [claim(p, "isis", "held", D(2018, 9, 10), n=i, coords=False)
          for i, p in enumerate((HAJIN, BAGHUZ, FAR))]
    cs.append(claim(BAGHUZ, "isis", "held", D(2019, 2, 1), n=9, group="g", coords=False))
    literal = Timeline.from_claims(cs)
    assert actor_on(literal, FAR, D(2019, 2, 2)) == "unknown"
    regions = {HAJIN: "SY09", BAGHUZ: "SY09", FAR: "SY04"}
    bounded = Timeline.from_claims(cs, regions=regions)
    assert actor_on(bounded, FAR, D(2019, 2, 2)) == "isis"
    assert actor_on(bounded, HAJIN, D(2019, 2, 2)) == "unknown"


def test_week_precise_claim_does_not_override_a_day_precise_one_inside_its_window():
    tl = Timeline.from_claims([
        claim(HAJIN, "isis", "held", D(2018, 12, 1), n=1),
        claim(HAJIN, "sdf", "captured", D(2018, 12, 14), n=2),
        claim(HAJIN, "isis", "held", D(2018, 12, 16), n=3, precision="week",
              published=D(2019, 1, 1)),
        claim(HAJIN, "sdf", "held", D(2018, 12, 15), n=4, precision="week"),
    ])
    h = tl.held_by(HAJIN, D(2018, 12, 16))
    assert h.actor == "sdf"
    assert h.since == D(2018, 12, 14)
    assert [c.claim_id for c in h.conflicts] == ["3"]
    assert "4" in [c.claim_id for c in h.evidence]


def test_imprecise_claim_applies_when_nothing_finer_is_near():
    tl = Timeline.from_claims([
        claim(HAJIN, "sdf", "captured", D(2018, 12, 14), n=1),
        claim(HAJIN, "isis", "captured", D(2019, 1, 15), n=2, precision="month"),
    ])
    assert actor_on(tl, HAJIN, D(2019, 1, 15)) == "isis"
    assert actor_on(tl, HAJIN, D(2019, 1, 14)) == "sdf"


def test_conflict_settled_by_a_correction():
    on = D(2018, 12, 20)
    reports = [claim(HAJIN, "isis", "held", on, n=1, confidence=0.9),
               claim(HAJIN, "sdf", "captured", on, n=2, confidence=0.7)]
    assert actor_on(Timeline.from_claims(reports), HAJIN, on) == "isis"  # higher confidence
    fix = claim(HAJIN, "sdf", "held", on, n=7, rule=CORRECTION_RULE, confidence=1.0,
                published=D(2000, 1, 1))
    h = Timeline.from_claims([*reports, fix]).held_by(HAJIN, on)
    assert h.actor == "sdf"
    assert h.confidence == 1.0
    assert {c.claim_id for c in h.evidence} == {"2", "correction:7"}
    assert [c.claim_id for c in h.conflicts] == ["1"]


def test_later_report_about_the_same_day_beats_confidence_and_reliability():
    on = D(2018, 12, 20)
    early = claim(HAJIN, "isis", "held", on, n=1, confidence=0.95, published=on,
                  publisher="Syrian Observatory")
    late = claim(HAJIN, "sdf", "held", on, n=2, confidence=0.5, published=on + dt.timedelta(2),
                 publisher="Amaq")
    h = Timeline.from_claims([late, early]).held_by(HAJIN, on)
    assert h.actor == "sdf"
    assert [c.claim_id for c in h.conflicts] == ["1"]


def test_source_reliability_breaks_a_tie():
    on = D(2018, 12, 20)
    rel = Reliability.from_rows([("Syrian Observatory", 0.8), ("Amaq", 0.4), ("unknown", 0.5)])
    a = claim(HAJIN, "isis", "held", on, n=1, publisher="Amaq News Agency")
    b = claim(HAJIN, "sdf", "held", on, n=2, publisher="Syrian Observatory for Human Rights")
    assert actor_on(Timeline.from_claims([b, a], reliability=rel), HAJIN, on) == "sdf"
    assert actor_on(Timeline.from_claims([b, a], reliability={"SANA": 0.5}), HAJIN, on) == "isis"
    assert rel.of("") == 0.5
    assert rel.of("Someone") == 0.5
    assert rel.of("amaq") == 0.4


def test_loss_passes_to_the_besieger_else_unknown():
    tl = Timeline.from_claims([
        claim(HAJIN, "isis", "besieged", D(2018, 12, 1), n=1, besieger="sdf"),
        claim(HAJIN, "isis", "lost", D(2018, 12, 10), n=2),
        claim(SUSAH, "isis", "held", D(2018, 12, 1), n=3),
        claim(SUSAH, "isis", "lost", D(2018, 12, 10), n=4),
        claim(SUSAH, "sdf", "lost", D(2018, 12, 12), n=5),  # did not hold it: no change
    ])
    h = tl.held_by(HAJIN, D(2018, 12, 5))
    assert (h.actor, h.status, h.by) == ("isis", "besieged", "sdf")
    assert actor_on(tl, HAJIN, D(2018, 12, 10)) == "sdf"
    h = tl.held_by(SUSAH, D(2018, 12, 11))
    assert (h.actor, h.status) == ("unknown", "lost")
    assert len(tl.history(SUSAH)) == 2


@pytest.mark.parametrize(("fraction", "actor", "share", "by"), [
    (0.75, "sdf", 0.75, "isis"), (0.25, "isis", 0.75, "sdf"), (0.5, "isis", 0.5, "sdf"),
    (None, "isis", None, "sdf")])
def test_contested_interval_belongs_to_the_larger_share(fraction, actor, share, by):
    tl = Timeline.from_claims([
        claim(HAJIN, "isis", "held", D(2018, 12, 1), n=1),
        claim(HAJIN, "sdf", "contested", D(2018, 12, 5), n=2, fraction=fraction)])
    h = tl.held_by(HAJIN, D(2018, 12, 6))
    assert (h.actor, h.status, h.fraction, h.by) == (actor, "contested", share, by)
    assert [c.claim_id for c in h.evidence] == ["2"]


def test_max_age_caps_staleness():
    tl = Timeline.from_claims([claim(HAJIN, "isis", "held", D(2018, 9, 10), n=1),
                               claim(HAJIN, "isis", "held", D(2018, 10, 1), n=2)])
    on = D(2018, 10, 20)
    assert actor_on(tl, HAJIN, on, max_age=dt.timedelta(days=30)) == "isis"
    assert actor_on(tl, HAJIN, on, max_age=dt.timedelta(days=10)) is None
    assert tl.held_by_many([HAJIN], on, max_age=dt.timedelta(days=10)) == [None]
    assert tl.snapshot(on, max_age=dt.timedelta(days=10)) == {}
    assert tl.held_by(HAJIN, on).last_evidence(on) == D(2018, 10, 1)


def test_unknown_place_and_undated_claims_are_answers_not_errors():
    undated = ControlClaim("r", "r.txt", "x", None, "isis", "held", None, "unknown", 0.5,
                           Evidence(0, 1, "s", "verb"))
    tl = Timeline.from_claims([undated, claim(HAJIN, "isis", "held", D(2018, 9, 10)).claim])
    assert tl.skipped == 1
    assert tl.claims == 2
    assert tl.held_by("ocha:nowhere", D(2018, 9, 10)) is None
    assert tl.history("ocha:nowhere") == []
    assert HAJIN in tl
    assert len(tl) == 1


def test_changes_rejects_a_reversed_range(handover):
    with pytest.raises(TimelineError) as err:
        handover.changes(D(2018, 12, 31), D(2018, 12, 1))
    assert isinstance(err.value, TrackerError)
    assert isinstance(err.value, ValueError)


def test_empty_timeline():
    tl = Timeline.from_claims([])
    assert tl.snapshot(D(2018, 1, 1)) == {}
    assert tl.held_by_many(["a"], D(2018, 1, 1)) == [None]
    assert tl.changes(D(2018, 1, 1), D(2018, 2, 1)) == []


PLACES = [f"ocha:p{i}" for i in range(4)]
ACTS = ["isis", "sdf", "government"]
claims_strategy = st.lists(
    st.tuples(st.sampled_from(PLACES), st.sampled_from(ACTS),
              st.sampled_from(["captured", "held", "lost", "contested", "besieged"]),
              st.integers(0, 60), st.sampled_from(["day", "day", "week", "month"]),
              st.sampled_from([None, "g1", "g2"]), st.sampled_from([None, 0.25, 0.5, 0.8])),
    max_size=30)


@settings(max_examples=60, deadline=None)
@given(claims_strategy, st.integers(-5, 70))
def test_held_by_is_as_of_and_agrees_with_the_batch_queries(rows, offset):
    base = D(2018, 1, 1)
    cs = [claim(p, a, s, base + dt.timedelta(d), n=i, precision=pr, group=g, fraction=f,
                coords=False)
          for i, (p, a, s, d, pr, g, f) in enumerate(rows)]
    tl = Timeline.from_claims(cs)
    on = base + dt.timedelta(offset)
    single = [tl.held_by(p, on) for p in PLACES]
    for h in single:
        if h is not None:
            assert h.since <= on
            assert (h.until is None or on <= h.until)
            assert 0.0 <= h.confidence <= 1.0
    assert tl.held_by_many(PLACES, on) == single
    assert tl.snapshot(on) == {p: h for p, h in zip(PLACES, single, strict=True) if h}
    for p in PLACES:
        hist = tl.history(p)
        for a, b in itertools.pairwise(hist):
            assert a.end == b.start - dt.timedelta(days=1)


def test_pocket_statement_that_contradicts_its_own_places_or_is_imprecise_hands_nothing_over():
    base = [claim(p, "isis", "held", D(2018, 9, 10), n=i)
            for i, p in enumerate((HAJIN, SUSAH, BAGHUZ), start=1)]
    wrong_actor = claim(BAGHUZ, "sdf", "held", D(2019, 2, 1), n=9, group="g")
    tl = Timeline.from_claims([*base, claim(HAJIN, "sdf", "held", D(2018, 12, 14), n=8),
                               wrong_actor])
    assert actor_on(tl, HAJIN, D(2019, 2, 2)) == "sdf"  # not handed to unknown
    assert actor_on(tl, BAGHUZ, D(2019, 2, 2)) == "sdf"  # the claim itself still counts
    monthly = claim(BAGHUZ, "isis", "held", D(2019, 2, 1), n=9, group="g", precision="month")
    tl = Timeline.from_claims([*base, monthly])
    assert actor_on(tl, HAJIN, D(2019, 2, 20)) == "isis"


def test_intervals_read_back_as_corrections_give_the_same_answers():
    original = Timeline.from_claims([
        *_pocket_claims(None),
        claim(SUSAH, "sdf", "contested", D(2019, 2, 5), n=30, fraction=0.75),
        claim(BAGHUZ, "isis", "besieged", D(2019, 2, 6), n=31, besieger="sdf")])
    rows = [claim(iv.place_id, iv.actor, iv.status, iv.start, n=k, rule=CORRECTION_RULE,
                  fraction=iv.fraction, confidence=1.0)
            for k, iv in enumerate(original.intervals())]
    again = Timeline.from_claims(rows)
    for day in (D(2018, 9, 9), D(2018, 9, 10), D(2019, 2, 1), D(2019, 2, 5), D(2019, 3, 1)):
        assert {p: h.actor for p, h in again.snapshot(day).items()} == {
            p: h.actor for p, h in original.snapshot(day).items()}


def test_claims_under_another_source_id_of_the_same_place_are_merged():
    cs = [claim(HAJIN, "isis", "held", D(2018, 9, 10), n=1),
          claim("geonames:174506", "sdf", "captured", D(2018, 12, 14), n=2)]
    split = Timeline.from_claims(cs)
    assert actor_on(split, HAJIN, D(2018, 12, 20)) == "isis"
    merged = Timeline.from_claims(cs, aliases={"geonames:174506": HAJIN})
    assert actor_on(merged, HAJIN, D(2018, 12, 20)) == "sdf"
    assert "geonames:174506" not in merged


# --------------------------------------------------------------------------- losses explained


def test_loss_on_the_day_of_anothers_capture_hands_the_place_to_the_capturer():
    day = D(2017, 11, 19)
    tl = Timeline.from_claims([
        claim(BUKAMAL, "isis", "held", D(2017, 11, 11), n=1),
        claim(BUKAMAL, "isis", "lost", day, n=2, confidence=0.9),
        # the capture is known only to the week: it does not override the day-precise loss
        claim(BUKAMAL, "government", "captured", day, n=3, precision="week", confidence=0.6),
    ])
    h = tl.held_by(BUKAMAL, day)
    assert (h.actor, h.status, h.since) == ("government", "held", day)
    assert {c.claim_id for c in h.evidence} == {"2", "3"}
    assert h.conflicts == ()
    assert actor_on(tl, BUKAMAL, day - dt.timedelta(days=1)) == "isis"


def test_withdrawal_followed_within_its_window_by_an_entry_hands_the_place_over():
    tl = Timeline.from_claims([
        claim(HAJIN, "isis", "held", D(2018, 12, 1), n=1),
        claim(HAJIN, "isis", "lost", D(2018, 12, 12), n=2, precision="week"),
        claim(HAJIN, "sdf", "captured", D(2018, 12, 14), n=3),
        claim(SUSAH, "isis", "held", D(2018, 12, 1), n=4),
        claim(SUSAH, "isis", "lost", D(2018, 12, 12), n=5),  # day-precise: window of 0 days
        claim(SUSAH, "sdf", "captured", D(2018, 12, 20), n=6),  # too late to explain it
    ])
    assert actor_on(tl, HAJIN, D(2018, 12, 14)) == "sdf"
    assert tl.held_by(HAJIN, D(2018, 12, 13)).actor != "unknown"
    h = tl.held_by(SUSAH, D(2018, 12, 15))
    assert (h.actor, h.status) == ("unknown", "lost")
    assert actor_on(tl, SUSAH, D(2018, 12, 20)) == "sdf"


def test_a_named_besieger_still_wins_over_a_capture_elsewhere_in_the_window():
    tl = Timeline.from_claims([
        claim(HAJIN, "isis", "held", D(2018, 12, 1), n=1),
        claim(HAJIN, "isis", "lost", D(2018, 12, 10), n=2, besieger="government"),
        claim(HAJIN, "sdf", "captured", D(2018, 12, 10), n=3, precision="week"),
    ])
    assert actor_on(tl, HAJIN, D(2018, 12, 10)) == "government"


# --------------------------------------------------------------------------- date windows


def test_imprecise_claim_conflicts_only_with_claims_whose_windows_overlap():
    susah = [
        claim(SUSAH, "isis", "held", D(2018, 9, 10), n=1),
        claim(SUSAH, "sdf", "captured", D(2018, 10, 23), n=2),
        # "ISIS retook it in the attacks of 26-28 Oct": week window around 27 Oct
        claim(SUSAH, "isis", "captured", D(2018, 10, 27), n=3, precision="week"),
        claim(SUSAH, "isis", "captured", D(2018, 10, 30), n=4),
    ]
    tl = Timeline.from_claims(susah)
    first = tl.held_by(SUSAH, D(2018, 10, 25))
    assert (first.actor, first.since) == ("sdf", D(2018, 10, 23))
    assert first.conflicts == ()  # 23 Oct is outside the week around 27 Oct
    later = tl.held_by(SUSAH, D(2018, 10, 30))
    assert later.actor == "isis"
    assert {c.claim_id for c in later.evidence} == {"3", "4"}
    # a day-precise capture inside the window that disagrees is a real conflict
    tl = Timeline.from_claims([*susah[:3], claim(SUSAH, "sdf", "held", D(2018, 10, 29), n=5)])
    h = tl.held_by(SUSAH, D(2018, 10, 29))
    assert h.actor == "sdf"
    assert [c.claim_id for c in h.conflicts] == ["3"]


# --------------------------------------------------------------------------- pocket scope

# Two banks of the Euphrates near al-Bukamal, plus a place far off the river.
HASRAT, SAYAL, JALAA, RAMADI, SUKKARIYAH = (
    "ocha:hasrat", "ocha:sayal", "ocha:jalaa", "ocha:ramadi", "ocha:sukkariyah")
MARASHDAH, DESERT, MAYADIN = "ocha:marashdah", "ocha:desert", "ocha:mayadin"
COORDS.update({
    HASRAT: (34.49, 40.87), SAYAL: (34.46, 40.89), JALAA: (34.62, 40.72),
    RAMADI: (34.57, 40.78), SUKKARIYAH: (34.52, 40.84), MARASHDAH: (34.50, 40.93),
    DESERT: (34.35, 40.70), MAYADIN: (35.02, 40.45),
})
BANKS = {HASRAT: "west", SAYAL: "west", JALAA: "west", RAMADI: "west", SUKKARIYAH: "west",
         MAYADIN: "west", MARASHDAH: "east", SUSAH: "east", BAGHUZ: "east", HAJIN: "east",
         DESERT: None}
ADMINS = {p: ("SY09", "SY0905" if p != MAYADIN else "SY0903") for p in BANKS}
WEST_POCKET_DAY = D(2017, 11, 28)


def _two_bank_claims(scope, *, besieger="government"):
    base = [claim(p, "isis", "held", D(2017, 10, 1), n=i)
            for i, p in enumerate(sorted(BANKS), start=1)]
    pocket = [claim(p, "isis", "held", WEST_POCKET_DAY, n=50 + i, group="west", besieger=besieger)
              for i, p in enumerate((HASRAT, SAYAL))]
    out = [*base, *pocket]
    if scope:
        out = [StoredClaim(sc.claim_id, replace(sc.claim, scope=scope), sc.published)
               if sc.claim.exclusive_group else sc for sc in out]
    return out


def test_pocket_scoped_to_a_bank_hands_over_that_bank_only_and_beyond_the_radius():
    tl = Timeline.from_claims(_two_bank_claims("bank:west"), banks=BANKS, admins=ADMINS)
    on = WEST_POCKET_DAY
    for p in (JALAA, RAMADI, SUKKARIYAH, MAYADIN):  # al-Mayadin is ~70 km away
        assert actor_on(tl, p, on) == "government", p
        assert actor_on(tl, p, on - dt.timedelta(days=1)) == "isis"
    for p in (HASRAT, SAYAL, MARASHDAH, SUSAH, BAGHUZ, HAJIN, DESERT):
        assert actor_on(tl, p, on) == "isis", p


def test_pocket_scoped_to_an_admin_unit_hands_over_that_unit_only():
    tl = Timeline.from_claims(_two_bank_claims("adm:SY0903"), banks=BANKS, admins=ADMINS)
    assert actor_on(tl, MAYADIN, WEST_POCKET_DAY) == "government"
    assert actor_on(tl, JALAA, WEST_POCKET_DAY) == "isis"


def test_unscoped_pocket_never_crosses_the_euphrates_from_one_bank():
    tl = Timeline.from_claims(_two_bank_claims(None), banks=BANKS)
    on = WEST_POCKET_DAY
    for p in (JALAA, RAMADI, SUKKARIYAH, DESERT):  # within 50 km, not across the river
        assert actor_on(tl, p, on) == "government", p
    for p in (MARASHDAH, SUSAH, BAGHUZ, HAJIN, MAYADIN):  # east bank, or beyond the radius
        assert actor_on(tl, p, on) == "isis", p
    crossing = Timeline.from_claims(_two_bank_claims(None))  # no banks known: geometry only
    assert actor_on(crossing, MARASHDAH, on) == "government"


def test_scope_without_the_mapping_falls_back_to_the_geometric_rule():
    tl = Timeline.from_claims(_two_bank_claims("bank:west"))
    assert actor_on(tl, JALAA, WEST_POCKET_DAY) == "government"
    assert actor_on(tl, MAYADIN, WEST_POCKET_DAY) == "isis"


def test_the_end_of_a_pocket_as_losses_hands_every_place_of_the_theatre_to_the_capturer():
    hama = ["ocha:h1", "ocha:h2", "ocha:h3", "ocha:h4"]
    COORDS.update({p: (35.30 + 0.01 * k, 37.20) for k, p in enumerate(hama)})
    end = D(2018, 2, 9)
    cs = [claim(p, "isis", "captured", D(2017, 11, 23), n=k) for k, p in enumerate(hama)]
    cs += [claim(HAJIN, "isis", "held", D(2017, 11, 23), n=9)]
    # "government forces took h1 and h2, ending ISIS's presence in the area"
    cs += [claim(p, "isis", "lost", end, n=20 + k, group="end") for k, p in enumerate(hama[:2])]
    cs += [claim(p, "government", "captured", end, n=30 + k) for k, p in enumerate(hama[:2])]
    tl = Timeline.from_claims(cs)
    assert [actor_on(tl, p, end) for p in hama] == ["government"] * 4
    assert actor_on(tl, hama[3], end - dt.timedelta(days=1)) == "isis"
    assert actor_on(tl, HAJIN, end) == "isis"  # another theatre
