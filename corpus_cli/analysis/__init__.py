"""Analyse: counts and measures over documents and their tokens (stats, check); pure, no click, no I/O but reading."""
