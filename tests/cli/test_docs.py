"""The docs keep up with the code: every command and every setting of ours is documented."""

from __future__ import annotations

import re

import pytest

from crawler import settings
from crawler.cli import cli
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PAGES = [README, *(page.read_text(encoding="utf-8") for page in (REPO / "docs").glob("*.md"))]
ARCHITECTURE = (REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
OUR_PREFIXES = "ARCHIVE|CLUSTER|DEDUP|MIRROR|PROGRESS|REFRESH|REPLAY|RETRY_BACKOFF|UNREACHABLE|WARC"
OUR_SETTINGS = [name for name in vars(settings) if re.match(rf"({OUR_PREFIXES})_", name)]


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_one_section(command: str) -> None:
    assert sum(page.count(f"### `archive {command}`") for page in PAGES) == 1


@pytest.mark.parametrize("name", OUR_SETTINGS)
def test_every_setting_of_ours_is_documented(name: str) -> None:
    assert name in (settings.__doc__ or "")
    assert name in ARCHITECTURE


def test_readme_quick_start_is_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make crawl" in quick_start and "make test" in quick_start
