"""Scrapy settings of the archive crawler (project priority).

`archive crawl -s NAME=VALUE` overrides any of them at cmdline priority; a campaign's values go
in at spider priority. Settings of our own components carry the component's prefix:

- ``ARCHIVE_DB_PATH``: the SQLite archive to write (default ``archive.db``, or ``$ARCHIVE_DB``).
- ``ARCHIVE_MAX_BODY_CHARS``: characters of an article's text kept; the rest is cut, logged and
  counted in ``archive/truncated/body`` (default 1,000,000; a long article has about 20,000).
- ``ARCHIVE_MAX_IMAGES``: images of an article kept (default 500), the rest cut and counted in
  ``archive/truncated/images``.
- ``ARCHIVE_LIST_MAX_LINKS``: article links followed from one list page given to
  ``archive crawl --url`` (default 200; spiders/generic.py).
- ``ARCHIVE_CAMPAIGN``: the campaign file a spider reads its keywords and date window from when
  none is given (default ``campaigns/summit.toml``).
- ``CLUSTER_URL``: the Redis (``redis://HOST:PORT/DB``) of a cluster crawl this process is a
  worker of, or seeds (``archive crawl --cluster``; crawler/cluster/). Unset: a local crawl.
- ``CLUSTER_ROLE``: ``worker`` (fetch from the shared frontier) or ``seed`` (queue the start
  requests, fetch nothing).
- ``CLUSTER_WORKER``: this worker's name (default the machine's name); its WARC files and its
  heartbeat carry it.
- ``CLUSTER_CAMPAIGN``: the campaign whose keys the cluster uses (set by the runner).
- ``CLUSTER_HOST_DELAY``: the seconds between two requests to one host by the whole cluster (set
  by the runner from the source's ``DOWNLOAD_DELAY``; crawler/cluster/frontier.py).
- ``CLUSTER_WORKER_TIMEOUT``: seconds after which a worker not heard from is lost and its
  claimed requests go back to the frontier (default 60).
- ``DEDUP_MIN_SIMILARITY``: the estimated Jaccard similarity of their texts from which two
  articles are near-duplicates, put in one cluster (default 0.5; see crawler/dedup/minhash.py).
- ``ARCHIVE_CRAWL_ORIGIN``: live, mirror or replay: where the pages come from (kept per crawl).
- ``MIRROR_URL``: answer the real sites' URLs from a local mirror server (tests, demo).
- ``PROGRESS_INTERVAL``: seconds between progress lines (default 10).
- ``REFRESH_ENABLED``: do not fetch again article pages seen within ``REFRESH_INTERVAL``, and
  revalidate older ones with conditional requests (default True; crawler/fetch/refresh.py).
- ``REFRESH_INTERVAL``: days within which an article page seen before is not fetched again
  (default 7; a campaign's ``refresh_days`` sets it).
- ``RETRY_BACKOFF_BASE``: seconds before a request's first retry, doubled for each later one
  (default 1.0; crawler/fetch/retry.py).
- ``RETRY_BACKOFF_MAX``: the longest wait before a retry, also the cap on a server's
  ``Retry-After`` (default 60.0).
- ``REPLAY_FILES``: answer every request from these WARC files instead of the network
  (``archive crawl --replay``; crawler/warc/replay_handler.py).
- ``UNREACHABLE_AFTER``: connection failures, with no page fetched, after which a source is
  given up as unreachable (default 3).
- ``WARC_ENABLED``: write every request and response to gzip WARC 1.1 files (default True;
  crawler/warc/writer.py).
- ``WARC_DIR``: the folder of the WARC files (default ``warcs/`` beside ``ARCHIVE_DB_PATH``).
- ``WARC_MAX_SIZE``: bytes after which a new WARC file is started (default 1 GB).

The User-Agent carries the contact of a campaign's ``contact`` key, else ``$ARCHIVE_CONTACT``
(crawler/fetch/politeness.py).
"""

import os

from crawler.fetch.politeness import user_agent

