"""WARC files: writing every request and response, reading them back, replaying them, and
importing other tools' captures.
May import crawler.crawl, crawler.extract, crawler.normalise, crawler.store and spiders.registry;
never query, serve or cli."""
