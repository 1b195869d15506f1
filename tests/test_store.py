"""The SQLite claim store: idempotent ingest, atomic reports, migrations, refusals."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker.errors import InputError, StoreError, TrackerError
from tracker.model import ControlClaim, Evidence, Mention, Report
from tracker.store import SCHEMA_VERSION, Store, load_reliability, migrate

D = dt.date
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Extraction:
    claims: tuple[ControlClaim, ...]
    mentions: tuple[Mention, ...] = ()


def make_report(n: int, *, publisher: str = "Syrian Observatory") -> Report:
    return Report(report_id=f"rep{n:05d}", text=f"report number {n}", source_file=f"r{n}.txt",
                  published=D(2018, 12, 1) + dt.timedelta(days=n % 20), publisher=publisher,
                  metadata=(("desk", "east"),))


def make_claims(n: int, k: int = 2) -> tuple[ControlClaim, ...]:
    return tuple(
        ControlClaim(f"rep{n:05d}", f"r{n}.txt", f"place {i}", f"ocha:P{(n + i) % 7}",
                     "sdf" if (n + i) % 2 else "isis", "captured", D(2018, 12, 1 + n % 20), "day",
                     0.8, Evidence(i, i + 5, f"sentence {n}/{i}", "verb"),
                     name_en=f"Place {(n + i) % 7}", lat=34.5, lon=40.9)
        for i in range(k))


def ingest(store: Store, n: int) -> bool:
    unresolved = Mention("Qaryat X", 3, 11, "unresolved", None, ("ocha:C1", "ocha:C2"), 0.4)
    resolved = Mention("Hajin", 20, 25, "resolved", "ocha:C4942", (), 1.0)
    return store.add_report(make_report(n), Extraction(make_claims(n), (unresolved, resolved)))


def test_same_report_twice_is_stored_once(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        assert ingest(store, 1) is True
        assert ingest(store, 1) is False
        assert store.counts() == {"reports": 1, "claims": 2, "mentions": 1, "corrections": 0,
                                  "places": 2}
        (report,) = store.reports()
        assert report == make_report(1)
        (rid, mention), = store.mentions()
        assert rid == "rep00001"
        assert mention.candidates == ("ocha:C1", "ocha:C2")
    with Store.open(tmp_path / "t.db") as again:  # and across processes/opens
        assert ingest(again, 1) is False
        assert again.schema_version == SCHEMA_VERSION


def test_claims_round_trip_with_report_facts(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        ingest(store, 3)
        stored = store.claims()
    assert [s.claim for s in stored] == list(make_claims(3))
    assert [s.claim_id for s in stored] == ["1", "2"]
    assert stored[0].published == make_report(3).published
    assert stored[0].publisher == "Syrian Observatory"
    assert store.path == tmp_path / "t.db"


def test_store_is_in_wal_mode_and_claims_are_append_only(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        ingest(store, 1)
    conn = sqlite3.connect(tmp_path / "t.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE claims SET actor = 'hts'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM claims")
    conn.close()


class BoomError(RuntimeError):
    pass


class ExplodingExtraction:
    claims = make_claims(2)

    @property
    def mentions(self):
        msg = "crash inside the transaction"
        raise BoomError(msg)


def test_crash_mid_batch_keeps_committed_reports_and_rerun_adds_the_rest(tmp_path):
    path = tmp_path / "t.db"
    with Store.open(path) as store:
        assert ingest(store, 1)
        with pytest.raises(BoomError):
            store.add_report(make_report(2), ExplodingExtraction())
        assert store.counts()["reports"] == 1
        assert store.counts()["claims"] == 2
    with Store.open(path) as store:  # the re-run of the batch
        assert [ingest(store, n) for n in (1, 2, 3)] == [False, True, True]
        assert store.counts()["reports"] == 3
        assert store.counts()["claims"] == 6


def test_keyboard_interrupt_rolls_back_the_report_in_flight(tmp_path):
    class Interrupted(ExplodingExtraction):
        @property
        def mentions(self):
            raise KeyboardInterrupt

    with Store.open(tmp_path / "t.db") as store:
        with pytest.raises(KeyboardInterrupt):
            store.add_report(make_report(5), Interrupted())
        assert not store.has_report("rep00005")
        assert ingest(store, 5)


def test_not_a_store_is_refused_with_the_file_name(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is not sqlite at all\n" * 100)
    with pytest.raises(StoreError, match=r"notes\.db") as err:
        Store.open(junk)
    assert isinstance(err.value, TrackerError)
    assert isinstance(err.value, RuntimeError)
    assert "--store" in str(err.value)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="not a tracker claim store"):
        Store.open(other)
    with pytest.raises(StoreError, match="no claim store"):
        Store.open(tmp_path / "missing.db", create=False)
    with pytest.raises(StoreError, match="directory"):
        Store.open(tmp_path)


def test_store_from_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "t.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer tracker"):
        Store.open(path)


def test_store_from_an_older_schema_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, upto=1) == 1
    conn.execute("INSERT INTO reports VALUES ('r1','r1.txt','2018-12-01','day',0,'AFP','','',"
                 "'ar','text','{}','2018-12-01T00:00:00')")
    conn.execute("INSERT INTO claims (report_id, source_file, place_text, place_id, actor, status,"
                 " date, date_precision, confidence, name_ar, name_en, lat, lon, ev_start, ev_end,"
                 " sentence, rule) VALUES ('r1','r1.txt','Hajin','ocha:C4942','sdf','captured',"
                 "'2018-12-14','day',0.9,'هجين','Hajin',34.69,40.83,0,5,'s','verb')")
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        assert store.places()["ocha:C4942"].name_en == "Hajin"  # backfilled by migration 2
        holding = store.timeline().held_by("ocha:C4942", D(2018, 12, 20))
        assert holding.actor == "sdf"
        assert holding.evidence[0].publisher == "AFP"
        assert holding.evidence[0].claim.scope is None  # column added by migration 3
        assert holding.evidence[0].claim.weekday is None  # column added by migration 4
        assert holding.evidence[0].claim.lat == 34.69
        assert store.places_without_geography() == ["ocha:C4942"]


def test_store_from_schema_2_is_migrated_and_takes_scoped_claims(tmp_path):
    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, upto=2) == 2
    conn.execute("INSERT INTO reports VALUES ('r1','r1.txt','2018-12-01','day',0,'AFP','','',"
                 "'ar','text','{}','2018-12-01T00:00:00')")
    conn.execute("INSERT INTO claims (report_id, source_file, place_text, place_id, actor, status,"
                 " date, date_precision, confidence, exclusive_group, name_ar, name_en, lat,"
                 " lon, ev_start, ev_end, sentence, rule) VALUES ('r1','r1.txt','Hajin',"
                 "'ocha:C4942','isis','held','2018-12-01','day',0.9,'g','هجين','Hajin',34.69,"
                 "40.83,0,5,'s','verb')")
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        (old,) = store.claims()
        assert (old.claim.exclusive_group, old.claim.scope) == ("g", None)
        scoped = make_claims(2, k=1)[0]
        store.add_report(make_report(2), Extraction((
            ControlClaim(**{**{f: getattr(scoped, f) for f in scoped.__dataclass_fields__},
                            "scope": "adm:SY0905"}),)))
        assert [c.claim.scope for c in store.claims()] == [None, "adm:SY0905"]


def test_scope_and_every_claim_field_round_trip(tmp_path):
    claim = ControlClaim("rep00001", "r1.txt", "Hasrat", "ocha:C5164", "isis", "held",
                         D(2017, 11, 28), "day", 0.8, Evidence(0, 5, "s", "pocket"),
                         fraction=None, exclusive_group="g1", besieger="government",
                         scope="bank:west", name_ar="حسرات", name_en="Hasrat", lat=34.4,
                         lon=40.8)
    with Store.open(tmp_path / "t.db") as store:
        store.add_report(make_report(1), Extraction((claim,)))
        (stored,) = store.claims()
        assert stored.claim == claim
        assert store.claims_by_id(["1", "correction:9", "x"]) == {"1": stored}


def test_corrections_are_stored_once_and_come_back_as_correction_claims(tmp_path):
    fix = ControlClaim("correction:f.csv:2", "f.csv", "Hajin", "ocha:C4942", "isis", "held",
                       D(2018, 9, 10), "day", 1.0, Evidence(0, 8, "baseline", "correction"))
    with Store.open(tmp_path / "t.db") as store:
        assert store.add_corrections([fix], "f.csv", lines=[2]) == 1
        assert store.add_corrections([fix], "f.csv", lines=[2]) == 0
        (sc,) = store.claims()
    assert sc.claim_id == "correction:1"
    assert sc.is_correction
    assert sc.claim.evidence.sentence == "baseline"
    assert sc.claim.confidence == 1.0


def test_reliability_table_reads_user_file(tmp_path, monkeypatch):
    extra = tmp_path / "mine.csv"
    extra.write_text("publisher,reliability\nMy Outlet,0.9\nunknown,0.3\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_SOURCES", str(extra))
    rel = load_reliability()
    assert rel.of("my outlet") == 0.9
    assert rel.of("nobody") == 0.3
    assert rel.of("المرصد السوري لحقوق الإنسان") == 0.8
    assert rel.of("Amaq") == 0.4
    extra.write_text("publisher,reliability\nBad,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"mine.csv:2: .*from 0 to 1"):
        load_reliability()


# ------------------------------------------------------------- processes (SIGKILL, concurrency)

WRITER = textwrap.dedent("""
    import sys, datetime as dt
    sys.path.insert(0, {tests!r})
    from test_store import ingest
    from tracker.store import Store
    with Store.open(sys.argv[1]) as store:
        for n in range(int(sys.argv[2])):
            ingest(store, n)
            if n == 50:
                print("started", flush=True)
