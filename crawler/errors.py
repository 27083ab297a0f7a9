"""Named exceptions: each says who raises it; the CLI turns them into one-line errors."""

import errno
import sqlite3


class ArchiveError(Exception):
    """Base class of the errors the `archive` command reports as a one-line message."""


class NotAnArchive(ArchiveError):
    """Raised by store.Archive.open when the file is not an SQLite archive database."""


class NewerArchive(ArchiveError):
    """Raised by store.Archive.open when the archive has migrations this version does not know."""


class CampaignError(ArchiveError):
    """Raised by campaign.load_campaign when a campaign file is missing or malformed."""


class MirrorError(ArchiveError):
    """Raised by mirror.serve_mirror when the mirror folder is missing or cannot be served."""


class WarcError(ArchiveError):
    """Raised by crawler.warc.reader when a file is not a WARC or a capture cannot be read."""


class CrawlLocked(ArchiveError):
    """Raised by crawl_lock.campaign_lock when a crawl of the same campaign is running."""


class ScheduleError(ArchiveError):
    """Raised by crawler.crawl.schedule when a crawl cannot be scheduled or unscheduled."""


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error`` says the disk (or the user's quota) is full: ENOSPC or EDQUOT from the
    operating system, SQLITE_FULL from SQLite."""
    if isinstance(error, sqlite3.OperationalError):
        return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)
