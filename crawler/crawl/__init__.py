"""Crawl control: campaigns, running their spiders in one process, the crawl lock, job
folders, progress, schedules and our signals.
May import every stage below the CLI; only crawler.cli imports the runner."""
