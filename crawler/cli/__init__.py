"""The `archive` command, the only place that parses arguments (click).
May import every stage; nothing imports it but crawler/__main__.py.

Each command parses its options, calls one library function and prints the result; errors the
library raises (crawler.errors) become one-line messages and a non-zero exit. The commands live
in modules by concern: crawling.py (crawl, demo, extract), reading.py (stats, history, dupes),
searching.py (search, export, reindex), warc.py (import-warc, capture), audit.py (crawls),
schedule.py (schedule install|list|remove), serve.py (serve), cluster.py (ingest,
cluster status).
"""

from __future__ import annotations

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="summit-archive")
def cli() -> None:
    """Archive the news coverage of Hong Kong's 科技+新質生產力高峰論壇 into SQLite."""


# The command modules register themselves on the group above.
from crawler.cli import (  # noqa: E402
    audit,
    cluster,
    crawling,
    reading,
    schedule,
    searching,
    serve,
    warc,
)

__all__ = [
    "audit",
    "cli",
    "cluster",
    "crawling",
    "reading",
    "schedule",
    "searching",
    "serve",
    "warc",
]
