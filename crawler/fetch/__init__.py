"""Fetching: the downloader middlewares and handlers between Scrapy and the sites (retries,
redirects, charsets, politeness, refresh, the local mirror).
May import crawler.normalise, crawler.crawl.signals, crawler.store (read-only), crawler.warc and
crawler.errors; never spiders, query, serve or cli."""
