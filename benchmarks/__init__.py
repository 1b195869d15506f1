"""Benchmarks: `make bench` (or `python -m benchmarks`) runs every bench_*.py and prints numbers."""
