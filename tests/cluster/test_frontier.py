"""The cluster's frontier (crawler/cluster/frontier.py) on a real Redis: a host is handed out and
sent to at most once per delay by all workers together, requests of other hosts go meanwhile,
and claims go back to their hosts' queues. End to end, two workers crawling listed pages of
three hosts never ask one host twice within its delay."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy import Request, Spider

from crawler.cluster import GIVE_BACK_SCRIPT, Cluster
from crawler.cluster.frontier import SEND_SCRIPT, HostQueue
from crawler.crawl.campaign import DEFAULT_CAMPAIGN, load_campaign
from crawler.fetch.mirror import serve_mirror
from tests.helpers import MIRROR, REPO, run_archive

CAMPAIGN = load_campaign(DEFAULT_CAMPAIGN)
DELAY = 0.4
HOSTS = ("www.site1.example", "www.site2.example", "www.site3.example")
PAGES = 3
ROBOTS = "/robots.txt"
# The end-to-end crawl's delay, and how much sooner than that the mirror may see a host's next
# request. The frontier spaces the moments requests go out of the workers' middlewares; a
# request can still be held up on its way to the socket (a page being parsed holds the worker's
# event loop, as in any Scrapy crawl), so the test looks at the typical gap, not the least.
CRAWL_DELAY = 1.0
JITTER = 0.25


@pytest.fixture
def cluster(redis_url: str) -> Iterator[Cluster]:
    opened = Cluster.open(redis_url, CAMPAIGN.name)
    yield opened
    opened.client.close()


@pytest.fixture
def queue(cluster: Cluster) -> HostQueue:
    """The generic source's frontier, paced by DELAY."""
    frontier = HostQueue(cluster.client, Spider(name="generic"), cluster.requests_key("generic"))
    frontier.polite_key, frontier.delay = cluster.polite_key, DELAY
    return frontier


def take_hosts(queue: HostQueue, cluster: Cluster, worker: str, times: int) -> list[str]:
    """The hosts of what ``worker`` takes in ``times`` tries ('' for a try that got nothing)."""
    claims = cluster.claimed_key("generic", worker)
    taken = []
    for _ in range(times):
        encoded, _ = queue.take(claims)
        request = queue._decode_request(encoded) if encoded else None
        taken.append(request.url.split("/")[2] if request else "")
    return taken


def test_workers_take_each_host_once_per_delay(queue: HostQueue, cluster: Cluster) -> None:
    for page in range(2):
        for host in HOSTS[:2]:
            queue.push(Request(f"https://{host}/{page}.html"))
    assert len(queue) == 4
    first = take_hosts(queue, cluster, "w1", 1) + take_hosts(queue, cluster, "w2", 2)
    assert sorted(first) == ["", *sorted(HOSTS[:2])]
    _, wait = queue.take(cluster.claimed_key("generic", "w1"))
    assert 0 < wait <= DELAY
    time.sleep(DELAY)  # both hosts were taken before the wait was measured: both are ready
    second = take_hosts(queue, cluster, "w2", 1) + take_hosts(queue, cluster, "w1", 2)
    assert sorted(second) == ["", *sorted(HOSTS[:2])]
    assert len(queue) == 0
    assert queue.take(cluster.claimed_key("generic", "w1")) == (None, -1.0)
    assert cluster.claimed("generic") == {"w1": 2, "w2": 2}


def test_claims_go_back_to_their_hosts_queues(queue: HostQueue, cluster: Cluster) -> None:
    for host in HOSTS:
        queue.push(Request(f"https://{host}/a.html", priority=1))
        queue.push(Request(f"https://{host}/b.html"))
    taken = take_hosts(queue, cluster, "w1", 3)
    assert sorted(taken) == sorted(HOSTS) and len(queue) == 3
    keys = [cluster.claimed_key("generic", "w1"), queue.key, queue.polite_key]
    assert cluster.client.register_script(GIVE_BACK_SCRIPT)(keys=keys) == 3
    assert len(queue) == 6 and cluster.claimed() == {}
    # Back in their host's queue, in priority order: a.html (priority 1) first again.
    for host in HOSTS:
        requests = cluster.client.zrange(f"{queue.key}:{host}", 0, -1)
        assert [queue._decode_request(r).url for r in requests] == [
            f"https://{host}/a.html",
            f"https://{host}/b.html",
        ]


