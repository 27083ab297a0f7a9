"""Campaign files: loading, errors that name the problem, keyword and window matching."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crawler.crawl.campaign import Campaign, load_campaign
from crawler.errors import CampaignError
from crawler.fetch.politeness import user_agent
from tests.helpers import REPO

SUMMIT = Campaign(name="summit", sources=["hkcd"], keywords=["新質生產力", "高峰論壇"])


def test_the_summit_campaign_loads() -> None:
    campaign = load_campaign(REPO / "campaigns" / "summit.toml")
    assert campaign.name == "summit"
    assert campaign.sources == ["hkcd", "locpg", "wenweipo", "takungpao", "dotdotnews", "govhk"]
    assert {"新質生產力", "新质生产力", "高峰論壇", "高峰论坛"} <= set(campaign.keywords)
    assert campaign.since == date(2024, 8, 1)


@pytest.mark.parametrize(
    "texts, matches",
    [
        (["港府循四大方向 發展新質生產力"], True),
        (["港府循四大方向 发展新质生产力"], True),
        ([None, "「科技+新質生產力」高峰論壇昨舉行"], True),
        (["高峰论坛今日开幕"], True),
        (["港股半日升逾百點", "科技股領漲"], False),
        ([None, ""], False),
    ],
    ids=["traditional", "simplified", "in-body", "simplified-summit", "unrelated", "empty"],
)
def test_keywords_match_in_either_script(texts: list[str | None], matches: bool) -> None:
    assert SUMMIT.matches(texts) is matches


def test_latin_keywords_ignore_case() -> None:
    campaign = Campaign(name="x", sources=[], keywords=["New Quality Productive Forces"])
    assert campaign.matches(["the NEW QUALITY PRODUCTIVE FORCES summit"])


@pytest.mark.parametrize(
    "day, inside",
    [
        (date(2024, 7, 31), False),
        (date(2024, 8, 1), True),
        (date(2024, 9, 30), True),
        (date(2024, 10, 1), False),
        (None, True),
    ],
    ids=["before", "first-day", "last-day", "after", "unknown"],
)
def test_date_window_is_inclusive(day: date | None, inside: bool) -> None:
    campaign = Campaign(name="x", sources=[], since=date(2024, 8, 1), until=date(2024, 9, 30))
    assert campaign.in_window(day) is inside


@pytest.mark.parametrize(
    "content, message",
    [
        ('name = "x"\nsources = ["hkcd",,]\n', r"bad\.toml: .*line 2"),
        ('sources = "hkcd"\n', r"key 'sources' must be a list"),
        ('since = "last week"\n', r"key 'since' must be a date"),
        ("keywords = [1, 2]\n", r"key 'keywords' must be a list of non-empty strings"),
        ('schedule = "every morning"\n', r"key 'schedule' must be a cron schedule"),
        ('schedule = "61 6 * * *"\n', r"key 'schedule' must be a cron schedule"),
        ("refresh_days = -1\n", r"key 'refresh_days' must be a number of days >= 0"),
        ("refresh_days = true\n", r"key 'refresh_days' must be a number of days >= 0"),
        ('sources = ["hkcd"]\n[sources_settings.hkcd]\ndelay = 2\n', r"'delay' is not one of"),
        (
            'sources = ["hkcd"]\n[sources_settings.hkcd]\ndownload_delay = true\n',
            r"\[sources_settings\.hkcd\] 'download_delay' has the wrong kind",
        ),
        (
            'sources = ["hkcd"]\n[sources_settings.govhk]\ndownload_delay = 2\n',
            r"\[sources_settings\.govhk\] names no source of the campaign",
        ),
    ],
    ids=[
        "syntax",
        "sources-not-list",
        "bad-date",
        "keywords-not-strings",
        "schedule-words",
        "schedule-minute-61",
        "refresh-negative",
        "refresh-bool",
        "unknown-source-setting",
        "source-setting-kind",
        "source-not-crawled",
    ],
)
def test_campaign_errors_name_the_file_and_the_key(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CampaignError, match=message):
        load_campaign(path)


def test_missing_campaign_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match=r"campaign file not found: .*nowhere\.toml"):
        load_campaign(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(
    "campaign, source, settings",
    [
        (Campaign(name="x", sources=["hkcd"]), "hkcd", {}),
        (Campaign(name="x", sources=["hkcd"], refresh_days=0.5), "hkcd", {"REFRESH_INTERVAL": 0.5}),
        (
            Campaign(name="x", sources=["hkcd"], contact="mailto:a@example.org"),
            "hkcd",
            {"USER_AGENT": "summit-archive/0.1 (research web archive; +mailto:a@example.org)"},
        ),
        (
            Campaign(
                name="x", sources=["hkcd"], contact="mailto:a@example.org", user_agent="Bot/1"
            ),
            "hkcd",
            {"USER_AGENT": "Bot/1"},
        ),
        (
            Campaign(
                name="x",
                sources=["hkcd", "govhk"],
                sources_settings={"govhk": {"download_delay": 2, "robotstxt_obey": True}},
            ),
            "govhk",
            {"DOWNLOAD_DELAY": 2, "ROBOTSTXT_OBEY": True},
        ),
        (
            Campaign(name="x", sources=["hkcd", "govhk"], sources_settings={"govhk": {"a": 1}}),
            "hkcd",
            {},
        ),
    ],
    ids=["nothing", "refresh-days", "contact", "user-agent", "source-politeness", "other-source"],
)
def test_a_campaign_sets_its_crawls_settings(
    campaign: Campaign, source: str, settings: dict
) -> None:
    assert campaign.crawl_settings(source) == settings


@pytest.mark.parametrize(
    "environment, contact",
    [
        ({}, "https://github.com/summit-archive"),
        ({"ARCHIVE_CONTACT": "mailto:b@example.org"}, "mailto:b@example.org"),
    ],
    ids=["default", "environment"],
)
def test_the_user_agent_names_a_contact(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], contact: str
) -> None:
    monkeypatch.delenv("ARCHIVE_CONTACT", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert user_agent() == f"summit-archive/0.1 (research web archive; +{contact})"


def test_a_changed_keyword_or_window_changes_the_filter_key() -> None:
    keys = {
        SUMMIT.filter_key(),
        Campaign(name="y", sources=[], keywords=["新質生產力", "高峰論壇"]).filter_key(),
        Campaign(name="x", sources=[], keywords=["新質生產力"]).filter_key(),
        Campaign(
            name="x", sources=[], keywords=SUMMIT.keywords, since=date(2024, 8, 1)
        ).filter_key(),
    }
    assert len(keys) == 3
