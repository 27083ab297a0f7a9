"""Crawl campaigns: which sources to crawl, which keywords an article must carry, which dates.

A campaign is a TOML file (campaigns/summit.toml)::

    name = "summit"
    sources = ["hkcd"]
    keywords = ["新質生產力", "新质生产力", "高峰論壇"]
    since = 2024-08-01          # optional, inclusive
    until = 2024-12-31          # optional, inclusive
    schedule = "0 6 * * *"      # optional: when `archive schedule install` runs it (cron syntax)
    refresh_days = 7            # optional: days before an archived page is revalidated
    contact = "mailto:archive@example.org"   # optional: put in the User-Agent
    cluster = "redis://10.0.0.5:6379/0"      # optional: crawl as a worker of this cluster
    [sources_settings.govhk]    # optional: politeness settings of one source
    download_delay = 2

Keywords match in either script (both sides are folded to Simplified Chinese) and regardless of
Latin case, in the title, subtitle or body. What a campaign sets for a crawl (refresh interval,
User-Agent, a source's politeness settings) reaches it at Scrapy's spider priority
(:meth:`Campaign.crawl_settings`; crawler/fetch/politeness.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from crontab import CronSlices

from crawler.errors import CampaignError
from crawler.fetch.politeness import SOURCE_SETTINGS, user_agent
from crawler.normalise.script import to_simplified

# A campaign's name goes into crontab comments, systemd unit names, Redis keys and file names:
# nothing that a shell, a unit file or a path would read as more than a name.
NAME_REGEX = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")

DEFAULT_CAMPAIGN = Path("campaigns/summit.toml")
# The summit campaign as shipped, wherever the command runs from (`archive demo`).
PACKAGED_CAMPAIGN = Path(__file__).resolve().parents[2] / DEFAULT_CAMPAIGN


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
    schedule: str | None = None
    refresh_days: float | None = None
    contact: str | None = None
    user_agent: str | None = None
    cluster: str | None = None
    sources_settings: dict[str, dict[str, Any]] = field(default_factory=dict)

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

    def skip_reason(self, record: Mapping[str, Any]) -> str | None:
        """Why an article record falls outside the campaign (``no_keyword``, ``out_of_window``);
        None when it is inside."""
        if not self.matches([record.get("title"), record.get("subtitle"), record.get("body")]):
            return "no_keyword"
        if not self.in_window(published_day(record)):
            return "out_of_window"
        return None

    def filter_key(self) -> str:
        """Identifies what the campaign lets pass (keywords, window): a page skipped under one
        key is judged afresh under another."""
        window = [day and day.isoformat() for day in (self.since, self.until)]
        text = json.dumps([sorted(self.keywords), window], ensure_ascii=False)
        return hashlib.sha1(text.encode()).hexdigest()[:16]

    def crawl_settings(self, source: str) -> dict[str, Any]:
        """The Scrapy settings the campaign gives a crawl of ``source`` (spider priority)."""
        settings: dict[str, Any] = {}
        if self.refresh_days is not None:
            settings["REFRESH_INTERVAL"] = self.refresh_days
        if self.user_agent or self.contact:
            settings["USER_AGENT"] = self.user_agent or user_agent(self.contact)
        for key, value in self.sources_settings.get(source, {}).items():
            settings[key.upper()] = value
        return settings


def published_day(record: Mapping[str, Any]) -> date | None:
    """The publication day of a record (None when the page gave no date)."""
    published = record.get("published")
    return date.fromisoformat(published[:10]) if published else None


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
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError as error:
        raise CampaignError(f"campaign file not found: {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CampaignError(f"cannot read campaign file {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise CampaignError(f"{path}: {error}") from error
    try:
        return _campaign_of(data, path)
    except KeyProblem as error:
        line = key_line(text, error.key)
        where = f"{path}, line {line}" if line else str(path)
        raise CampaignError(f"{where}: {error}") from error


class KeyProblem(CampaignError):
    """Raised by the checks of load_campaign for a key (dotted: ``sources_settings.hkcd``) of
    the wrong kind; load_campaign names the file and the key's line."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def key_line(text: str, key: str) -> int | None:
    """The line of a TOML text at which a dotted ``key`` is set (or its table starts)."""
    lines = text.splitlines()
    table, _, name = key.rpartition(".")
    start = 0
    if table:
        header = re.compile(rf"\s*\[\s*{re.escape(table)}\s*\]")
        start = next((n for n, line in enumerate(lines) if header.match(line)), 0)
    own_table = re.compile(rf"\s*\[\s*{re.escape(key)}\s*\]")
    assignment = re.compile(rf"\s*{re.escape(name)}\s*=")
    for number, line in enumerate(lines):
        if own_table.match(line) or (number >= start and assignment.match(line)):
            return number + 1
    return None


