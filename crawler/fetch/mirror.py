"""A local mirror of news sites, served over real HTTP on 127.0.0.1 for tests and the demo.

The mirror is a folder whose first level is the host name and below it the site's own paths:
``tests/mirror/www.hkcd.com.hk/hkcdweb/index.html`` is served at
``http://127.0.0.1:PORT/www.hkcd.com.hk/hkcdweb/index.html`` and stands for
``https://www.hkcd.com.hk/hkcdweb/index.html`` (see :func:`to_mirror` and :func:`from_mirror`).

A host folder may hold ``_mirror.json`` describing the site's search endpoint, which the server
answers by looking for the keyword in the host's article pages, as the real site would::

    {"search": {"path": "/hkcdweb/php/getSearchResult.php", "field": "keyword",
                "under": "hkcdweb/content", "title_separator": " - ",
                "date_regex": "(\\\\d{4})/(\\\\d{2})/(\\\\d{2})",
                "item": "<a href=\\"https://www.hkcd.com.hk/{path}\\"><h6>{title}</h6><i>{date}</i></a>",
                "percent_encode": true}}

Files are served with an ETag (from their bytes) and a Last-Modified (their mtime), and a
conditional GET (If-None-Match, else If-Modified-Since) of an unchanged file is answered
304 Not Modified, as a real site's server would. The server keeps a log of the requests it
answered, and when each arrived, so tests can count what a crawl fetched and how fast it asked
each host. With a ``latency`` it answers each request that many seconds after it arrived, as a
distant site does.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

import lxml.html

from crawler.errors import MirrorError

MIRROR_CONFIG = "_mirror.json"
Server = TypeVar("Server", bound=ThreadingHTTPServer)
PACKAGED_MIRROR = Path(__file__).resolve().parents[2] / "tests" / "mirror"


def to_mirror(url: str, mirror_url: str) -> str:
    """Map a real URL onto the mirror: https://host/path?q -> MIRROR/host/path?q."""
    parts = urlsplit(url)
    base = urlsplit(mirror_url)
    path = f"{base.path.rstrip('/')}/{parts.hostname}{parts.path or '/'}"
    return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))


def from_mirror(url: str, mirror_url: str, scheme: str = "https") -> str | None:
    """Map a mirror URL back onto the real one (None when ``url`` is not on the mirror)."""
    prefix = mirror_url.rstrip("/") + "/"
    if not url.startswith(prefix):
        return None
    host, _, rest = url[len(prefix) :].partition("/")
    return f"{scheme}://{host}/{rest}"


@dataclass
class MirrorLog:
    """The requests a mirror server answered: (method, host, path, status), and when each
    arrived (``time.monotonic()``)."""

    entries: list[tuple[str, str, str, int]] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, method: str, host: str, path: str, status: int, arrived: float) -> None:
        with self.lock:
            self.entries.append((method, host, path, status))
            self.arrived.append(arrived)

    def gaps(self, skip: str = "/robots.txt") -> dict[str, list[float]]:
        """The seconds between one request to a host and the next, by host, in order (requests
        for the path ``skip`` aside)."""
        last: dict[str, float] = {}
        gaps: dict[str, list[float]] = {}
        with self.lock:
            arrivals = sorted(zip(self.arrived, self.entries, strict=True))
        for moment, (_, host, path, _) in arrivals:
            if path == skip:
                continue
            if host in last:
                gaps.setdefault(host, []).append(moment - last[host])
            last[host] = moment
        return gaps

    def paths(self, host: str | None = None) -> list[str]:
        """Paths requested (of one host, or of all), in order."""
        with self.lock:
            return [p for _, h, p, _ in self.entries if host is None or h == host]


