"""Command-line faults found by the hardening campaign (issue 10): batches with bad paths,
Ctrl-C during ingest, outputs overwritten without asking, unbounded date series, bad
bounding boxes. Each class has the case as found and a neighbour. Texts are our own."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.store import Store

REPO = Path(__file__).resolve().parents[1]


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _report(folder: Path, name: str, n: int) -> Path:
    f = folder / name
    f.write_text(f"published: 2018-12-{10 + n:02d}\n---\nA made-up line number {n}: the "
                 "council of Example Town said the road was open.\n", encoding="utf-8")
    return f


# ------------------------------------------------------------------- batches


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_a_bad_path_among_the_inputs_is_named_and_skipped_not_fatal(tmp_path, command):
    """As found: one directory or dangling link among the inputs aborted the whole batch
    before anything was read (click's path check). Neighbour: a missing file."""
    good = _report(tmp_path, "good.txt", 1)
    folder = tmp_path / "more"
    (folder / "deeper").mkdir(parents=True)
    _report(folder, "a.txt", 2)
    _report(folder / "deeper", "b.txt", 3)
    dangling = tmp_path / "link.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    missing = tmp_path / "missing.txt"
    extra = ["--store", tmp_path / "s.db"] if command == "ingest" else []
    res = run(command, dangling, good, folder, missing, *extra, "--json")
    assert res.exit_code == 3, res.output
    assert "link.txt" in res.stderr
    assert "missing.txt" in res.stderr
    if command == "ingest":
        doc = json.loads(res.stdout)
        assert doc["reports_new"] == 3
        assert doc["reports_skipped"] == 2
        with Store.open(tmp_path / "s.db") as st:
            assert sorted(Path(r.source_file).name for r in st.reports()) == [
                "a.txt", "b.txt", "good.txt"]


def test_help_says_directories_are_read_recursively():
    for command in ("ingest", "extract"):
        text = run(command, "--help").output
        assert "recursively" in text
        assert "*.jsonl" in text


def test_a_published_option_outside_the_window_stops_before_any_work(tmp_path):
    good = _report(tmp_path, "good.txt", 1)
    res = run("ingest", good, "--published", "0001-01-01", "--store", tmp_path / "s.db")
    assert res.exit_code == 1
    assert "--published 0001-01-01 is before 1900-01-01" in res.output
    assert not (tmp_path / "s.db").exists()


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.skipif(os.name != "posix", reason="SIGINT")
def test_ctrl_c_during_ingest_says_what_was_stored_and_a_rerun_goes_on(tmp_path):
    """As found: Ctrl-C printed only `Aborted!`."""
    total = 6000
    batch = tmp_path / "batch.jsonl"
    with batch.open("w", encoding="utf-8") as fh:
        for i in range(total):
            fh.write(json.dumps({"text": f"Made-up note {i}: the Example Town council met.",
                                 "published": "2018-12-14"}) + "\n")
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-c", "from tracker.cli import main; main()", "ingest", str(batch),
           "--store", str(db)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while _count(db) < 50 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    stored = _count(db)
    assert 50 <= stored < total
    assert f"interrupted: {stored} new report(s) were stored" in err
    assert "Run the same command again" in err
    assert "Traceback" not in err
    again = subprocess.run([*cmd, "--json"], cwd=REPO, capture_output=True, text=True,
                           timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    doc = json.loads(again.stdout)
    assert (doc["reports_new"], doc["reports_known"]) == (total - stored, stored)


# ------------------------------------------------------------------- outputs


@pytest.fixture(scope="module")
def map_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_cli_territory import REPORTS, _Extraction

    from tracker.model import ControlClaim, Evidence, Report

    path = tmp_path_factory.mktemp("store") / "t.db"
    with Store.open(path) as st:
        for day, rows in REPORTS:
            rid = f"r{day.isoformat()}"
            claims = tuple(
                ControlClaim(rid, f"{rid}.txt", pid, pid, actor, status, day, "day", 0.9,
                             Evidence(0, 5, "a made-up sentence", "test"), fraction=frac)
                for pid, actor, status, frac in rows)
            st.add_report(Report(rid, f"made-up report of {day}", f"{rid}.txt", day),
                          _Extraction(claims))
    return path


BOX = "40.62,34.36,41.02,34.78"


@pytest.mark.parametrize(("args", "target"), [
    # as found: these four replaced an existing file silently
    (["map", "--on", "2019-01-15", "--bbox", BOX, "--out", "{tmp}/m.png"], "m.png"),
    (["map", "--from", "2019-01-10", "--to", "2019-01-24", "--every", "14d", "--bbox", BOX,
      "--labels", "none", "--out", "{tmp}"], "map_2019-01-24.png"),
    (["animate", "--from", "2019-01-10", "--to", "2019-01-20", "--every", "5d", "--bbox", BOX,
      "--out", "{tmp}/a.gif"], "a.gif"),
    (["pocket", "--actor", "isis", "--from", "2019-01-10", "--to", "2019-01-24",
      "--chart", "{tmp}/c.png"], "c.png"),
    # neighbour: export already refused
    (["export", "--on", "2019-01-15", "--format", "csv", "--out", "{tmp}/e.csv"], "e.csv"),
    # neighbour: the series' sheet alone is in the way
    (["map", "--from", "2019-01-10", "--to", "2019-01-24", "--every", "14d", "--bbox", BOX,
      "--labels", "none", "--out", "{tmp}"], "small_multiples.png"),
])
def test_no_command_replaces_a_file_without_overwrite(map_store, tmp_path, args, target):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    existing = tmp_path / target
    existing.write_bytes(b"the analyst's own file")
    res = run(*args, "--store", map_store)
    assert res.exit_code == 1, res.output
    assert "--overwrite" in res.output
    assert target in res.output
    assert existing.read_bytes() == b"the analyst's own file"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target]  # nothing else written
    again = run(*args, "--overwrite", "--store", map_store)
    assert again.exit_code == 0, again.output
    assert existing.read_bytes() != b"the analyst's own file"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


# ------------------------------------------------------------------- date series


@pytest.mark.parametrize(("args", "words"), [
    # as found: memory grew at ~50 MB/s with no output
    (["map", "--from", "2017-10-01", "--to", "9999-12-31", "--every", "1d", "--out", "{tmp}"],
     "2,915,457 frames"),
    # as found: OverflowError
    (["map", "--from", "2019-01-10", "--to", "2019-01-24", "--every", "99999999999d",
      "--out", "{tmp}"], "longer than a century"),
    (["animate", "--from", "2019-01-10", "--to", "9999-12-31", "--every", "1d",
      "--out", "{tmp}/a.gif"], "over the limit of 1,000"),
    (["pocket", "--actor", "isis", "--from", "2019-01-01", "--to", "9999-12-31",
      "--every", "1w"], "--yes"),
    # neighbour: one frame over the limit set by the user
    (["map", "--from", "2019-01-10", "--to", "2019-01-20", "--every", "1d", "--out", "{tmp}"],
     "11 frames, over the limit of 10"),
])
def test_series_are_checked_before_any_work(map_store, tmp_path, monkeypatch, args, words):
    if "2019-01-20" in args and "1d" in args:
        monkeypatch.setenv("TRACKER_MAX_FRAMES", "10")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    started = time.monotonic()
    res = run(*args, "--store", map_store)
    assert res.exit_code == 1, res.output
    assert words in res.output
    assert not isinstance(res.exception, OverflowError | MemoryError)
    assert list(tmp_path.iterdir()) == []
    assert time.monotonic() - started < 60  # generous: refused up front, not after drawing


def test_series_at_the_limit_runs_and_yes_lifts_it(map_store, tmp_path, monkeypatch):
    from tracker import _cli_territory as C  # noqa: N812

    monkeypatch.setenv("TRACKER_MAX_FRAMES", "3")
    args = ["pocket", "--actor", "isis", "--from", "2019-01-10", "--to", "2019-01-24",
            "--every", "7d", "--store", map_store, "--json"]
    ok = run(*args)
    assert ok.exit_code == 0, ok.output
    assert len(json.loads(ok.stdout)["series"]) == 3
    over = run(*args[:-5], "--every", "5d", *args[-3:])
    assert over.exit_code == 1
    assert "4 frames, over the limit of 3" in over.output
    yes = run(*args[:-5], "--every", "5d", "--yes", *args[-3:])
    assert yes.exit_code == 0, yes.output
    assert len(json.loads(yes.stdout)["series"]) == 4
    d = C.date_range
    day = __import__("datetime").date
    assert d(day(9999, 12, 1), day(9999, 12, 31), C.parse_every("30d")) == [
        day(9999, 12, 1), day(9999, 12, 31)]  # no OverflowError at the end of the calendar
    assert C.frame_count(day(2019, 1, 1), day(2019, 1, 11), C.parse_every("5d")) == 3


def test_map_series_draws_one_snapshot_at_a_time(map_store, tmp_path, monkeypatch):
    """Frames are streamed: the series never holds every date's snapshot at once."""
    from tracker import _cli_territory as C  # noqa: N812

    live: list[int] = []
    made = 0
    real = C.TerritoryData.snapshot

    class Snap(dict):
        pass

    import weakref

    refs: list[weakref.ref] = []

    def counting(self, on):
        nonlocal made
        made += 1
        snap = Snap(real(self, on))
        refs.append(weakref.ref(snap))
        live.append(sum(r() is not None for r in refs))
        return snap

    monkeypatch.setattr(C.TerritoryData, "snapshot", counting)
    monkeypatch.setattr(C, "MAX_SHEET_PANELS", 2)  # no sheet: it needs every panel
    res = run("map", "--from", "2019-01-10", "--to", "2019-03-10", "--every", "14d", "--bbox",
              BOX, "--labels", "none", "--out", tmp_path / "s", "--store", map_store)
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "s").glob("map_*.png"))) == 6
    assert made >= 6
    assert max(live) <= 3


