"""The scheduler's memory queue, holding each request pickled (SCHEDULER_MEMORY_QUEUE).

A request waiting in Scrapy's memory queue is a Request object with its headers, meta and
fingerprint: some 3.5 KB of the crawl's memory. Pickled as Scrapy's disk queues keep it
(``Request.to_dict``), it is some 450 bytes. A crawl that learns of many pages at once (a site
search answering with every match: the mirror's lists all 10,000 in one answer) holds them all
until they are fetched, so its memory grew by 3.5 KB for each. A request that cannot be
pickled (a callback that is no spider method, meta that pickle refuses) is kept as it is, as
Scrapy's scheduler keeps such requests in memory when the queue is on disk (JOBDIR).
"""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING, Any

from scrapy.squeues import LifoMemoryQueue
from scrapy.utils.request import request_from_dict

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

# What pickling a request may raise: to_dict's ValueError for a callback that is no method of
# the spider, pickle's own errors for objects it cannot write.
UNPICKLABLE = (ValueError, TypeError, AttributeError, pickle.PicklingError)


class PickledLifoMemoryQueue(LifoMemoryQueue):
    """Scrapy's default memory queue (last in, first out), each request kept pickled."""

    def __init__(self, spider: Spider | None = None):
        super().__init__()
        self.spider = spider

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PickledLifoMemoryQueue:
        return cls(crawler.spider)

    def push(self, request: Request) -> None:
        super().push(self._packed(request))

    def pop(self) -> Request | None:
        return self._unpacked(super().pop())

    def peek(self) -> Request | None:
        return self._unpacked(super().peek())

    def _packed(self, request: Request) -> bytes | Request:
        try:
            return pickle.dumps(request.to_dict(spider=self.spider), protocol=4)
        except UNPICKLABLE:
            return request

    def _unpacked(self, kept: bytes | Request | None) -> Request | None:
        if isinstance(kept, bytes):
            return request_from_dict(pickle.loads(kept), spider=self.spider)
        return kept
