"""`archive ingest --cluster URL`: the single writer that drains the workers' events into
archive.db, until the cluster's crawl is done.

Each event is moved atomically from ``events`` to ``ingesting`` (BLMOVE), written, then
dropped, so a killed ingester loses none: the next one writes what ``ingesting`` still holds
first (writing an article twice leaves it unchanged). The crawl gets one crawls row per source,
whatever the number of workers, found again by the cluster crawl's id when an ingester resumes;
when the crawl is done the rows get their counts (pages and bytes from the workers, article
outcomes from here) and the WARC files the workers wrote. WARC files a lost worker left open,
when this machine can reach them, are cut back to their last whole record
(crawler/warc/writer.py).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.cluster import DEFAULT_WORKER_TIMEOUT, Cluster, redacted
from crawler.cluster.events import apply_event
from crawler.crawl.campaign import Campaign
from crawler.crawl.lock import campaign_lock
from crawler.dedup.minhash import DEFAULT_MIN_SIMILARITY
from crawler.store import Archive
from crawler.warc.capture import resolve_path
from crawler.warc.writer import OPEN, recover_open_file

logger = logging.getLogger(__name__)

OUTCOMES = ("new", "updated", "unchanged", "duplicate")


@dataclass
class IngestSummary:
    """What an ingester wrote, by source and what each event counted as."""

    crawl: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    finished: bool = False

    def add(self, source: str, what: str) -> None:
        per_source = self.counts.setdefault(source, {})
        per_source[what] = per_source.get(what, 0) + 1

    @property
    def events(self) -> int:
        return sum(sum(counts.values()) for counts in self.counts.values())

    def line(self) -> str:
        """The summary as one line."""
        articles = {o: sum(c.get(o, 0) for c in self.counts.values()) for o in OUTCOMES}
        state = "crawl finished" if self.finished else "crawl not finished"
        return (
            f"Ingested {self.events} events of crawl {self.crawl} in {self.seconds:.1f}s; "
            f"articles {articles['new']} new, {articles['updated']} updated, "
            f"{articles['unchanged']} unchanged, {articles['duplicate']} duplicate ({state})"
        )


class Ingester:
    """Drains a cluster's events into an archive.

    :param cluster: the cluster (crawler.cluster.Cluster).
    :param archive: the archive, open for writing.
    :param campaign: the campaign the cluster crawls (for the crawls rows).
    :param timeout: seconds after which a silent worker is lost.
    """

    def __init__(
        self, cluster: Cluster, archive: Archive, campaign: Campaign, timeout: float, db_path: Path
    ):
        self.cluster = cluster
        self.archive = archive
        self.db_path = db_path
        self.campaign = campaign
        self.timeout = timeout
        self.crawl = cluster.seeded_crawl()
        self.crawl_ids: dict[str, int] = {}
        self.summary = IngestSummary(self.crawl["id"])

    def run(
        self, progress: Callable[[str], None] | None = None, interval: float = 10.0
    ) -> IngestSummary:
        """Write events until the crawl is done (or, with a KeyboardInterrupt, stop safely)."""
        started = last_report = time.monotonic()
        client = self.cluster.client
        for leftover in client.lrange(self.cluster.ingesting_key, 0, -1):
            self._ingest(leftover)
        while True:
            raw = client.blmove(
                self.cluster.events_key, self.cluster.ingesting_key, 0.5, "LEFT", "RIGHT"
            )
            if raw is not None:
                self._ingest(raw)
            elif self._crawl_done():
                break
            if progress and time.monotonic() - last_report >= interval:
                last_report = time.monotonic()
                progress(self.progress_line(last_report - started))
        self._finish()
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def progress_line(self, elapsed: float) -> str:
        """One line on what has been written and what the cluster still has to do."""
        events = self.summary.events
        return (
            f"ingest: {events} events ({events / elapsed if elapsed else 0:.1f}/s), "
            f"{self.cluster.events_waiting()} waiting; frontier {self.cluster.frontier_size()} "
            f"requests, {sum(self.cluster.claimed().values())} being fetched; "
            f"{self.cluster.crawling(self.timeout)} workers crawling"
        )

    def _ingest(self, raw: bytes) -> None:
        """Write one event, then, in one round trip, count it and drop it from ``ingesting``."""
        try:
            event = json.loads(raw)
            source = event["source"]
            what = apply_event(self.archive, event, self._crawl_id(source))
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("Skipped a malformed event (%s): %.200r", error, raw)
            source, what = "(malformed)", "malformed"
        self.summary.add(source, what)
        with self.cluster.client.pipeline() as pipe:
            if what in OUTCOMES:
                self.cluster.add_counts(source, {f"articles_{what}": 1}, pipe)
            pipe.lrem(self.cluster.ingesting_key, 1, raw)
            pipe.execute()

    def _crawl_id(self, source: str) -> int:
        """The crawls row of ``source`` in this cluster crawl, made on its first event."""
        if source in self.crawl_ids:
            return self.crawl_ids[source]
        found = self.archive.db.execute(
            "SELECT id FROM crawls WHERE source = ? AND json_extract(settings, '$.cluster_crawl')"
            " = ? ORDER BY id DESC LIMIT 1",
            [source, self.crawl["id"]],
        ).fetchone()
        if found:
            crawl_id = found[0]
        else:
            crawl_id = self.archive.start_crawl(
                source=source,
                campaign=self.campaign.name,
                since=self.crawl.get("since") or None,
                until=self.crawl.get("until") or None,
                settings={
                    "keywords": self.campaign.keywords,
                    "cluster": redacted(self.cluster.url),
                    "cluster_crawl": self.crawl["id"],
                },
                origin=self.crawl.get("origin") or "live",
            )
        self.crawl_ids[source] = crawl_id
        return crawl_id

    def _crawl_done(self) -> bool:
        for field_name, count in self.cluster.reclaim_lost(self.timeout).items():
            logger.warning("Worker %s lost: %d requests back in the frontier", field_name, count)
        return self.cluster.finished()

    def _finish(self) -> None:
        """Close the crawl's rows with their counts and WARC files; mark the crawl finished."""
        counts = self.cluster.counts()
        files = self.cluster.warc_files()
        self._close_lost_warcs(files)
        for source in self.crawl["sources"]:
            crawl_id = self._crawl_id(source)
            row = crawl_counts(counts.get(source, {}))
            written = sorted(path for path, owner in files.items() if owner.endswith(f"/{source}"))
            self.archive.finish_crawl(crawl_id, status="finished", counts=row, warc_files=written)
        self.cluster.finish_crawl()
        self.summary.finished = True

    def _close_lost_warcs(self, files: dict[str, str]) -> None:
        """Cut back the WARC files lost workers left open, where this machine can reach them."""
        for stored in files:
            path = resolve_path(stored, self.db_path)
            left_open = path.with_name(path.name + OPEN)
            if left_open.is_file():
                recover_open_file(left_open)


