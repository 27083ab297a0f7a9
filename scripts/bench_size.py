"""Benchmark of the whole archive's size per 1,000-character article, written as a crawl writes it.

Each article is a real record: the mirror's article pages (tests/mirror, every page named in
tests/expected) extracted and normalised as a crawl does, with their bylines, images, captions,
dates and source lines, taken in turn, each given its own address and a body of about
``--chars`` characters of the mirror's clauses (as scripts/bench_dedup.py makes them, a third
with one to three reprints) in place of its own. Without bench_dedup's follow-ups: a story of
1,000 characters has two or three paragraphs, so one that repeats two of the story before it
is a copy of it, and a chain of them one ever-growing cluster. Every article goes through
``Archive.save_article`` with a capture (WARC file, offset, length, validators): the article
row, its URL, bylines, images, the search index and the near-duplicate index, one transaction
each, as the store pipeline writes them. At the end the archive is checkpointed and closed, and
its size is read from the file and, per table with its indexes, from SQLite's dbstat, and divided
by the articles it holds (a copy that differs from its story only in script, under the same
outlet, is the story's second address, not an article of its own).

Usage: .venv/bin/python scripts/bench_size.py [--sizes 10000 100000] [--chars 1000] [--json]
(a progress line goes to standard error every 10,000 articles)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from bench_crawl import TABLE_SIZES_SQL  # noqa: E402
from bench_dedup import clause_pool, mirror_records, synthetic  # noqa: E402

from crawler.normalise.script import to_simplified  # noqa: E402
from crawler.store import Archive  # noqa: E402

PROGRESS_EVERY = 10_000
FETCHED_AT = "2024-09-01T08:00:00+00:00"


def articles(size: int, chars: int) -> Iterator[tuple[dict, dict]]:
    """``size`` (record, capture) pairs: the mirror's records in turn with new bodies."""
    bodies = synthetic(size, clause_pool(), chars=chars, follow_ups=0)
    offset = 0
    for number, (template, (_, body)) in enumerate(zip(cycle(mirror_records()), bodies)):
        url = re.sub(r"(\.\w+)?$", rf"-{number}\1", template["url"], count=1)
        folded = re.sub(r"\s+", "", to_simplified(body))
        record = {
            **template,
            "url": url,
            "canonical_url": url,
            "body": body,
            "content_hash": "sha256:" + hashlib.sha256(folded.encode("utf-8")).hexdigest(),
        }
        length = 20_000 + number % 30_000
        capture = {
            "warc_file": f"archive-20240901080000-{number // 40_000:05d}.warc.gz",
            "warc_offset": offset,
            "warc_length": length,
            "etag": f'"{number:x}-5f3a"',
            "last_modified": "Sun, 01 Sep 2024 08:00:00 GMT",
        }
        offset += length
        yield record, capture


def measure(size: int, chars: int) -> dict:
    """Write ``size`` articles into a new archive; its size in all and per table."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.db"
        archive = Archive.open(path)
        started = time.perf_counter()
        for number, (record, capture) in enumerate(articles(size, chars), 1):
            archive.save_article(
                record, crawl_id=None, http_status=200, fetched_at=FETCHED_AT, capture=capture
            )
            if number % PROGRESS_EVERY == 0:
                seconds = time.perf_counter() - started
                print(f"{number:,} articles: {seconds:.0f} s", file=sys.stderr)
        seconds = time.perf_counter() - started
        archive.close()
        connection = sqlite3.connect(path)
        tables = dict(connection.execute(TABLE_SIZES_SQL).fetchall())
        stored, body_chars = connection.execute(
            "SELECT count(*), sum(length(body)) FROM articles"
        ).fetchone()
        connection.close()
        file_bytes = path.stat().st_size
    return {
        "records": size,
        "articles": stored,
        "body_chars": round(body_chars / stored),
        "seconds": round(seconds, 1),
        "bytes_per_article": round(file_bytes / stored),
        "bytes_per_1000_chars": round(file_bytes / body_chars * 1000),
        "tables": {name: round(total / stored) for name, total in tables.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--chars", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments = parser.parse_args()
    results = [measure(size, arguments.chars) for size in arguments.sizes]
    if arguments.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    for row in results:
        tables = ", ".join(f"{name} {size:,}" for name, size in row["tables"].items() if size)
        print(
            f"{row['records']:,} records, {row['articles']:,} articles of "
            f"{row['body_chars']:,} characters in "
            f"{row['seconds']:.0f} s: {row['bytes_per_article']:,} bytes an article "
            f"({row['bytes_per_1000_chars']:,} per 1,000 characters); {tables}"
        )


if __name__ == "__main__":
    main()
