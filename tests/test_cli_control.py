"""The control-layer commands through click: ingest, correct, who-held, history, snapshot,
changes. Stores are built from hand-made claims (the bundled gazetteer resolves names);
one end-to-end test runs the real extractor over the sample corpus (marked slow)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.model import ControlClaim, Evidence, Mention, Report
from tracker.settings import SAMPLE_DIR
from tracker.store import Store

D = dt.date
REPO = Path(__file__).resolve().parents[1]
HAJIN, SHAFA, KISHMAH = "ocha:C5175", "ocha:C5183", "ocha:C5172"
WHO_HELD_KEYS = {"place", "date", "actor", "status", "since", "until", "confidence", "evidence",
                 "conflicts"}


@dataclass(frozen=True)
class Extraction:
    claims: tuple[ControlClaim, ...]
    mentions: tuple[Mention, ...] = ()


def _claim(rid, place, actor, status, on, sentence):
    confidence = 0.6 if rid == "r3" else 0.9  # r3 loses the same-day conflict to r2
    return ControlClaim(rid, f"{rid}.txt", place, place, actor, status, on, "day", confidence,
                        Evidence(0, len(sentence), sentence, "verb"))


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "t.db"
    rows = [
        ("r1", D(2018, 9, 11), [(HAJIN, "isis", "held", D(2018, 9, 10), "ISIS holds Hajin."),
                                (SHAFA, "isis", "held", D(2018, 9, 10), "ISIS holds Shafa.")]),
        ("r2", D(2018, 12, 14), [(HAJIN, "sdf", "captured", D(2018, 12, 14), "SDF took Hajin."),
                                 (SHAFA, "isis", "held", D(2018, 12, 14), "Shafa is ISIS.")]),
        ("r3", D(2018, 12, 14), [(HAJIN, "isis", "held", D(2018, 12, 14), "ISIS still in Hajin.")]),
    ]
    with Store.open(path) as st:
        for rid, published, claims in rows:
            report = Report(rid, f"text of {rid}", f"{rid}.txt", published, publisher="AFP")
            st.add_report(report, Extraction(tuple(_claim(rid, *c) for c in claims)))
    return path


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def run_json(*args):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("on", "actor", "since"), [
    ("2018-12-13", "isis", "2018-09-10"), ("2018-12-14", "sdf", "2018-12-14"),
    ("2018-12-15", "sdf", "2018-12-14")])
def test_who_held_around_a_handover(store, on, actor, since):
    doc = run_json("who-held", "هجين", "--in", "دير الزور", "--on", on, "--store", store)
    assert set(doc) >= WHO_HELD_KEYS
    assert doc["place"]["id"] == HAJIN
    assert doc["place"]["name_en"] == "Hajin"
    assert (doc["date"], doc["actor"], doc["since"]) == (on, actor, since)
    assert {"report", "source_file", "sentence", "date"} <= set(doc["evidence"][0])


def test_who_held_shows_the_conflicting_report(store):
    doc = run_json("who-held", HAJIN, "--on", "2018-12-20", "--store", store)
    assert [e["sentence"] for e in doc["evidence"]] == ["SDF took Hajin."]  # more confident
    assert [e["sentence"] for e in doc["conflicts"]] == ["ISIS still in Hajin."]
    assert doc["actor"] == "sdf"
    assert doc["evidence"][0]["report"] == "r2"
    human = run("who-held", "Hajin", "--on", "2018-12-14", "--store", store)
    assert human.exit_code == 0
    assert "sdf (held)" in human.stdout
    assert "conflict 2018-12-14 r3.txt: ISIS still in Hajin." in human.stdout


@pytest.mark.parametrize(("place", "on", "reason"), [
    ("Abu Kamal", "2018-12-14", "no claim about this place"),
    (HAJIN, "2018-01-01", "nothing known before the first claim"),
])
def test_nothing_known_is_an_answer(store, place, on, reason):
    doc = run_json("who-held", place, "--on", on, "--store", store)
    assert doc["actor"] is None
    assert reason in doc["reason"]
    assert set(doc) >= WHO_HELD_KEYS


def test_max_age(store):
    doc = run_json("who-held", SHAFA, "--on", "2019-03-01", "--max-age", "30", "--store", store)
    assert doc["actor"] is None
    assert "older than --max-age" in doc["reason"]


def test_unknown_place_and_missing_store_fail_with_a_message(store, tmp_path):
    result = run("who-held", "Qqqxyzzz", "--on", "2018-12-14", "--store", store)
    assert result.exit_code == 1
    assert "No place matches" in result.stderr
    result = run("who-held", HAJIN, "--on", "2018-12-14", "--store", tmp_path / "none.db")
    assert result.exit_code == 1
    assert "tracker ingest" in result.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 300)
    result = run("history", HAJIN, "--store", junk)
    assert result.exit_code == 1
    assert "junk.db" in result.stderr
    result = run("who-held", HAJIN, "--on", "14/12/2018", "--store", store)
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_history(store):
    doc = run_json("history", "Hajin", "--store", store)
    assert [(i["actor"], i["start"], i["end"]) for i in doc["intervals"]] == [
        ("isis", "2018-09-10", "2018-12-13"), ("sdf", "2018-12-14", None)]
    assert len(doc["intervals"][1]["conflicts"]) == 1
    human = run("history", "هجين", "--store", store)
    assert human.exit_code == 0
    assert "2018-12-14 .. now: sdf" in human.stdout


def test_snapshot_filters_by_actor_and_region(store):
    doc = run_json("snapshot", "--on", "2018-12-20", "--store", store)
    assert {r["place"]["id"]: r["actor"] for r in doc["places"]} == {HAJIN: "sdf", SHAFA: "isis"}
    assert doc["counts"] == {"isis": 1, "sdf": 1}
    isis = run_json("snapshot", "--on", "2018-12-20", "--actor", "داعش", "--store", store)
    assert [r["place"]["id"] for r in isis["places"]] == [SHAFA]
    assert isis["actor"] == "isis"
    assert run_json("snapshot", "--on", "2018-12-01", "--actor", "sdf", "--store", store)[
        "places"] == []
    region = run_json("snapshot", "--on", "2018-12-20", "--region", "ناحية هجين", "--store", store)
    assert [r["place"]["id"] for r in region["places"]] == [HAJIN]
    bad = run("snapshot", "--on", "2018-12-20", "--actor", "martians", "--store", store)
    assert bad.exit_code == 1
    assert "isis" in bad.stderr
    bad = run("snapshot", "--on", "2018-12-20", "--region", "Qqqxyzzz", "--store", store)
    assert bad.exit_code == 1
    assert "Qqqxyzzz" in bad.stderr


def test_changes(store):
    doc = run_json("changes", "--from", "2018-09-01", "--to", "2018-12-31", "--store", store)
    assert [(c["place_id"], c["date"], c["from_actor"], c["to_actor"]) for c in doc["changes"]] == [
        (HAJIN, "2018-09-10", None, "isis"), (SHAFA, "2018-09-10", None, "isis"),
        (HAJIN, "2018-12-14", "isis", "sdf")]
    assert doc["changes"][2]["place"]["name_en"] == "Hajin"
    bad = run("changes", "--from", "2018-12-31", "--to", "2018-09-01", "--store", store)
    assert bad.exit_code == 1
    assert "before" in bad.stderr


def test_correct_settles_the_conflict(store, tmp_path):
    fix = tmp_path / "fix.csv"
    fix.write_text("place,actor,status,date,note\nهجين,isis,held,2018-12-14,SDF only at the "
                   "outskirts (imagery)\n", encoding="utf-8")
    assert run("correct", fix, "--store", store).exit_code == 0
    doc = run_json("correct", fix, "--store", store)
    assert doc == {"file": str(fix), "rows": 1, "claims": 1, "new": 0, "already_stored": 1}
    who = run_json("who-held", HAJIN, "--on", "2018-12-14", "--store", store)
    assert who["actor"] == "isis"
    assert who["confidence"] == 1.0
    assert who["evidence"][-1]["sentence"] == "SDF only at the outskirts (imagery)"
    assert {e["sentence"] for e in who["conflicts"]} == {"SDF took Hajin."}
    bad = tmp_path / "bad.csv"
    bad.write_text("place,actor,status,date,note\nهجين,sdf,held,2018-12-20,ok\n"
                   "هجين,nobody,held,2018-12-21,x\n", encoding="utf-8")
    result = run("correct", bad, "--store", store)
    assert result.exit_code == 1
    assert "bad.csv:3" in result.stderr
    assert run_json("who-held", HAJIN, "--on", "2018-12-20", "--store", store)["since"] == (
        "2018-09-10")  # nothing of bad.csv was stored


def test_ingest_counts_and_skips(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("published: 2018-12-14\n---\nسيطرت قوات سوريا الديمقراطية على بلدة هجين "
                    "اليوم الجمعة.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    table = tmp_path / "baseline.csv"
    table.write_text("place,actor,status,date,note\n", encoding="utf-8")
    db = tmp_path / "t.db"
    first = run("ingest", good, empty, table, "--store", db, "--json")
    assert first.exit_code == 3
    doc = json.loads(first.stdout)
    assert (doc["reports_new"], doc["reports_known"], doc["reports_skipped"]) == (1, 0, 2)
    assert any("empty.txt" in s for s in doc["skipped"])
    assert any("tracker correct" in s for s in doc["skipped"])
    again = run("ingest", good, "--store", db)
    assert again.exit_code == 0
    assert "reports: 0 new, 1 already known, 0 skipped" in again.stdout
    with Store.open(db) as st:
        assert st.counts()["reports"] == 1


EXPECTED = REPO / "tests" / "data" / "expected_control.csv"


@pytest.mark.slow
def test_sample_corpus_end_to_end(tmp_path):
    reports = sorted(p for p in SAMPLE_DIR.glob("*") if p.suffix in {".txt", ".jsonl", ".html"})
    baseline = SAMPLE_DIR / "baseline.csv"
    if not reports or not baseline.is_file() or not EXPECTED.is_file():
        pytest.skip("sample corpus, baseline.csv or tests/data/expected_control.csv not there yet")
    db = tmp_path / "sample.db"
    ingest = run("ingest", *reports, "--store", db)
    assert ingest.exit_code == 0, ingest.output
    assert run("correct", baseline, "--store", db).exit_code == 0
    with EXPECTED.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    wrong = []
    for row in rows:
        doc = run_json("who-held", row["place_id"], "--on", row["date"], "--store", db)
        if doc["actor"] != (row["actor"] or None):
            wrong.append(f"{row['place']} {row['date']}: expected {row['actor']}, "
                         f"got {doc['actor']} ({doc.get('reason') or doc['since']})")
    assert not wrong, "\n".join(wrong)


def test_queries_record_geography_and_reuse_the_cached_timeline(store, monkeypatch):
    first = run_json("who-held", HAJIN, "--on", "2018-12-15", "--store", store)
    with Store.open(store) as st:
        assert st.places_without_geography() == []  # bundled gazetteer knows these places
        banks, admins = st.geography()
        assert banks[HAJIN] == "east"  # Hajin lies on the east (left) bank of the Euphrates
        assert admins[HAJIN][0] == "SY09"
    import tracker.store as store_module

    def no_build(*args, **kwargs):
        msg = "the timeline was rebuilt although no claim changed"
        raise AssertionError(msg)

    monkeypatch.setattr(store_module.Timeline, "from_claims", no_build)
    assert run_json("who-held", HAJIN, "--on", "2018-12-15", "--store", store) == first
    history = run_json("history", "هجين", "--store", store)
    assert [i["actor"] for i in history["intervals"]] == ["isis", "sdf"]
    assert run_json("snapshot", "--on", "2018-12-15", "--store", store)["counts"] == {
        "isis": 1, "sdf": 1}


# ------------------------------------------------------------------ names of several places

MAASRAN_HAMA, MAASRAN_IDLIB = "ocha:C6555", "ocha:C3980"  # two villages called معصران


@pytest.fixture
def namesakes(tmp_path):
    """A store with claims about the Hama معصران only (and none about any جديدة)."""
    path = tmp_path / "n.db"
    with Store.open(path) as st:
        report = Report("n1", "text of n1", "n1.txt", D(2017, 11, 25), publisher="AFP")
        st.add_report(report, Extraction((_claim("n1", MAASRAN_HAMA, "isis", "captured",
                                                 D(2017, 11, 24), "ISIS took the village."),)))
    return path


def test_a_name_of_several_places_is_the_one_the_store_knows(namesakes):
    doc = json.loads(run("who-held", "معصران", "--on", "2017-11-26", "--store", namesakes,
                         "--json").stdout)
    assert doc["place"]["id"] == MAASRAN_HAMA
    assert doc["actor"] == "isis"


@pytest.mark.parametrize("within", ["SY050103", "adm:SY050103", "ناحية الحمراء", "Hama",
                                    "ريف حماة", "SY0501", MAASRAN_HAMA])
def test_in_takes_any_admin_level_or_a_place_id(namesakes, within):
    res = run("history", "معصران", "--in", within, "--store", namesakes, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["place"]["id"] == MAASRAN_HAMA
    other = run("history", "معصران", "--in", "Idleb", "--store", namesakes, "--json")
    assert json.loads(other.stdout)["place"]["id"] == MAASRAN_IDLIB
    assert json.loads(other.stdout)["intervals"] == []


def test_an_ambiguous_name_lists_candidates_with_their_sub_district(namesakes):
    res = run("who-held", "جديدة", "--on", "2017-11-26", "--store", namesakes)
    assert res.exit_code == 1
    err = res.stderr
    assert "matches" in err
    assert "--in" in err
    lines = [ln for ln in err.splitlines() if ln.strip().startswith(("ocha:", "geonames:"))]
    assert len(lines) >= 2
    for ln in lines:  # each candidate: its sub-district, district, governorate and P-code
        assert re.search(r"\(\w+ in [^;]+, [^;]+; --in SY\d{6}\)", ln), ln
