"""Crash safety: a crawl of the 香港商報 mirror killed with SIGKILL at random moments, then
restarted with the same archive and job folder, ends with every summit article archived once,
no half-written row, sound indexes and WARC files, and the interrupted runs on record; SIGTERM
stops a crawl gracefully and says how to resume."""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from subprocess import Popen

import pytest

from crawler.fetch.mirror import MirrorServer
from crawler.warc.reader import read_capture
from tests.helpers import start_archive

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TRIALS = 20
MAX_RUNS = 3 * TRIALS
SEED = 8
# Kill moments: every other trial from the child's start (start-up: imports, opening the
# archive), the others from the moment its crawl row exists, so that however slow the machine
# is at starting Python, some kills land in the crawl itself.
KILL_AFTER_SECONDS = (0.4, 2.0)
KILL_AFTER_ROW_SECONDS = (0.0, 1.5)
TIME_LIMIT_SECONDS = 240
ORPHANS_SQL = {
    table: f"SELECT count(*) FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)"
    for table in ("article_urls", "bylines", "images")
}


def crawl_args(mirror: MirrorServer, db_path: Path, job_dir: Path) -> list[str]:
    return [
        "crawl", "--source", "hkcd", "--mirror", mirror.url, "--db", str(db_path),
        "--job-dir", str(job_dir), "-s", "PROGRESS_INTERVAL=1",
        # Every run fetches and saves every article again: more writes to be killed in.
        "-s", "REFRESH_ENABLED=0",
    ]  # fmt: skip


def summit_urls(hkcd_expected: list[dict]) -> set[str]:
    return {e["url"] for e in hkcd_expected if e["summit"] and e["published"][:10] >= "2024-08-01"}


def crawl_rows(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    with closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)) as db:
        try:
            return db.execute("SELECT count(*) FROM crawls").fetchone()[0]
        except sqlite3.OperationalError:  # no schema yet
            return 0


def wait_for_a_new_crawl_row(db_path: Path, rows_before: int, child: Popen) -> None:
    """Until the child's crawl row is written (or the child has ended)."""
    while child.poll() is None and crawl_rows(db_path) <= rows_before:
        time.sleep(0.02)


def check_sound(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.execute("INSERT INTO articles_search(articles_search) VALUES('integrity-check')")
    for table, sql in ORPHANS_SQL.items():
        assert db.execute(sql).fetchone() == (0,), f"{table} rows without their article"


def test_killed_crawls_resume_and_lose_or_duplicate_nothing(
    mirror: MirrorServer, tmp_path: Path, hkcd_expected: list[dict]
) -> None:
    db_path, job_dir = tmp_path / "archive.db", tmp_path / "job"
    rng = random.Random(SEED)
    started = time.monotonic()
    killed = 0
    logs: list[str] = []
    # A run that ends before its kill moment is no trial: run again until TRIALS kills, so a
    # fast or a loaded machine tests as many kills as any other.
    for _ in range(MAX_RUNS):
        if killed == TRIALS:
            break
        rows_before = crawl_rows(db_path)
        child = start_archive(*crawl_args(mirror, db_path, job_dir))
        if killed % 2:
            wait_for_a_new_crawl_row(db_path, rows_before, child)
            time.sleep(rng.uniform(*KILL_AFTER_ROW_SECONDS))
        else:
            time.sleep(rng.uniform(*KILL_AFTER_SECONDS))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        logs.append(child.communicate(timeout=30)[1])
        if db_path.exists():
            with sqlite3.connect(db_path) as db:
                check_sound(db)
    final = start_archive(*crawl_args(mirror, db_path, job_dir))
    _, stderr = final.communicate(timeout=60)
    assert final.returncode == 0, stderr
    assert time.monotonic() - started < TIME_LIMIT_SECONDS
    assert killed == TRIALS

    db = sqlite3.connect(db_path)
    check_sound(db)
    urls = [url for (url,) in db.execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(summit_urls(hkcd_expected))  # none lost, none twice
    statuses = [status for (status,) in db.execute("SELECT status FROM crawls ORDER BY id")]
    assert statuses[-1] == "finished"
    # Kills before the run's row was written leave none.
    assert set(statuses) == {"interrupted", "finished"}
    logs.append(stderr)
    # The kills hit WARC files and job folders in use, and the next runs cleaned up after them.
    assert any("left open by a killed crawl" in log for log in logs)
    assert any("was left by a crawl that was killed" in log for log in logs)
    warcs = tmp_path / "warcs"
    assert not list(warcs.glob("*.open"))
    for file, offset in db.execute("SELECT warc_file, warc_offset FROM article_urls"):
        assert read_capture(tmp_path / file, offset).body
    db.close()


def test_sigterm_stops_the_crawl_gracefully_and_says_how_to_resume(
    mirror: MirrorServer, tmp_path: Path
) -> None:
    db_path, job_dir = tmp_path / "archive.db", tmp_path / "job"
    child = start_archive(*crawl_args(mirror, db_path, job_dir))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (tmp_path / "warcs").exists():
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 1
    assert "Traceback" not in stderr
    assert f"run the same command again to resume from {job_dir}" in stderr
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT status FROM crawls").fetchall() == [("shutdown",)]
    check_sound(db)
    db.close()
    resumed = start_archive(*crawl_args(mirror, db_path, job_dir))
    _, stderr = resumed.communicate(timeout=60)
    assert resumed.returncode == 0, stderr
