"""Source: find the corpus and its corpus.yaml, discover its files, read and decode them (one read path)."""
