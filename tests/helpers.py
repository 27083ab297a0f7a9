"""Helpers shared by the tests (and scripts/bench_cluster.py): where things are, the `archive`
command in a child process (a Twisted reactor runs once per process, so every crawl gets its
own), a throwaway Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
MIRROR = TESTS / "mirror"
EXPECTED = TESTS / "expected"
HKCD_HOST = "www.hkcd.com.hk"
HKCD_URL = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"
# An article record (docs/ARCHITECTURE.md) as the normaliser gives it for a 香港商報 page.
HKCD_RECORD = {
    "url": HKCD_URL,
    "canonical_url": HKCD_URL,
    "outlet": "香港商報",
    "original_outlet": None,
    "title": "港府循四大方向 發展新質生產力",
    "subtitle": "特首：善用自身優勢積極創新變革",
    "published": "2024-08-30T04:21:37+08:00",
    "updated": None,
    "bylines": [{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}],
    "dateline": {"place": None, "date": None},
    "body": "【香港商報訊】記者王丹丹報道：昨日，「科技+新質生產力高峰論壇」在本港舉辦。",
    "sections": ["建設國際科創中心重要引擎"],
    "images": [
        {
            "src": "https://www.hkcd.com.hk/hkcdweb/images/2024-08/30/a8652301_2.jpg",
            "caption": "啓動儀式。",
            "caption_raw": "啓動儀式。中聯辦網站圖片",
            "source": "中聯辦網站",
            "photographer": None,
        }
    ],
    "mentioned_dates": [{"text": "昨日", "date": "2024-08-29"}],
    "script": "Hant",
    "source_line": None,
    "content_hash": "sha256:abc",
}


# Children started by start_archive; tests/conftest.py kills those a test left running.
CHILDREN: list[subprocess.Popen] = []


def archive_argv(*args: str) -> list[str]:
    """The command line of `archive ARGS` run by this Python (a child process of its own)."""
    return [sys.executable, "-m", "crawler", *args]


def start_archive(*args: str, **env: str) -> subprocess.Popen:
    """Start the `archive` command in a child process (output captured) and return it."""
    child = subprocess.Popen(
        archive_argv(*args),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    CHILDREN.append(child)
    return child


def reap_children() -> list[subprocess.Popen]:
    """Kill the children still running, wait for all, close their pipes; return the killed."""
    killed = [child for child in CHILDREN if child.poll() is None]
    for child in killed:
        child.kill()
    for child in CHILDREN:
        child.communicate()
    CHILDREN.clear()
    return killed


def run_archive(
    *args: str, timeout: float = 120, cwd: Path = REPO, **env: str
) -> subprocess.CompletedProcess:
    """Run the `archive` command in a child process (from the repository's root by default)."""
    return subprocess.run(
        archive_argv(*args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env},
    )


@contextmanager
def redis_server(server: str, folder: Path) -> Iterator[str]:
    """The redis-server at ``server`` started on a free loopback port, without persistence, its
    files in ``folder``; its URL. Stopped at the end; RuntimeError, with the end of its log,
    when it does not answer within ten seconds."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = folder / "redis.log"
    command = [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
               "no", "--dir", str(folder), "--logfile", str(log)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    message = f"redis-server did not start on port {port}:\n{tail}"
                    raise RuntimeError(message) from None
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
