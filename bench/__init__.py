"""Benchmarks of klarsvar."""
