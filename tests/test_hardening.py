"""Hardening classes of issue 10 that had no test of their own: a date in a future clause,
inputs that are not regular files, unreadable inputs, and outputs that fail half-way.
Each has the case as found and a neighbour. Texts are our own."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli_faults import BOX
from test_cli_faults import map_store as drawn_store  # noqa: F401  (a fixture)

from tracker._io import atomic_path
from tracker.actors import ActorLexicon
from tracker.cli import main
from tracker.dates import find_dates
from tracker.extract import extract
from tracker.gazetteer_io import load_gazetteer
from tracker.model import Report
from tracker.reports import read_reports, report_id
from tracker.settings import Settings

PUBLISHED = dt.date(2018, 12, 14)  # a Friday


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory):
    return load_gazetteer(Settings(cache_dir=tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def lex():
    return ActorLexicon.load()


def _claims(text: str, gaz, lex) -> set[tuple[str, str, dt.date | None]]:
    report = Report(report_id(text), text, "t.txt", published=PUBLISHED)
    return {(c.place_id or c.place_text, c.status, c.date)
            for c in extract(report, gaz, lex).claims}


# ------------------------------------------------------------- a date in a future clause

HAJIN, BAGHOUZ, MAYADIN = "ocha:C5175", "ocha:C5184", "ocha:C5192"


@pytest.mark.parametrize("text", [
    # as found (in our words): the capture is dated by its own "yesterday"
    "سيطرت قوات سوريا الديمقراطية أمس على بلدة هجين، وستدخل بلدة الباغوز فوقاني الأسبوع "
    "المقبل بحسب قائد ميداني.",
    "The SDF took the town of Hajin on Thursday and says it will storm Baghouz Fawqani "
    "next week.",
])
def test_a_future_clause_does_not_date_the_past_claim(gaz, lex, text):
    got = _claims(text, gaz, lex)
    assert (HAJIN, "captured", dt.date(2018, 12, 13)) in got
    assert not [c for c in got if c[0] == BAGHOUZ]  # the plan is no claim


@pytest.mark.parametrize("text", [
    # neighbour: the future clause carries a day and month without a year, a few days after
    # the publication; the capture, with no date of its own, is of the day of the report
    "سيطرت قوات سوريا الديمقراطية على بلدة هجين، وستدخل بلدة الباغوز فوقاني يوم 20 كانون "
    "الأول.",
    "The SDF captured Hajin, and it will enter Baghouz Fawqani on 20 December.",
])
def test_a_day_written_without_year_just_after_the_news_is_ahead_not_a_year_back(
        gaz, lex, text):
    got = _claims(text, gaz, lex)
    hajin = [c for c in got if c[0] == HAJIN]
    assert hajin == [(HAJIN, "captured", PUBLISHED)]


def test_a_past_clause_keeps_its_own_date_beside_a_dated_plan(gaz, lex):
    text = ("Government forces captured Mayadin two days ago and plan to attack al-Quriyah "
            "on 20 December.")
    got = _claims(text, gaz, lex)
    assert (MAYADIN, "captured", dt.date(2018, 12, 12)) in got


@pytest.mark.parametrize(("text", "date"), [
    ("يوم 20 كانون الأول", dt.date(2018, 12, 20)),  # six days ahead: a plan, this year
    ("on 3 January", dt.date(2019, 1, 3)),  # across the new year, still ahead
    ("يوم 10 كانون الأول", dt.date(2018, 12, 10)),  # before the news: this year
    ("on 28 December", dt.date(2017, 12, 28)),  # two weeks past a month ahead: last year
])
def test_year_of_a_day_and_month_written_without_one(text, date):
    published = PUBLISHED if "3 January" not in text else dt.date(2018, 12, 31)
    if "28 December" in text:
        published = dt.date(2018, 11, 20)
    (m,) = [d for d in find_dates(text, published) if d.date is not None]
    assert m.date == date


# ------------------------------------------------- inputs that are not regular files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_a_pipe_among_the_inputs_is_named_and_skipped_never_waited_on(tmp_path, command):
    """As found: a named pipe was called "empty" (and opening one would wait for a writer
    for ever). Neighbour: the same pipe inside a folder read recursively."""
    good = tmp_path / "good.txt"
    good.write_text("published: 2018-12-14\n---\nA made-up line about the weather.\n",
                    encoding="utf-8")
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "inner.jsonl")
    extra = ["--store", tmp_path / "s.db"] if command == "ingest" else []
    res = run(command, pipe, good, folder, *extra)
    assert res.exit_code == 3, res.output
    for name in ("pipe.txt", "inner.jsonl"):
        line = next(ln for ln in res.stderr.splitlines() if name in ln)
        assert "not a regular file" in line
        assert "empty" not in line


def test_reader_names_a_pipe_as_a_problem(tmp_path):
    pipe = tmp_path / "p.html"
    os.mkfifo(pipe)
    (problem,) = list(read_reports([pipe]))
    assert problem.path == str(pipe)
    assert "not a regular file" in problem.message


def _as_nobody(fn):
    """`fn()` in a forked child that is the user nobody when this process is root (file
    modes do not bind root); its exit code is returned."""
    if os.geteuid() != 0:
        return fn()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 99
        try:
            os.setgid(65534)
            os.setuid(65534)
            code = fn()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(os.name != "posix" or not hasattr(os, "fork"), reason="file modes")
def test_an_unreadable_input_is_named_and_the_rest_is_read():
    """Neighbour of the bad-path class: a file whose mode forbids reading it."""
    root = Path(tempfile.mkdtemp(prefix="tracker-unreadable-"))
    try:
        root.chmod(0o777)
        good = root / "good.txt"
        good.write_text("published: 2018-12-14\n---\nA made-up line about the weather.\n",
                        encoding="utf-8")
        secret = root / "secret.txt"
        secret.write_text("published: 2018-12-14\n---\nAnother made-up line.\n",
                          encoding="utf-8")
        for p in (good, secret):
            p.chmod(0o644)
        secret.chmod(0)
        out = root / "out.txt"

        def body() -> int:
            items = list(read_reports([secret, good]))
            names = [(type(x).__name__, Path(getattr(x, "source_file", "") or
                                             getattr(x, "path", "")).name,
                      getattr(x, "message", "")) for x in items]
            out.write_text(repr(names), encoding="utf-8")
            return 0

        assert _as_nobody(body) == 0
        got = out.read_text(encoding="utf-8")
        assert "('Report', 'good.txt'" in got
        assert "secret.txt" in got
        assert "Permission denied" in got
    finally:
        for q in [root, *root.rglob("*")]:
            q.chmod(q.stat().st_mode | stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR * q.is_dir())
        shutil.rmtree(root)


# ------------------------------------------------------- outputs that fail half-way


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "map.png"
    target.write_bytes(b"the analyst's own map")
    def write_half() -> None:
        with atomic_path(target, overwrite=True) as tmp:
            tmp.write_bytes(b"half a pn")
            msg = "disk full, say"
            raise RuntimeError(msg)

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_bytes() == b"the analyst's own map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


def test_a_new_output_that_fails_half_way_is_absent(tmp_path):
    target = tmp_path / "new.gif"
    def write_half() -> None:
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"GIF89a and then")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_half()
    assert list(tmp_path.iterdir()) == []


def test_a_map_that_fails_half_way_keeps_the_old_map(drawn_store, tmp_path, monkeypatch):  # noqa: F811
    """As found, outputs were written in place; neighbour of the overwrite test: with
    --overwrite, a render that dies half-way (a full disk) keeps the old file whole."""
    import errno

    from matplotlib.figure import Figure

    target = tmp_path / "m.png"
    target.write_bytes(b"the analyst's own map")

    def broken(self, fname, *args, **kwargs):
        Path(fname).write_bytes(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken)
    res = run("map", "--on", "2019-01-15", "--bbox", BOX, "--out", target, "--overwrite",
              "--store", drawn_store)
    assert res.exit_code == 1, res.output
    assert "No space left on device" in res.output
    assert "m.png" in res.output
    assert target.read_bytes() == b"the analyst's own map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.png"]


# ------------------------------------------- an export with nothing to draw says why


@pytest.mark.parametrize(("body", "words"), [
    # as found: a store whose one claim only names a weekday was called empty
    ("سيطرت قوات سوريا الديمقراطية على بلدة هجين اليوم الأحد.", "1 undated"),
    # neighbour: a dated claim about a village no gazetteer knows
    ("published: 2018-12-14\n---\nسيطرت قوات سوريا الديمقراطية على قرية زربخانة الفوقا.",
     "0 undated"),
])
@pytest.mark.parametrize("fmt", ["html", "geojson"])
def test_an_export_of_claims_that_draw_nothing_says_why(tmp_path, body, words, fmt):
    report = tmp_path / "r.txt"
    report.write_text(body + "\n", encoding="utf-8")
    store = tmp_path / "s.db"
    assert run("ingest", report, "--store", store).exit_code == 0
    args = ["--out", tmp_path / "m.html"] if fmt == "html" else ["--on", "2018-12-20"]
    res = run("export", "--format", fmt, *args, "--store", store)
    assert res.exit_code == 1, res.output
    assert "holds 1 control claim(s)" in res.output
    assert words in res.output
    assert "tracker history PLACE" in res.output
    assert "holds no control claims" not in res.output
    assert not (tmp_path / "m.html").exists()
