"""Benchmark of a cluster crawl where each site's politeness binds: pages/s with 1, 2 and 4
workers, whether any host was fetched faster than its delay, and the ingester's own limit.

The mirror is served under ``--hosts`` host names (``www.site01.example`` …), each with
``--pages`` article pages (the mirror's 香港商報 pages copied), and answers every request after
``--latency`` seconds, as a distant site does. The crawl's settings demand one request per host
per ``--delay`` seconds (DOWNLOAD_DELAY, which a cluster keeps for all its workers together:
crawler/cluster/frontier.py) and let each worker have ``--concurrency`` requests in flight
(CONCURRENT_REQUESTS), so one worker fetches at most concurrency / latency pages a second while
the hosts allow hosts / delay: workers add up until the hosts' allowance binds. The pages are
listed (`archive crawl --cluster URL --seed --urls FILE`) and fetched by the ``generic`` source.

Each run flushes a throwaway redis-server, seeds the frontier (untimed), then starts the workers
and the ingester together and lasts until the ingester's end. Pages/s are pages fetched over
that time (start-up included); the fetch rate is the mirror's: page requests over the time
from its first to its last. Politeness is read at the mirror: the times between two page
requests to one host (robots.txt, which each worker fetches once per host, aside), their
median, the shortest, and how many fell under 0.9 of the delay. The frontier spaces the
moments requests leave the workers' middlewares; one held up on its way to the socket (a
worker's event loop busy parsing a page) can arrive closer to the next.

The ingester's limit: the same pages crawled with no delay and no latency by two workers with
no ingester running, then `archive ingest` alone drains their events; its events/s are the
ingester's own (from its summary line: time writing, start-up excluded).

Usage: .venv/bin/python scripts/bench_cluster_polite.py [--hosts 20] [--pages 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import redis  # noqa: E402
from bench_cluster import REDIS_SERVER, archive, start  # noqa: E402
from bench_crawl import SOURCE  # noqa: E402

from crawler.cluster import Cluster  # noqa: E402
from crawler.crawl.campaign import load_campaign  # noqa: E402
from crawler.fetch.mirror import MirrorLog, MirrorServer, serving_in_thread  # noqa: E402
from tests.helpers import redis_server  # noqa: E402

CAMPAIGN = REPO / "campaigns" / "summit.toml"
WORKER_COUNTS = (1, 2, 4)
ROBOTS = "/robots.txt"
QUIET = ["--format", "json", "-s", "PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"]
INGESTED_REGEX = re.compile(
    r"Ingested (\d+) events of crawl \S+ in ([\d.]+)s; articles (\d+) new, (\d+) updated, "
    r"(\d+) unchanged, (\d+) duplicate"
)


def build_hosts(root: Path, hosts: int, pages: int) -> list[str]:
    """A mirror of ``hosts`` sites of ``pages`` article pages each under ``root``; their URLs,
    host after host in turn."""
    templates = sorted((SOURCE / "hkcdweb" / "content").rglob("*.html"))
    names = [f"www.site{number:02d}.example" for number in range(1, hosts + 1)]
    urls = []
    for page in range(pages):
        for index, name in enumerate(names):
            target = root / name / "news" / f"{page}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(templates[(page * hosts + index) % len(templates)], target)
            urls.append(f"https://{name}/news/{page}.html")
    return urls


def fetch_rate(log: MirrorLog) -> float:
    """Page requests per second at the mirror, from its first to its last (robots.txt aside)."""
    times = sorted(
        t for entry, t in zip(log.entries, log.arrived, strict=True) if entry[2] != ROBOTS
    )
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def run_cluster(
    urls_file: Path,
    mirror: MirrorServer,
    redis_url: str,
    db: Path,
    workers: int,
    settings: list[str],
    ingest: bool = True,
) -> dict:
    """One cluster crawl of the listed pages by ``workers`` workers (and the ingester)."""
    redis.Redis.from_url(redis_url).flushdb()
    common = ["--mirror", mirror.url, "--db", str(db), *QUIET]
    seed = ["crawl", "--cluster", redis_url, "--seed", "--urls", str(urls_file), *common]
    subprocess.run(archive(*seed), cwd=REPO, check=True, capture_output=True)
    mirror.log = MirrorLog()
    started = time.perf_counter()
    children = {}
    for number in range(1, workers + 1):
        log = db.with_suffix(f".w{number}.log")
        worker = ["crawl", "--cluster", redis_url, "--worker", f"w{number}", *common, *settings]
        children[log] = start(log, *worker)
    if ingest:
        log = db.with_suffix(".ingest.log")
        children[log] = start(log, "ingest", "--cluster", redis_url, "--db", str(db))
    for path, child in children.items():
        if child.wait():
            raise SystemExit(f"{' '.join(child.args)} failed:\n{path.read_text()[-3000:]}")
    seconds = time.perf_counter() - started
    gaps = [gap for host_gaps in mirror.log.gaps(ROBOTS).values() for gap in host_gaps]
    return {"seconds": seconds, "fetch rate": fetch_rate(mirror.log), "gaps": gaps}


def pages_archived(db: Path) -> tuple[int, int]:
    """(pages fetched, articles archived) by a cluster crawl into ``db``."""
    connection = sqlite3.connect(db)
    pages, articles = connection.execute(
        "SELECT sum(pages), sum(articles_new + articles_duplicate + articles_updated"
        " + articles_unchanged) FROM crawls"
    ).fetchone()
    connection.close()
    return pages, articles


def ingester_limit(urls_file: Path, mirror: MirrorServer, redis_url: str, root: Path) -> dict:
    """Events/s of `archive ingest` draining a full queue (two unpaced workers ran first)."""
    db = root / "ingest-limit.db"
    mirror.latency = 0.0
    fast = ["-s", "DOWNLOAD_DELAY=0"]
    run_cluster(urls_file, mirror, redis_url, db, 2, fast, ingest=False)
    waiting = Cluster.open(redis_url, load_campaign(CAMPAIGN).name).events_waiting()
    command = archive("ingest", "--cluster", redis_url, "--db", str(db))
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    found = INGESTED_REGEX.search(done.stdout)
    if not found:
        raise SystemExit(f"no summary line from archive ingest:\n{done.stdout}{done.stderr}")
    events, seconds = int(found.group(1)), float(found.group(2))
    articles = sum(int(count) for count in found.groups()[2:])
    return {
        "events queued": waiting,
        "articles among them": articles,
        "seconds": seconds,
        "events/s": round(events / seconds, 1),
        "articles/s": round(articles / seconds, 1),
    }


def measure(hosts: int, pages: int, delay: float, latency: float, concurrency: int) -> dict:
    """Pages/s, fetch rate and shortest per-host gap with 1, 2 and 4 workers; their ratios to
    one worker; the ingester's events/s."""
    if shutil.which(REDIS_SERVER) is None:
        return {"not measured": "redis-server not installed"}
    settings = [
        "-s", f"DOWNLOAD_DELAY={delay}",
        "-s", f"CONCURRENT_REQUESTS={concurrency}",
    ]  # fmt: skip
    result: dict = {
        "hosts": hosts,
        "pages": hosts * pages,
        "delay s": delay,
        "latency s": latency,
        "requests in flight per worker": concurrency,
        "worker limit pages/s": round(concurrency / latency, 1),
        "hosts' limit pages/s": round(hosts / delay, 1),
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        urls = build_hosts(root / "mirror", hosts, pages)
        urls_file = root / "urls.txt"
        urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        mirror = MirrorServer(root / "mirror", latency=latency)
        with serving_in_thread(mirror), redis_server(REDIS_SERVER, root) as redis_url:
            for workers in WORKER_COUNTS:
                db = root / f"polite-{workers}.db"
                run = run_cluster(urls_file, mirror, redis_url, db, workers, settings)
                fetched, articles = pages_archived(db)
                result[f"{workers} workers"] = {
                    "pages/s": round(fetched / run["seconds"], 2),
                    "fetch rate pages/s": round(run["fetch rate"], 2),
                    "seconds": round(run["seconds"], 1),
                    "pages fetched": fetched,
                    "articles": articles,
                    "median gap to a host s": round(statistics.median(run["gaps"]), 3),
                    "shortest gap to a host s": round(min(run["gaps"]), 3),
                    "gaps under 0.9 delay": f"{sum(g < 0.9 * delay for g in run['gaps'])}"
                    f" of {len(run['gaps'])}",
                }
            result["ingester"] = ingester_limit(urls_file, mirror, redis_url, root)
    one = result["1 workers"]
    for workers in WORKER_COUNTS[1:]:
        row = result[f"{workers} workers"]
        result[f"{workers} workers / 1"] = {
            "pages/s": round(row["pages/s"] / one["pages/s"], 2),
            "fetch rate": round(row["fetch rate pages/s"] / one["fetch rate pages/s"], 2),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages", type=int, default=30, help="article pages per host")
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    result = measure(
        arguments.hosts, arguments.pages, arguments.delay, arguments.latency, arguments.concurrency
    )
    print(json.dumps(result, indent=None if arguments.json else 1, ensure_ascii=False))


if __name__ == "__main__":
    main()
