"""Benchmarks at scale (issue 8): `python benchmarks/run.py --out benchmarks/results [--smoke]`."""
