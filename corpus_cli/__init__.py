"""corpus: list, show, search, count and export a corpus of news articles kept as text files."""

__version__ = "0.1.0"