def crawl_counts(counts: dict[str, Any]) -> dict[str, int]:
    """A crawls row's count columns from the cluster's counts of a source."""
    return {
        "pages": counts.get("pages", 0),
        "articles_new": counts.get("articles_new", 0),
        "articles_updated": counts.get("articles_updated", 0),
        "articles_unchanged": counts.get("articles_unchanged", 0),
        "articles_duplicate": counts.get("articles_duplicate", 0),
        "skipped": counts.get("skipped", 0),
        "not_modified": counts.get("not_modified", 0),
        "errors": counts.get("errors", 0),
        "requests": counts.get("requests", 0),
        "bytes": counts.get("bytes", 0),
    }


def run_ingest(
    url: str,
    campaign: Campaign,
    db_path: Path,
    *,
    timeout: float = DEFAULT_WORKER_TIMEOUT,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    progress: Callable[[str], None] | None = None,
    interval: float = 10.0,
) -> IngestSummary:
    """Ingest the cluster crawl of ``campaign`` at ``url`` into the archive at ``db_path``.

    Holds the campaign's crawl lock on the archive (no local crawl of it writes meanwhile).
    Raises ClusterError when Redis does not answer or nothing is seeded, CrawlLocked when
    another ingester or a local crawl of the campaign is writing the archive.
    """
    cluster = Cluster.open(url, campaign.name)
    cluster.seeded_crawl()  # nothing to ingest: refused before the archive is made
    with campaign_lock(db_path, campaign.name):
        archive = Archive.open(db_path, min_similarity=min_similarity)
        try:
            ingester = Ingester(cluster, archive, campaign, timeout, db_path)
            if progress:
                progress(
                    f"ingesting crawl {ingester.crawl['id']} at {redacted(url)} into {db_path}"
                )
            return ingester.run(progress, interval)
        finally:
            archive.close()