""")


def _run_writer(path, count):
    code = WRITER.format(tests=str(REPO / "tests"))
    return subprocess.Popen([sys.executable, "-c", code, str(path), str(count)],
                            stdout=subprocess.PIPE, text=True, cwd=REPO)


def _finish(proc):
    proc.communicate(timeout=120)
    return proc.returncode


def _dump(path):
    conn = sqlite3.connect(path)
    rows = (conn.execute("SELECT report_id, source_file, published, text FROM reports"
                         " ORDER BY report_id").fetchall(),
            conn.execute("SELECT claim_id, report_id, place_id, actor, date FROM claims"
                         " ORDER BY claim_id").fetchall(),
            conn.execute("SELECT report_id, text FROM mentions ORDER BY mention_id").fetchall(),
            conn.execute("PRAGMA integrity_check").fetchone()[0])
    conn.close()
    return rows


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_during_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path):
    count = 1500
    assert _finish(_run_writer(tmp_path / "clean.db", count)) == 0
    killed = _run_writer(tmp_path / "killed.db", count)
    assert killed.stdout.readline().strip() == "started"
    killed.send_signal(signal.SIGKILL)
    _finish(killed)
    with Store.open(tmp_path / "killed.db") as store:
        partial = store.counts()["reports"]
    assert 51 <= partial < count  # it really was interrupted mid-batch
    assert _finish(_run_writer(tmp_path / "killed.db", count)) == 0
    assert _dump(tmp_path / "killed.db") == _dump(tmp_path / "clean.db")


def test_two_processes_ingesting_the_same_files_make_no_duplicates(tmp_path):
    path = tmp_path / "shared.db"
    procs = [_run_writer(path, 150) for _ in range(2)]
    assert [_finish(p) for p in procs] == [0, 0]
    reports, claims, mentions, integrity = _dump(path)
    assert integrity == "ok"
    assert len(reports) == 150
    assert len(claims) == 300
    assert len(mentions) == 150


def test_report_by_id(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        ingest(store, 4)
        assert store.report("rep00004") == make_report(4)
        assert store.report("nope") is None


def test_damaged_store_gives_a_store_error_not_a_traceback(tmp_path):
    path = tmp_path / "t.db"
    with Store.open(path) as store:
        for n in range(40):
            ingest(store, n)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for k in range(2 * page, len(data) - page, page):  # keep the header page, wreck the rest
        data[k + 8:k + 400] = b"\xff" * 392
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"t\.db") as err, Store.open(path) as store:
        store.claims()
    assert "tracker ingest" in str(err.value)


def _cache_rows(path):
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM timeline_cache").fetchone()[0],
                conn.execute("SELECT count(*) FROM cached_intervals").fetchone()[0])
    finally:
        conn.close()


def test_timeline_is_cached_and_rebuilt_only_when_claims_change(tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    with Store.open(path) as store:
        for n in range(1, 6):
            ingest(store, n)
        fresh = store.timeline(cache=False)
        first = store.timeline()
    assert _cache_rows(path)[0] == 1
    import tracker.store as store_module

    def no_build(*args, **kwargs):
        msg = "rebuilt although nothing changed"
        raise AssertionError(msg)

    with Store.open(path) as store:
        monkeypatch.setattr(store_module.Timeline, "from_claims", no_build)
        again = store.timeline()
        one = store.timeline(places=["ocha:P3"])
        assert store.timeline_place_ids() == set(fresh.place_ids)
        monkeypatch.undo()
        for tl in (first, again):
            assert list(tl.intervals()) == list(fresh.intervals())
            assert tl.snapshot(D(2018, 12, 25)) == fresh.snapshot(D(2018, 12, 25))
        assert one.place_ids == ["ocha:P3"]
        assert one.holdings("ocha:P3") == fresh.holdings("ocha:P3")
        assert one.held_by("ocha:P3", D(2018, 12, 9)) == fresh.held_by("ocha:P3", D(2018, 12, 9))
        ingest(store, 6)  # new claims: a new fingerprint, the cache is rebuilt
        assert store.timeline().claims == fresh.claims + 2
        store.add_corrections([ControlClaim(
            "c", "f.csv", "P3", "ocha:P3", "government", "held", D(2018, 12, 30), "day", 1.0,
            Evidence(0, 1, "fix", "correction"))], "f.csv")
        assert store.timeline().held_by("ocha:P3", D(2018, 12, 31)).actor == "government"
        assert store.timeline(places=["ocha:P3"]).held_by(
            "ocha:P3", D(2018, 12, 31)).actor == "government"
    assert _cache_rows(path)[0] == 2  # the two latest builds are kept


def test_geography_is_recorded_and_bounds_scoped_pockets(tmp_path):
    def c(n, place, status="held", group=None, scope=None, on=None):
        on = on or D(2017, 10, 1)
        return ControlClaim(f"rep{n:05d}", "r.txt", place, place, "isis", status, on, "day",
                            0.8, Evidence(0, 1, "s", "verb"), exclusive_group=group,
                            besieger="government" if group else None, scope=scope,
                            lat=34.5, lon=40.8)

    with Store.open(tmp_path / "t.db") as store:
        store.add_report(make_report(1), Extraction((c(1, "ocha:W1"), c(1, "ocha:W2"),
                                                     c(1, "ocha:E1"))))
        store.add_report(make_report(2), Extraction((
            c(2, "ocha:W1", group="g", scope="bank:west", on=D(2017, 11, 28)),)))
        assert sorted(store.places_without_geography()) == ["ocha:E1", "ocha:W1", "ocha:W2"]
        unbounded = store.timeline()
        assert unbounded.held_by("ocha:E1", D(2017, 12, 1)).actor == "government"
        store.set_geography({"ocha:W1": ("west", ("SY09", "SY0905")),
                             "ocha:W2": ("west", ("SY09",)), "ocha:E1": ("east", ("SY09",))})
        assert store.places_without_geography() == []
        banks, admins = store.geography()
        assert banks["ocha:E1"] == "east"
        assert admins["ocha:W1"] == ("SY09", "SY0905")
        tl = store.timeline()
        assert tl.held_by("ocha:W2", D(2017, 12, 1)).actor == "government"
        assert tl.held_by("ocha:E1", D(2017, 12, 1)).actor == "isis"
