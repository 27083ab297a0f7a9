"""`archive crawls`: the audit trail of crawl runs and of what failed in them."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli import cli
from crawler.cli.options import db_option, echo_json, fail, format_option
from crawler.cli.tables import echo_table, minute
from crawler.errors import ArchiveError

# The table's columns, short enough that a run fits one line of 100 columns; --format json has
# every field (finished, requests, bytes, unchanged, the WARC files' names, why it failed).
RUN_COLUMNS = {
    "id": "id",
    "source": "source",
    "started": "started",
    "status": "status",
    "pages": "pages",
    "new": "new",
    "updated": "upd",
    "not_modified": "304",
    "skipped": "skip",
    "errors": "err",
}


@cli.command()
@click.option(
    "--errors", "crawl_id", type=int, metavar="ID", help="List what failed in crawl ID, and why."
)
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, help="Runs to list."
)
@db_option
@format_option("table", "json")
def crawls(crawl_id: int | None, limit: int, db_path: Path, output_format: str) -> None:
    """The crawl runs, newest first: times, status, counts, WARC files; or one run's errors.

    Example:

        archive crawls --errors 12
    """
    from crawler.query.reports import crawl_errors, crawl_runs
    from crawler.store.records import open_readonly

    try:
        db = open_readonly(db_path)
        rows = crawl_runs(db, limit) if crawl_id is None else crawl_errors(db, crawl_id)
    except ArchiveError as error:
        fail(error)
    if rows is None:
        raise click.ClickException(f"no crawl {crawl_id} in {db_path}; see `archive crawls`")
    if output_format == "json":
        echo_json(rows)
        return
    if crawl_id is not None:
        errors = [
            {
                "time": minute(row["time"]),
                "status": row["http_status"],
                "tries": row["attempts"],
                "reason": row["reason"],
                "url": row["url"],
            }
            for row in rows
        ]
        echo_table(errors, f"Crawl {crawl_id}: no errors.")
        return
    table = [
        {
            **{name: run[key] for key, name in RUN_COLUMNS.items()},
            "started": minute(run["started"]),
            "warcs": len(run["warc_files"]),
        }
        for run in rows
    ]
    echo_table(table, "No crawls yet.")
