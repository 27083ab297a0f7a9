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
