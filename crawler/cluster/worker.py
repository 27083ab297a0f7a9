"""A cluster worker's Scrapy components: the shared scheduler, claims, heartbeats, idling.

- ClusterScheduler: scrapy-redis' scheduler (shared frontier, shared dupefilter, persistent),
  taking each request atomically from the frontier into the worker's claimed hash, from a host
  whose politeness delay has passed for the whole cluster (crawler/cluster/frontier.py).
  A claim is released once Scrapy's engine is done with the request: its callback or errback
  has run and everything it returned has been handed on (articles queued as events,
  new requests, redirects and retries pushed to the frontier). With ``CLUSTER_ROLE = "seed"``
  it queues the spiders' start requests and hands out none, so `--seed` fills the frontier
  without fetching.
- HostPacing (downloader middleware): each request goes out no sooner than its host's delay
  after the cluster's last request to the host (crawler/cluster/frontier.py).
- SeededStartMiddleware (spider middleware): a worker ignores its spiders' start requests; the
  seeding queued them.
- ClusterWorker (extension): a heartbeat every quarter of ``CLUSTER_WORKER_TIMEOUT``; workers not
  heard from for that long are lost and their claims go back to the frontier; an idle worker
  stays while others may still add to the frontier, and closes when the crawl of its source is
  done. A worker stopped early (Ctrl-C) gives its claims back.

A worker killed mid-crawl loses nothing: what it claimed returns to the frontier, what it
had queued is in Redis. At worst a page it fetched but had not finished with is fetched again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
import warnings
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured, ScrapyDeprecationWarning
from scrapy.utils.asyncio import sleep
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.cluster import GIVE_BACK_SCRIPT, Cluster
from crawler.cluster.frontier import SEND_SCRIPT, HostQueue, host_of
from crawler.crawl.signals import warc_file_opened

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# How often an idle worker looks at the frontier while others may add to it.
IDLE_POLL_SECONDS = 0.5
# Looking again this soon at the earliest, when the frontier says a host is about to be ready.
MIN_POLL_SECONDS = 0.01


def cluster_of(crawler: Crawler) -> Cluster:
    """The cluster a crawler's settings name (one client per crawler)."""
    return Cluster.open(crawler.settings["CLUSTER_URL"], crawler.settings["CLUSTER_CAMPAIGN"])


class ClusterScheduler(Scheduler):
    """scrapy-redis' scheduler, with each request claimed by the worker that takes it."""

    crawler: Crawler
    role = "worker"
    worker = ""
    claims_key = ""
    claims: dict[str, Request]
    queue: HostQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.role = crawler.settings.get("CLUSTER_ROLE", "worker")
        scheduler.worker = crawler.settings["CLUSTER_WORKER"]
        return scheduler

    def open(self, spider: Spider) -> None:
        with warnings.catch_warnings():  # scrapy-redis' "Resuming crawl" uses Spider.log()
            warnings.filterwarnings("ignore", r"Spider\.log\(\)", ScrapyDeprecationWarning)
            super().open(spider)
        self.claims_key = f"{self.queue.key.removesuffix(':requests')}:claimed:{self.worker}"
        self.claims = {}
        campaign = self.crawler.settings["CLUSTER_CAMPAIGN"]
        self.queue.polite_key = f"{Cluster.key_prefix(campaign)}:polite"
        self.queue.delay = self.crawler.settings.getfloat("CLUSTER_HOST_DELAY")
        self._give_back = self.server.register_script(GIVE_BACK_SCRIPT)

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis' own, less the ``spider`` argument to the stats Scrapy 2.19 deprecates."""
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def has_pending_requests(self) -> bool:
        return self.role != "seed" and super().has_pending_requests()

    def next_request(self) -> Request | None:
        if self.role == "seed":
            return None
        self.release_finished()
        encoded, wait = self.queue.take(self.claims_key)
        if encoded is None:
            look_again(self.crawler, wait)
            return None
        request = self.queue._decode_request(encoded)
        self.claims[hashlib.sha1(encoded).hexdigest()] = request
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def release_finished(self) -> None:
        """Drop the claims on requests the engine is done with.

        The engine holds a request in its slot's ``inprogress`` set from its download until its
        callback's or errback's output has all been processed (items through the pipelines,
        requests into the frontier), and asks for the next request right after: no signal of
        Scrapy's marks that moment, so this reads the set (private, stable since Scrapy 1.0).
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        in_progress = slot.inprogress if slot is not None else set()
        done = [claim for claim, request in self.claims.items() if request not in in_progress]
        if done:
            self.server.hdel(self.claims_key, *done)
            for claim in done:
                del self.claims[claim]

    def release_all(self) -> int:
        """Drop every claim of this worker (its engine is idle: nothing is in its hands)."""
        self.claims.clear()
        return int(self.server.delete(self.claims_key))

    def give_back(self) -> int:
        """Put this worker's claimed requests back in the frontier (it stops before its end)."""
        self.claims.clear()
        keys = [self.claims_key, self.queue.key, self.queue.polite_key]
        return int(self._give_back(keys=keys))


def look_again(crawler: Crawler, wait: float = -1) -> None:
    """Have the engine ask the frontier again when its next host is ready (``wait`` seconds),
    or in IDLE_POLL_SECONDS when none waits, not at its own 5 s heartbeat: another worker may
    add to it, or take what it held, any moment."""
    slot = getattr(crawler.engine, "_slot", None)  # how Scrapy's engine wakes itself
    if slot is not None and slot.closing is None:
        soon = min(max(wait, MIN_POLL_SECONDS), IDLE_POLL_SECONDS)
        slot.nextcall.schedule(IDLE_POLL_SECONDS if wait < 0 else soon)


