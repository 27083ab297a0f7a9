"""Campaign files: loading, errors that name the problem, keyword and window matching."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crawler.campaign import Campaign, load_campaign
from crawler.errors import CampaignError

SUMMIT = Campaign(name="summit", sources=["hkcd"], keywords=["新質生產力", "高峰論壇"])


def test_the_summit_campaign_loads() -> None:
    campaign = load_campaign(Path(__file__).parents[1] / "campaigns" / "summit.toml")
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
    ],
    ids=["syntax", "sources-not-list", "bad-date", "keywords-not-strings"],
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