BOT_NAME = "summit-archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Who we are, so that site operators can reach the archive's keepers.
USER_AGENT = user_agent()

# Politeness towards news sites and government servers.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Give up on a dead host quickly: (1 + RETRY_TIMES) * DOWNLOAD_TIMEOUT bounds one request,
# so an unreachable source is reported within a minute.
DOWNLOAD_TIMEOUT = 15
RETRY_TIMES = 2
# A retried request waits 1 s, then 2 s … (crawler/fetch/retry.py); a server's Retry-After up
# to 60 s.
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
# Scrapy's HTTP/1.1 handler, keeping each response's head as received for the WARC records
# (#18); `archive crawl --mirror/--replay` put their own in its place.
DOWNLOAD_HANDLERS = {
    "http": "crawler.fetch.as_received.AsReceivedDownloadHandler",
    "https": "crawler.fetch.as_received.AsReceivedDownloadHandler",
}

ITEM_PIPELINES = {
    "crawler.pipelines.NormalisePipeline": 100,
    "crawler.pipelines.CampaignFilterPipeline": 200,
    "crawler.pipelines.StorePipeline": 900,
}

# Retries wait with backoff and redirect loops fail (in Scrapy's places); pages are decoded
# after decompression (590), and meta refreshes read from the decoded page (575); the refresh
# middleware runs after robots.txt and before the
# downloader's stats; the WARC writer next to the download handler sees each request and
# response as they were exchanged.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetch.retry.BackoffRetryMiddleware": 550,
    "crawler.fetch.encoding.DecodeMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.fetch.redirects.GuardedMetaRefreshMiddleware": 575,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.fetch.redirects.GuardedRedirectMiddleware": 600,
    "crawler.fetch.refresh.RefreshMiddleware": 800,
    "crawler.cluster.worker.HostPacing": 940,
    "crawler.warc.writer.WarcWriter": 950,
    "crawler.middlewares.SourceHealth": 990,
}

# Requests waiting to be fetched are kept pickled, 450 bytes each instead of some 3.5 KB
# (crawler/crawl/queues.py): a site search may answer with thousands of pages at once.
SCHEDULER_MEMORY_QUEUE = "crawler.crawl.queues.PickledLifoMemoryQueue"

# No control ports: an archive crawl runs unattended and takes no commands from the network.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "crawler.crawl.progress.Progress": 500,
    "crawler.cluster.worker.ClusterWorker": 600,
}

# A cluster worker leaves the start requests to the seeding.
SPIDER_MIDDLEWARES = {
    "crawler.cluster.worker.SeededStartMiddleware": 50,
}

ARCHIVE_DB_PATH = os.environ.get("ARCHIVE_DB", "archive.db")
ARCHIVE_CAMPAIGN = "campaigns/summit.toml"
ARCHIVE_MAX_BODY_CHARS = 1_000_000
ARCHIVE_MAX_IMAGES = 500
ARCHIVE_LIST_MAX_LINKS = 200
CLUSTER_URL = None
CLUSTER_ROLE = "worker"
CLUSTER_WORKER = None
CLUSTER_CAMPAIGN = None
CLUSTER_WORKER_TIMEOUT = 60.0
CLUSTER_HOST_DELAY = 0.0
DEDUP_MIN_SIMILARITY = 0.5
MIRROR_URL = None
# Where a crawl's pages come from: "live" (the sites), "mirror" (MIRROR_URL) or "replay"
# (REPLAY_FILES); set by `archive crawl --mirror/--replay`. Kept on the crawls row; a crawl
# revalidates (If-None-Match, the refresh interval) only with what crawls of its own origin saw.
ARCHIVE_CRAWL_ORIGIN = "live"
PROGRESS_INTERVAL = 10.0
REFRESH_ENABLED = True
REFRESH_INTERVAL = 7.0
REPLAY_FILES: list[str] = []
UNREACHABLE_AFTER = 3
WARC_ENABLED = True
WARC_DIR = None
WARC_MAX_SIZE = 1_000_000_000

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
