"""The scheduler's memory queue: requests kept pickled, given back whole, last in first out."""

from __future__ import annotations

import pickle
import threading

import scrapy
from scrapy.core.scheduler import Scheduler
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.crawl.campaign import Campaign
from crawler.crawl.queues import PickledLifoMemoryQueue
from spiders.hkcd import SEARCH_URL, HkcdSpider

ARTICLE = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_{}.html"


def queue() -> tuple[PickledLifoMemoryQueue, HkcdSpider]:
    spider = HkcdSpider()
    return PickledLifoMemoryQueue(spider), spider


def test_requests_come_back_whole_last_in_first_out() -> None:
    kept, spider = queue()
    search = scrapy.FormRequest(SEARCH_URL, formdata={"keyword": "新質生產力"}, dont_filter=True)
    article = spider.article_request(ARTICLE.format(1), meta={"depth": 2}, priority=3)
    article.headers["Referer"] = SEARCH_URL
    kept.push(search)
    kept.push(article)
    assert len(kept) == 2
    assert kept.peek().url == article.url
    back = kept.pop()
    assert back.url == article.url and back.meta == article.meta and back.priority == 3
    assert back.callback == spider.parse_article_page and back.errback == spider.on_error
    assert back.headers["Referer"] == SEARCH_URL.encode()
    first = kept.pop()
    assert type(first) is scrapy.FormRequest and first.body == search.body and first.dont_filter
    assert kept.pop() is None and kept.peek() is None and len(kept) == 0


def test_a_request_is_kept_as_a_few_hundred_bytes() -> None:
    kept, spider = queue()
    kept.push(spider.article_request(ARTICLE.format(2)))
    assert isinstance(kept.q[0], bytes) and len(kept.q[0]) < 600


def test_a_request_pickle_refuses_is_kept_as_it_is() -> None:
    kept, spider = queue()
    foreign = scrapy.Request(ARTICLE.format(3), callback=lambda response: None)
    locked = spider.article_request(ARTICLE.format(4), meta={"lock": threading.Lock()})
    kept.push(foreign)
    kept.push(locked)
    assert kept.pop() is locked and kept.pop() is foreign


def test_the_crawl_scheduler_queues_requests_pickled() -> None:
    """Scrapy's scheduler with the project's memory queue (and its plain priority queue: the
    downloader-aware one needs a running engine)."""
    crawler = get_crawler(
        HkcdSpider,
        {
            "SCHEDULER_MEMORY_QUEUE": project_settings.SCHEDULER_MEMORY_QUEUE,
            "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
        },
    )
    campaign = Campaign(name="summit", sources=["hkcd"], keywords=["新質生產力"])
    crawler.spider = spider = HkcdSpider.from_crawler(crawler, campaign=campaign)
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(spider)
    urls = [ARTICLE.format(n) for n in range(5, 8)]
    for url in urls:
        assert scheduler.enqueue_request(spider.article_request(url))
    assert not scheduler.enqueue_request(spider.article_request(urls[0]))  # seen: filtered
    blobs = [blob for kept in scheduler.mqs.queues.values() for blob in kept.q]
    assert len(blobs) == 3 and all(isinstance(pickle.loads(blob), dict) for blob in blobs)
    assert [scheduler.next_request().url for _ in urls] == urls[::-1]
    assert scheduler.next_request() is None
