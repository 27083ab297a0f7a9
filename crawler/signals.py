"""Signals of our own, sent through Scrapy's signal manager.

fetch_failed(url, reason, http_status): a page could not be fetched after retries; sent by
spiders.base.NewsSpider.on_error, recorded by crawler.pipelines.StorePipeline in fetch_errors.
"""

fetch_failed = object()
