"""`archive serve`: the archive in Datasette, read-only, with its metadata and plugin.

Read-only by construction: the archive is added as a ``ReadOnlyDatabase``, whose every
connection, the one Datasette keeps for writes included, is opened with SQLite's ``mode=ro`` and
``PRAGMA query_only``. Neither a SQL query, a write canned query nor a plugin's
``execute_write`` can change the file; SQLite refuses with "attempt to write a readonly
database". Unlike Datasette's immutable mode (``-i``), reads still see what a running crawl
commits.

Reads ``DATASETTE_SETTINGS`` (crawler/serve/metadata.py); the CLI passes the values of
``SERVE_OPTIONS``.
"""

from __future__ import annotations

import webbrowser
from pathlib import Path

import uvicorn
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm
from datasette.utils import sqlite3

from crawler.serve import plugin as datasette_plugin
from crawler.serve.metadata import DATABASE, DATASETTE_SETTINGS, build_metadata
from crawler.store.records import connect_readonly, open_readonly

TEMPLATES = Path(__file__).resolve().parent / "templates"


class ReadOnlyDatabase(Database):
    """A Datasette database on a file whose every connection is read-only."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        conn = connect_readonly(Path(self.path), check_same_thread=False)
        conn.execute("PRAGMA query_only = 1")
        # As Database.connect does, so that Database.close() closes it.
        self._all_file_connections.append(conn)
        return conn


def archive_datasette(path: str | Path) -> Datasette:
    """A Datasette serving the archive at ``path`` read-only, as ``/archive``.

    Raises NotAnArchive when ``path`` is missing or not an archive.

    Example: ``archive_datasette("archive.db").client.get("/archive/search?q=新质生产力")``.
    """
    open_readonly(path).close()
    # Installed packages load the plugin through their entry point; a source checkout may not.
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="archive")
    datasette = Datasette(
        metadata=build_metadata(), template_dir=str(TEMPLATES), settings=DATASETTE_SETTINGS
    )
    datasette.remove_database("_memory")
    datasette.add_database(ReadOnlyDatabase(datasette, path=str(path)), name=DATABASE)
    return datasette


def serve_archive(path: str | Path, *, host: str, port: int, open_browser: bool = False) -> None:
    """Serve the archive at ``path`` on ``host:port`` until interrupted (Ctrl-C)."""
    datasette = archive_datasette(path)
    if open_browser:
        webbrowser.open(f"http://{host}:{port}/{DATABASE}")
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info", lifespan="on")
