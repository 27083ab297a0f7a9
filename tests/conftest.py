"""Shared fixtures: the mirror served on 127.0.0.1, archive paths, expected page contents, a
Redis for cluster crawls."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.fetch.mirror import MirrorServer, serve_mirror
from tests.helpers import EXPECTED, MIRROR, reap_children, redis_server


@pytest.fixture(autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """Whatever a test ends with, the `archive` processes it started are gone after it."""
    yield
    reap_children()


@pytest.fixture
def mirror() -> Iterator[MirrorServer]:
    """The bundled mirror, served over HTTP on 127.0.0.1, with a fresh request log."""
    with serve_mirror(MIRROR) as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's archive goes (not created)."""
    return tmp_path / "archive.db"


@pytest.fixture(scope="session")
def hkcd_expected() -> list[dict]:
    """What each hkcd mirror article page holds, written down by hand."""
    return json.loads((EXPECTED / "hkcd.json").read_text(encoding="utf-8"))


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """An empty Redis database on loopback, as a redis:// URL: the one ARCHIVE_TEST_REDIS names
    (flushed before and after the test), else a redis-server of the test's own on a free port.
    Without either the test is skipped, or fails when CI is set."""
    url = os.environ.get("ARCHIVE_TEST_REDIS")
    if url:
        client = redis.Redis.from_url(url, socket_connect_timeout=5)
        try:
            client.flushdb()
        except redis.RedisError as error:
            pytest.fail(f"ARCHIVE_TEST_REDIS={url} does not answer: {error}")
        yield url
        client.flushdb()
        client.close()
        return
    server = shutil.which("redis-server")
    if server is None:
        message = "no Redis: install redis-server or set ARCHIVE_TEST_REDIS=redis://HOST:PORT/DB"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path / "redis"
    folder.mkdir()
    with redis_server(server, folder) as url:  # RuntimeError with its log if it does not start
        yield url
