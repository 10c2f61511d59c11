"""Benchmarks: retrieval quality against bm25s and TF-IDF, and speed at scale (``python -m matching bench``)."""
