"""The on-disk index of a corpus: where it lives, its schema, what it holds per file, how it is
kept fresh, and the questions it answers (summary records, stats counts, grep candidates, search).
"""
