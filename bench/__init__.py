"""Benchmarks (make bench); never part of the unit tests."""
