"""A crawl (the 香港商報 mirror) that fills the disk: it stops, exits non-zero, marks its crawl
row failed with why, and leaves nothing half-written (every WARC file whole, every stored
capture readable, the database intact). The disk is a small tmpfs in a mount namespace of its
own, gone with it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from crawler.fetch.mirror import MirrorServer
from tests.helpers import REPO

# The 香港商報 crawl of the mirror takes about 800 KB (archive and WARC files): it fills this
# part way, after its first articles.
TMPFS_SIZE = "640k"
MOUNT_TMPFS = 'mount -t tmpfs -o size="$1" tmpfs "$0" && shift && exec "$@"'
CHECK = """
import json, sqlite3, sys
from pathlib import Path
from warcio.archiveiterator import ArchiveIterator
from crawler.warc.capture import resolve_path
from crawler.warc.reader import read_capture
db_path = Path(sys.argv[1])
db = sqlite3.connect(db_path)
records = 0
for warc in sorted(db_path.parent.glob("warcs/*")):
    with warc.open("rb") as stream:
        records += sum(1 for _ in ArchiveIterator(stream))
captures = db.execute("SELECT warc_file, warc_offset FROM article_urls").fetchall()
for warc_file, offset in captures:
    read_capture(resolve_path(warc_file, db_path), offset)
print(json.dumps({
    "integrity": db.execute("PRAGMA integrity_check").fetchone()[0],
    "crawls": db.execute("SELECT source, status, failure FROM crawls").fetchall(),
    "captures": len(captures),
    "records": records,
    "files": sorted(path.name for path in db_path.parent.rglob("*")),
}))
"""


def in_small_disk(script: str) -> subprocess.CompletedProcess:
    """Run ``script`` (sh) with a TMPFS_SIZE tmpfs at $DISK, in a mount namespace of its own."""
    prefixes = (["unshare", "--mount"], ["unshare", "--map-root-user", "--mount"])
    for prefix in prefixes:
        probe = [*prefix, "sh", "-c", MOUNT_TMPFS, "/mnt", "64k", "true"]
        if shutil.which("unshare") and subprocess.run(probe, capture_output=True).returncode == 0:
            break
    else:
        pytest.skip("cannot mount a tmpfs here (unshare --mount is not permitted)")
    command = [*prefix, "sh", "-c", MOUNT_TMPFS, "/mnt", TMPFS_SIZE, "sh", "-c", script]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.mark.e2e
def test_a_full_disk_stops_the_crawl_marks_it_failed_and_leaves_whole_records(
    mirror: MirrorServer,
) -> None:
    python = sys.executable
    crawl = f"{python} -m crawler crawl --source hkcd --mirror {mirror.url} --db /mnt/archive.db"
    result = in_small_disk(
        f'{crawl} > /mnt/out 2> /mnt/err; echo "$?" >&2;'
        f" cat /mnt/out; {python} -c '{CHECK}' /mnt/archive.db"
    )
    exit_code, *_ = result.stderr.split()
    *summary, checked = result.stdout.strip().splitlines()
    state = json.loads(checked)
    assert exit_code == "1"
    assert any("failed after" in line and "disk full" in line for line in summary)
    assert "Traceback" not in result.stdout + result.stderr
    assert state["integrity"] == "ok"
    statuses = {status for _, status, _ in state["crawls"]}
    assert statuses == {"failed"}
    assert all("disk full" in failure for _, _, failure in state["crawls"])
    assert state["records"] > 0 and state["captures"] > 0
    assert not [name for name in state["files"] if name.endswith((".open", ".reserve"))]
