"""Comparing texts: near-duplicates by MinHash and LSH, and what changed between versions.
Pure but for numpy; may import crawler.normalise only."""
