"""The slope benchmark's own pieces: its synthetic reports and its exponent fit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_slope


def test_unpunctuated_report_is_the_same_words_without_sentence_marks():
    punct = bench_slope.synthetic_text(20_000, punctuated=True)
    plain = bench_slope.synthetic_text(20_000, punctuated=False)
    assert len(punct.encode("utf-8")) >= 20_000
    assert "." in punct
    assert "\n" in punct
    assert not set(bench_slope.MARKS) & set(plain)
    assert plain.split() == punct.translate(
        {ord(c): " " for c in bench_slope.MARKS}).split()


@pytest.mark.parametrize(("power", "expected"), [(1.0, 1.0), (2.0, 2.0), (0.5, 0.5)])
def test_slope_recovers_the_exponent(power, expected):
    points = [(size, 3e-6 * size**power) for size in (1e5, 5e5, 1e6, 5e6)]
    assert bench_slope.slope(points) == pytest.approx(expected)


def test_slope_needs_two_sizes():
    assert bench_slope.slope([(1e5, 1.0)]) is None
