"""Benchmark of a cluster crawl over loopback: pages/s with one and with two workers.

The mirror of bench_crawl.py (``--pages`` 香港商報 article pages, twenty to a list page) is
served on 127.0.0.1 and crawled, each round, three ways: by the single-process `archive crawl
--mirror` (no Redis: the baseline), and as a cluster crawl through a throwaway redis-server on
a free loopback port (no persistence, stopped at the end) with one and with two workers. A
cluster run flushes Redis, seeds the frontier (`archive crawl --cluster URL --seed`, untimed),
then starts the workers (`archive crawl --cluster URL --worker wN`) and the ingester (`archive
ingest --cluster URL`) together; it lasts from their start to the ingester's end. A baseline
run lasts as long as its process, so both include the start-up of Python and Scrapy. Pages are
those fetched (the crawls row's ``pages``: for a cluster, the sum over its workers, each of
which fetches robots.txt), articles those archived new or as a duplicate (the mirror's pages
copy a few bodies, so most are duplicates); the figures are medians over ``--rounds``.

Every process, Redis and the mirror's server share the machine's cores: on two cores the ratio
of two workers to one shows the cost of the shared frontier (Redis round trips, claims, events
through the ingester) more than a speed-up. Without redis-server the cluster is not measured.

Usage: .venv/bin/python scripts/bench_cluster.py [--pages 2000] [--rounds 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import redis  # noqa: E402
from bench_crawl import build_mirror, crawl  # noqa: E402

from crawler.fetch.mirror import serve_mirror  # noqa: E402
from tests.helpers import redis_server  # noqa: E402

REDIS_SERVER = "/usr/bin/redis-server"
SINCE = "2024-01-01"
SINGLE = "single process"
WORKERS = {1: "1 worker", 2: "2 workers"}
QUIET = ["--format", "json", "-s", "PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"]
COUNTS_SQL = "SELECT sum(pages), sum(articles_new), sum(articles_duplicate) FROM crawls"


def archive(*arguments: str) -> list[str]:
    """The command line of `archive ARGUMENTS`."""
    return [sys.executable, "-m", "crawler", *arguments]


def start(log: Path, *arguments: str) -> subprocess.Popen:
    """`archive ARGUMENTS` started, its stderr into ``log``."""
    with log.open("w") as stderr:
        return subprocess.Popen(
            archive(*arguments), cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr
        )


def cluster_crawl(mirror_url: str, redis_url: str, db: Path, workers: int) -> dict:
    """A cluster crawl of the mirror by ``workers`` workers: seconds, pages, articles new and
    duplicate."""
    redis.Redis.from_url(redis_url).flushdb()
    common = ["--source", "hkcd", "--mirror", mirror_url, "--db", str(db), *QUIET]
    seed = ["crawl", "--cluster", redis_url, "--seed", "--since", SINCE, *common]
    subprocess.run(archive(*seed), cwd=REPO, check=True, capture_output=True)
    started = time.perf_counter()
    children = {}
    for number in range(1, workers + 1):
        log = db.with_suffix(f".w{number}.log")
        worker = ["crawl", "--cluster", redis_url, "--worker", f"w{number}", *common]
        children[log] = start(log, *worker)
    log = db.with_suffix(".ingest.log")
    children[log] = start(log, "ingest", "--cluster", redis_url, "--db", str(db))
    children[log].wait()
    seconds = time.perf_counter() - started
    for path, child in children.items():
        if child.wait():
            raise SystemExit(f"{' '.join(child.args)} failed:\n{path.read_text()}")
    connection = sqlite3.connect(db)
    pages, new, duplicates = connection.execute(COUNTS_SQL).fetchone()
    connection.close()
    return {"seconds": seconds, "pages": pages, "new": new, "duplicates": duplicates}


def single_crawl(mirror_url: str, db: Path) -> dict:
    """A local `archive crawl` of the mirror: seconds, pages, articles new and duplicate."""
    started = time.perf_counter()
    summary = crawl(mirror_url, db, pipelines=True)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "pages": summary["pages"],
        "new": summary["new"],
        "duplicates": summary["duplicate"],
    }


def measure(pages: int, rounds: int) -> dict:
    """Median pages/s, pages and articles of each way to crawl, and the ratios between them."""
    runs: dict[str, list[dict]] = {SINGLE: []}
    installed = shutil.which(REDIS_SERVER) is not None
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build_mirror(root / "mirror", pages)
        with (
            serve_mirror(root / "mirror") as mirror,
            redis_server(REDIS_SERVER, root) if installed else nullcontext() as redis_url,
        ):
            for round_ in range(rounds):
                runs[SINGLE].append(single_crawl(mirror.url, root / f"single-{round_}.db"))
                for workers, label in WORKERS.items() if redis_url else ():
                    db = root / f"cluster-{workers}-{round_}.db"
                    runs.setdefault(label, []).append(
                        cluster_crawl(mirror.url, redis_url, db, workers)
                    )
    result: dict = {"pages": pages, "rounds": rounds}
    for label, values in runs.items():
        result[label] = {
            "pages/s": round(statistics.median(v["pages"] / v["seconds"] for v in values), 1),
            "seconds": round(statistics.median(v["seconds"] for v in values), 1),
            "pages fetched": statistics.median_low(v["pages"] for v in values),
            "articles new": statistics.median_low(v["new"] for v in values),
            "duplicates": statistics.median_low(v["duplicates"] for v in values),
        }
    if not installed:
        for label in WORKERS.values():
            result[label] = "not measured: redis-server not installed"
        return result
    rate = {label: result[label]["pages/s"] for label in (SINGLE, *WORKERS.values())}
    result["2 workers / 1 worker"] = round(rate[WORKERS[2]] / rate[WORKERS[1]], 2)
    result["1 worker / single process"] = round(rate[WORKERS[1]] / rate[SINGLE], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    result = measure(arguments.pages, arguments.rounds)
    if arguments.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['pages']} article pages, median of {result['rounds']} rounds")
    print(f"{'crawl':<16} {'pages/s':>8} {'seconds':>8} {'pages':>6} {'new':>4} {'duplicates':>10}")
    for label in (SINGLE, *WORKERS.values()):
        row = result[label]
        if isinstance(row, str):
            print(f"{label:<16} {row}")
            continue
        print(
            f"{label:<16} {row['pages/s']:>8} {row['seconds']:>8} "
            f"{row['pages fetched']:>6} {row['articles new']:>4} {row['duplicates']:>10}"
        )
    for ratio in ("2 workers / 1 worker", "1 worker / single process"):
        if ratio in result:
            print(f"{ratio}: {result[ratio]}")


if __name__ == "__main__":
    main()
