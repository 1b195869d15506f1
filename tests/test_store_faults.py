"""Store faults found by the hardening campaign (issue 10): a store that cannot be written,
a damaged or truncated store, schema versions that make no sense. Each class has the case as
found and a neighbour; every refusal names the file, says what to do, never advises
deleting the store, and leaves the file as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.errors import StoreDamagedError, StoreError, StoreReadOnlyError, TrackerError
from tracker.model import ControlClaim, Evidence, Mention, Report
from tracker.store import SCHEMA_VERSION, Store

D = dt.date
HAJIN, SHAFA = "ocha:C5175", "ocha:C5183"
REPO = Path(__file__).resolve().parents[1]
NEVER_SAID = ("move it away", "delete", "remove it")


@dataclass(frozen=True)
class Extraction:
    claims: tuple[ControlClaim, ...]
    mentions: tuple[Mention, ...] = ()


def _report(n: int) -> tuple[Report, Extraction]:
    day = D(2018, 9, 1) + dt.timedelta(days=n)
    place, actor = (HAJIN, "isis") if n % 2 else (SHAFA, "sdf")
    sentence = f"Made-up line {n}: the {actor} holds the town."
    claim = ControlClaim(f"r{n}", f"r{n}.txt", place, place, actor, "held", day, "day", 0.9,
                         Evidence(0, len(sentence), sentence, "verb"))
    return Report(f"r{n}", f"made-up report {n}", f"r{n}.txt", day), Extraction((claim,))


def make_store(path: Path, n: int = 30) -> Path:
    with Store.open(path) as st:
        for k in range(n):
            st.add_report(*_report(k))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _no_bad_advice(text: str) -> None:
    low = text.lower()
    assert not any(bad in low for bad in NEVER_SAID), text
    assert "Traceback" not in text


# ------------------------------------------------------------------- read-only store


def test_read_only_store_answers_queries_and_refuses_writes_naming_the_file(tmp_path):
    path = make_store(tmp_path / "ro.db")
    before = digest(path)
    with Store.open_readonly(path) as st:
        assert st.readonly
        assert len(st.claims()) == 30
        assert st.timeline().held_by(HAJIN, D(2018, 9, 20)).actor == "isis"
        with pytest.raises(StoreReadOnlyError, match=r"ro\.db.*read-only.*chmod") as err:
            st.add_report(*_report(99))
        assert isinstance(err.value, StoreError)
        _no_bad_advice(str(err.value))
        # neighbour: corrections are refused the same way, and nothing was written
        with pytest.raises(StoreReadOnlyError, match="read-only"):
            st.add_corrections([_report(3)[1].claims[0]], "mine.csv")
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_read_only_store_keeps_geography_in_memory(tmp_path):
    path = make_store(tmp_path / "ro.db")
    with Store.open_readonly(path) as st:
        missing = st.places_without_geography()
        assert set(missing) == {HAJIN, SHAFA}
        st.set_geography({HAJIN: ("east", ("SY09",))})
        banks, admins = st.geography()
        assert banks[HAJIN] == "east"
        assert admins[HAJIN] == ("SY09",)
        assert st.places_without_geography() == [SHAFA]
    with Store.open(path) as st:  # nothing of it reached the file
        assert set(st.places_without_geography()) == {HAJIN, SHAFA}


def test_read_only_old_schema_is_refused_not_migrated(tmp_path):
    path = make_store(tmp_path / "old.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreReadOnlyError, match=r"older schema .*cannot be upgraded"):
        Store.open_readonly(path)
    assert digest(path) == before


def _unprivileged(body, warm_up_args):
    """`body()` run by a user whom file modes bind: this process, or (as root, whom they do
    not bind) a forked child that drops to the user ``nobody``. `body(*warm_up_args)` runs
    first as root on writable copies so that every lazy import is loaded before the drop.
    Returns what `body` returned (JSON-able)."""
    if os.geteuid() != 0:
        return body()
    body(*warm_up_args)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            with os.fdopen(write, "w") as fh:
                json.dump(body(), fh)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as fh:
        text = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, text
    return json.loads(text)


@pytest.fixture
def shared_tmp():
    """A folder others may read (pytest's own tmp folders are private to their owner)."""
    root = Path(tempfile.mkdtemp(prefix="tracker-ro-"))
    root.chmod(0o755)
    yield root
    for q in [root, *root.rglob("*")]:
        q.chmod(q.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR * q.is_dir())
    shutil.rmtree(root)


@pytest.mark.skipif(os.name != "posix" or not hasattr(os, "fork"), reason="file modes, fork")
@pytest.mark.parametrize("folder_mode", [0o555, 0o777])
def test_cli_queries_work_on_a_store_that_cannot_be_written(
    shared_tmp, tmp_path, monkeypatch, folder_mode
):
    """As found: a read-only store was called corrupt and its deletion advised. Neighbour:
    the file is read-only but its folder is writable."""
    cache = shared_tmp / "cache"
    cache.mkdir()
    monkeypatch.setenv("TRACKER_CACHE", str(cache))
    folder = shared_tmp / "stores"
    folder.mkdir()
    store = make_store(folder / "s.db")
    report = shared_tmp / "new.txt"
    report.write_text("published: 2018-10-01\n---\nA made-up line about nothing.\n",
                      encoding="utf-8")
    copy = shutil.copy(store, tmp_path / "warm.db")
    store.chmod(0o444)
    folder.chmod(folder_mode)
    before = digest(store)

    def body(path=store):
        held = run("who-held", HAJIN, "--on", "2018-09-20", "--store", path, "--json")
        hist = run("history", HAJIN, "--store", path)
        ing = run("ingest", report, "--store", path)
        exp = run("export", "--on", "2018-09-20", "--format", "geojson", "--store", path)
        return [held.exit_code, held.stdout, hist.exit_code, hist.output,
                ing.exit_code, ing.output, exp.exit_code, exp.stdout]

    out = _unprivileged(body, (copy,))
    held_code, held_out, hist_code, hist_out, ing_code, ing_out, exp_code, exp_out = out
    assert exp_code == 0, exp_out
    assert json.loads(exp_out)["type"] == "FeatureCollection"
    assert held_code == 0, held_out
    assert json.loads(held_out)["actor"] == "isis"
    assert hist_code == 0, hist_out
    assert "isis" in hist_out
    assert ing_code == 1
    assert "read-only" in ing_out
    assert "s.db" in ing_out
    assert "corrupt" not in ing_out
    _no_bad_advice(ing_out)
    assert digest(store) == before


# ------------------------------------------------------------------- damaged / truncated


def _wreck_page(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    size = 4096
    data[(page - 1) * size : page * size] = b"\xff" * size
    path.write_bytes(bytes(data))


def _last_table_page(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT max(rootpage) FROM sqlite_master").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("damage", ["page", "truncated"])
def test_damaged_store_is_named_damaged_and_never_written(tmp_path, damage):
    """As found: a wrecked page gave a raw sqlite3.DatabaseError in who-held / history while
    ingest kept writing into it. Neighbour: a store cut short."""
    path = make_store(tmp_path / "d.db", n=300)
    run("who-held", HAJIN, "--on", "2018-09-20", "--store", path)  # caches the timeline
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    if damage == "page":
        _wreck_page(path, _last_table_page(path))  # the cached intervals' root page
    else:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 3 // 4 // 4096 * 4096])
    before = digest(path)
    for args in (("who-held", HAJIN, "--on", "2018-09-20"), ("history", HAJIN)):
        res = run(*args, "--store", path)
        assert res.exit_code == 1, res.output
        assert "damaged" in res.output
        assert "d.db" in res.output
        assert not isinstance(res.exception, sqlite3.Error)
        _no_bad_advice(res.output)
    report = tmp_path / "new.txt"
    report.write_text("published: 2018-10-01\n---\nA made-up line about nothing.\n",
                      encoding="utf-8")
    res = run("ingest", report, "--store", path)
    assert res.exit_code == 1
    assert "damaged" in res.output
    _no_bad_advice(res.output)
    assert digest(path) == before


def test_damage_found_by_quick_check_refuses_writes_before_anything_is_written(tmp_path):
    path = make_store(tmp_path / "d.db", n=300)
    _wreck_page(path, _last_table_page(path) + 3)  # a data page no query here reads first
    before = digest(path)
    with pytest.raises(StoreDamagedError, match=r"d\.db.*damaged.*quick_check"):
        Store.open(path)
    assert digest(path) == before


# ------------------------------------------------------------------- schema versions


@pytest.mark.parametrize("version", [-7, -1])
def test_negative_schema_version_is_a_clear_refusal(tmp_path, version):
    path = make_store(tmp_path / "v.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    before = digest(path)
    for write in (True, False):
        with pytest.raises(StoreError, match=rf"v\.db.*unknown schema version {version}") as e:
            Store.open(path, write=write)
        assert not isinstance(e.value, IndexError)
        _no_bad_advice(str(e.value))
    assert digest(path) == before


def test_store_with_tables_but_no_version_is_refused(tmp_path):
    path = make_store(tmp_path / "v.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="unknown schema version 0"):
        Store.open(path)


@pytest.mark.parametrize("content", [b"not a database at all\n" * 50, b"\x00" * 5000])
def test_a_file_that_is_not_sqlite_is_left_alone(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(TrackerError, match=r"notes\.db") as err:
        Store.open(path)
    _no_bad_advice(str(err.value))
    assert path.read_bytes() == content
