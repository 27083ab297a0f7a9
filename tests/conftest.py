"""Shared fixtures: the mirror served on 127.0.0.1, archive paths, expected page contents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mirror import MirrorServer, serve_mirror
from tests.helpers import EXPECTED, MIRROR


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
