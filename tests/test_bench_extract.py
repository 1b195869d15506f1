"""The extraction benchmark's own pieces: emptying the caches for a cold pass, reading a
corpus, and counting claims per report (its numbers are printed, never asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_extract

from tracker import arabic
from tracker.settings import SAMPLE_DIR


def test_a_cold_pass_starts_with_empty_caches():
    arabic.tokens("سيطرت القوات على القرية")
    assert arabic._normalize_word.cache_info().currsize > 0
    assert bench_extract.clear_caches() > 0
    assert arabic._normalize_word.cache_info().currsize == 0


def test_a_pass_counts_the_claims_of_each_report(tmp_path):
    reports = bench_extract.read_corpus([SAMPLE_DIR])[:3]
    assert len(reports) == 3
    gaz, lex, grammar_s = bench_extract.fresh_resources(str(tmp_path))
    assert grammar_s >= 0
    cpu, wall, counts = bench_extract.run_pass(reports, gaz, lex)
    assert len(counts) == 3
    assert cpu > 0
    assert wall > 0
    # the warm pass finds what the cold one found (caches never change the output)
    assert bench_extract.run_pass(reports, gaz, lex)[2] == counts
