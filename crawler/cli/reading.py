"""`archive stats`, `archive history` and `archive dupes`: reading the archive."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from crawler.cli import cli
from crawler.cli.options import db_option, echo_json, fail, format_option
from crawler.cli.tables import echo_table, fit_line, minute, wrap_diff
from crawler.errors import ArchiveError

# The columns of `archive stats` that hold times, shown to the minute in its tables.
TIMES = {"first", "last", "started"}


@cli.command()
@db_option
@format_option("table", "json")
def stats(db_path: Path, output_format: str) -> None:
    """Articles by outlet and by month, and the last crawls.

    Example:

        archive stats --db archive.db
    """
    from crawler.query.reports import archive_stats
    from crawler.store.records import open_readonly

    try:
        report = archive_stats(open_readonly(db_path))
    except ArchiveError as error:
        fail(error)
    if output_format == "json":
        echo_json(report)
        return
    for heading, rows in report.items():
        click.echo(f"\n{heading.replace('_', ' ').capitalize()}:")
        echo_table(
            [_table_row(row) for row in rows],
            "  (none)",
        )


def _table_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stats row as its table shows it: times to the minute, a crawl's end as how long it took
    (so the table fits 100 columns; ``--format json`` has every time whole)."""
    shown: dict[str, Any] = {}
    for key, value in row.items():
        if key == "finished":
            shown["took"] = _took(row["started"], value)
        elif key in TIMES and isinstance(value, str):
            shown[key] = minute(value)
        else:
            shown[key] = value
    return shown


def _took(started: str | None, finished: str | None) -> str | None:
    """How long a crawl took, as H:MM:SS (None while it runs)."""
    if not (started and finished):
        return None
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    return str(timedelta(seconds=round(seconds)))


@cli.command()
@click.argument("url")
@db_option
@format_option("table", "json")
def history(url: str, db_path: Path, output_format: str) -> None:
    """Every version of the article at URL, and every URL it was seen at.

    Example:

        archive history https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html
    """
    from crawler.query.reports import article_history
    from crawler.store.records import open_readonly

    try:
        found = article_history(open_readonly(db_path), url)
    except ArchiveError as error:
        fail(error)
    if found is None:
        raise click.ClickException(f"no article archived at {url}")
    if output_format == "json":
        echo_json(found)
        return
    click.echo(fit_line(f"{found['title']} ({found['id']})") + "\n\nVersions:")
    table = [
        {
            "version": version["version"],
            "first seen": minute(version["first_seen"]),
            "last seen": minute(version["last_seen"]),
            "title": version["title"],
            "¶ added": version.get("paragraphs_added"),
            "removed": version.get("paragraphs_removed"),
            "changed": version.get("paragraphs_changed"),
        }
        for version in found["versions"]
    ]
    echo_table(table, "")
    for version in found["versions"]:
        if version.get("diff"):
            click.echo(f"\nVersion {version['version']}, what changed:")
            click.echo("\n".join(wrap_diff(version["diff"][2:])))  # without ---/+++
    click.echo("\nSeen at:")
    seen_at = [
        {
            "url": seen["url"],
            "outlet": seen["outlet"],
            "first seen": minute(seen["first_seen"]),
            "last seen": minute(seen["last_seen"]),
            "status": seen["http_status"],
            "source line": seen["source_line"],
        }
        for seen in found["urls"]
    ]
    echo_table(seen_at, "")


# Reprints and trimmed copies score 0.8 and more; between the clustering threshold (0.5) and
# this, a speech and a report on it share their quotations (0.52 to 0.59 seen): shown on asking.
DEFAULT_DUPES_SIMILARITY = 0.8


@cli.command()
@click.option(
    "--min-similarity",
    type=click.FloatRange(0, 1),
    default=DEFAULT_DUPES_SIMILARITY,
    show_default=True,
    help="Only clusters with a member at least this similar to the original.",
)
@db_option
@format_option("table", "json")
def dupes(min_similarity: float, db_path: Path, output_format: str) -> None:
    """Clusters of near-duplicate articles: reprints, copies in the other script, trimmed copies;
    the largest first.

    Example:

        archive dupes --min-similarity 0.6
    """
    from crawler.query.reports import duplicate_clusters
    from crawler.store.records import open_readonly

    try:
        clusters = duplicate_clusters(open_readonly(db_path), min_similarity)
    except ArchiveError as error:
        fail(error)
    if output_format == "json":
        echo_json(clusters)
        return
    for cluster in clusters:
        heading = (
            f"Cluster {cluster['cluster']} ({cluster['size']} articles), original: "
            f"{cluster['original_outlet']} {cluster['original_published']} "
            f"{cluster['original_title']}"
        )
        click.echo("\n" + fit_line(heading))
        rows = [
            {k: m[k] for k in ("similarity", "outlet", "published", "title", "url")}
            for m in cluster["members"]
        ]
        echo_table(rows, "", floatfmt=".2f")
    if not clusters:
        click.echo("No near-duplicates in the archive.")