def check_campaign_name(name: str) -> str:
    """``name`` when it is a safe campaign name (see NAME_REGEX), else CampaignError."""
    if not NAME_REGEX.fullmatch(name):
        raise CampaignError(
            f"campaign name {name!r}: use up to 64 ASCII letters, digits, '-', '_' and '.',"
            " not starting with '.'"
        )
    return name


def _get_name(data: dict[str, Any], path: Path) -> str:
    name = _get(data, "name", str, path)
    try:
        return check_campaign_name(path.stem if name is None else name)
    except CampaignError as error:
        key = "name" if name is not None else 'the file name (set name = "...")'
        raise KeyProblem("name", f"{key}: {error}") from error


def _campaign_of(data: dict[str, Any], path: Path) -> Campaign:
    return Campaign(
        name=_get_name(data, path),
        title=_get(data, "title", str, path),
        sources=_get_strings(data, "sources", path),
        keywords=_get_strings(data, "keywords", path),
        since=_get_date(data, "since", path),
        until=_get_date(data, "until", path),
        path=path,
        schedule=_get_schedule(data, path),
        refresh_days=_get_number(data, "refresh_days", path),
        contact=_get(data, "contact", str, path),
        user_agent=_get(data, "user_agent", str, path),
        cluster=_get(data, "cluster", str, path),
        sources_settings=_get_sources_settings(data, path),
    )


def _get(data: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise KeyProblem(key, f"key {key!r} must be a {kind.__name__}, not {value!r}")
    return value


def _get_strings(data: dict[str, Any], key: str, path: Path) -> list[str]:
    values = _get(data, key, list, path) or []
    if not all(isinstance(value, str) and value for value in values):
        raise KeyProblem(key, f"key {key!r} must be a list of non-empty strings")
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
    raise KeyProblem(key, f"key {key!r} must be a date like 2024-08-01, not {value!r}")


def _get_schedule(data: dict[str, Any], path: Path) -> str | None:
    value = _get(data, "schedule", str, path)
    if value is not None and not CronSlices.is_valid(value):
        raise KeyProblem(
            "schedule", f"key 'schedule' must be a cron schedule like \"0 6 * * *\", not {value!r}"
        )
    return value


def _get_number(data: dict[str, Any], key: str, path: Path) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise KeyProblem(key, f"key {key!r} must be a number of days >= 0, not {value!r}")
    return float(value)


def _get_sources_settings(data: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    tables = _get(data, "sources_settings", dict, path) or {}
    for source, settings in tables.items():
        where = f"sources_settings.{source}"
        if source not in (data.get("sources") or []):
            raise KeyProblem(where, f"[{where}] names no source of the campaign")
        if not isinstance(settings, dict):
            raise KeyProblem(where, f"[{where}] must be a table of settings")
        for key, value in settings.items():
            kind = SOURCE_SETTINGS.get(key)
            if kind is None:
                known = ", ".join(SOURCE_SETTINGS)
                raise KeyProblem(f"{where}.{key}", f"[{where}] {key!r} is not one of {known}")
            wrong_bool = isinstance(value, bool) and kind is not bool
            if wrong_bool or not isinstance(value, kind):
                message = f"[{where}] {key!r} has the wrong kind: {value!r}"
                raise KeyProblem(f"{where}.{key}", message)
    return tables
