"""Run a campaign's spiders in one Scrapy process and summarise what each did.

Settings are layered as Scrapy does it: crawler/settings.py at project priority, the caller's
``-s NAME=VALUE`` overrides (and ``--db``) at cmdline priority; the campaign reaches each spider
as an argument, and what it sets for a source's crawl (refresh interval, User-Agent, politeness)
goes in at spider priority. With ``mirror_url`` the real sites' URLs are answered from a local
mirror (crawler/fetch/mirror_handler.py); with ``replay_files`` from WARC captures
(crawler/warc/replay_handler.py). One crawl of a campaign runs at a time (crawler/crawl/lock.py).
With ``cluster`` the process is one worker of a crawl shared through Redis, or the seeding of
one (crawler/cluster/); it queues what it finds for `archive ingest` instead of writing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.cluster import Cluster, ClusterError, ClusterJob
from crawler.crawl.campaign import Campaign
from crawler.crawl.job_dir import close_job_dir, open_job_dir, source_job_dir
from crawler.crawl.lock import campaign_lock
from crawler.crawl.progress import Summary, summarise
from crawler.errors import ArchiveError
from crawler.store import Archive
from crawler.warc.reader import check_warc, expand_warc_paths

MIRROR_HANDLER = "crawler.fetch.mirror_handler.MirrorDownloadHandler"
REPLAY_HANDLER = "crawler.warc.replay_handler.ReplayDownloadHandler"
# Against a local mirror there is nobody to be polite to: fetch as fast as the machine allows.
MIRROR_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


class UnknownSource(ArchiveError):
    """Raised by run_crawl when a campaign names a source that has no spider."""


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """crawler/settings.py at project priority with ``overrides`` at cmdline priority."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(dict(overrides or {}), priority="cmdline")
    return settings


def mirror_overrides(mirror_url: str) -> dict[str, Any]:
    """The settings that send every http(s) request to the mirror at ``mirror_url``."""
    handlers = {"http": MIRROR_HANDLER, "https": MIRROR_HANDLER}
    return {
        "MIRROR_URL": mirror_url,
        "DOWNLOAD_HANDLERS": handlers,
        "ARCHIVE_CRAWL_ORIGIN": "mirror",
        **MIRROR_SETTINGS,
    }


def replay_overrides(replay_files: list[str | Path]) -> dict[str, Any]:
    """The settings that answer every http(s) request from the WARC files ``replay_files``
    (a folder stands for the WARC files in it).

    Every article page is taken from the capture (no refresh interval) and no WARC is written
    (the capture is the record). Raises WarcError when a file is not a WARC.
    """
    files = expand_warc_paths([Path(path) for path in replay_files])
    for path in files:
        check_warc(path)
    handlers = {"http": REPLAY_HANDLER, "https": REPLAY_HANDLER}
    return {
        "REPLAY_FILES": [str(path.resolve()) for path in files],
        "DOWNLOAD_HANDLERS": handlers,
        "WARC_ENABLED": False,
        "REFRESH_ENABLED": False,
        "ARCHIVE_CRAWL_ORIGIN": "replay",
        **MIRROR_SETTINGS,
    }


def cluster_overrides(job: ClusterJob, campaign: str) -> dict[str, Any]:
    """The settings that make a crawl a worker (or the seeding) of the cluster ``job`` names:
    scrapy-redis' scheduler and dupefilter under the campaign's keys, events instead of the
    store."""
    prefix = Cluster.key_prefix(campaign)
    return {
        "SCHEDULER": "crawler.cluster.worker.ClusterScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_QUEUE_CLASS": "crawler.cluster.frontier.HostQueue",
        # The frontier paces each host for the whole cluster (CLUSTER_HOST_DELAY, see
        # cluster_pacing); AutoThrottle's delays are one process's and would add to it.
        "AUTOTHROTTLE_ENABLED": False,
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "REDIS_URL": job.url,
        "CLUSTER_URL": job.url,
        "CLUSTER_CAMPAIGN": campaign,
        "CLUSTER_ROLE": "seed" if job.seed else "worker",
        "CLUSTER_WORKER": job.worker,
        "ITEM_PIPELINES": {
            "crawler.pipelines.NormalisePipeline": 100,
            "crawler.pipelines.CampaignFilterPipeline": 200,
            "crawler.cluster.events.EventsPipeline": 900,
        },
        # Seeding fetches nothing: no WARC file to write, no progress to show.
        **({"WARC_ENABLED": False, "PROGRESS_INTERVAL": 0} if job.seed else {}),
    }


def cluster_pacing(settings: Settings) -> None:
    """Move a cluster worker's DOWNLOAD_DELAY (the source's, whatever set it) to the frontier
    (CLUSTER_HOST_DELAY), which spaces the cluster's requests to a host by it; the worker's own
    downloader then sends what it takes at once. Waiting there as well would send a request
    later than the frontier's clock says, perhaps right after another worker's to the host."""
    settings.set("CLUSTER_HOST_DELAY", settings.getfloat("DOWNLOAD_DELAY"), priority="cmdline")
    settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")