class MirrorServer(ThreadingHTTPServer):
    """An HTTP server over a mirror folder; see the module docstring."""

    daemon_threads = True

    def __init__(self, root: Path, port: int = 0, host: str = "127.0.0.1", latency: float = 0.0):
        self.root = root.resolve()
        self.latency = latency
        self.log = MirrorLog()
        super().__init__((host, port), MirrorRequestHandler)

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that hung up (a crawl that timed out or closed) is not the server's error;
        anything else is printed as socketserver does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class MirrorRequestHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from files, POST from a host's search configuration."""

    server: MirrorServer
    protocol_version = "HTTP/1.1"
    arrived = 0.0

    def parse_request(self) -> bool:
        """Note when the request arrived; wait out the server's latency."""
        self.arrived = time.monotonic()
        parsed = super().parse_request()
        if parsed and self.server.latency:
            time.sleep(self.server.latency)
        return parsed

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        host, path = self._split()
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        search = site_config(self.server.root / host).get("search")
        if not search or search["path"] != path:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain", True, host, path)
            return
        keyword = (form.get(search["field"]) or [""])[0].strip()
        body = search_results(self.server.root / host, search, keyword).encode("utf-8")
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", True, host, path)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet; the request log is in ``server.log``."""

    def _split(self) -> tuple[str, str]:
        parts = urlsplit(self.path)
        host, _, rest = parts.path.lstrip("/").partition("/")
        return host, "/" + rest

    def _answer(self, send_body: bool) -> None:
        host, path = self._split()
        file = self._file_for(host, path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain", send_body, host, path)
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        body = file.read_bytes()
        etag = f'"{hashlib.sha1(body).hexdigest()[:20]}"'
        modified = int(file.stat().st_mtime)
        validators = {"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True)}
        if self._not_modified(etag, modified):
            self.server.log.add(
                self.command, host, path, int(HTTPStatus.NOT_MODIFIED), self.arrived
            )
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self._send(HTTPStatus.OK, body, content_type, send_body, host, path, validators)

    def _not_modified(self, etag: str, modified: int) -> bool:
        """Whether the request's conditions say the client's copy is current (RFC 9110 13.2.2)."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return modified <= since

    def _file_for(self, host: str, path: str) -> Path | None:
        if not host or host.startswith((".", "_")):
            return None
        candidate = (self.server.root / host / path.lstrip("/")).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        inside = candidate.is_relative_to(self.server.root / host)
        if not inside or not candidate.is_file() or candidate.name == MIRROR_CONFIG:
            return None
        return candidate

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        send_body: bool,
        host: str,
        path: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.server.log.add(self.command, host, path, int(status), self.arrived)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


@lru_cache(maxsize=64)
def site_config(host_dir: Path) -> dict:
    """The host's ``_mirror.json`` (empty when it has none)."""
    config = host_dir / MIRROR_CONFIG
    return json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}


def search_results(host_dir: Path, search: dict, keyword: str) -> str:
    """The site's answer to a keyword search: one item per article page holding the keyword."""
    items = []
    if keyword:
        with _SEARCH_INDEX_BUILT:
            index = _search_index(host_dir, search["under"], search["title_separator"])
        for file, title, text in index:
            if keyword in title or keyword in text:
                relative = file.relative_to(host_dir).as_posix()
                match = re.search(search["date_regex"], relative)
                day = "-".join(match.groups()) if match else ""
                items.append((day, search["item"].format(path=relative, title=title, date=day)))
    answer = "".join(item for _, item in sorted(items, reverse=True))
    return quote(answer, safe="") if search.get("percent_encode") else answer


# Held while the index is looked up: concurrent searches wait for one build, not make their own.
_SEARCH_INDEX_BUILT = threading.Lock()


@lru_cache(maxsize=16)
def _search_index(host_dir: Path, under: str, separator: str) -> list[tuple[Path, str, str]]:
    index = []
    for file in sorted((host_dir / under).rglob("*.htm*")):
        page = lxml.html.fromstring(file.read_bytes())
        title = (page.findtext(".//title") or "").split(separator)[0].strip()
        for node in page.xpath("//script|//style"):
            node.drop_tree()
        index.append((file, title, page.text_content()))
    return index


@contextmanager
def serve_mirror(
    root: str | Path = PACKAGED_MIRROR, port: int = 0, latency: float = 0.0
) -> Iterator[MirrorServer]:
    """Serve the mirror folder ``root`` on 127.0.0.1 in a background thread while in the block
    (answering each request ``latency`` seconds after it arrived)."""
    root = Path(root)
    if not root.is_dir():
        raise MirrorError(f"mirror folder not found: {root}")
    try:
        server = MirrorServer(root, port, latency=latency)
    except OSError as error:
        raise MirrorError(f"cannot serve the mirror on port {port}: {error}") from error
    with serving_in_thread(server) as running:
        yield running


@contextmanager
def serving_in_thread(server: Server) -> Iterator[Server]:
    """Run ``server`` on a background thread while in the block; stop and close it after."""
    # A short poll lets the server stop at once (serve_forever polls every 0.5 s by default).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="mirror", daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
