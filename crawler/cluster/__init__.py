"""One crawl across several machines: scrapy-redis' shared frontier, one archive writer.
May import the crawl's stages (pipelines, store, warc, crawl); never the CLI, query or serve.

Workers (`archive crawl --cluster URL`) run the campaign's spiders with scrapy-redis' scheduler
and request dupefilter, so they share one frontier and a request is queued, hence fetched, once.
They normalise what they fetch and queue it in Redis; `archive ingest --cluster URL` is the
single writer that drains that queue into archive.db with the same store calls a local crawl
makes (dedup, revisions, crawl rows). Everything lives under ``summit-archive:<campaign>:``:

- ``crawl``: hash, the crawl the frontier belongs to (``id``, ``seeded``, ``sources``, the date
  window); set by `archive crawl --cluster URL --seed`, marked ``finished`` by the ingester.
- ``<source>:requests`` (a queue per host, each host paced across the workers:
  crawler/cluster/frontier.py), ``polite`` (each host's next allowed time) and
  ``<source>:dupefilter`` (scrapy-redis': the fingerprint of every request ever queued): the
  frontier. It persists: a stopped cluster resumes where it was.
- ``<source>:claimed:<worker>``: hash of the requests a worker has taken from the frontier and
  not finished with, put back when the worker is lost (crawler/cluster/worker.py).
- ``workers``: hash ``<worker>/<source>`` -> the worker's heartbeat (JSON: host, pid, time,
  state, counts).
- ``events``: list of what the workers found (crawler/cluster/events.py); ``ingesting`` holds
  the events being written, so a killed ingester loses none.
- ``counts``: hash ``<source>:<count>`` of the crawl rows' counts; ``warcs``: hash of the WARC
  files the workers wrote -> ``<worker>/<source>``.

Reads the settings ``CLUSTER_URL``, ``CLUSTER_ROLE`` (``worker`` or ``seed``),
``CLUSTER_WORKER`` and ``CLUSTER_WORKER_TIMEOUT`` (crawler/settings.py).
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

from crawler.cluster.frontier import COUNT_SCRIPT, PUT_BACK
from crawler.errors import ArchiveError

KEY_PREFIX = "summit-archive"
WORKER_NAME_REGEX = re.compile(r"[A-Za-z0-9_.]+")
# A worker not heard from for this many seconds is lost; its claimed requests go back.
DEFAULT_WORKER_TIMEOUT = 60.0
# A worker stopping early gives its claims back (KEYS: claims, hosts, polite).
GIVE_BACK_SCRIPT = PUT_BACK + "return #values"
# A lost worker's claims go back and its heartbeat (field ARGV[1] of KEYS[4]) is marked lost,
# unless the heartbeat changed since it was judged (ARGV[2]): a worker that came back keeps
# its requests.
RECLAIM_SCRIPT = (
    """
local beat = redis.call('HGET', KEYS[4], ARGV[1])
if beat ~= ARGV[2] then return -1 end
"""
    + PUT_BACK
    + """
local state = cjson.decode(beat)
state['state'] = 'lost'
redis.call('HSET', KEYS[4], ARGV[1], cjson.encode(state))
return #values
"""
)


@dataclass(frozen=True)
class ClusterJob:
    """What a crawl process is to a cluster: the Redis ``url``, the ``worker`` name, and whether
    it only ``seed``s the frontier."""

    url: str
    worker: str = ""
    seed: bool = False


class ClusterError(ArchiveError):
    """Raised by crawler.cluster when Redis cannot be reached or the cluster's crawl is not in a
    state for what was asked (nothing seeded, a crawl still running)."""


def is_silent(beat: dict[str, Any], timeout: float, now: float) -> bool:
    """Whether a heartbeat says crawling but is ``timeout`` seconds old or more: the worker is
    lost."""
    return beat.get("state") == "crawling" and now - beat.get("time", 0) >= timeout


def default_worker_name() -> str:
    """This machine's name, as a worker name (letters, digits, ``_`` and ``.``)."""
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "worker"


def check_worker_name(name: str) -> str:
    """``name`` when it is a usable worker name; ClusterError otherwise."""
    if not WORKER_NAME_REGEX.fullmatch(name):
        raise ClusterError(f"worker name {name!r}: use letters, digits, '_' and '.' only")
    return name


