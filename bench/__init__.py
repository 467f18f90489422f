"""Benchmarks (`make bench`): numbers, not tests. Each run measures its own baseline."""
