"""Extraction on long reports: bounded evidence, and the indexes that keep the cost linear.

The indexes (`spans_in`, the anaphor pool, the actor-context `_Near`) replace scans of the
whole report; each is checked here against the scan it replaces, on random inputs.
`benchmarks/bench_slope.py` measures the time itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.actors import ActorLexicon, _Near
from tracker.extract import extract
from tracker.extract.doc import MAX_EVIDENCE, Span, spans_from, spans_in
from tracker.extract.engine import _REGION_KINDS, _PlacePool
from tracker.gazetteer_io import load_gazetteer
from tracker.model import Report
from tracker.reports import report_id
from tracker.settings import Settings

# our own filler: fighting without any change of control, no sentence marks
FILLER = ("تواصلت الاشتباكات المتقطعة في محيط المنطقة دون أن يحرز أي طرف تقدما يذكر "
          "وسط قصف مدفعي متبادل على الأطراف الزراعية ")


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory):
    return load_gazetteer(Settings(cache_dir=tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def lex():
    return ActorLexicon.load()


def _report(text: str) -> Report:
    import datetime as dt

    return Report(report_id(text), text, "long.txt", published=dt.date(2018, 12, 14),
                  language="ar")


@pytest.mark.parametrize("sep", [" ", "، "])
def test_evidence_of_a_claim_in_a_run_of_text_is_bounded(gaz, lex, sep):
    claim_words = "سيطرت قوات سوريا الديمقراطية على بلدة هجين بعد معارك استمرت أياما"
    text = sep.join([FILLER * 40, claim_words, FILLER * 40])
    x = extract(_report(text), gaz, lex)
    hajin = [c for c in x.claims if c.place_text == "هجين"]
    assert hajin, [c.place_text for c in x.claims]
    for c in hajin:
        ev = c.evidence
        assert len(ev.sentence) <= MAX_EVIDENCE
        assert "هجين" in ev.sentence
        assert text[ev.start:ev.end] in ev.sentence
        assert (c.actor, c.status) == ("sdf", "captured")


def test_a_long_run_is_cut_into_bounded_sentences(gaz, lex):
    # the same capture far into one run of 20,000 words keeps its reading
    text = " ".join([FILLER * 600, "سيطرت قوات النظام على مدينة الميادين"])
    x = extract(_report(text), gaz, lex)
    got = {(c.place_text, c.actor, c.status) for c in x.claims}
    assert ("الميادين", "government", "captured") in got
    assert all(len(c.evidence.sentence) <= MAX_EVIDENCE for c in x.claims)


# ----------------------------------------------------------------------------- indexes

_spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 3)), max_size=30).map(
    lambda xs: [Span(a, a + n, None) for a, n in sorted(dict(xs).items())])


@given(_spans, st.integers(-2, 70), st.integers(-2, 70))
def test_spans_in_equals_the_scan(spans, lo, hi):
    assert list(spans_in(spans, lo, hi)) == [sp for sp in spans if lo <= sp.first < hi]
    k = spans_from(spans, lo)
    assert spans[:k] == [sp for sp in spans if sp.first < lo]


_kinds = st.sampled_from(["", "قريه", "بلده", "حي", "ريف", "town"])
_entries = st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["أ", "ب", "ج"]), _kinds),
                    max_size=25)


@settings(max_examples=200)
@given(_entries, _entries, st.integers(0, 45), st.integers(0, 45),
       st.frozensets(_kinds, max_size=3), st.integers(0, 45))
def test_place_pool_equals_the_scan(seen, names, lo, hi, want, rel):
    names = sorted({e[0]: e for e in names}.values())  # the report's names: one per token
    pool = _PlacePool()
    for e in seen:
        pool.add_seen(*e)
    for e in names:
        pool.add_name(*e)
    # the scan it replaces: claims' places in order, then the names, areas left out
    scan = [p for p in [*seen, *names] if lo <= p[0] < hi and p[2] not in _REGION_KINDS]
    got = pool.last(lo, hi)
    assert (got[:3] if got else None) == (max(scan) if scan else None)
    typed = [p for p in scan if p[2] in want]
    got = pool.last(lo, hi, kinds=want)
    assert (got[:3] if got else None) == (max(typed) if typed else None)
    near = [p for p in scan if p[0] <= rel < p[0] + 6]
    got = [p[:3] for p in pool.between(max(lo, rel - 5), min(hi, rel + 1))]
    assert got == near


def _brute(items, actor, scope, start, end, exclude):
    near = [(start - e, 0) if e <= start else (s - end, 1) for s, e, a, p, q in items
            if a == actor and s != exclude and (p, q)[: len(scope)] == scope]
    return min(near) if near else None


_mentions = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 6),
                               st.sampled_from(["isis", "sdf", "government"]),
                               st.integers(0, 2), st.integers(0, 2)), max_size=30)


@settings(max_examples=300)
@given(_mentions, st.integers(0, 210), st.integers(0, 6), st.booleans(),
       st.sampled_from([(), (1,), (1, 2), (0, 0)]), st.booleans(), st.integers(-1, 29))
def test_nearest_span_equals_the_scan(raw, start, width, excl, scope, ordered, pick):
    # mentions in text order (as the lexicon gives them), or shuffled (the scan then)
    by_start = {s: (s, s + n) for s, n, *_ in raw}
    items = []
    free = 0
    for s, n, a, p, q in sorted(raw):
        if s >= free and by_start[s] == (s, s + n):
            items.append((s, s + n, a, p, q))
            free = s + n
    if 0 <= pick < len(items):
        start, end = items[pick][0], items[pick][1]  # a mention itself (to exclude)
    else:
        end = start + width
    if not ordered:
        items.reverse()
    near = _Near(items)
    exclude = start if excl else None
    for actor in ("isis", "sdf", "government"):
        assert near.best(actor, scope, start, end, exclude=exclude) == _brute(
            items, actor, scope, start, end, exclude)


def test_benchmark_report_claims_have_bounded_evidence(gaz, lex):
    # the benchmark's own report: every claim in bounded evidence
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_slope

    text = bench_slope.synthetic_text(60_000, punctuated=False)
    x = extract(_report(text), gaz, lex)
    assert len(x.claims) > 100
    assert max(len(c.evidence.sentence) for c in x.claims) <= MAX_EVIDENCE
