"""What `archive import-warc` reads: WARC and ARC files (gzip or plain), WACZ packages, folders
of them (searched recursively: pywb and Browsertrix keep WARCs under
``collections/NAME/archive/``) and standard input.

A WACZ is a zip: its ``archive/*.warc(.gz)`` members are read in place, and its
``pages/pages.jsonl`` (read capped) lists the pages it was made of. A member stored uncompressed,
as WACZ packages keep their WARCs, is addressable: its records are read back at their offset in
the .wacz file itself, as pywb reads them. Standard input is spooled to a temporary file first
(warcio needs to seek back to report offsets), and once it has been checked, kept beside the
archive (``warcs/stdin-<UTC time>.warc[.gz]``): its captures are addressable too.
"""

from __future__ import annotations

import json
import shutil
import struct
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from crawler.errors import WarcError

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz")
# A WACZ's page list: more than this is not read (a page list of a real crawl is a few MB).
MAX_PAGES_BYTES = 64 << 20
# Folders deeper than this are not searched (a link loop, or a tree that is no collection).
MAX_DEPTH = 12
STDIN = "-"
# The fixed part of a zip member's local header (APPNOTE 4.3.7): its signature, then at 26 the
# lengths of the name and extra field that come before the member's bytes.
LOCAL_HEADER = struct.Struct("<4s22xHH")
LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Source:
    """One WARC or ARC stream: a file, a member of a WACZ, or standard input (spooled).

    ``label`` names it in messages; ``stored`` is the file a capture may point at (None when
    its offsets cannot be read back), ``base`` where the stream starts in it (a WACZ member's
    bytes); ``pages`` the URLs of a WACZ's page list (None: no list).
    """

    label: str
    path: Path
    member: str | None = None
    stored: Path | None = None
    pages: frozenset[str] | None = field(default=None, compare=False)
    base: int = 0

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The stream, seekable, at its start."""
        try:
            if self.member is None:
                with self.path.open("rb") as stream:
                    yield stream
            else:
                with zipfile.ZipFile(self.path) as package, package.open(self.member) as stream:
                    yield stream  # type: ignore[misc]
        except OSError as error:
            raise WarcError(f"cannot read {self.label}: {error.strerror or error}") from error
        except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
            raise WarcError(f"{self.label} is not a readable zip: {error}") from error


def is_archive_name(path: Path) -> bool:
    """Whether a file name ends like a WARC, ARC or WACZ file."""
    return path.name.lower().endswith(SUFFIXES)


def find_archive_files(folder: Path, depth: int = 0) -> list[Path]:
    """The WARC, ARC and WACZ files under ``folder``, recursively (links not followed)."""
    found: list[Path] = []
    if depth > MAX_DEPTH:
        return found
    for child in sorted(folder.iterdir()):
        if child.is_symlink():
            continue
        if child.is_dir():
            found += find_archive_files(child, depth + 1)
        elif child.is_file() and is_archive_name(child):
            found.append(child)
    return found


def wacz_sources(path: Path) -> list[Source]:
    """A WACZ's WARC members, each with the package's page list (addressable when stored)."""
    try:
        with zipfile.ZipFile(path) as package:
            members = sorted(
                name
                for name in package.namelist()
                if name.startswith("archive/") and name.lower().endswith((".warc", ".warc.gz"))
            )
            pages = read_page_list(package)
            spans = stored_spans(path, package)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise WarcError(f"{path} is not a WACZ file: {error}") from error
    if not members:
        raise WarcError(f"{path} is not a WACZ file: it holds no archive/*.warc.gz")
    return [
        Source(f"{path}#{name}", path, name, path if name in spans else None, pages,
               base=spans.get(name, (0, 0))[0])
        for name in members
    ]  # fmt: skip


def stored_spans(path: Path, package: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    """Where the bytes of each uncompressed member of the zip ``path`` lie in it: name ->
    (start, end)."""
    spans = {}
    with path.open("rb") as stream:
        for info in package.infolist():
            if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 1:  # 1: encrypted
                continue
            stream.seek(info.header_offset)
            header = stream.read(LOCAL_HEADER.size)
            if len(header) < LOCAL_HEADER.size:
                continue
            signature, name_length, extra_length = LOCAL_HEADER.unpack(header)
            if signature == LOCAL_HEADER_SIGNATURE:
                start = info.header_offset + LOCAL_HEADER.size + name_length + extra_length
                spans[info.filename] = (start, start + info.compress_size)
    return spans


def stream_start(path: Path, offset: int) -> int:
    """Where the WARC stream holding ``offset`` starts in ``path``: a WACZ member's first byte,
    else 0."""
    if not path.name.lower().endswith(".wacz"):
        return 0
    try:
        with zipfile.ZipFile(path) as package:
            spans = stored_spans(path, package)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile):
        return 0
    return next((start for start, end in spans.values() if start <= offset < end), 0)


def read_page_list(package: zipfile.ZipFile) -> frozenset[str] | None:
    """The URLs of ``pages/pages.jsonl`` (None when the package has none)."""
    try:
        info = package.getinfo("pages/pages.jsonl")
    except KeyError:
        return None
    urls = set()
    with package.open(info) as stream:
        data = stream.read(MAX_PAGES_BYTES)
    for line in data.splitlines():
        try:
            page = json.loads(line)
        except ValueError:
            continue
        if isinstance(page, dict) and isinstance(page.get("url"), str):
            urls.add(page["url"])
    return frozenset(urls)


def spool_stdin(folder: Path) -> Source:
    """Standard input copied to a file in ``folder`` (deleted by the caller)."""
    target = folder / "stdin.warc"
    with target.open("wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
    return Source("<stdin>", target)


def keep_spooled(source: Source, folder: Path) -> Source:
    """``source`` moved into ``folder`` (as ``stdin-<UTC time>.warc[.gz]``) when it is spooled
    standard input, so that its captures can be read back; any other as it is."""
    if source.label != "<stdin>":
        return source
    with source.path.open("rb") as stream:
        gzipped = stream.read(2) == b"\x1f\x8b"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"stdin-{stamp}.warc{'.gz' if gzipped else ''}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.move(source.path, target)
    except OSError as error:
        raise WarcError(
            f"cannot keep standard input in {folder}: {error.strerror or error}"
        ) from error
    return replace(source, path=target, stored=target)


def expand_sources(paths: list[Path], spool: Path | None = None) -> list[Source]:
    """The streams ``paths`` stand for: files as given, WACZ members, folders searched
    recursively, ``-`` for standard input (spooled into ``spool``).

    Raises :class:`WarcError` when a path names nothing to read.
    """
    sources: list[Source] = []
    for path in paths:
        if str(path) == STDIN:
            sources.append(spool_stdin(spool or Path(tempfile.gettempdir())))
            continue
        if not path.exists():
            raise WarcError(f"no such file or folder: {path}")
        files = find_archive_files(path) if path.is_dir() else [path]
        if not files:
            raise WarcError(f"no WARC, ARC or WACZ file in {path}")
        for file in files:
            if file.name.lower().endswith(".wacz"):
                sources += wacz_sources(file)
            else:
                sources.append(Source(str(file), file, stored=file))
    return sources
