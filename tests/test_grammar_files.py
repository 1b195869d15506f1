"""The user-extensible grammar files: $TRACKER_PHRASES, $TRACKER_WORDS and $TRACKER_ACTORS.

A broken file is one `InputError` naming the file and the line and saying what to write,
and the command line prints it without a traceback before reading any report; a good user
row takes effect. Every file here is written by the test, in our own words.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.actors import ActorLexicon
from tracker.cli import main
from tracker.errors import InputError, TrackerError
from tracker.extract import extract
from tracker.extract.grammar import load_frames
from tracker.extract.words import load_words
from tracker.gazetteer import Gazetteer
from tracker.model import Place, Report
from tracker.reports import report_id

PHRASES_HEADER = "trigger,forms,pos,status,gainer,loser,places,example,origin"
WORDS_HEADER = "word,class,lang,note"
ACTORS_HEADER = "name,actor,lang,requires,note,role,when"
GOOD_PHRASE = ("pocketed,pocketed|pocket|pockets|pocketing,verb,captured,subject/agent,from,"
               "object,The militia pocketed a hamlet.,test")
GOOD_WORD = "fantasizes,intent,en,wishful talk: not an event"
GOOD_ACTOR = "the blue brigade,opposition,en,,made-up name for a test,,"

DZ = ("SY09", "SY0902", "SY090201")
PLACES = [Place("ocha:C5175", "هجين", "Hajin", 34.687, 40.839, kind="community",
                admin_pcodes=DZ, admin1="Deir-ez-Zor"),
          Place("ocha:C5183", "الشعفة", "Shafa", 34.573, 40.940, kind="community",
                admin_pcodes=DZ, admin1="Deir-ez-Zor")]


@pytest.fixture(autouse=True)
def _no_user_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_PHRASES", raising=False)
    monkeypatch.delenv("TRACKER_WORDS", raising=False)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(PLACES)


def _write(path: Path, lines: list[str] | bytes) -> Path:
    if isinstance(lines, bytes):
        path.write_bytes(lines)
    else:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _triples(text: str, gaz: Gazetteer) -> set[tuple[str | None, str, str]]:
    report = Report(report_id(text), text, "t.txt", published=dt.date(2018, 12, 20))
    return {(c.place_id, c.actor, c.status)
            for c in extract(report, gaz, ActorLexicon.load()).claims}


def _where(path: Path, line: int) -> str:
    return re.escape(f"{path}:{line}:")


# ----------------------------------------------------------------------------- phrases

BAD_PHRASES = [
    # (rows after the header, line of the fault, what the message says)
    (["captured,captured,verb,captured"], 2, r"4 fields, expected 7 to 9"),
    ([GOOD_PHRASE, GOOD_PHRASE + ",one,too,many"], 3, r"12 fields, expected 7 to 9"),
    (["grabbed,grabbed,verb,conquered,subject,,object,x,y"], 2, r"status 'conquered'"),
    (["grabbed,grabbed,verb,captured,boss,,object,x,y"], 2, r"unknown role 'boss'"),
    (["grabbed,grabbed,verb,captured,subject,,inside,x,y"], 2, r"unknown place slot"),
    (["grabbed,grabbed,adverb,captured,subject,,object,x,y"], 2, r"pos 'adverb'"),
    (["grabbed,grabbed,verb,captured,subject,,,x,y"], 2, r"needs a places slot"),
    ([",,verb,captured,subject,,object,x,y"], 2, r"no forms"),
    (["grabbed,~ grabbed,verb,captured,subject,,object,x,y"], 2, r"must begin and end"),
    ([GOOD_PHRASE, 'grabbed,"grabbed|seized,verb,captured,subject,,object,x,y', GOOD_PHRASE],
     3, r"quote .* not closed on this line"),
    (['grabbed,"grabbed"x,verb,captured,subject,,object,x,y'], 2, r"not a CSV row"),
    (["grabbed,grabbed,verb,captured,actor:martians,,object,x,y"], 2,
     r"unknown actor id in 'actor:martians'"),
    (["grabbed,grabbed . on,verb,captured,subject,,object,x,y"], 2,
     r"the word '\.' .* not made of"),
    (["grabbed,grab.bed,verb,captured,subject,,object,x,y"], 2, r"the word 'grab.bed' .* not made"),
    # a word whose normal form a text would cut in two (a hyphen before a lone diacritic)
    (["grabbed,grab-\u064e,verb,captured,subject,,object,x,y"], 2,
     r"the word 'grab-.' .* not made"),
    (["grabbed,grabbed,verb,captured,subject,,after:.,x,y"], 2, r"preposition .* no letters"),
]


@pytest.mark.parametrize(("rows", "line", "what"), BAD_PHRASES)
def test_a_bad_phrase_row_names_its_file_and_line(tmp_path: Path, rows: list[str], line: int,
                                                  what: str) -> None:
    path = _write(tmp_path / "mine_en.csv", [PHRASES_HEADER, *rows])
    with pytest.raises(InputError, match=_where(path, line) + ".*" + what) as info:
        load_frames(path)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, TrackerError)


def test_a_phrase_file_without_its_header_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "mine_en.csv", [GOOD_PHRASE])
    with pytest.raises(InputError, match=_where(path, 1) + " the header must be"):
        load_frames(path)


def test_a_phrase_file_named_by_the_environment_says_so(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "mine_en.csv", [PHRASES_HEADER, "grabbed,grabbed,verb,won"])
    monkeypatch.setenv("TRACKER_PHRASES", str(path))
    with pytest.raises(InputError, match=_where(path, 2) + r".*\$TRACKER_PHRASES"):
        load_frames()


def test_a_phrase_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    body = (PHRASES_HEADER + "\n" + GOOD_PHRASE + "\n").encode() + "caf\u00e9,caf\u00e9".encode(
        "cp1252") + b",verb,captured,subject,,object,x,y\n"
    path = _write(tmp_path / "mine_en.csv", body)
    with pytest.raises(InputError, match=_where(path, 3) + r" byte 0xe9 at column 4 is not UTF-8"):
        load_frames(path)


def test_a_missing_phrase_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape(str(tmp_path / "gone.csv"))):
        load_frames(tmp_path / "gone.csv")


def test_a_user_phrase_takes_effect_only_with_the_file(tmp_path: Path, gaz: Gazetteer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    english = "The SDF pocketed Hajin on Monday."
    arabic = "ابتلعت قسد بلدة هجين يوم الاثنين."
    assert _triples(english, gaz) == set(), "the bundled grammar knows this verb: pick another"
    assert _triples(arabic, gaz) == set(), "the bundled grammar knows this verb: pick another"
    en = _write(tmp_path / "mine_en.csv", [PHRASES_HEADER, GOOD_PHRASE])
    ar = _write(tmp_path / "mine_ar.csv", [
        PHRASES_HEADER,
        "ابتلع,ابتلع|ابتلعت|يبتلع|تبتلع,verb,captured,subject/agent,from,object,"
        "ابتلعت الكتيبة قرية صغيرة,test"])
    monkeypatch.setenv("TRACKER_PHRASES", f"{en}{os.pathsep}{ar}")
    assert _triples(english, gaz) == {("ocha:C5175", "sdf", "captured")}
    assert _triples(arabic, gaz) == {("ocha:C5175", "sdf", "captured")}


def test_a_hyphenated_trigger_word_matches_the_words_a_text_writes(
        tmp_path: Path, gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The SDF mopped-up Hajin on Monday."
    assert _triples(text, gaz) == set(), "the bundled grammar knows this verb: pick another"
    path = _write(tmp_path / "mine_en.csv", [
        PHRASES_HEADER, "mopped-up,mopped-up|mop-up,verb,captured,subject/agent,from,object,"
        "The militia mopped-up the hamlet.,test"])
    monkeypatch.setenv("TRACKER_PHRASES", str(path))
    assert _triples(text, gaz) == {("ocha:C5175", "sdf", "captured")}


def test_a_later_phrase_file_replaces_a_bundled_frame(tmp_path: Path, gaz: Gazetteer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The SDF captured Hajin."
    assert _triples(text, gaz) == {("ocha:C5175", "sdf", "captured")}
    # the same trigger, now read as entering (contested) rather than capturing
    path = _write(tmp_path / "mine_en.csv", [
        PHRASES_HEADER, "captured,captured,verb,contested,subject/agent,,object,x,test"])
    monkeypatch.setenv("TRACKER_PHRASES", str(path))
    assert _triples(text, gaz) == {("ocha:C5175", "sdf", "contested")}


# ----------------------------------------------------------------------------- words

BAD_WORDS = [
    (["lonely"], 2, r"1 field, expected 2 to 4"),
    ([GOOD_WORD, "aims,intent,en,a note,and more"], 3, r"5 fields, expected 2 to 4"),
    (["aims,magic,en,x"], 2, r"unknown word class 'magic'"),
    ([",intent,en,x"], 2, r"needs at least a word and a class"),
    (["aims,,en,x"], 2, r"needs at least a word and a class"),
    ([GOOD_WORD, '"aims,intent,en,x', GOOD_WORD], 3, r"quote .* not closed on this line"),
]


@pytest.mark.parametrize(("rows", "line", "what"), BAD_WORDS)
def test_a_bad_word_row_names_its_file_and_line(tmp_path: Path, rows: list[str], line: int,
                                                what: str) -> None:
    path = _write(tmp_path / "words.csv", [WORDS_HEADER, *rows])
    with pytest.raises(InputError, match=_where(path, line) + ".*" + what):
        load_words([path])


def test_a_word_file_named_by_the_environment_says_so(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "words.csv", [WORDS_HEADER, "aims,magic,en,x"])
    monkeypatch.setenv("TRACKER_WORDS", str(path))
    with pytest.raises(InputError, match=_where(path, 2) + r".*\$TRACKER_WORDS"):
        load_words()


def test_a_word_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    body = (WORDS_HEADER + "\n\n").encode() + "r\u00eave,intent,en,x\n".encode("latin-1")
    path = _write(tmp_path / "words.csv", body)
    with pytest.raises(InputError, match=_where(path, 3) + " byte 0xea at column 2"):
        load_words([path])


@pytest.mark.parametrize(("text", "words"), [
    ("The SDF fantasizes about capturing Hajin.", [GOOD_WORD]),
    ("قسد تحلم بالسيطرة على بلدة هجين.", ["تحلم,intent,ar,wishful talk: not an event"]),
])
def test_a_user_word_takes_effect_only_with_the_file(tmp_path: Path, gaz: Gazetteer,
                                                     monkeypatch: pytest.MonkeyPatch, text: str,
                                                     words: list[str]) -> None:
    assert _triples(text, gaz) == {("ocha:C5175", "sdf", "captured")}, (
        "the bundled words already know this one: pick another")
    path = _write(tmp_path / "words.csv", [WORDS_HEADER, *words])
    monkeypatch.setenv("TRACKER_WORDS", str(path))
    assert _triples(text, gaz) == set()
    # a plain capture in the same file's presence is still read
    assert _triples("The SDF captured Hajin.", gaz) == {("ocha:C5175", "sdf", "captured")}


# ----------------------------------------------------------------------------- actors

BAD_ACTORS = [
    (["the blue brigade"], 2, r"no actor id"),
    (["the blue brigade,martians,en,,,,"], 2, r"unknown actor id 'martians'"),
    ([",sdf,en,,,,"], 2, r"empty name"),
    (["the blue brigade,sdf,en,,,boss,"], 2, r"unknown role 'boss'"),
    (["the blue brigade,sdf,en,,,,soon"], 2, r"bad condition 'soon'"),
    (["the blue brigade,sdf,en,,,,,,"], 2, r"9 fields where the header has 7"),
    # a quote left open must not swallow the rows after it into one name
    ([GOOD_ACTOR, '"the red brigade,sdf,en,,,,', "the green brigade,isis,en,,,,"], 3,
     r"quote .* not closed on this line"),
]


@pytest.mark.parametrize(("rows", "line", "what"), BAD_ACTORS)
def test_a_bad_actor_row_names_its_file_and_line(tmp_path: Path, rows: list[str], line: int,
                                                 what: str) -> None:
    path = _write(tmp_path / "actors.csv", [ACTORS_HEADER, *rows])
    with pytest.raises(InputError, match=_where(path, line) + ".*" + what):
        ActorLexicon.load([path])


def test_an_actor_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    body = (ACTORS_HEADER + "\n" + GOOD_ACTOR + "\n").encode() + "\u00e9lite,sdf,en,,,,\n".encode(
        "latin-1")
    path = _write(tmp_path / "actors.csv", body)
    with pytest.raises(InputError, match=_where(path, 3) + " byte 0xe9 at column 1"):
        ActorLexicon.load([path])


def test_a_user_actor_name_takes_effect(tmp_path: Path, gaz: Gazetteer,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The Blue Brigade captured Hajin."
    assert ("ocha:C5175", "opposition", "captured") not in _triples(text, gaz)
    monkeypatch.setenv("TRACKER_ACTORS", str(_write(tmp_path / "actors.csv",
                                                    [ACTORS_HEADER, GOOD_ACTOR])))
    assert _triples(text, gaz) == {("ocha:C5175", "opposition", "captured")}


# ----------------------------------------------------------------------------- command line

@pytest.fixture
def report(tmp_path: Path) -> Path:
    return _write(tmp_path / "r.txt", ["published: 2018-12-20", "---",
                                       "The SDF captured Hajin."])


@pytest.mark.parametrize(("var", "name", "lines", "line"), [
    ("TRACKER_PHRASES", "mine_en.csv", [PHRASES_HEADER, "grabbed,grabbed,verb,won"], 2),
    ("TRACKER_WORDS", "words.csv", [WORDS_HEADER, GOOD_WORD, "aims,magic,en,x"], 3),
    ("TRACKER_ACTORS", "actors.csv", [ACTORS_HEADER, '"the blue brigade,sdf,en,,,,'], 2),
])
@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_the_cli_prints_a_broken_file_without_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Path, var: str, name: str,
        lines: list[str], line: int, command: str) -> None:
    bad = _write(tmp_path / name, lines)
    monkeypatch.setenv(var, str(bad))
    store = tmp_path / "s.db"
    args = [command, str(report)] + (["--store", str(store)] if command == "ingest" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert f"{bad}:{line}:" in result.stderr
    assert f"${var}" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    # one error before any report is read, not one per report
    assert "skipped" not in result.stderr
    assert not store.exists()


def test_a_hyphenated_word_row_meets_the_hyphenated_token() -> None:
    # the doc keeps "north-east" as one token; a word row must be normalised the same way
    from tracker.extract.words import load_words

    w = load_words()
    assert w.is_a("north-east", "direction")
    assert w.is_a("sub-district", "kind")
