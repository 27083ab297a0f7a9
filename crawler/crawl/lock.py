"""One crawl of a campaign at a time: a lock file beside the archive, named by the campaign.

A second `archive crawl` of the same campaign into the same archive while one runs stops at
once with :class:`CrawlLocked`; crawls of other campaigns, or into other archives, go ahead.
The lock is the operating system's (filelock), so a crawl that dies leaves no stale lock.

Example::

    with campaign_lock("archive.db", "summit"):
        ...  # crawl
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from crawler.errors import ArchiveError, CrawlLocked

UNSAFE_NAME_REGEX = re.compile(r"[^\w.-]+")


def lock_path(db_path: str | Path, campaign: str) -> Path:
    """The lock file of ``campaign``'s crawls into the archive ``db_path``."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}.{UNSAFE_NAME_REGEX.sub('_', campaign)}.lock")


@contextmanager
def campaign_lock(db_path: str | Path, campaign: str) -> Iterator[None]:
    """Hold the campaign's lock while in the block; CrawlLocked when another crawl holds it."""
    path = lock_path(db_path, campaign)
    lock = FileLock(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout as error:
        raise CrawlLocked(
            f"a crawl of campaign {campaign!r} into {db_path} is already running "
            f"(lock {path}); try again when it has finished"
        ) from error
    except OSError as error:  # after Timeout, which is a TimeoutError (an OSError)
        raise ArchiveError(
            f"cannot crawl into {db_path}: cannot write its lock {path} ({error.strerror});"
            " the archive's folder must be writable"
        ) from error
    try:
        yield
    finally:
        lock.release()
