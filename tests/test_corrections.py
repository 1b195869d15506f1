"""Analyst corrections: CSV rows -> correction claims, admin expansion, all-or-nothing errors."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.actors import ActorLexicon
from tracker.corrections import corrections_from_text, load_corrections
from tracker.errors import InputError, TrackerError
from tracker.gazetteer import Gazetteer
from tracker.model import Place
from tracker.store import Store
from tracker.timeline import Timeline

HAJIN_SD = ("SY09", "SY0902", "SY090201")
SUSAT_SD = ("SY09", "SY0902", "SY090202")


def place(pid, ar, en, lat, lon, codes, kind="community"):
    return Place(pid, ar, en, lat, lon, kind=kind, admin1="Deir-ez-Zor", admin2="Abu Kamal",
                 admin3=en, admin_pcodes=codes)


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer([
        place("adm:SY09", "دير الزور", "Deir-ez-Zor", 35.2, 40.3, ("SY09", "", ""),
              kind="governorate"),
        place("adm:SY090201", "هجين", "Hajin", 34.85, 40.97, HAJIN_SD, kind="subdistrict"),
        place("adm:SY090202", "سوسة", "Susat", 34.55, 40.95, SUSAT_SD, kind="subdistrict"),
        place("ocha:C5175", "هجين", "Hajin", 34.69, 40.84, HAJIN_SD),
        place("ocha:C5172", "كشمة", "Kishmah", 34.66, 40.86, HAJIN_SD),
        place("ocha:C5183", "الشعفة", "Shafa", 34.62, 40.88, SUSAT_SD),
        place("ocha:C5186", "السوسة", "Sosa", 34.57, 40.91, SUSAT_SD),
        place("ocha:C9001", "الحسينية", "Husseiniyeh", 35.3, 40.1, ("SY09", "SY0901", "SY090100")),
        place("ocha:C9002", "الحسينية", "Husseiniyeh", 36.1, 38.2, ("SY02", "SY0201", "SY020100")),
    ])


@pytest.fixture(scope="module")
def lex():
    return ActorLexicon.load()


def load(text, gaz, lex):
    return corrections_from_text(text, gaz, lex, source="fix.csv")


def test_rows_become_correction_claims_with_the_note_as_evidence(gaz, lex):
    got = load("place,actor,status,date,note\n"
               "ocha:C5175,ISIS,held,2018-09-10,baseline from the analyst\n"
               "الشعفة,قسد,captured,2019-01-02,\n", gaz, lex)
    first, second = got.claims
    assert (first.place_id, first.actor, first.status, first.date) == (
        "ocha:C5175", "isis", "held", dt.date(2018, 9, 10))
    assert first.evidence.rule == "correction"
    assert first.confidence == 1.0
    assert first.evidence.sentence == "baseline from the analyst"
    assert (second.place_id, second.actor) == ("ocha:C5183", "sdf")
    assert second.evidence.sentence == "analyst correction (fix.csv:3)"
    assert second.lat == pytest.approx(34.62)
    assert second.name_en == "Shafa"
    assert got.lines == (2, 3)
    assert got.rows == 2


@pytest.mark.parametrize("cell", ["adm:SY090201", "SY090201", "ناحية هجين", "Hajin sub-district"])
def test_an_admin_unit_expands_to_every_place_inside_it(gaz, lex, cell):
    got = load(f"place,actor,status,date,note\n{cell},isis,held,2018-09-10,baseline\n", gaz, lex)
    assert sorted(c.place_id for c in got.claims) == ["ocha:C5172", "ocha:C5175"]
    assert got.lines == (2, 2)


def test_in_column_disambiguates_and_comments_are_skipped(gaz, lex):
    text = ("# analyst: me\nplace,actor,status,date,note,in\n"
            "الحسينية,government,captured,2017-10-20,retaken,دير الزور\n")
    (c,) = load(text, gaz, lex).claims
    assert c.place_id == "ocha:C9001"


def test_bad_rows_are_all_reported_and_nothing_is_loaded(gaz, lex):
    text = ("place,actor,status,date,note\n"
            "ocha:C5175,isis,held,2018-09-10,ok\n"
            "ocha:C5175,daeshh,held,2018-09-10,typo in actor\n"
            "Xyzzyq,isis,held,2018-09-10,typo in place\n"
            "الحسينية,isis,held,2018-09-10,ambiguous\n"
            "ocha:C5175,isis,taken,2018-09-10,bad status\n"
            "ocha:C5175,isis,held,10/09/2018,bad date\n"
            "ocha:C0000,isis,held,2018-09-10,unknown id\n")
    with pytest.raises(InputError) as err:
        load(text, gaz, lex)
    msg = str(err.value)
    assert isinstance(err.value, TrackerError)
    assert isinstance(err.value, ValueError)
    assert err.value.path == "fix.csv"
    assert err.value.line == 3
    assert "6 bad row(s), nothing stored" in msg
    assert "fix.csv:3: Unknown actor 'daeshh'" in msg
    assert "isis, sdf, government" in msg
    assert "fix.csv:4: no place matches 'Xyzzyq'" in msg
    assert "fix.csv:5: place 'الحسينية' matches several places" in msg
    assert "ocha:C9002" in msg
    assert "fix.csv:6: status 'taken'" in msg
    assert ".." not in msg  # row messages ending in a full stop are not doubled
    assert "fix.csv:7: date '10/09/2018'" in msg
    assert "fix.csv:8: place id 'ocha:C0000' is not in the gazetteer" in msg


def test_missing_column_and_unreadable_file(gaz, lex, tmp_path):
    with pytest.raises(InputError, match=r"fix.csv:1: missing column\(s\) note"):
        load("place,actor,status,date\nocha:C5175,isis,held,2018-09-10\n", gaz, lex)
    with pytest.raises(InputError, match=r"missing\.csv"):
        load_corrections(tmp_path / "missing.csv", gaz, lex)
    bad = tmp_path / "cp1256.csv"
    bad.write_bytes("place,actor,status,date,note\nهجين,isis,held,2018-09-10,x\n".encode("cp1256"))
    with pytest.raises(InputError, match="UTF-8"):
        load_corrections(bad, gaz, lex)


def test_correction_wins_the_day_in_the_store_and_timeline(gaz, lex, tmp_path):
    path = tmp_path / "fix.csv"
    path.write_text("place,actor,status,date,note\n"
                    "ocha:C5175,sdf,held,2018-12-14,checked against imagery\n", encoding="utf-8")
    fixes = load_corrections(path, gaz, lex)
    with Store.open(tmp_path / "t.db") as store:
        assert store.add_corrections(fixes.claims, str(path), lines=fixes.lines) == 1
        stored = store.claims()
    tl = Timeline.from_claims(stored)
    h = tl.held_by("ocha:C5175", dt.date(2018, 12, 14))
    assert h.actor == "sdf"
    assert h.confidence == 1.0
    assert h.evidence[0].claim.evidence.sentence == "checked against imagery"
    assert h.evidence[0].claim.report_id == f"correction:{path}:2"


# ------------------------------------------------ strict CSV (issue 10: data can be lost)

HEADER = "place,actor,status,date,note\n"


@pytest.mark.parametrize(("rows", "line", "words"), [
    # as found: an unterminated quote swallowed the rows after it into one note
    ('ocha:C5175,isis,held,2018-09-10,"seen from the ridge\n'
     "ocha:C5183,sdf,captured,2019-01-02,taken back\n"
     "ocha:C5172,sdf,captured,2019-01-03,also taken\n", 2, "quote that is not closed"),
    # neighbour: text after a closing quote
    ('ocha:C5175,isis,held,2018-09-10,"the old" road\n', 2, "not valid CSV"),
    # too many fields: an unquoted comma in a note
    ("ocha:C5175,isis,held,2018-09-10,held, as the analyst saw it\n", 2, "has 6 field(s)"),
    # too few fields
    ("ocha:C5175,isis,held,2018-09-10\n", 2, "has 4 field(s) but the header names 5"),
    # as found: a field over the csv module's limit was a traceback
    ("ocha:C5175,isis,held,2018-09-10," + "x" * 200_000 + "\n", 2, "limit 10000"),
    # neighbour: long, but under the csv module's own limit
    ("ocha:C5175,isis,held,2018-09-10," + "y" * 20_000 + "\n", 2, "limit 10000"),
    ("ocha:C5175,isis,held,2018-09-10,a\x00b\n", 2, "NUL"),
])
def test_a_malformed_row_is_named_and_nothing_is_loaded(gaz, lex, rows, line, words):
    text = HEADER + "ocha:C5186,isis,held,2018-09-09,fine row first\n" + rows
    with pytest.raises(InputError) as err:
        load(text, gaz, lex)
    msg = str(err.value)
    assert "nothing stored" in msg
    assert f"fix.csv:{line + 1}: " in msg
    assert words in msg
    assert err.value.line == line + 1


def test_every_bad_line_of_a_broken_file_is_listed_not_only_the_first(gaz, lex):
    text = (HEADER + 'ocha:C5175,isis,held,2018-09-10,"open quote\n'
            "ocha:C5183,sdf,captured,2019-01-02,fine\n"
            "ocha:C5172,sdf,captured\n")
    with pytest.raises(InputError) as err:
        load(text, gaz, lex)
    msg = str(err.value)
    assert "2 bad row(s)" in msg
    assert "fix.csv:2: " in msg
    assert "fix.csv:4: " in msg
    assert "fix.csv:3: " not in msg


def test_quoted_commas_and_doubled_quotes_are_still_fine(gaz, lex):
    text = HEADER + 'ocha:C5175,isis,held,2018-09-10,"held, said the ""local"" council"\n'
    (c,) = load(text, gaz, lex).claims
    assert c.evidence.sentence == 'held, said the "local" council'


def test_a_broken_header_or_a_repeated_column_is_refused(gaz, lex):
    with pytest.raises(InputError, match=r"fix.csv:1: the header line has a quote"):
        load('place,actor,"status,date,note\nocha:C5175,isis,held,2018-09-10,x\n', gaz, lex)
    with pytest.raises(InputError, match=r"fix.csv:1: column\(s\) note named twice"):
        load("place,actor,status,date,note,note\nocha:C5175,isis,held,2018-09-10,x,y\n",
             gaz, lex)


def test_a_broken_file_stores_nothing_through_the_cli(tmp_path):
    from click.testing import CliRunner

    from tracker.cli import main

    fix = tmp_path / "fix.csv"
    fix.write_text(HEADER + "ocha:C5175,isis,held,2018-09-10,first\n"
                   'ocha:C5183,isis,held,2018-09-10,"second\n'
                   "ocha:C5172,isis,held,2018-09-10,third\n", encoding="utf-8")
    store = tmp_path / "s.db"
    res = CliRunner().invoke(main, ["correct", str(fix), "--store", str(store)])
    assert res.exit_code == 1
    assert "fix.csv:3" in res.output
    assert "Traceback" not in res.output
    if store.exists():
        with Store.open(store) as st:
            assert st.counts()["corrections"] == 0


# ------------------------------------------------ implausible dates (issue 10)

@pytest.mark.parametrize(("day", "words"), [
    ("0001-01-01", "before 1900-01-01"),   # as found: year 1 opened an interval in year 1
    ("1899-12-31", "before 1900-01-01"),   # neighbour: the day before the window
    ("9999-12-31", "after"),               # as found
])
def test_a_correction_dated_outside_the_window_is_a_bad_row(gaz, lex, day, words):
    with pytest.raises(InputError) as err:
        load(HEADER + f"ocha:C5175,isis,held,{day},x\n", gaz, lex)
    assert f"fix.csv:2: date {day} is {words}" in str(err.value)


def test_the_date_window_edges_and_its_settings(gaz, lex, monkeypatch):
    from tracker.reports import DateWindow

    today = dt.date(2020, 5, 1)
    window = DateWindow(today=today)
    ok = corrections_from_text(HEADER + "ocha:C5175,isis,held,1900-01-01,x\n"
                               "ocha:C5172,isis,held,2020-05-02,x\n", gaz, lex,
                               source="fix.csv", window=window)
    assert [c.date for c in ok.claims] == [dt.date(1900, 1, 1), dt.date(2020, 5, 2)]
    with pytest.raises(InputError, match="2020-05-03 is after 2020-05-02"):
        corrections_from_text(HEADER + "ocha:C5175,isis,held,2020-05-03,x\n", gaz, lex,
                              source="fix.csv", window=window)
    monkeypatch.setenv("TRACKER_EARLIEST_DATE", "1850-01-01")
    (c,) = load(HEADER + "ocha:C5175,isis,held,1860-06-01,x\n", gaz, lex).claims
    assert c.date == dt.date(1860, 6, 1)
    monkeypatch.setenv("TRACKER_EARLIEST_DATE", "long ago")
    with pytest.raises(InputError, match=r"\$TRACKER_EARLIEST_DATE='long ago' is not a date"):
        load(HEADER + "ocha:C5175,isis,held,1960-06-01,x\n", gaz, lex)
