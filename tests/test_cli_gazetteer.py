"""`tracker resolve` and `tracker gazetteer import|info|search` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _json(result) -> object:
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return json.loads(result.stdout)


def test_resolve_json_contract(runner: CliRunner) -> None:
    res = runner.invoke(main, ["resolve", "هجين", "Abu Kamal", "جديدة", "qwxzkjv", "--json"])
    doc = _json(res)
    assert isinstance(doc, list)
    assert len(doc) == 4
    for item in doc:
        assert set(item) == {"query", "status", "place", "candidates", "score"}
    hajin, abu_kamal, jdideh, junk = doc
    assert hajin["status"] == "resolved"
    assert hajin["place"]["id"] == "ocha:C5175"
    assert set(hajin["place"]) >= {"id", "name_ar", "name_en", "lat", "lon", "kind", "admin1",
                                   "admin2", "admin3"}
    assert abs(hajin["place"]["lat"] - 34.6869) < 1e-4
    assert abu_kamal["place"]["id"] == "ocha:C5167"
    assert jdideh["status"] == "ambiguous"
    assert jdideh["place"] is None
    assert len(jdideh["candidates"]) >= 2
    assert all("score" in c and "id" in c for c in jdideh["candidates"])
    assert junk["status"] == "unresolved"
    assert junk["place"] is None


def test_resolve_in_admin_decides(runner: CliRunner) -> None:
    doc = _json(runner.invoke(main, ["resolve", "جديدة", "--in", "ريف حماة", "--json"]))
    # two Jdideh in Hama governorate: still ambiguous, both Hama ones first
    assert doc[0]["status"] == "ambiguous"
    assert doc[0]["candidates"][0]["admin1"] == "Hama"
    doc = _json(runner.invoke(main, ["resolve", "جديدة", "--in", "SY050303", "--json"]))
    assert doc[0]["status"] == "resolved"
    assert doc[0]["place"]["id"] == "ocha:C3294"
    doc = _json(runner.invoke(main, ["resolve", "سروج", "--in", "Hama", "--json"]))
    assert doc[0]["place"]["id"] == "ocha:C3102"


def test_resolve_in_a_place_uses_it_as_near(runner: CliRunner) -> None:
    doc = _json(runner.invoke(main, ["resolve", "جديدة", "--in", "أبو مرو", "--json"]))
    assert doc[0]["status"] == "resolved"
    assert doc[0]["place"]["id"] == "ocha:C3294"


def test_resolve_in_unknown_fails_clearly(runner: CliRunner) -> None:
    res = runner.invoke(main, ["resolve", "هجين", "--in", "qwxzkjv"])
    assert res.exit_code == 1
    assert "qwxzkjv" in res.stderr
    assert "gazetteer search" in res.stderr


def test_resolve_in_unknown_pcode_fails_clearly(runner: CliRunner) -> None:
    res = runner.invoke(main, ["resolve", "جديدة", "--in", "SY99"])
    assert res.exit_code != 0
    assert "SY99" in res.stderr
    assert _json(runner.invoke(main, ["resolve", "جديدة", "--in", "sy050303", "--json"]))[0][
        "status"] == "resolved"


def test_resolve_human_table(runner: CliRunner) -> None:
    res = runner.invoke(main, ["resolve", "هجين", "السوسة", "qwxzkjv"])
    assert res.exit_code == 0
    out = res.stdout
    assert "query" in out.splitlines()[0]
    assert "status" in out.splitlines()[0]
    assert "ocha:C5175" in out
    assert "resolved" in out
    assert "unresolved" in out
    assert "bundled national gazetteer" in res.stderr


@pytest.mark.parametrize("args", [[""], ["هجين", "  "]])
def test_resolve_empty_name_exits_1(runner: CliRunner, args: list[str]) -> None:
    res = runner.invoke(main, ["resolve", *args])
    assert res.exit_code == 1
    assert "empty place name" in res.stderr


def test_resolve_long_and_junk_names_exit_0(runner: CliRunner) -> None:
    doc = _json(runner.invoke(main, ["resolve", "x" * 10_000, "؟؟؟", "--json"]))
    assert [d["status"] for d in doc] == ["unresolved", "unresolved"]


def test_resolve_table_cuts_a_long_query(runner: CliRunner) -> None:
    res = runner.invoke(main, ["resolve", "x" * 10_000, "هجين"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) < 300  # the table stays readable
    assert any(line.startswith("x" * 59 + "…") for line in lines)
    assert any("ocha:C5175" in line for line in lines)


def test_resolve_needs_a_name(runner: CliRunner) -> None:
    assert runner.invoke(main, ["resolve"]).exit_code == 2


def test_info_bundled(runner: CliRunner) -> None:
    doc = _json(runner.invoke(main, ["gazetteer", "info", "--json"]))
    assert doc["active"].startswith("bundled national gazetteer")
    assert doc["national"] is None
    assert doc["by_source"]["ocha"] > 500
    assert doc["by_source"]["adm"] > 14
    assert doc["by_kind"]["governorate"] == 14
    assert doc["by_governorate"]["Deir-ez-Zor"] > 100
    assert doc["by_governorate"]["Hama"] > 100
    human = runner.invoke(main, ["gazetteer", "info"])
    assert human.exit_code == 0
    assert "by kind" in human.stdout
    assert "tracker gazetteer import" in human.stdout


def test_search(runner: CliRunner) -> None:
    doc = _json(runner.invoke(main, ["gazetteer", "search", "باغوز", "--limit", "5", "--json"]))
    ids = [c["id"] for c in doc]
    assert "ocha:C6795" in ids
    assert "ocha:C5184" in ids
    assert len(ids) <= 5
    human = runner.invoke(main, ["gazetteer", "search", "Baghouz"])
    assert human.exit_code == 0
    assert "ocha:C6795" in human.stdout
    none = runner.invoke(main, ["gazetteer", "search", "qwxzkjvqq"])
    assert none.exit_code == 0
    assert "nothing matches" in none.stdout
    assert runner.invoke(main, ["gazetteer", "search", " "]).exit_code == 1


def test_import_bad_file_exits_1_and_writes_nothing(runner: CliRunner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE", str(cache))
    bad = tmp_path / "places.csv"
    bad.write_text("this,is,not\na,gazetteer,file\n", encoding="utf-8")
    res = runner.invoke(main, ["gazetteer", "import", str(bad)])
    assert res.exit_code == 1
    assert "places.csv" in res.stderr
    assert not (cache / "gazetteer.sqlite").exists()
    missing = runner.invoke(main, ["gazetteer", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1
    assert "nope.csv" in missing.stderr


@pytest.mark.shared
def test_import_then_national_index_is_active(runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              shared_data_dir: Path) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE", str(cache))
    ocha = shared_data_dir / "ocha_cod_ps" / "syr_ocha_locations_communities.csv"
    adm = [str(shared_data_dir / "ocha_cod_ab" / f"syr_adm{i}_ocha_20201217.geojson")
           for i in (1, 3)]
    res = runner.invoke(main, ["gazetteer", "import", str(ocha), *adm, "--json"])
    doc = _json(res)
    assert doc["total"] > 7000
    assert "read 7693 places" in res.stderr  # progress on stderr
    info = _json(runner.invoke(main, ["gazetteer", "info", "--json"]))
    assert info["active"].startswith("national index")
    assert info["national"]["total"] == doc["total"]
    # now رأس العين has namesakes all over the country
    out = _json(runner.invoke(main, ["resolve", "رأس العين", "--json"]))
    assert out[0]["status"] == "ambiguous"
    out = _json(runner.invoke(main, ["resolve", "رأس العين", "--in", "الحسكة", "--json"]))
    assert out[0]["status"] == "resolved"
    assert out[0]["place"]["id"] == "ocha:C4988"
    out = _json(runner.invoke(main, ["resolve", "رأس العين", "--in", "SY0804", "--json"]))
    assert out[0]["status"] == "resolved"
    assert out[0]["place"]["id"] == "ocha:C4988"
    # the bundled landmarks join the imported index, placed in its admin units
    out = _json(runner.invoke(main, ["resolve", "سد الفرات", "--json"]))
    assert out[0]["status"] == "resolved"
    assert out[0]["place"]["id"] == "landmark:tabqa_dam"
    assert out[0]["place"]["admin1"] == "Ar-Raqqa"


#: Towns of every governorate, as a report writes them (Arabic and English), with the
#: governorate they lie in (OCHA English names). No import, no ../shared: the bundled
#: national gazetteer alone.
EVERY_GOVERNORATE = [
    ("دمشق", "Damascus"), ("دوما", "Rural Damascus"), ("منبج", "Aleppo"), ("تدمر", "Homs"),
    ("السلمية", "Hama"), ("معرة النعمان", "Idleb"), ("جبلة", "Lattakia"), ("بانياس", "Tartous"),
    ("الطبقة", "Ar-Raqqa"), ("الميادين", "Deir-ez-Zor"), ("القامشلي", "Al-Hasakeh"),
    ("بصرى الشام", "Dar'a"), ("شهبا", "As-Sweida"), ("خان أرنبة", "Quneitra"),
    ("Douma", "Rural Damascus"), ("Qamishli", "Al-Hasakeh"), ("Banias", "Tartous"),
    ("Maarat al-Numan", "Idleb"), ("Shahba", "As-Sweida"), ("Tabqa", "Ar-Raqqa"),
    ("Afrin", "Aleppo"), ("al-Bab", "Aleppo"), ("Palmyra", "Homs"), ("Deraa", "Dar'a"),
]


def test_resolve_places_of_every_governorate_out_of_the_box(runner: CliRunner) -> None:
    doc = _json(runner.invoke(main, ["resolve", *(n for n, _ in EVERY_GOVERNORATE), "--json"]))
    got = {item["query"]: item for item in doc}
    for name, governorate in EVERY_GOVERNORATE:
        item = got[name]
        assert item["status"] == "resolved", (name, item["candidates"][:3])
        assert item["place"]["admin1"] == governorate, (name, item["place"])
        assert item["place"]["kind"] == "community", (name, item["place"])
    assert {g for _, g in EVERY_GOVERNORATE} == {
        "Damascus", "Rural Damascus", "Aleppo", "Homs", "Hama", "Idleb", "Lattakia", "Tartous",
        "Ar-Raqqa", "Deir-ez-Zor", "Al-Hasakeh", "Dar'a", "As-Sweida", "Quneitra"}


@pytest.mark.parametrize(("query", "pcode"), [
    ("منطقة عفرين", "SY0203"), ("ناحية عفرين", "SY020300"), ("Afrin district", "SY0203"),
    ("محافظة حلب", "SY02"), ("ريف منبج", "SY0205"), ("Idlib province", "SY07")])
def test_resolve_a_named_unit_is_the_unit(runner: CliRunner, query: str, pcode: str) -> None:
    (item,) = _json(runner.invoke(main, ["resolve", query, "--json"]))  # type: ignore[misc]
    assert item["status"] == "resolved"
    assert item["place"]["id"] == f"adm:{pcode}"
