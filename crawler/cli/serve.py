"""`archive serve`: browse the archive in Datasette."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from crawler.cli import cli
from crawler.cli.options import db_option, fail
from crawler.errors import ArchiveError
from crawler.serve.metadata import SERVE_OPTIONS


def serve_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--host, --port …: one option per row of SERVE_OPTIONS."""
    for option in reversed(SERVE_OPTIONS):
        function = click.option(
            f"--{option.name}",
            type=type(option.default),
            default=option.default,
            show_default=True,
            help=option.help,
        )(function)
    return function


@cli.command()
@db_option
@serve_options
@click.option("--open", "open_browser", is_flag=True, help="Open the archive in a web browser.")
def serve(db_path: Path, host: str, port: int, open_browser: bool) -> None:
    """Browse the archive in Datasette, read-only: search, facets, reprints, the crawl log.

    Example:

        archive serve --db archive.db --open
    """
    from crawler.serve.app import serve_archive

    try:
        serve_archive(db_path, host=host, port=port, open_browser=open_browser)
    except ArchiveError as error:
        fail(error)
