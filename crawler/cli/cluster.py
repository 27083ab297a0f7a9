"""`archive ingest` and `archive cluster status`: the archive's side of a cluster crawl."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import redis

from crawler.cli import cli
from crawler.cli.options import campaign_option, db_option, echo_json, fail, format_option
from crawler.cluster import DEFAULT_WORKER_TIMEOUT, Cluster, ClusterError, redacted
from crawler.crawl.campaign import load_campaign
from crawler.errors import ArchiveError


def cluster_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """--cluster redis://HOST:PORT/DB, defaulting to the campaign's ``cluster`` key."""
    return click.option(
        "--cluster",
        "cluster_url",
        metavar="redis://HOST:PORT/DB",
        help="The cluster's Redis (default: the campaign's `cluster` key).",
    )(function)


def worker_timeout_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--worker-timeout SECONDS (default 60); ``help_text`` says what it decides."""
    return click.option(
        "--worker-timeout",
        type=click.FloatRange(min=0.1),
        default=DEFAULT_WORKER_TIMEOUT,
        show_default=True,
        help=help_text,
    )


def cluster_url_of(url: str | None, campaign_cluster: str | None) -> str:
    """The cluster to use: the option's, else the campaign's; ClusterError when neither."""
    if url or campaign_cluster:
        return url or campaign_cluster or ""
    raise ClusterError("no cluster: give --cluster redis://HOST:PORT/DB or set the campaign's key")


# What the ingester wrote, as a reader says it (apply_event's outcomes and event types), in the
# order a crawl's summary gives them.
EVENT_LABELS = {
    "new": "new articles",
    "updated": "updated",
    "unchanged": "unchanged",
    "duplicate": "duplicates",
    "not_modified": "not modified",
    "skipped": "skipped",
    "page_capture": "list pages kept",
    "fetch_error": "fetch errors",
}


@cli.command()
@campaign_option("Campaign file of the cluster's crawl.")
@cluster_option
@worker_timeout_option("Seconds after which a silent worker is lost and its requests go to others.")
@db_option
def ingest(
    campaign_path: Path, cluster_url: str | None, worker_timeout: float, db_path: Path
) -> None:
    """Write a cluster crawl's articles into the archive, until the crawl is done.

    The single writer of a cluster: workers (`archive crawl --cluster`) queue what they find in
    Redis; this drains the queue into the archive with the same dedup and revisions as a local
    crawl, and ends when the frontier is empty, no worker is crawling and nothing waits. Stop
    it at any time (Ctrl-C); run it again to go on, nothing is lost.

    Example:

        archive ingest --cluster redis://10.0.0.5:6379/0 --db archive.db
    """
    from crawler.cluster.ingest import run_ingest

    try:
        campaign = load_campaign(campaign_path)
        url = cluster_url_of(cluster_url, campaign.cluster)
        summary = run_ingest(
            url,
            campaign,
            db_path,
            timeout=worker_timeout,
            progress=lambda line: click.echo(f"{time.strftime('%H:%M:%S')} {line}", err=True),
        )
    except ArchiveError as error:
        fail(error)
    except sqlite3.Error as error:
        fail(ArchiveError(f"{db_path}: {error}; run the same command again to go on"))
    except redis.RedisError as error:
        fail(ClusterError(f"lost Redis at {redacted(url)}: {error}; run again to go on"))
    except KeyboardInterrupt:
        click.echo("Ingest stopped; run the same command again to go on.", err=True)
        sys.exit(1)
    for source, counts in sorted(summary.counts.items()):
        written = [
            f"{counts[what]} {label}" for what, label in EVENT_LABELS.items() if counts.get(what)
        ]
        click.echo(f"{source}: " + (", ".join(written) or "nothing written"))
    click.echo(summary.line())


@cli.group()
def cluster() -> None:
    """Look at a cluster crawl (see `archive crawl --cluster` and `archive ingest`)."""


@cluster.command()
@campaign_option("Campaign file of the cluster's crawl.")
@cluster_option
@worker_timeout_option("Seconds after which a silent worker counts as lost.")
@format_option("text", "json")
def status(
    campaign_path: Path, cluster_url: str | None, worker_timeout: float, output_format: str
) -> None:
    """Show a cluster crawl: its frontier, its workers, the events waiting, its errors.

    Example:

        archive cluster status --cluster redis://10.0.0.5:6379/0
    """
    from crawler.cluster.status import cluster_status, status_lines

    try:
        campaign = load_campaign(campaign_path)
        url = cluster_url_of(cluster_url, campaign.cluster)
        state = cluster_status(Cluster.open(url, campaign.name), worker_timeout)
    except ArchiveError as error:
        fail(error)
    if output_format == "json":
        echo_json(state)
        return
    for line in status_lines(state):
        click.echo(line)
