"""`archive search`, `archive export` and `archive reindex`: finding and taking out articles."""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from crawler.cli import cli
from crawler.cli.options import DATE, check_window, db_option, echo_json, fail
from crawler.cli.tables import echo_table
from crawler.errors import ArchiveError
from crawler.query.search import SORTS
from crawler.settings import DEDUP_MIN_SIMILARITY

# A rebuild's progress line comes at most this often per stage.
PROGRESS_SECONDS = 5.0
SORT_NAMES = {
    "relevance": "best match first (bm25: title, subtitle, captions, body), newest among equals",
    "newest": "newest first",
    "oldest": "oldest first",
}
UNRANKED = (
    "too costly to rank (more than {:,} matches, or a word in more than {:,} articles): title"
    " and subtitle matches among the latest {:,} first, then the rest, each the latest archived"
    " first"
)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@cli.command()
@click.argument("query")
@click.option("--outlet", help="Only this outlet (either script: 香港商報 or 香港商报).")
@click.option("--reporter", help="Only articles with this reporter.")
@click.option("--since", type=DATE, help="Published on or after this day.")
@click.option("--until", type=DATE, help="Published on or before this day.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--all-versions", is_flag=True, help="List every member of a cluster of copies.")
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="relevance: bm25, title above captions above body, as in Datasette; or by date.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@db_option
def search(
    query: str,
    outlet: str | None,
    reporter: str | None,
    since: date | None,
    until: date | None,
    limit: int,
    all_versions: bool,
    sort: str,
    output_format: str,
    db_path: Path,
) -> None:
    """Search the archive: words of two or more Chinese characters in either script, Latin
    words, "quoted phrases", AND, OR, NOT.

    Copies of one story (a cluster) count once, with the number of other copies that match.
    The table says which order it is in (--sort).

    Example:

        archive search 新质生产力 --outlet 香港商報 --since 2024-08-29
    """
    from crawler.query.search import RANKED_MATCHES, RANKED_PHRASE_ARTICLES, search_articles
    from crawler.store.records import open_readonly

    check_window(since, until)
    try:
        results = search_articles(
            open_readonly(db_path),
            query,
            outlet=outlet,
            reporter=reporter,
            since=_day(since),
            until=_day(until),
            limit=limit,
            all_versions=all_versions,
            sort=sort,
        )
    except ArchiveError as error:
        fail(error)
    if output_format == "json":
        echo_json(results)
    elif output_format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(results[0]) if results else ["id"])
        writer.writeheader()
        writer.writerows(results)
    else:
        rows = [
            {k: r[k] for k in ("published", "outlet", "title", "copies", "snippet")}
            for r in results
        ]
        echo_table(rows, "No articles match.")
        if rows:
            unranked = sort == "relevance" and results[0]["rank"] is None
            limits = (RANKED_MATCHES, RANKED_PHRASE_ARTICLES, RANKED_MATCHES)
            order = UNRANKED.format(*limits) if unranked else SORT_NAMES[sort]
            click.echo(f"\n{len(rows)} articles, {order}.")


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
)
@click.option("--query", help="Only articles matching this search (as `archive search`).")
@click.option("--outlet", help="Only this outlet.")
@click.option("--since", type=DATE, help="Published on or after this day.")
@click.option("--until", type=DATE, help="Published on or before this day.")
@click.option("--all-versions", is_flag=True, help="Every member of a cluster, not its original.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option(
    "--excel",
    is_flag=True,
    help="CSV that Excel opens as UTF-8 (a byte order mark first); implies --format csv.",
)
@db_option
def export(
    output_format: str,
    query: str | None,
    outlet: str | None,
    since: date | None,
    until: date | None,
    all_versions: bool,
    output: Path | None,
    excel: bool,
    db_path: Path,
) -> None:
    """Write article records (the JSON of docs/researchers.md, with each article's id) as JSON
    lines or CSV, one at a time.

    Example:

        archive export --format csv --query 高峰論壇 --output summit.csv
    """
    from crawler.query.export import export_records, write_csv, write_jsonl
    from crawler.store.records import open_readonly

    check_window(since, until)
    write = write_csv if output_format == "csv" or excel else write_jsonl
    # utf-8-sig writes the byte order mark by which Excel tells UTF-8 from the local code page.
    encoding = "utf-8-sig" if excel else "utf-8"
    try:
        records = export_records(
            open_readonly(db_path),
            query=query,
            outlet=outlet,
            since=_day(since),
            until=_day(until),
            all_versions=all_versions,
        )
        if output is None:
            if excel:
                sys.stdout.reconfigure(encoding=encoding, newline="")
            count = write(records, sys.stdout)
        else:
            with output.open("w", encoding=encoding, newline="") as out:
                count = write(records, out)
    except ArchiveError as error:
        fail(error)
    except OSError as error:
        fail(ArchiveError(f"cannot write {output}: {error.strerror or error}"))
    click.echo(f"Exported {count} articles", err=True)


@cli.command()
@db_option
@click.option(
    "--clusters",
    is_flag=True,
    help="Rebuild the near-duplicate index and the clusters instead of the search index.",
)
@click.option(
    "--min-similarity",
    type=click.FloatRange(0.0, 1.0),
    default=DEDUP_MIN_SIMILARITY,
    show_default=True,
    help="With --clusters: the estimated similarity from which two articles are one story"
    " (DEDUP_MIN_SIMILARITY).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="With --clusters: processes that hash the texts  [default: one a core]",
)
def reindex(db_path: Path, clusters: bool, min_similarity: float, workers: int | None) -> None:
    """Rebuild the search index, or with --clusters the near-duplicates, from the articles.

    Both are otherwise kept in step by every write. Rebuild the clusters after changing
    DEDUP_MIN_SIMILARITY, or to split clusters an updated article no longer links.

    Examples:

        archive reindex --db archive.db

        archive reindex --clusters --min-similarity 0.6 --db archive.db
    """
    from crawler.store import Archive
    from crawler.store.records import open_readonly

    try:
        open_readonly(db_path)
        archive = Archive.open(db_path, min_similarity)
        if clusters:
            rebuilt = archive.rebuild_clusters(workers, _progress())
            message = (
                f"Rebuilt the near-duplicate index of {rebuilt.indexed} articles:"
                f" {rebuilt.clusters} clusters of {rebuilt.clustered} articles"
            )
        else:
            message = f"Reindexed {archive.reindex()} articles"
        archive.close()
    except ArchiveError as error:
        fail(error)
    click.echo(message)


def _progress() -> Callable[[str, int, int], None]:
    """Report each stage of a rebuild on standard error: a line when it starts, then at most one
    every PROGRESS_SECONDS, with the rate."""
    started: dict[str, float] = {}
    shown: dict[str, float] = {}

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        started.setdefault(stage, now)
        if done < total and now - shown.get(stage, 0.0) < PROGRESS_SECONDS:
            return
        shown[stage] = now
        line = f"{stage}: {done:,} of {total:,}"
        if done:
            line += f" ({done / max(now - started[stage], 1e-3):.0f}/s)"
        click.echo(line, err=True)

    return report
