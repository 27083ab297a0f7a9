"""Serving: Datasette on the archive, read-only, with our SQL functions, facets and pages.
May import crawler.store (read-only) and crawler.query; never spiders, the crawl or the fetch."""
