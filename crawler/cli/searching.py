"""`archive search`, `archive export` and `archive reindex`: finding and taking out articles."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

import click

from crawler.cli import cli
from crawler.cli.options import DATE, check_window, db_option, echo_json, fail
from crawler.cli.tables import echo_table
from crawler.errors import ArchiveError
from crawler.query.search import SORTS

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
def reindex(db_path: Path) -> None:
    """Rebuild the search index from the articles.

    Example:

        archive reindex --db archive.db
    """
    from crawler.store import Archive
    from crawler.store.records import open_readonly

    try:
        open_readonly(db_path)
        archive = Archive.open(db_path)
        count = archive.reindex()
        archive.close()
    except ArchiveError as error:
        fail(error)
    click.echo(f"Reindexed {count} articles")
