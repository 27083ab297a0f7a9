"""Helpers shared by the tests: where things are, and the `archive` command in a child process
(a Twisted reactor runs once per process, so every crawl gets its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
MIRROR = TESTS / "mirror"
EXPECTED = TESTS / "expected"
HKCD_HOST = "www.hkcd.com.hk"


def start_archive(*args: str, **env: str) -> subprocess.Popen:
    """Start the `archive` command in a child process (output captured) and return it."""
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def run_archive(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """Run the `archive` command in a child process from the repository's root."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env},
    )
