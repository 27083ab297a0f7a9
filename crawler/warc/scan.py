"""Reading the records of a WARC or ARC stream that may be damaged, truncated or hostile.

warcio parses each record; this module keeps one bad record from ending the rest (#18):

- A record warcio cannot parse is reported (:class:`Damage`, with its offset) and reading goes
  on at the next record start after it: the next gzip member of a ``.warc.gz``, the next
  ``WARC/1.x`` line (or ARC header line) of a plain file.
- A record shorter than its Content-Length (a truncated file) is reported with its offset.
- A gzip file holding many records in one member (not valid for replay, which seeks to
  records) is read again as one stream: its records import, but none can be pointed at.
- Payloads are read decoded (chunked, gzip, deflate, brotli) and capped: at most ``max_size``
  bytes, and at most :data:`MAX_RATIO` times the bytes stored (a decompression bomb stops
  after the first block over the cap, never inflating in memory).

warcio's brotli decoder expects the old ``brotlipy`` API (``Decompressor.unused_data``); the
Google ``Brotli`` package in our environment has ``process``, so :class:`BrotliDecoder` stands
in for it in warcio's table of decoders.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

# Decoded bytes a payload may have over what is stored, once it is over MIN_RATIO_CHECK:
# a gzip of zeros inflates ~1000x, real HTML 4-12x (measured on the samples of tests/warc).
MAX_RATIO = 100
MIN_RATIO_CHECK = 1 << 20
# What brotli may put out for one block of input before the rest is dropped (the payload is
# then over any cap: DOWNLOAD_MAXSIZE is 32 MiB).
BROTLI_BLOCK_LIMIT = 64 << 20
GZIP_MAGIC = b"\x1f\x8b\x08"
# Where a record of a plain file starts: a WARC version line, or an ARC header line
# (URL, IP address, 14-digit date).
PLAIN_RECORD_START = re.compile(rb"\nWARC/[01]\.\d+\r?\n|\n\S+:\S* \d+\.\d+\.\d+\.\d+ \d{14} ")
SCAN_CHUNK = 1 << 20
NO_URI = "no WARC-Target-URI"
# warcio's message for a gzip file of many records in one member starts so.
ONE_MEMBER_ERROR = "ERROR: non-chunked gzip file detected"
PAYLOAD_ERRORS = (zlib.error, brotli.error, ChunkedDataException, ValueError, EOFError)
# warcio raises AttributeError on a response or request record with no WARC-Target-URI.
RECORD_ERRORS = (
    ArchiveLoadFailed,
    EOFError,
    ValueError,
    zlib.error,
    ChunkedDataException,
    AttributeError,
)


class BrotliDecoder:
    """warcio's decoder interface (``decompress``, ``unused_data``) over ``brotli.Decompressor``."""

    unused_data = None

    def __init__(self) -> None:
        self.decoder = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        out = [self.decoder.process(data, output_buffer_limit=BROTLI_BLOCK_LIMIT)]
        return b"".join(out)


BufferedReader.DECOMPRESSORS["br"] = BrotliDecoder


@dataclass(frozen=True)
class Entry:
    """One record, with its place in the stream and (if read) its decoded payload.

    ``problem`` says why the payload is missing or incomplete (too big, damaged, truncated).
    ``addressable`` is False when the offset cannot be read back (a one-member gzip file).
    """

    record: ArcWarcRecord
    offset: int
    length: int
    body: bytes | None
    problem: str | None = None
    addressable: bool = True


@dataclass(frozen=True)
class Damage:
    """A record that could not be read: where, and why (``truncated``: the stream ended)."""

    offset: int
    message: str
    truncated: bool = False


class NotAnArchive(Exception):
    """The stream's first record is no WARC or ARC record."""


def read_payload(record: ArcWarcRecord, max_size: int) -> tuple[bytes | None, str | None]:
    """The record's payload decoded, or None and why: too big, bomb, damaged."""
    try:
        body = record.content_stream().read(max_size + 1)
    except PAYLOAD_ERRORS as error:
        return None, f"damaged payload ({first_line(error)})"
    if len(body) > max_size:
        return None, f"too big (over {max_size} bytes)"
    stored = int(record.rec_headers.get_header("Content-Length") or 0) or 1
    if len(body) > MIN_RATIO_CHECK and len(body) > MAX_RATIO * stored:
        return None, f"too big (decompresses {len(body) // stored}x)"
    return body, None


