"""Job folders (``archive crawl --job-dir DIR``): where Scrapy keeps a crawl's queue of pending
requests and the fingerprints of those it has seen (JOBDIR), so a stopped crawl resumes.

Each source gets its own folder ``DIR/<source>``. Scrapy writes the queue's state only when a
crawl stops cleanly (Ctrl-C, SIGTERM, the end), so a crawl that was killed (SIGKILL, a power
cut) leaves a queue that cannot be trusted and fingerprints of requests whose pages were never
read. A marker file tells the two apart: a folder still marked when a crawl starts is cleared,
and the source is crawled afresh; pages archived within the refresh interval are not fetched
again (crawler/fetch/refresh.py), so little is lost but time.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)

RUNNING_MARKER = "archive-crawl-running"
# What Scrapy keeps in a JOBDIR: the scheduler's queue, the dupefilter's fingerprints, the
# spider's state.
SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")


def source_job_dir(job_dir: str | Path, source: str) -> Path:
    """The JOBDIR of ``source``'s crawl under ``job_dir``."""
    return Path(job_dir) / source


def open_job_dir(path: Path) -> bool:
    """Mark ``path`` as in use by a crawl; clear it first if a killed crawl left it.

    Returns whether it was cleared.
    """
    path.mkdir(parents=True, exist_ok=True)
    marker = path / RUNNING_MARKER
    cleared = marker.exists()
    if cleared:
        logger.warning(
            "Job folder %s was left by a crawl that was killed; its queue cannot be trusted, "
            "so this source is crawled afresh (recently archived pages are not fetched again)",
            path,
        )
        for name in SCRAPY_STATE:
            state = path / name
            if state.is_dir():
                shutil.rmtree(state)
            else:
                state.unlink(missing_ok=True)
    marker.touch()
    return cleared


def close_job_dir(path: Path) -> None:
    """Unmark ``path``: its crawl stopped cleanly and Scrapy saved its queue."""
    (path / RUNNING_MARKER).unlink(missing_ok=True)
