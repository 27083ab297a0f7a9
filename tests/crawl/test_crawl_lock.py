"""One crawl of a campaign at a time: a second `archive crawl` of the same campaign into the
same archive, while the first runs, says so in one line and exits 1, leaving no trace."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from filelock import FileLock, Timeout

from crawler.crawl.lock import lock_path
from crawler.fetch.mirror import MirrorServer
from tests.helpers import REPO, run_archive

pytestmark = pytest.mark.e2e


def held(path: Path) -> bool:
    """Whether another process holds the lock file ``path``."""
    if not path.exists():
        return False
    try:
        FileLock(path).acquire(timeout=0).lock.release()
    except Timeout:
        return True
    return False


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_a_second_crawl_of_the_same_campaign_says_so_and_exits(
    mirror: MirrorServer, db_path: Path
) -> None:
    # A first crawl slowed to one request every five seconds, so it is still running below.
    first = subprocess.Popen(
        [
            sys.executable, "-m", "crawler", "crawl", "--source", "hkcd", "--mirror", mirror.url,
            "--db", str(db_path), "-s", "DOWNLOAD_DELAY=5", "-s", "RANDOMIZE_DOWNLOAD_DELAY=0",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        ],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy(),
    )  # fmt: skip
    try:
        # It has opened its crawls row once it asks the mirror for anything.
        wait_until(lambda: bool(mirror.log.entries) and held(lock_path(db_path, "summit")))
        second = run_archive(
            "crawl", "--source", "hkcd", "--mirror", mirror.url, "--db", str(db_path)
        )
        assert first.poll() is None
    finally:
        first.kill()
        first.wait(timeout=30)
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"Error: a crawl of campaign 'summit' into {db_path} is already running "
        f"(lock {lock_path(db_path, 'summit')}); try again when it has finished"
    ]
    assert sqlite_utils.Database(db_path)["crawls"].count == 1
    # The operating system let the lock go with the killed crawl: no stale lock is left.
    assert not held(lock_path(db_path, "summit"))