def cluster_crawl(
    job: ClusterJob,
    campaign: Campaign,
    sources: list[str] | None,
    since: date | None,
    until: date | None,
    origin: str = "live",
) -> tuple[list[str], date | None, date | None]:
    """The sources and date window a cluster process crawls (seeding records ``origin``).

    Seeding starts a new cluster crawl of the sources (all the campaign's when None) in the
    window (the campaign's by default). A worker takes the seeded crawl's sources (those of
    them in ``sources``) and window. Raises ClusterError when Redis does not answer, a crawl
    is still running at seeding, nothing is seeded for a worker, or a worker is given another
    window than the seeded one.
    """
    cluster = Cluster.open(job.url, campaign.name)
    if job.seed:
        chosen = sources or campaign.sources
        since, until = since or campaign.since, until or campaign.until
        cluster.begin_crawl(
            chosen, since and since.isoformat(), until and until.isoformat(), origin
        )
        return chosen, since, until
    crawl = cluster.seeded_crawl()
    seeded = tuple(
        date.fromisoformat(day) if day else None for day in (crawl["since"], crawl["until"])
    )
    if (since or until) and (since, until) != seeded:
        raise ClusterError(
            f"crawl {crawl['id']} was seeded for {crawl['since'] or '…'} to "
            f"{crawl['until'] or '…'}; leave out --since and --until on its workers"
        )
    chosen = [source for source in crawl["sources"] if not sources or source in sources]
    return chosen, seeded[0], seeded[1]


def run_crawl(
    campaign: Campaign,
    *,
    sources: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    settings: Mapping[str, Any] | None = None,
    mirror_url: str | None = None,
    replay_files: list[str | Path] | None = None,
    spider_args: Mapping[str, Any] | None = None,
    job_dir: str | Path | None = None,
    cluster: ClusterJob | None = None,
    verbose: bool = False,
) -> list[Summary]:
    """Crawl the campaign's sources (or ``sources``) and return a summary per source.

    Blocks until every spider has finished. Raises :class:`UnknownSource` before crawling when
    a source has no spider, CrawlLocked when a crawl of the campaign into the same archive is
    running. ``spider_args`` go to every spider besides the campaign and window. With
    ``job_dir`` each source keeps its queue in ``job_dir/<source>`` (Scrapy's JOBDIR), so a
    stopped crawl resumes where it stopped (crawler/crawl/job_dir.py). With ``cluster`` the process
    seeds a cluster crawl or works on one (see :func:`cluster_crawl`); it takes no lock, as
    many workers share the campaign. Logs progress on stderr; Scrapy's own log only when
    ``verbose``.
    """
    overrides = dict(settings or {})
    if mirror_url:
        overrides = {**mirror_overrides(mirror_url), **overrides}
    if replay_files:
        overrides = {**replay_overrides(replay_files), **overrides}
    if cluster:
        overrides = {**cluster_overrides(cluster, campaign.name), **overrides}
    project = project_settings(overrides)
    loader = SpiderLoader.from_settings(project)
    chosen = sources or campaign.sources
    unknown = sorted(set(chosen) - set(loader.list()))
    if unknown:
        raise UnknownSource(
            f"no spider for source {', '.join(unknown)}; known: {', '.join(sorted(loader.list()))}"
        )
    if cluster:
        origin = project["ARCHIVE_CRAWL_ORIGIN"]
        chosen, since, until = cluster_crawl(cluster, campaign, sources, since, until, origin)
    arguments = {
        "campaign": campaign,
        "since": since and since.isoformat(),
        "until": until and until.isoformat(),
        **(spider_args or {}),
    }
    crawlers: list[Crawler] = []
    job_dirs = [source_job_dir(job_dir, name) for name in chosen] if job_dir else []
    # Taken before any crawler opens the archive, so a refused crawl leaves no trace in it.
    lock = nullcontext() if cluster else campaign_lock(project["ARCHIVE_DB_PATH"], campaign.name)
    with lock:
        if not cluster:
            # A file that is no archive, or one a newer version wrote, is refused before Scrapy
            # runs.
            Archive.open(project["ARCHIVE_DB_PATH"]).close()
        # Our own log handler (configure_logging); `scrapy crawl` keeps Scrapy's.
        project.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        process = CrawlerProcess(project)
        configure_logging(verbose)
        for path in job_dirs:
            open_job_dir(path)
        for name in chosen:
            crawler = process.create_crawler(loader.load(name))
            crawler.settings.setdict(campaign.crawl_settings(name), priority="spider")
            if cluster:
                cluster_pacing(crawler.settings)
            if job_dir:
                crawler.settings.set("JOBDIR", str(source_job_dir(job_dir, name)), "cmdline")
            crawlers.append(crawler)
            process.crawl(crawler, **arguments)
        process.start()
        for path in job_dirs:
            close_job_dir(path)
    return [summarise(crawler.spider.name, crawler.stats.get_stats()) for crawler in crawlers]


class OneLineFormatter(logging.Formatter):
    """Log records as single lines: a failure's traceback is left to ``--verbose``."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return super().format(record)


def configure_logging(verbose: bool) -> None:
    """Progress and warnings on stderr; Scrapy's own chatter and tracebacks only if ``verbose``.

    Called after the CrawlerProcess is made, since Scrapy sets its loggers' levels then.
    """
    formatter_class = logging.Formatter if verbose else OneLineFormatter
    handler = logging.StreamHandler()
    handler.setFormatter(formatter_class("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("scrapy", "twisted", "filelock", "protego", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
