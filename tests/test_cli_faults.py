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
