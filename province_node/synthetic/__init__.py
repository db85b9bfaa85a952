"""Realistic synthetic data for demos, tests and benchmarks: people, credit codes, hierarchies.

Everything is deterministic for a given ``random.Random`` seed and valid under the national standard
unless asked to be dirty.
"""
