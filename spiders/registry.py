"""Which site spider serves a URL: each spider declares the hosts it knows (``hosts``).

Used by the generic spider, `archive extract` and `archive import-warc`, so a page of a known
site is read by its own spider however it arrives. Reads SPIDER_MODULES from crawler/settings.py.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler import settings as project_settings


@cache
def spiders_by_host() -> dict[str, type]:
    """Every site spider's class under each host it declares."""
    loader = SpiderLoader.from_settings(
        Settings({"SPIDER_MODULES": project_settings.SPIDER_MODULES})
    )
    return {
        host: spider_class
        for spider_class in map(loader.load, loader.list())
        for host in getattr(spider_class, "hosts", ())
    }


def site_spider_for(url: str) -> type | None:
    """The spider class whose ``hosts`` include the host of ``url`` (None for other sites)."""
    return spiders_by_host().get(urlsplit(url).hostname or "")