# ------------------------------------------------------------------- bounding boxes


@pytest.mark.parametrize(("bbox", "words"), [
    ("-180,-90,180,90", "from -85 to 85"),        # as found: figure size must be positive
    ("-170,-80,170,80", "at most 40° each way"),  # neighbour: world-sized, inside bounds
    ("41.02,34.36,40.62,34.78", "west edge 41.02 is not west"),   # as found: inverted
    ("40.62,34.78,41.02,34.36", "south edge 34.78 is not south"),  # neighbour
    ("40.62,34.36,40.6201,34.78", "under 0.001°"),
    ("nan,34.36,41.02,34.78", "finite"),
    ("40.62,34.36,41.02", "W,S,E,N"),
])
def test_bad_bbox_is_explained(map_store, tmp_path, bbox, words):
    for command in (["map", "--on", "2019-01-15", "--out", tmp_path / "m.png"],
                    ["animate", "--from", "2019-01-10", "--to", "2019-01-20",
                     "--out", tmp_path / "a.gif"]):
        res = run(*command, f"--bbox={bbox}", "--store", map_store)
        assert res.exit_code == 1, res.output
        assert words in res.output
        assert not isinstance(res.exception, ValueError)
    assert list(tmp_path.iterdir()) == []


def test_a_country_sized_bbox_still_draws(map_store, tmp_path):
    res = run("map", "--on", "2019-01-15", "--bbox", "38.5,33.5,42.5,36.5", "--labels", "none",
              "--out", tmp_path / "syria.png", "--store", map_store)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "syria.png").stat().st_size > 1000
