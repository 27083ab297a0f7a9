"""`archive crawls`: the audit trail of crawl runs and of what failed in them."""

from __future__ import annotations

from pathlib import Path

import click
from tabulate import tabulate

from crawler.cli import cli
from crawler.cli.options import db_option, echo_json, fail, format_option
from crawler.errors import ArchiveError

RUN_COLUMNS = (
    "id",
    "source",
    "started",
    "finished",
    "status",
    "pages",
    "new",
    "updated",
    "not_modified",
    "skipped",
    "errors",
    "warc_files",
)


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
        click.echo(tabulate(rows, headers="keys") if rows else f"Crawl {crawl_id}: no errors.")
        return
    table = [
        {**{key: run[key] for key in RUN_COLUMNS}, "warc_files": _names(run["warc_files"])}
        for run in rows
    ]
    click.echo(tabulate(table, headers="keys") if table else "No crawls yet.")


def _names(paths: list[str]) -> str:
    """WARC files by name, one a line."""
    return "\n".join(Path(path).name for path in paths)
