"""Benchmark of incremental re-crawls: what a second crawl of the unchanged mirror fetches, as
a share of the first.

The bundled mirror (tests/mirror) is served on 127.0.0.1 and the summit campaign crawled into
a new archive twice with `archive crawl --mirror` (each crawl a child process, as a scheduled
run is). The figures come from the crawls table: requests sent and response bytes received
(Scrapy's downloader stats: headers and bodies), per source and in all. Within the refresh
interval the second crawl requests no article page; list pages, feeds and robots.txt are
requested with the validators of their capture and answered 304. The target is a second crawl
of at most 10% of the first crawl's bytes.

Usage: .venv/bin/python scripts/bench_recrawl.py [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlite_utils  # noqa: E402

from crawler.fetch.mirror import serve_mirror  # noqa: E402

TARGET_BYTES_SHARE = 0.10
RUNS_SQL = "SELECT source, requests, bytes FROM crawls ORDER BY id"


def crawl_twice(db_path: Path) -> tuple[list[dict], list[dict]]:
    """Crawl the served mirror twice into ``db_path``; the crawls rows of each crawl."""
    with serve_mirror() as server:
        for _ in range(2):
            subprocess.run(
                [sys.executable, "-m", "crawler", "crawl", "--mirror", server.url,
                 "--db", str(db_path)],
                cwd=REPO, check=True, capture_output=True, timeout=600,
            )  # fmt: skip
    runs = list(sqlite_utils.Database(db_path).query(RUNS_SQL))
    half = len(runs) // 2
    return runs[:half], runs[half:]


def shares(first: list[dict], second: list[dict]) -> list[dict]:
    """Per source and in all: the second crawl's requests and bytes, and their share."""
    rows = []
    for before, after in zip([*first, _total(first)], [*second, _total(second)], strict=True):
        rows.append(
            {
                "source": before["source"],
                "requests": f"{after['requests']} / {before['requests']}",
                "requests_share": round(after["requests"] / before["requests"], 3),
                "bytes": f"{after['bytes']:,} / {before['bytes']:,}",
                "bytes_share": round(after["bytes"] / before["bytes"], 3),
            }
        )
    return rows


def _total(runs: list[dict]) -> dict:
    return {
        "source": "all",
        "requests": sum(run["requests"] for run in runs),
        "bytes": sum(run["bytes"] for run in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = shares(*crawl_twice(Path(folder) / "archive.db"))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("Second crawl of the unchanged mirror, as a share of the first")
    print(f"{'source':<12}{'requests':>14}{'share':>8}{'bytes':>22}{'share':>8}")
    for row in rows:
        print(
            f"{row['source']:<12}{row['requests']:>14}{row['requests_share']:>8.1%}"
            f"{row['bytes']:>22}{row['bytes_share']:>8.1%}"
        )
    total = rows[-1]["bytes_share"]
    verdict = "within" if total <= TARGET_BYTES_SHARE else "over"
    print(f"Bytes: {total:.1%} of the first crawl, {verdict} the {TARGET_BYTES_SHARE:.0%} target")


if __name__ == "__main__":
    main()
