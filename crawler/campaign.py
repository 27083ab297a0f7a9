"""Crawl campaigns: which sources to crawl, which keywords an article must carry, which dates.

A campaign is a TOML file (campaigns/summit.toml)::

    name = "summit"
    sources = ["hkcd"]
    keywords = ["新質生產力", "新质生产力", "高峰論壇"]
    since = 2024-08-01          # optional, inclusive
    until = 2024-12-31          # optional, inclusive

Keywords match in either script (both sides are folded to Simplified Chinese) and regardless of
Latin case, in the title, subtitle or body.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from crawler.errors import CampaignError
from crawler.normalise.script import to_simplified

DEFAULT_CAMPAIGN = Path("campaigns/summit.toml")


@dataclass(frozen=True)
class Campaign:
    """A parsed campaign file."""

    name: str
    sources: list[str]
    keywords: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    title: str | None = None
    path: Path | None = None

    def matches(self, texts: Iterable[str | None]) -> bool:
        """Whether any keyword occurs in any of ``texts`` (always true without keywords)."""
        if not self.keywords:
            return True
        haystack = fold_text("\n".join(text for text in texts if text))
        return any(fold_text(keyword) in haystack for keyword in self.keywords)

    def in_window(self, day: date | None) -> bool:
        """Whether ``day`` lies in the campaign's date window (an unknown day does)."""
        if day is None:
            return True
        return not (self.since and day < self.since) and not (self.until and day > self.until)


def fold_text(text: str) -> str:
    """Fold text for keyword matching: Simplified script, lower-case Latin."""
    return to_simplified(text).casefold()


def load_campaign(path: str | Path) -> Campaign:
    """Read and check a campaign file.

    Raises :class:`CampaignError` naming the file (and the line, or the key) when it is
    missing, is not valid TOML or has a key of the wrong kind.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CampaignError(f"campaign file not found: {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CampaignError(f"cannot read campaign file {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise CampaignError(f"{path}: {error}") from error
    return Campaign(
        name=_get(data, "name", str, path) or path.stem,
        title=_get(data, "title", str, path),
        sources=_get_strings(data, "sources", path),
        keywords=_get_strings(data, "keywords", path),
        since=_get_date(data, "since", path),
        until=_get_date(data, "until", path),
        path=path,
    )


def _get(data: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise CampaignError(f"{path}: key {key!r} must be a {kind.__name__}, not {value!r}")
    return value


def _get_strings(data: dict[str, Any], key: str, path: Path) -> list[str]:
    values = _get(data, key, list, path) or []
    if not all(isinstance(value, str) and value for value in values):
        raise CampaignError(f"{path}: key {key!r} must be a list of non-empty strings")
    return values


def _get_date(data: dict[str, Any], key: str, path: Path) -> date | None:
    value = data.get(key)
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CampaignError(f"{path}: key {key!r} must be a date like 2024-08-01, not {value!r}")