def redacted(url: str) -> str:
    """A Redis URL without its password, to log and record."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (
        f":{parts.port}" if parts.port else ""
    )
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url`` (``redis://HOST:PORT/DB``), checked with a PING.

    Raises ClusterError when the URL is no Redis URL or the server does not answer.
    """
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ClusterError(f"{url!r} is no Redis URL; expected redis://HOST:PORT/DB")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        client.ping()
    except (redis.RedisError, ValueError) as error:
        raise ClusterError(f"cannot reach Redis at {redacted(url)}: {error}") from error
    return client


class Cluster:
    """The Redis keys of one campaign's cluster crawl, and what reads or resets them as a whole.

    :param client: a Redis client (see :func:`connect`).
    :param campaign: the campaign's name; clusters of several campaigns share a Redis apart.
    """

    def __init__(self, client: redis.Redis, campaign: str, url: str = ""):
        self.client = client
        self.campaign = campaign
        self.url = url
        self.prefix = self.key_prefix(campaign)
        self.crawl_key = f"{self.prefix}:crawl"
        self.workers_key = f"{self.prefix}:workers"
        self.events_key = f"{self.prefix}:events"
        self.ingesting_key = f"{self.prefix}:ingesting"
        self.counts_key = f"{self.prefix}:counts"
        self.warcs_key = f"{self.prefix}:warcs"
        self.polite_key = f"{self.prefix}:polite"
        self._reclaim = client.register_script(RECLAIM_SCRIPT)
        self._count = client.register_script(COUNT_SCRIPT)

    @staticmethod
    def key_prefix(campaign: str) -> str:
        """What every key of a campaign's cluster starts with."""
        return f"{KEY_PREFIX}:{campaign}"

    @classmethod
    def open(cls, url: str, campaign: str) -> Cluster:
        """Connect to the cluster's Redis at ``url`` (ClusterError when it does not answer)."""
        return cls(connect(url), campaign, url)

    def requests_key(self, source: str) -> str:
        return f"{self.prefix}:{source}:requests"

    def dupefilter_key(self, source: str) -> str:
        return f"{self.prefix}:{source}:dupefilter"

    def claimed_key(self, source: str, worker: str) -> str:
        return f"{self.prefix}:{source}:claimed:{worker}"

    # the crawl

    def crawl(self) -> dict[str, Any] | None:
        """The crawl the frontier belongs to (None before the first seeding)."""
        fields = self.client.hgetall(self.crawl_key)
        if not fields:
            return None
        crawl = {key.decode(): value.decode() for key, value in fields.items()}
        crawl["sources"] = json.loads(crawl.get("sources", "[]"))
        return crawl

    def seeded_crawl(self) -> dict[str, Any]:
        """The crawl being run; ClusterError when nothing was seeded or it has finished."""
        crawl = self.crawl()
        if crawl is None or crawl.get("finished"):
            what = "nothing is seeded" if crawl is None else f"crawl {crawl['id']} has finished"
            raise ClusterError(
                f"{what} at {redacted(self.url)} for campaign {self.campaign}; "
                "seed a crawl with: archive crawl --cluster URL --seed"
            )
        return crawl

    def begin_crawl(
        self, sources: list[str], since: str | None, until: str | None, origin: str = "live"
    ) -> str:
        """Start a new crawl: clear the last one's frontier and counts, record the new one
        (``origin``: where its pages come from, ARCHIVE_CRAWL_ORIGIN).

        Raises ClusterError while a crawl is unfinished, or events of the last one wait for
        `archive ingest`.
        """
        crawl = self.crawl()
        if crawl is not None and not crawl.get("finished"):
            raise ClusterError(
                f"crawl {crawl['id']} (seeded {crawl['seeded']}) is still running: "
                f"{self.frontier_size()} requests waiting; nothing seeded"
            )
        waiting = self.client.llen(self.events_key) + self.client.llen(self.ingesting_key)
        if waiting:
            raise ClusterError(
                f"{waiting} events of the last crawl wait for `archive ingest`; run it first"
            )
        crawl_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        with self.client.pipeline() as pipe:
            pipe.delete(
                self.crawl_key, self.workers_key, self.counts_key, self.warcs_key, self.polite_key
            )
            for key in self.keys("*:requests", "*:requests:*", "*:dupefilter", "*:claimed:*"):
                pipe.delete(key)
            window = {"since": since or "", "until": until or ""}
            record = {
                "id": crawl_id,
                "seeded": crawl_id,
                "sources": json.dumps(sources),
                "origin": origin,
                **window,
            }
            pipe.hset(self.crawl_key, mapping=record)
            pipe.execute()
        return crawl_id

    def finish_crawl(self) -> None:
        """Mark the crawl finished: the next seeding starts a new one."""
        self.client.hset(self.crawl_key, "finished", time.strftime("%Y-%m-%dT%H:%M:%SZ"))

    # reading the state

    def keys(self, *patterns: str) -> Iterable[bytes]:
        """Keys of this campaign matching any of ``patterns`` (after the prefix)."""
        for pattern in patterns:
            yield from self.client.scan_iter(match=f"{self.prefix}:{pattern}", count=1000)

    def frontier_size(self, source: str | None = None) -> int:
        """Requests waiting in the frontier (of one source, or of all)."""
        pattern = f"{source}:requests" if source else "*:requests"
        return sum(int(self._count(keys=[key])) for key in self.keys(pattern))

    def claimed(self, source: str | None = None) -> dict[str, int]:
        """Requests taken and not finished, by worker (of one source, or of all)."""
        counts: dict[str, int] = {}
        for key in self.keys(f"{source or '*'}:claimed:*"):
            worker = key.decode().rsplit(":", 1)[1]
            counts[worker] = counts.get(worker, 0) + self.client.hlen(key)
        return {worker: count for worker, count in counts.items() if count}

    def heartbeats(self) -> dict[str, dict[str, Any]]:
        """Every worker's last heartbeat, by ``<worker>/<source>``."""
        return {
            key.decode(): json.loads(value)
            for key, value in self.client.hgetall(self.workers_key).items()
        }

    def crawling(self, timeout: float) -> int:
        """Workers crawling and heard from within ``timeout`` seconds (one per source)."""
        now = time.time()
        return sum(
            beat.get("state") == "crawling" and not is_silent(beat, timeout, now)
            for beat in self.heartbeats().values()
        )

    def events_waiting(self) -> int:
        """Events queued for the ingester, and being ingested."""
        return self.client.llen(self.events_key) + self.client.llen(self.ingesting_key)

    def counts(self) -> dict[str, dict[str, int]]:
        """The crawl's counts by source: pages, requests, bytes (from workers), article
        outcomes (from the ingester)."""
        counts: dict[str, dict[str, int]] = {}
        for key, value in self.client.hgetall(self.counts_key).items():
            source, _, name = key.decode().partition(":")
            counts.setdefault(source, {})[name] = int(value)
        return counts

    def add_counts(
        self, source: str, counts: dict[str, int], pipe: redis.client.Pipeline | None = None
    ) -> None:
        """Add to a source's counts: in ``pipe`` (a Redis pipeline the caller executes) when
        given, at once otherwise."""
        target = pipe if pipe is not None else self.client.pipeline()
        for name, value in counts.items():
            if value:
                target.hincrby(self.counts_key, f"{source}:{name}", value)
        if pipe is None:
            target.execute()

    def warc_files(self) -> dict[str, str]:
        """The WARC files the workers wrote (as stored), with ``<worker>/<source>``."""
        return {k.decode(): v.decode() for k, v in self.client.hgetall(self.warcs_key).items()}

    # lost workers

    def reclaim_lost(self, timeout: float, now: float | None = None) -> dict[str, int]:
        """Put the requests of workers not heard from for ``timeout`` seconds back in the
        frontier; return how many, by ``<worker>/<source>``."""
        now = time.time() if now is None else now
        reclaimed = {}
        for field, raw in self.client.hgetall(self.workers_key).items():
            beat = json.loads(raw)
            if not is_silent(beat, timeout, now):
                continue
            worker, source = beat["worker"], beat["source"]
            keys = [
                self.claimed_key(source, worker),
                self.requests_key(source),
                self.polite_key,
                self.workers_key,
            ]
            count = self._reclaim(keys=keys, args=[field, raw])
            if count >= 0:
                reclaimed[field.decode()] = count
        return reclaimed

    def finished(self) -> bool:
        """Whether the crawl is done: nothing waits in the frontier, no request is claimed, no
        worker's heartbeat says crawling, no event waits.

        A worker gone silent still counts as crawling until :meth:`reclaim_lost` marks it lost:
        judging silence here as well would let a worker that falls silent between the two calls
        end the crawl with its heartbeat unmarked.
        """
        crawling = any(beat.get("state") == "crawling" for beat in self.heartbeats().values())
        return not (crawling or self.frontier_size() or self.claimed() or self.events_waiting())
