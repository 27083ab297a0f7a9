"""Extraction: a fetched page to a RawArticle (fields as printed), by a site spider's selectors
or the generic extractor.
May import crawler.items, crawler.normalise, crawler.fetch.politeness, crawler.fetch.encoding
and spiders.registry; never writes (no store, warc writer, pipelines, cluster) and never serves
or queries."""
