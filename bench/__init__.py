"""Benchmarks of desktop_cs with their baselines: ``python -m bench`` (see bench/README.md); not imported by the app."""
