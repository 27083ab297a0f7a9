"""`archive crawl`, `archive demo` and `archive extract`: getting pages into the archive."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
from scrapy.exceptions import UsageError

from crawler.cli import cli
from crawler.cli.options import (
    DATE,
    archive_command,
    campaign_option,
    check_window,
    db_option,
    echo_json,
    fail,
    format_option,
    parse_setting,
    shown_path,
)
from crawler.cluster import ClusterJob, check_worker_name, default_worker_name, redacted
from crawler.crawl.campaign import PACKAGED_CAMPAIGN, load_campaign
from crawler.crawl.progress import Summary
from crawler.errors import ArchiveError


@cli.command()
@campaign_option("Campaign file: sources, keywords, date window.")
@click.option("--source", "sources", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--url", "urls", multiple=True, help="Capture this page instead (repeatable).")
@click.option(
    "--urls",
    "urls_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Capture the pages listed in this file, one URL a line.",
)
@click.option("--since", type=DATE, help="Start of the date window (overrides the campaign).")
@click.option("--until", type=DATE, help="End of the date window (overrides the campaign).")
@click.option("--mirror", "mirror_url", metavar="URL", help="Answer every URL from a local mirror.")
@click.option(
    "--replay",
    "replay_files",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Answer every URL from this WARC file (or folder of them), not the network (repeatable).",
)
@click.option(
    "--log-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write this run's output to a new log file in this folder (scheduled crawls).",
)
@click.option(
    "--job-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the crawl's queue in this folder, so a stopped crawl resumes where it stopped.",
)
@click.option(
    "--cluster",
    "cluster_url",
    metavar="redis://HOST:PORT/DB",
    help="Crawl as one worker of a crawl shared through this Redis (or the campaign's cluster).",
)
@click.option("--seed", is_flag=True, help="With --cluster: queue the start requests, once.")
@click.option("--worker", help="With --cluster: this worker's name (default: the machine's).")
@click.option(
    "-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting."
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log.")
@db_option
@format_option("text", "json")
def crawl(
    campaign_path: Path,
    sources: tuple[str, ...],
    urls: tuple[str, ...],
    urls_file: str | None,
    since: date | None,
    until: date | None,
    mirror_url: str | None,
    replay_files: tuple[Path, ...],
    log_dir: Path | None,
    job_dir: Path | None,
    cluster_url: str | None,
    seed: bool,
    worker: str | None,
    settings: tuple[str, ...],
    verbose: bool,
    db_path: Path,
    output_format: str,
) -> None:
    """Crawl a campaign's sources into the archive, or capture listed pages.

    With --url or --urls, only the listed pages are fetched (by the `generic` source, which
    hands each page to its site's spider when there is one) and archived whatever the
    campaign's keywords and dates say. With --replay, the spiders run offline against a WARC
    capture (URLs it does not hold are reported as missing).

    With --cluster (or a campaign's `cluster` key), the crawl is shared by workers on any
    number of machines through Redis: `--seed` queues the campaign's start requests once,
    each worker fetches from the shared frontier and queues what it finds, and
    `archive ingest` writes it into the archive.

    Example:

        archive crawl --campaign campaigns/summit.toml --since 2024-08-01
    """
    check_window(since, until)
    from crawler.crawl.runner import run_crawl
    from spiders.generic import read_urls

    overrides = {**parse_setting(settings), "ARCHIVE_DB_PATH": str(db_path)}
    listed: dict[str, Any] = {}
    if urls or urls_file:
        if sources:
            raise click.UsageError("Use just one of --source and --url/--urls")
        try:
            listed = {"urls": read_urls(list(urls), urls_file)}
        except UsageError as error:
            raise click.BadParameter(str(error), param_hint="--url/--urls") from error
        sources = ("generic",)
    if mirror_url and replay_files:
        raise click.UsageError("Use just one of --mirror and --replay")
    with run_log(log_dir, campaign_path.stem):
        try:
            campaign = load_campaign(campaign_path)
            job = cluster_job(cluster_url or campaign.cluster, seed, worker, bool(listed), job_dir)
            summaries = run_crawl(
                campaign,
                sources=list(sources),
                since=since,
                until=until,
                settings=overrides,
                mirror_url=mirror_url,
                replay_files=list(replay_files),
                spider_args=listed,
                job_dir=job_dir,
                cluster=job,
                verbose=verbose,
            )
        except ArchiveError as error:
            fail(error)
        if job and job.seed:
            print_seeding(summaries, output_format, job)
            return
        print_summaries(summaries, output_format, db_path, job)
        stopped = any(summary.reason == "shutdown" for summary in summaries)
        if stopped:
            click.echo(resume_hint(job_dir), err=True)
    if any(map(failed, summaries)) or stopped:
        sys.exit(1)


def failed(summary: Summary) -> bool:
    """Whether a source's crawl failed: unreachable, stopped (a full disk …), or all errors."""
    return bool(summary.unreachable or summary.failure or (summary.errors and not summary.pages))


def cluster_job(
    url: str | None, seed: bool, worker: str | None, listed: bool, job_dir: Path | None
) -> ClusterJob | None:
    """What `archive crawl` is to a cluster (None for a local crawl); listed pages are the
    seeding's to queue."""
    if not url:
        if seed or worker is not None:
            raise click.UsageError("--seed and --worker go with --cluster")
        return None
    if job_dir:
        raise click.UsageError("--job-dir is for local crawls, not --cluster")
    if listed and not seed:
        raise click.UsageError("--url and --urls go with --cluster --seed, not on a worker")
    name = default_worker_name() if worker is None else check_worker_name(worker)
    return ClusterJob(url, worker=name, seed=seed)


def print_seeding(summaries: list[Summary], output_format: str, job: ClusterJob) -> None:
    """What a seeding queued, per source, and what to run next."""
    seeded = {summary.source: summary.seeded for summary in summaries}
    if output_format == "json":
        echo_json({"cluster": redacted(job.url), "seeded": seeded})
        return
    for source, count in seeded.items():
        click.echo(f"{source}: {count} start requests queued")
    click.echo(
        f"Seeded the crawl at {redacted(job.url)}. On each worker machine run:\n"
        f"  archive crawl --cluster {redacted(job.url)}\n"
        f"and on the archive's machine:\n  archive ingest --cluster {redacted(job.url)}"
    )


def resume_hint(job_dir: Path | None) -> str:
    """What to tell the archivist when a crawl was stopped (Ctrl-C, SIGTERM) before its end."""
    if job_dir:
        return f"Crawl stopped before its end; run the same command again to resume from {job_dir}."
    return (
        "Crawl stopped before its end; run the same command again to finish it (pages archived "
        "within the refresh interval are not fetched again), with --job-dir DIR to keep its queue."
    )


@contextmanager
def run_log(log_dir: Path | None, name: str) -> Iterator[None]:
    """Send the run's output (progress, summary, errors) to ``log_dir/<name>-<UTC time>.log``."""
    if log_dir is None:
        yield
        return
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    with path.open("a", encoding="utf-8") as log, redirect_stdout(log), redirect_stderr(log):
        try:
            yield
        except click.ClickException as error:
            log.write(f"Error: {error.format_message()}\n")
            raise


def print_summaries(
    summaries: list[Summary], output_format: str, db_path: Path, job: ClusterJob | None = None
) -> None:
    """The end-of-crawl summary: a line per source, or JSON."""
    if output_format == "json":
        rows = [{**vars(s), "pages_per_second": round(s.pages_per_second, 2)} for s in summaries]
        echo_json({"db": str(db_path), "sources": rows})
        return
    for summary in summaries:
        click.echo(summary.line())
    if job:
        click.echo(
            f"Worker {job.worker}: {sum(s.queued or 0 for s in summaries)} articles queued for "
            f"`archive ingest --cluster {redacted(job.url)}`"
        )
        return
    click.echo(
        f"Archive {db_path}: {sum(s.new for s in summaries)} new, "
        f"{sum(s.updated for s in summaries)} updated, "
        f"{sum(s.skipped for s in summaries)} skipped, {sum(s.errors for s in summaries)} errors"
    )


@cli.command()
@click.option(
    "--mirror-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The mirror folder to serve (default: the bundled tests/mirror).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="demo.db",
    show_default=True,
    help="The demo's own archive; its WARC files go in DB-warcs/ beside it.",
)
def demo(mirror_dir: Path | None, verbose: bool, db_path: Path) -> None:
    """Crawl the bundled mirror of the sites, served on 127.0.0.1, into its own archive
    (demo.db); no internet needed.

    The mirror's pages carry the real sites' URLs, so they never go into the archive of live
    crawls (archive.db), where a live crawl would take them for what it saw last.

    Example:

        archive demo
    """
    from crawler.crawl.runner import run_crawl
    from crawler.fetch.mirror import PACKAGED_MIRROR, serve_mirror

    try:
        campaign = load_campaign(PACKAGED_CAMPAIGN)
        warc_dir = db_path.with_name(f"{db_path.stem}-warcs")
        with serve_mirror(mirror_dir or PACKAGED_MIRROR) as server:
            click.echo(f"Serving the mirror at {server.url}", err=True)
            summaries = run_crawl(
                campaign,
                settings={"ARCHIVE_DB_PATH": str(db_path), "WARC_DIR": str(warc_dir)},
                mirror_url=server.url,
                verbose=verbose,
            )
    except ArchiveError as error:
        fail(error)
    print_summaries(summaries, "text", db_path)
    if any(map(failed, summaries)):
        sys.exit(1)
    archive = archive_command()
    seed_page = PACKAGED_MIRROR / "www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"
    click.echo(
        "\nTry next:\n"
        f"  {archive} stats --db {db_path}\n"
        f"  {archive} search 新質生產力 --db {db_path}\n"
        f"  {archive} serve --db {db_path}\n"
        f"  {archive} extract {shown_path(seed_page)} \\\n"
        "      --url https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"
    )


# An HTML page says so in its first bytes (a tag of the document or of its text).
HTML_REGEX = re.compile(rb"<(?:!doctype html|html|head|body|p|div|article|title)\b", re.I)
HTML_SNIFF_BYTES = 64 * 1024


@cli.command()
@click.argument("file_or_url")
@click.option("--url", help="The page's real URL, when FILE_OR_URL is a saved file.")
@click.option("--published", type=DATE, help="Publication date, for a page that prints none.")
def extract(file_or_url: str, url: str | None, published: date | None) -> None:
    """Print the article record (JSON) of one saved page or URL.

    Example:

        archive extract saved.html --url https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html
    """
    from crawler.extract.page import canonical_url, extract_record
    from crawler.fetch.one_page import read_page
    from crawler.warc.capture import utc_now

    try:
        fetched_url, body, headers = read_page(file_or_url)
        if not HTML_REGEX.search(body[:HTML_SNIFF_BYTES]):
            raise ArchiveError(f"{file_or_url} is not an HTML page: no article to extract")
        page_url = fetched_url or url or canonical_url(body)
        if page_url is None:
            page_url = Path(file_or_url).resolve().as_uri()
            click.echo(
                f"Warning: {file_or_url} declares no URL (link rel=canonical, og:url): its links"
                " and outlet are read against the file; give its real URL with --url",
                err=True,
            )
        # A page fetched now is read against today; a saved file's fetch time is unknown.
        fetched_at = utc_now() if fetched_url else None
        record = extract_record(page_url, body, headers, published=published, fetched_at=fetched_at)
    except ArchiveError as error:
        fail(error)
    if not (record["title"] or record["body"]):
        fail(ArchiveError(f"no article found in {file_or_url}: neither a headline nor a text"))
    echo_json(record)