def iter_entries(stream: BinaryIO, *, read_bodies: bool, max_size: int) -> Iterator[Entry | Damage]:
    """Every record of the seekable ``stream`` (and every one it could not read, as Damage).

    Raises :class:`NotAnArchive` when the first record is no WARC or ARC record.
    """
    start = stream.tell()
    gzipped = stream.read(3) == GZIP_MAGIC
    stream.seek(start)
    position, seen = start, 0
    while position is not None:
        stream.seek(position)
        iterator = ArchiveIterator(stream, arc2warc=True)
        try:
            while (read := _quiet_next(iterator, read_bodies, max_size)) is not None:
                entry, said = read
                seen += 1
                yield entry
                if said:
                    yield Damage(entry.offset, f"warcio: {said}")
                if entry.problem == "truncated":
                    yield Damage(entry.offset, "the file ends inside this record", True)
            return
        except RECORD_ERRORS as error:
            failed = max(iterator.offset, start)
            if ONE_MEMBER_ERROR in str(error):
                yield Damage(failed, "one gzip member holds many records (warcio recompress)")
                stream.seek(start)
                yield from _one_member(stream, seen, read_bodies, max_size)
                return
            why = error_reason(error)
            if not seen and failed == start:
                raise NotAnArchive(why) from error
            position = next_record_start(stream, failed + 1, gzipped)
            after = f"skipped to offset {position}" if position is not None else "none after it"
            yield Damage(failed, f"damaged record ({why}); {after}")


def _quiet_next(
    iterator: ArchiveIterator, read_bodies: bool, max_size: int
) -> tuple[Entry, str] | None:
    """The next record as an Entry, with what warcio wrote to stderr meanwhile (on one line:
    warcio writes its warnings over several lines, raw bytes included); None at the end."""
    with contextlib.redirect_stderr(io.StringIO()) as said:
        try:
            record = next(iterator)
        except StopIteration:
            return None
        entry = _entry(iterator, record, read_bodies, max_size)
    text = said.getvalue()
    return entry, first_line(ValueError(text)) if text.strip() else ""


def _entry(
    iterator: ArchiveIterator, record: ArcWarcRecord, read_bodies: bool, max_size: int
) -> Entry:
    """The record with its place, and its payload when asked for."""
    body, problem = None, None
    if read_bodies and record.rec_type in ("response", "request", "resource", "revisit"):
        body, problem = read_payload(record, max_size)
    offset, length = iterator.get_record_offset(), iterator.get_record_length()
    if getattr(record.raw_stream, "limit", 0) > 0:
        body, problem = None, "truncated"
    return Entry(record, offset, length, body, problem)


def _one_member(
    stream: BinaryIO, skip: int, read_bodies: bool, max_size: int
) -> Iterator[Entry | Damage]:
    """The records of a gzip file of one member after the first ``skip``, not addressable."""
    with gzip.GzipFile(fileobj=stream) as plain:
        iterator = ArchiveIterator(plain, arc2warc=True)
        number = 0
        try:
            while (read := _quiet_next(iterator, read_bodies, max_size)) is not None:
                entry, said = read
                if number >= skip:
                    yield replace(entry, addressable=False)
                    if said:
                        yield Damage(entry.offset, f"warcio: {said}")
                number += 1
        except (*RECORD_ERRORS, OSError) as error:
            yield Damage(iterator.offset, f"damaged record ({error_reason(error)})", True)


def next_record_start(stream: BinaryIO, position: int, gzipped: bool) -> int | None:
    """Where the next record starts at or after ``position`` (None when none does)."""
    stream.seek(position)
    carry = b""
    base = position
    while chunk := stream.read(SCAN_CHUNK):
        data = carry + chunk
        if gzipped:
            found = data.find(GZIP_MAGIC)
            if found >= 0:
                return base + found
        else:
            match = PLAIN_RECORD_START.search(data)
            if match:
                return base + match.start() + 1
        keep = min(len(data), 64)
        carry = data[-keep:]
        base += len(data) - keep
    return None


def error_reason(error: BaseException) -> str:
    """Why warcio could not read a record, in words (not the bytes it found)."""
    if isinstance(error, AttributeError):
        return NO_URI
    if str(error).startswith("Unknown archive format"):
        return "no WARC or ARC record header where a record should start"
    return first_line(error)


def first_line(error: BaseException) -> str:
    """An error's message on one printable line (warcio's quote raw bytes and span lines)."""
    text = " ".join(str(error).split()) or type(error).__name__
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= 160 else text[:157] + "..."
