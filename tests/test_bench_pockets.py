"""The pocket benchmark's own parts (the benchmark itself runs on ../shared/corpus)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_pockets


def test_without_a_corpus_it_says_so_and_exits_0(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_pockets.main(["--corpus", str(tmp_path / "absent")]) == 0
    assert "skipped: no corpus" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "value"), [("85-90", 87.5), ("66.7", 66.7), ("", None),
                                             ("about", None)])
def test_a_stated_range_counts_by_its_middle(text: str, value: float | None) -> None:
    assert bench_pockets._value(text) == value


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_truth_rows_become_corrections_of_the_nearest_namesake(tmp_path: Path) -> None:
    # our own rows: Hajin taken on a day, a row without a day, a place without coordinates
    _write(tmp_path / "places.csv", ["place_ar", "place_en", "lat", "lon", "source", "notes"],
           [["هجين", "Hajin", "34.687", "40.839", "test", ""],
            ["مكان", "Nowhere", "unknown", "unknown", "test", ""]])
    _write(tmp_path / "control_events.csv",
           ["report", "place_en", "place_ar", "actor_before", "actor_after", "status", "date",
            "date_precision", "quote", "notes"],
           [["r1.txt", "Hajin", "هجين", "isis", "sdf", "captured", "2018-12-14", "day", "q", ""],
            ["r2.txt", "Hajin", "هجين", "sdf", "isis", "captured", "", "unknown", "q", ""],
            ["r3.txt", "Nowhere", "مكان", "isis", "sdf", "captured", "2018-12-15", "day", "q",
             ""]])
    out = tmp_path / "corrections.csv"
    assert bench_pockets.write_truth_corrections(tmp_path, out) == 1
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["place"], r["actor"], r["date"]) for r in rows] == [
        ("ocha:C5175", "sdf", "2018-12-14")]
