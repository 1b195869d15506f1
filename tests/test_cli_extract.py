"""`tracker extract`: JSON contract, human output, skipped inputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import _cli_reports
from tracker.cli import main
from tracker.errors import GazetteerError

DATA = Path(__file__).parent / "data" / "reports"
KEYS = {"report", "source_file", "place_text", "place_id", "name_ar", "name_en", "lat", "lon",
        "actor", "status", "date", "date_precision", "confidence", "fraction",
        "exclusive_group", "scope", "besieger", "weekday", "evidence"}


def invoke(*args: str):
    return CliRunner().invoke(main, ["extract", *args])


def test_json_is_one_array_of_claims_with_the_contract_keys():
    path = str(DATA / "header.txt")
    result = invoke(path, "--json")
    assert result.exit_code == 0, result.output
    claims = json.loads(result.stdout)
    assert isinstance(claims, list)
    assert claims
    for c in claims:
        assert set(c) == KEYS
        assert set(c["evidence"]) == {"start", "end", "sentence", "rule"}
    (c,) = [c for c in claims if c["status"] == "captured"]
    assert (c["actor"], c["place_id"], c["date"]) == ("sdf", "ocha:C5183", "2018-10-05")
    assert c["source_file"] == path
    assert c["lat"]
    assert c["name_en"]


def test_published_option_dates_undated_reports(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("سيطرت قوات سوريا الديمقراطية على بلدة هجين.", encoding="utf-8")
    result = invoke(str(f), "--published", "2018-12-14", "--json")
    assert result.exit_code == 0
    (c,) = json.loads(result.stdout)
    assert (c["date"], c["date_precision"]) == ("2018-12-14", "day")


def test_bad_published_value_is_a_usage_error():
    result = invoke(str(DATA / "header.txt"), "--published", "14/12/2018")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_human_output_lists_claims_and_unresolved_mentions(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("published: 2018-12-20\n---\nسيطرت قسد على بلدة هجين وقرية قصرون غيمستان.\n",
                 encoding="utf-8")
    result = invoke(str(f))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for word in ("2018-12-20", "sdf", "captured", "Hajin"):
        assert word in out
    assert "unresolved mentions" in out
    assert "قصرون غيمستان" in out


def test_bad_inputs_are_named_and_the_batch_goes_on():
    files = [str(DATA / n) for n in ("empty.txt", "binary.dat", "bad_header.txt",
                                     "reports.jsonl", "header.txt", "page.html")]
    result = invoke(*files, "--json")
    assert result.exit_code == _cli_reports.EXIT_SKIPPED == 3
    claims = json.loads(result.stdout)
    sources = {c["source_file"] for c in claims}
    assert {str(DATA / "header.txt"), str(DATA / "page.html"),
            str(DATA / "reports.jsonl")} <= sources
    err = result.stderr
    for where in ("empty.txt", "binary.dat", "bad_header.txt:1", "reports.jsonl:2"):
        assert where in err
    assert "skipped" in err


def test_tracker_error_exits_1(monkeypatch):
    def broken():
        msg = "gazetteer cache is corrupt; run `tracker gazetteer import` again"
        raise GazetteerError(msg)

    monkeypatch.setattr(_cli_reports, "load_resources", broken)
    result = invoke(str(DATA / "header.txt"))
    assert result.exit_code == 1
    assert "corrupt" in result.stderr


@pytest.mark.shared
def test_seeds_through_the_cli(seeds_dir):
    seeds = sorted(str(p) for p in Path(seeds_dir).glob("*.txt"))
    result = invoke(*seeds, "--json")
    assert result.exit_code == 0, result.stderr
    claims = json.loads(result.stdout)
    assert {c["source_file"] for c in claims} == set(seeds)
    assert all(set(c) == KEYS for c in claims)


def test_json_carries_the_pocket_scope_and_besieger():
    sample = Path(__file__).parent.parent / "tracker" / "data" / "sample"
    path = sample / "2019-01-15_efm_pocket_15km.txt"
    if not path.is_file():
        pytest.skip("sample corpus not there")
    result = invoke(str(path), "--json")
    assert result.exit_code == 0, result.output
    pocket = [c for c in json.loads(result.stdout) if c["exclusive_group"]]
    assert pocket
    assert {(c["actor"], c["besieger"], c["scope"]) for c in pocket} == {
        ("isis", "sdf", "bank:east")}
    others = [c for c in json.loads(result.stdout) if not c["exclusive_group"]]
    assert all(c["besieger"] is None and c["scope"] is None for c in others)
