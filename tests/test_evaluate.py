"""The scorer of `tracker evaluate` (rules of ../shared/corpus/README.md) and the accuracy
floors on the shared corpus.

Unit tests build tiny truth tables in our own words; the corpus tests read
../shared/corpus and skip when it is absent.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.errors import InputError
from tracker.evaluate import (
    Truth,
    TruthPlace,
    TruthRow,
    combine,
    corpus_folders,
    load_truth,
    name_key,
    score_folder,
)
from tracker.model import ControlClaim, Evidence

D = dt.date
SHARED = Path(os.environ.get("TRACKER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus"


def row(place_en: str, place_ar: str, before: str, after: str, status: str,
        date: D | None = None, precision: str = "day", notes: str = "", report: str = "r1.txt",
        line: int = 2) -> TruthRow:
    return TruthRow(report, place_en, place_ar, before, after, status, date,
                    precision if date else "unknown", "quote", notes, line)


def claim(text: str, actor: str, status: str, date: D | None = None, *, pid: str | None = None,
          lat: float | None = None, lon: float | None = None, besieger: str | None = None,
          name_ar: str = "") -> ControlClaim:
    return ControlClaim("rid", "r1.txt", text, pid, actor, status, date,
                        "day" if date else "unknown", 0.8, Evidence(0, 1, "s", "rule"),
                        besieger=besieger, lat=lat, lon=lon, name_ar=name_ar)


def truth(*rows: TruthRow, places: dict[str, TruthPlace] | None = None) -> Truth:
    return Truth(Path("f"), tuple(rows), places or {})


@pytest.mark.parametrize(("a", "b"), [
    ("al-Mayadin", "Mayadin"), ("الميادين", "ميادين"), ("مَسْكَنة", "مسكنه"),
    ("Tal  al-Shurta", "tal shurta"), ("إدلب", "ادلب"), ("حمى", "حمي")])
def test_names_are_normalised_as_the_readme_says(a, b):
    assert name_key(a) == name_key(b)


def test_recall_precision_and_dates():
    t = truth(row("Examplia", "المثال", "isis", "sdf", "captured", D(2018, 1, 10)),
              row("Testville", "الاختبار", "isis", "sdf", "captured", D(2018, 1, 10)))
    got = {"r1.txt": [claim("المثال", "sdf", "captured", D(2018, 1, 11)),  # within ±2 days
                      claim("Testville", "sdf", "captured", D(2018, 1, 20)),  # date off
                      claim("Nowhere", "sdf", "captured", D(2018, 1, 10))]}  # not in truth
    s = score_folder("f", t, got)
    assert (s.rows, s.found, s.claims, s.correct) == (2, 1, 3, 1)
    assert (s.dated_pairs, s.dates_ok) == (2, 1)
    assert [m.place_en for m in s.misses] == ["Testville"]
    assert {v.claim.place_text for v in s.false_claims} == {"Testville", "Nowhere"}


def test_held_and_captured_match_each_other_and_lost_matches_the_winner():
    t = truth(row("Examplia", "", "isis", "sdf", "held"),
              row("Testville", "", "isis", "sdf", "lost"))
    s = score_folder("f", t, {"r1.txt": [claim("Examplia", "sdf", "captured"),
                                         claim("Testville", "isis", "lost")]})
    assert s.found == 2
    s = score_folder("f", t, {"r1.txt": [claim("Testville", "sdf", "captured")]})
    assert s.found == 1  # a lost row also matches its actor_after's capture


def test_turkey_and_sna_stand_for_each_other_but_not_for_others():
    t = truth(row("Examplia", "", "sdf", "sna", "captured"))
    assert score_folder("f", t, {"r1.txt": [claim("Examplia", "turkey", "captured")]}).found == 1
    assert score_folder("f", t, {"r1.txt": [claim("Examplia", "government",
                                                  "captured")]}).found == 0


@pytest.mark.parametrize(("r", "ok", "bad"), [
    # holder in both columns, besieger in the notes
    (row("Examplia", "", "isis", "isis", "besieged", notes="besieged by: sdf"),
     claim("Examplia", "isis", "besieged", besieger="sdf"),
     claim("Examplia", "isis", "besieged", besieger="government")),
    # holder before, besieger after
    (row("Examplia", "", "isis", "sdf", "besieged"),
     claim("Examplia", "isis", "besieged", besieger="sdf"),
     claim("Examplia", "sdf", "besieged")),
])
def test_both_siege_conventions(r, ok, bad):
    assert score_folder("f", truth(r), {"r1.txt": [ok]}).found == 1
    assert score_folder("f", truth(r), {"r1.txt": [bad]}).found == 0


def test_same_place_by_id_or_distance():
    places = {"Examplia": TruthPlace("Examplia", "المثال", 35.0, 38.0,
                                     frozenset({"ocha:C1"}))}
    t = truth(row("Examplia", "المثال", "isis", "sdf", "captured"), places=places)
    by_id = claim("Other spelling", "sdf", "captured", pid="ocha:C1")
    near = claim("Another", "sdf", "captured", pid="geonames:9", lat=35.01, lon=38.01)
    far = claim("Another", "sdf", "captured", pid="geonames:9", lat=35.2, lon=38.2)
    assert score_folder("f", t, {"r1.txt": [by_id]}).found == 1
    assert score_folder("f", t, {"r1.txt": [near]}).found == 1
    assert score_folder("f", t, {"r1.txt": [far]}).found == 0
    links = score_folder("f", t, {"r1.txt": [claim("x", "sdf", "captured", pid="wof:5")]},
                         ids_of=lambda pid: ("ocha:C1",) if pid == "wof:5" else ())
    assert links.found == 1


def test_each_row_is_matched_once_but_a_repeated_claim_is_not_false():
    t = truth(row("Examplia", "", "isis", "sdf", "captured"))
    s = score_folder("f", t, {"r1.txt": [claim("Examplia", "sdf", "captured"),
                                         claim("Examplia", "sdf", "held")]})
    assert (s.found, s.correct) == (1, 2)


def test_combine_sums_folders():
    t = truth(row("Examplia", "", "isis", "sdf", "captured"))
    a = score_folder("a", t, {"r1.txt": [claim("Examplia", "sdf", "captured")]})
    b = score_folder("b", t, {})
    total = combine([a, b])
    assert (total.rows, total.found, total.claims) == (2, 1, 1)
    assert total.recall == 0.5


HEADER = ("report,place_en,place_ar,actor_before,actor_after,status,date,date_precision,quote,"
          "notes\n")


def _folder(tmp_path: Path, events: str) -> Path:
    (tmp_path / "truth").mkdir(parents=True)
    (tmp_path / "reports").mkdir(parents=True)
    (tmp_path / "truth" / "control_events.csv").write_text(HEADER + events, encoding="utf-8")
    return tmp_path


def test_bad_truth_rows_name_file_and_line(tmp_path):
    folder = _folder(tmp_path, "r1.txt,A,,isis,sdf,taken,,unknown,q,\n")
    with pytest.raises(InputError, match=r"control_events.csv:2: status 'taken'"):
        load_truth(folder)


def test_a_bad_date_names_its_line(tmp_path):
    folder = _folder(tmp_path, "r1.txt,A,,isis,sdf,captured,2018-02-30,day,q,\n")
    with pytest.raises(InputError, match=r":2: date '2018-02-30' is not YYYY-MM-DD"):
        load_truth(folder)


def test_corpus_folders_expand_a_parent_and_note_files(tmp_path):
    _folder(tmp_path / "a", "")
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    folders, notes = corpus_folders([tmp_path, tmp_path / "README.md"])
    assert folders == [tmp_path / "a"]
    assert notes
    assert "README.md" in notes[0]
    with pytest.raises(InputError, match="not a corpus folder"):
        corpus_folders([tmp_path / "missing"])


def test_evaluate_cli_on_a_folder_of_our_own(tmp_path):
    folder = _folder(tmp_path / "own", (
        "r1.txt,Hajin,هجين,isis,sdf,captured,2018-12-14,day,q,\n"
        "r1.txt,Testville,الاختبار,isis,sdf,captured,,unknown,q,\n"))
    (folder / "reports" / "r1.txt").write_text(
        "published: 2018-12-15\n---\nسيطرت قوات سوريا الديمقراطية أمس على بلدة هجين.\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    (f,) = doc["folders"]
    assert (f["truth_rows"], f["found"], f["claims"], f["correct"]) == (2, 1, 1, 1)
    assert [m["place_en"] for m in f["misses"]] == ["Testville"]
    text = CliRunner().invoke(main, ["evaluate", str(folder)])
    assert "MISS" in text.output
    assert "Testville" in text.output


# ----------------------------------------------------------------------------- the real corpus

#: (recall, precision) reached on each folder of ../shared/corpus with the bundled gazetteer
#: (`make eval`); a test fails when either falls more than FLOOR_POINTS below.
REACHED = {"aleppo_palmyra": (0.668, 0.785), "raqqa_afrin": (0.578, 0.801),
           "south_albab": (0.698, 0.789)}
FLOOR_POINTS = 0.05


@pytest.fixture(scope="module")
def corpus_scores():
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    from tracker._cli_reports import load_resources
    from tracker.evaluate import evaluate_folder

    gazetteer, lexicon = load_resources()
    return {f.name: evaluate_folder(f, gazetteer, lexicon) for f in corpus_folders([CORPUS])[0]}


@pytest.mark.parametrize("folder", sorted(REACHED))
def test_corpus_accuracy_floor(corpus_scores, folder):
    score = corpus_scores[folder]
    recall, precision = REACHED[folder]
    assert score.recall >= recall - FLOOR_POINTS, (folder, score.recall)
    assert score.precision >= precision - FLOOR_POINTS, (folder, score.precision)


def test_corpus_dates_of_matched_claims(corpus_scores):
    total = combine(list(corpus_scores.values()))
    assert total.date_accuracy >= 0.88
