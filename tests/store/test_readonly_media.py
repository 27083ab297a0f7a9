"""An archive on read-only media (a read-only mount, here in a mount namespace of its own that
vanishes with the process): readers open it, a crawl into it is refused in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.store import Archive
from tests.helpers import HKCD_RECORD, REPO

# A private mount namespace: the read-only bind mount is gone when the command ends.
MOUNT_READONLY = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def unshare_prefix() -> list[str]:
    """The unshare command that may mount here (as root, or in a user namespace)."""
    for prefix in (["unshare", "--mount"], ["unshare", "--map-root-user", "--mount"]):
        if (
            shutil.which("unshare")
            and subprocess.run(
                [*prefix, "sh", "-c", MOUNT_READONLY, "/tmp", "true"], capture_output=True
            ).returncode
            == 0
        ):
            return prefix
    pytest.skip("cannot make a read-only mount here (unshare --mount is not permitted)")


@pytest.fixture
def readonly_archive(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    archive = Archive.open(folder / "archive.db")
    archive.save_article(
        HKCD_RECORD, crawl_id=None, http_status=200, fetched_at="2024-08-30T00:00:00+00:00"
    )
    archive.close()
    return folder / "archive.db"


def on_readonly_media(archive: Path, *args: str) -> subprocess.CompletedProcess:
    command = [*unshare_prefix(), "sh", "-c", MOUNT_READONLY, str(archive.parent), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "args, shows",
    [
        (["stats"], "香港商報"),
        (["search", "新質生產力"], "港府循四大方向"),
        (["export", "--format", "csv"], "港府循四大方向"),
        (["history", HKCD_RECORD["url"]], "港府循四大方向"),
    ],
    ids=["stats", "search", "export", "history"],
)
def test_readers_open_an_archive_on_read_only_media(
    readonly_archive: Path, args: list[str], shows: str
) -> None:
    result = on_readonly_media(
        readonly_archive, sys.executable, "-m", "crawler", *args, "--db", str(readonly_archive)
    )
    assert result.returncode == 0, result.stderr
    assert shows in result.stdout


def test_datasette_serves_an_archive_on_read_only_media(readonly_archive: Path) -> None:
    script = (
        "import asyncio, sys\n"
        "from crawler.serve.app import archive_datasette\n"
        "ds = archive_datasette(sys.argv[1])\n"
        "response = asyncio.run(ds.client.get('/archive/articles.json?_shape=array'))\n"
        "print(response.status_code, response.text)\n"
    )
    result = on_readonly_media(
        readonly_archive, sys.executable, "-c", script, str(readonly_archive)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 ") and HKCD_RECORD["url"] in result.stdout


def test_a_crawl_into_read_only_media_is_one_line_and_leaves_it_whole(
    readonly_archive: Path,
) -> None:
    before = readonly_archive.read_bytes()
    result = on_readonly_media(
        readonly_archive, sys.executable, "-m", "crawler", "crawl", "--source", "hkcd",
        "--mirror", "http://127.0.0.1:9", "--db", str(readonly_archive),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot crawl into") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert readonly_archive.read_bytes() == before