def scheduler_of(crawler: Crawler) -> ClusterScheduler | None:
    """The crawler's ClusterScheduler (None when it runs another)."""
    scheduler = crawler.engine.scheduler if crawler.engine else None
    return scheduler if isinstance(scheduler, ClusterScheduler) else None


class HostPacing:
    """Downloader middleware: holds a request until the cluster may send to its host again, and
    stamps the host's next allowed time (``CLUSTER_HOST_DELAY`` on)."""

    def __init__(self, crawler: Crawler, cluster: Cluster, delay: float):
        self.crawler = crawler
        self.cluster = cluster
        self.delay = delay
        self._send = cluster.client.register_script(SEND_SCRIPT)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostPacing:
        settings = crawler.settings
        delay = settings.getfloat("CLUSTER_HOST_DELAY")
        if not settings.get("CLUSTER_URL") or settings.get("CLUSTER_ROLE") == "seed" or not delay:
            raise NotConfigured
        return cls(crawler, cluster_of(crawler), delay)

    async def process_request(self, request: Request) -> None:
        source = self.crawler.spider.name
        keys = [self.cluster.polite_key, self.cluster.requests_key(source)]
        wait = float(self._send(keys=keys, args=[host_of(request.url), self.delay]))
        if wait > 0:
            await sleep(wait)


class SeededStartMiddleware:
    """Spider middleware: a cluster worker drops its spider's start requests (the seeding
    queued them); the seeding passes them to ClusterScheduler."""

    def __init__(self, role: str):
        self.role = role

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeededStartMiddleware:
        if not crawler.settings.get("CLUSTER_URL"):
            raise NotConfigured
        return cls(crawler.settings.get("CLUSTER_ROLE", "worker"))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            if self.role == "seed":
                yield request


class ClusterWorker:
    """Extension: heartbeats, lost workers' requests put back, staying while the crawl lasts."""

    def __init__(self, crawler: Crawler, cluster: Cluster, timeout: float):
        self.crawler = crawler
        self.cluster = cluster
        self.timeout = timeout
        self.worker = crawler.settings["CLUSTER_WORKER"]
        self.field = ""
        self.task: LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.warc_file_opened, signal=warc_file_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterWorker:
        settings = crawler.settings
        if not settings.get("CLUSTER_URL") or settings.get("CLUSTER_ROLE") == "seed":
            raise NotConfigured
        timeout = settings.getfloat("CLUSTER_WORKER_TIMEOUT")
        return cls(crawler, cluster_of(crawler), timeout)

    def spider_opened(self, spider: Spider) -> None:
        self.field = f"{self.worker}/{spider.name}"
        self.heartbeat()
        self.task = LoopingCall(self.heartbeat)
        self.task.start(max(self.timeout / 4, 0.2), now=False)

    def heartbeat(self, state: str = "crawling") -> None:
        """Tell the cluster this worker is alive (and what it did); put lost workers' requests
        back in the frontier."""
        spider = self.crawler.spider
        earlier = self.cluster.client.hget(self.cluster.workers_key, self.field)
        if earlier and json.loads(earlier).get("state") == "lost" and state == "crawling":
            logger.warning(
                "%s: this worker was not heard from for %.0fs and its requests went to others",
                spider.name,
                self.timeout,
            )
        stats = self.crawler.stats
        beat = {
            "worker": self.worker,
            "source": spider.name,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "time": time.time(),
            "state": state,
            "pages": stats.get_value("response_received_count", 0),
            "queued": stats.get_value("archive/queued", 0),
            "errors": stats.get_value("archive/fetch_error", 0),
        }
        self.cluster.client.hset(self.cluster.workers_key, self.field, json.dumps(beat))
        for field, count in self.cluster.reclaim_lost(self.timeout).items():
            logger.warning(
                "%s: worker %s lost (not heard from for %.0fs): %d requests back in the frontier",
                spider.name,
                field,
                self.timeout,
                count,
            )

    def warc_file_opened(self, path: str) -> None:
        """Name a WARC file this worker started, for the ingester's crawls rows (and to close it
        should the worker be lost)."""
        self.cluster.client.hset(self.cluster.warcs_key, path, self.field)

    def spider_idle(self, spider: Spider) -> None:
        scheduler = scheduler_of(self.crawler)
        if scheduler is not None:
            scheduler.release_all()
        self.heartbeat()
        source = spider.name
        if self.cluster.frontier_size(source) or self.others_busy(source):
            look_again(self.crawler)
            raise DontCloseSpider

    def others_busy(self, source: str) -> bool:
        """Whether another worker on ``source`` may still add to its frontier: it holds claims
        and has been heard from, or lost, has claims not yet put back."""
        return bool(self.cluster.claimed(source))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task and self.task.running:
            self.task.stop()
        scheduler = scheduler_of(self.crawler)
        if reason != "finished" and scheduler is not None:
            given = scheduler.give_back()
            if given:
                logger.info("%s: %d unfinished requests back in the frontier", spider.name, given)
        stats = self.crawler.stats
        self.cluster.add_counts(
            spider.name,
            {
                "pages": stats.get_value("response_received_count", 0),
                "requests": stats.get_value("downloader/request_count", 0),
                "bytes": stats.get_value("downloader/response_bytes", 0),
                "not_modified": stats.get_value("archive/not_modified", 0),
                "errors": stats.get_value("archive/fetch_error", 0),
                "skipped": stats.get_value("archive/skipped", 0),
            },
        )
        self.heartbeat("finished" if reason == "finished" else "stopped")