@pytest.mark.parametrize(
    ("hosts", "waits"),
    [
        ((HOSTS[0],), (0.0,)),
        ((HOSTS[0], HOSTS[0]), (0.0, DELAY)),
        ((HOSTS[0], HOSTS[1], HOSTS[0]), (0.0, 0.0, DELAY)),
        ((HOSTS[0], HOSTS[0], HOSTS[0]), (0.0, DELAY, 2 * DELAY)),
    ],
    ids=["first", "again", "other-host-meanwhile", "queued-behind"],
)
def test_a_request_sent_waits_for_its_hosts_delay(
    hosts: tuple[str, ...], waits: tuple[float, ...], cluster: Cluster
) -> None:
    send = cluster.client.register_script(SEND_SCRIPT)
    keys = [cluster.polite_key, cluster.requests_key("generic")]
    measured = [float(send(keys=keys, args=[host, DELAY])) for host in hosts]
    assert measured == pytest.approx(waits, abs=0.05)


@pytest.fixture
def hosts_mirror(tmp_path: Path) -> Path:
    """A mirror of three sites of PAGES article pages each (the hkcd mirror's pages copied)."""
    pages = sorted((MIRROR / "www.hkcd.com.hk" / "hkcdweb" / "content").rglob("*.html"))
    for index, host in enumerate(HOSTS):
        for page in range(PAGES):
            target = tmp_path / "mirror" / host / "news" / f"{page}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(pages[index * PAGES + page].read_bytes())
    return tmp_path / "mirror"


@pytest.mark.e2e
@pytest.mark.slow
def test_two_workers_share_each_hosts_delay(
    redis_url: str, hosts_mirror: Path, tmp_path: Path
) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "".join(f"https://{host}/news/{page}.html\n" for page in range(PAGES) for host in HOSTS)
    )
    db = tmp_path / "archive.db"
    with serve_mirror(hosts_mirror) as mirror:
        common = ["--mirror", mirror.url, "--db", str(db)]
        seed = ["crawl", "--cluster", redis_url, "--seed", "--urls", str(urls), *common]
        seeded = run_archive(*seed)
        assert seeded.returncode == 0, seeded.stderr
        settings = ["-s", f"DOWNLOAD_DELAY={CRAWL_DELAY}"]
        worker = [sys.executable, "-m", "crawler", "crawl", "--cluster", redis_url, *common]
        workers = [
            subprocess.Popen([*worker, "--worker", name, *settings], cwd=REPO)
            for name in ("w1", "w2")
        ]
        ingested = run_archive("ingest", "--cluster", redis_url, "--db", str(db))
        for worker in workers:
            assert worker.wait(timeout=120) == 0
        assert ingested.returncode == 0, ingested.stderr
        pages = [(host, path) for _, host, path, _ in mirror.log.entries if path != ROBOTS]
        gaps = mirror.log.gaps(ROBOTS)
    assert sorted(pages) == sorted((h, f"/news/{p}.html") for h in HOSTS for p in range(PAGES))
    assert set(gaps) == set(HOSTS)
    # Two workers each keeping the delay for themselves would ask each host twice at once.
    assert statistics.median(gap for host in HOSTS for gap in gaps[host]) >= CRAWL_DELAY - JITTER
    client = redis.Redis.from_url(redis_url)
    assert client.hlen(Cluster.key_prefix(CAMPAIGN.name) + ":polite") == len(HOSTS)
