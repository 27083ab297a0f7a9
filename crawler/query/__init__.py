"""Researchers' queries: Chinese search, reports (stats, history, clusters, crawls) and
exports, on a read-only archive.
May import crawler.store and crawler.normalise; never spiders, the crawl, fetch or serve."""
