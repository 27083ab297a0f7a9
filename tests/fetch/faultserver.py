"""A misbehaving web server on 127.0.0.1 for fault-injection tests: one path per fault.

``FAULTS`` maps each path to what it answers (server errors with and without Retry-After, 404,
410, 429, timeouts, resets, truncated bodies, legacy Chinese encodings with right, wrong and
missing charsets, redirect chains, loops and off-site redirects, oversized bodies, a gzip bomb,
malformed, empty, non-HTML and article-less pages, hostile pages). ``hits`` counts the requests
each path got and ``times`` says when, so a test can tell how often and how far apart a page
was tried.
"""

from __future__ import annotations

import gzip
import socket
import struct
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.fetch.mirror import serving_in_thread

# Characters that a plain decoder gets wrong: 啓 綫 峯 (and 嘅) are in HKSCS, not in plain Big5,
# yet Hong Kong servers label such pages "big5"; 裏 is in neither GB2312 nor plain Big5.
TRADITIONAL_TEXT = "香港科技峰會啓動，會場裏外人頭湧湧，綫上綫下同步直播，高峯論壇聚焦新質生產力。"
HKSCS_TEXT = "市民話：呢個論壇嘅內容好實用。"
# Another story, so that the archive does not take it for a copy of the Traditional one.
SIMPLIFIED_TEXT = "深圳创新论坛开幕，会场里外座无虚席，线上线下同步直播，嘉宾畅谈人工智能。"
# The charset a page is labelled with -> the codec its bytes are really in, and its text.
ENCODED_TEXTS = {
    "big5": ("big5hkscs", TRADITIONAL_TEXT),
    "big5-hkscs": ("big5hkscs", TRADITIONAL_TEXT + HKSCS_TEXT),
    "gb2312": ("gb2312", SIMPLIFIED_TEXT),
    "gbk": ("gbk", TRADITIONAL_TEXT),
    "gb18030": ("gb18030", TRADITIONAL_TEXT + HKSCS_TEXT),
}
ARTICLE = (
    "<html><head><title>{title}</title>{meta}"
    "<meta property='article:published_time' content='2024-08-29T10:00:00+08:00'></head>"
    "<body><nav>Home News</nav><article><h1>{title}</h1>{body}</article></body></html>"
)
BOMB_SIZE = 64 * 1024 * 1024
TRICKLE_SECONDS = 0.05


def article_page(title: str, paragraphs: list[str], meta: str = "") -> str:
    """An article page the generic extractor reads: a title, a date and paragraphs."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return ARTICLE.format(title=title, meta=meta, body=body)


@dataclass
class Answer:
    """What a path answers: status, headers, body; or a special behaviour."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    body: bytes = b""
    behaviour: str = ""  # "", "timeout", "reset", "truncate", "fail_first", "trickle"


def _html(text: str, charset: str | None = "utf-8", encoding: str = "utf-8") -> Answer:
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return Answer(headers={"Content-Type": content_type}, body=text.encode(encoding))


def _encoded_pages() -> dict[str, Answer]:
    """/charset/<label>/<meta|nometa>/<right|wrong|none>: a page in a legacy encoding."""
    pages = {}
    for label, (codec, text) in ENCODED_TEXTS.items():
        for meta in ("meta", "nometa"):
            tag = f"<meta charset='{label}'>" if meta == "meta" else ""
            page = article_page(text[:8], [text] * 3, tag)
            for header, charset in (("right", label), ("wrong", "iso-8859-1"), ("none", None)):
                answer = _html(page, charset, codec)
                pages[f"/charset/{label}/{meta}/{header}"] = answer
    return pages


def _status(status: int, **headers: str) -> Answer:
    return Answer(status, {"Content-Type": "text/html", **headers}, b"<html>error</html>")


def _redirect(location: str) -> Answer:
    return Answer(302, {"Location": location, "Content-Type": "text/html"})


def _meta_refresh(location: str) -> Answer:
    page = f'<html><head><meta http-equiv="refresh" content="0; url={location}"></head></html>'
    return _html(page)


def _gzip_bomb() -> Answer:
    body = gzip.compress(b"\0" * BOMB_SIZE, compresslevel=9)
    return Answer(headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}, body=body)


def build_faults(port: int) -> dict[str, Answer]:
    """Every path of the server and its answer (``port`` for absolute, off-site redirects)."""
    ok = article_page(
        "峯會如期舉行", ["第一段：峯會如期舉行，各界人士出席。", "第二段：講者分享。"]
    )
    faults = {
        "/ok": _html(ok),
        "/status/500": _status(500),
        "/status/502": _status(502),
        "/status/503": _status(503),
        "/status/503-retry-after": _status(503, **{"Retry-After": "1"}),
        "/status/429": _status(429, **{"Retry-After": "3600"}),
        "/status/404": _status(404),
        "/status/410": _status(410),
        "/flaky": Answer(body=ok.encode(), behaviour="fail_first"),
        "/timeout": Answer(behaviour="timeout"),
        "/reset": Answer(behaviour="reset"),
        "/truncated": Answer(body=ok.encode() * 20, behaviour="truncate"),
        "/redirect/chain1": _redirect("/redirect/chain2"),
        "/redirect/chain2": _redirect("/redirect/chain3"),
        "/redirect/chain3": _redirect("/ok"),
        "/redirect/loop1": _redirect("/redirect/loop2"),
        "/redirect/loop2": _redirect("/redirect/loop1"),
        "/redirect/offsite": _redirect(f"http://localhost:{port}/ok"),
        "/refresh/loop1": _meta_refresh("/refresh/loop2"),
        "/refresh/loop2": _meta_refresh("/refresh/loop1"),
        "/refresh/offsite": _meta_refresh(f"http://localhost:{port}/ok"),
        "/refresh/ok": _meta_refresh("/refresh/target"),
        "/refresh/target": _html(
            article_page("刷新後的文章", ["第一段：頁面以 meta refresh 轉到此處。", "第二段。"])
        ),
        # Over the default DOWNLOAD_MAXSIZE (32 MB): refused by its Content-Length.
        "/too-big": _html("<html><body>" + "x" * (33 * 1024 * 1024) + "</body></html>"),
        "/gzip-bomb": _gzip_bomb(),
        "/gzip-page": Answer(
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
            body=gzip.compress(ok.encode()),
        ),
        "/trickle": Answer(body=ok.encode(), behaviour="trickle"),
        "/redirect/ftp": _redirect("ftp://127.0.0.1/pub/page.html"),
        "/malformed": _html(
            "<html><head><title>峯會<body><article><h1>峯會<p>第一段：峯會如期舉行<p>第二段"
            "<div><span>講者分享</table></td>&&&<<>>"
        ),
        "/empty": _html(""),
        "/image.png": Answer(
            headers={"Content-Type": "image/png"}, body=b"\x89PNG\r\n" + b"x" * 50
        ),
        "/no-article": _html("<html><head></head><body><nav>首頁</nav></body></html>"),
        "/hostile/scripts": _html(
            article_page(
                "峯會腳本測試",
                [
                    "正文第一段。<script>alert('腳本內容')</script>",
                    "<style>p { color: red } /* 樣式內容 */</style>正文第二段。",
                    "<iframe src='http://evil.example/'>框架內容</iframe>正文第三段。",
                ],
            )
        ),
        "/hostile/huge-text": _html(
            article_page("峯會長文", ["峯會正文。" * 2000] * 340)  # 10 MB of UTF-8 text
        ),
        "/hostile/many-images": _html(
            article_page("峯會圖片", ["正文第一段，講述峯會的開幕和與會者。"]).replace(
                "</article>",
                "<figure><img src='/i.png'><figcaption>圖</figcaption></figure>" * 100_000
                + "</article>",
            )
        ),
    }
    return {**faults, **_encoded_pages()}


class FaultHandler(BaseHTTPRequestHandler):
    """Answers each path as ``server.faults`` says."""

    server: FaultServer

    def end_headers(self) -> None:
        # Said outright, so that Scrapy pools no connection this server is about to close: a
        # request sent on one was lost before any handler saw it (an attempt too many).
        self.send_header("Connection", "close")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.server.hits[path] += 1
        self.server.times.setdefault(path, []).append(time.monotonic())
        answer = self.server.faults.get(path)
        if path == "/robots.txt" or answer is None:
            self._send(Answer(404, body=b"not found"))
        elif answer.behaviour == "timeout":
            time.sleep(self.server.timeout_seconds)
        elif answer.behaviour == "reset":
            # SO_LINGER 0: close sends a TCP RST instead of a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif answer.behaviour == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body[: len(answer.body) // 3])
            self.close_connection = True
        elif answer.behaviour == "trickle":
            self._trickle(answer.body)
        elif answer.behaviour == "fail_first" and self.server.hits[path] <= 2:
            self._send(_status(503))
        else:
            self._send(answer)

    def _trickle(self, body: bytes) -> None:
        """A byte every TRICKLE_SECONDS: never stalls, never ends in time (until the client
        hangs up)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body:
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:  # the client gave up: what a trickle is for
                return
            time.sleep(TRICKLE_SECONDS)

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read ``hits``."""


class FaultServer(ThreadingHTTPServer):
    """The fault server; ``url(path)`` is the address of a fault."""

    daemon_threads = True
    # A crawl opens dozens of connections at once; the default backlog of 5 would refuse some.
    request_queue_size = 128

    def __init__(self, timeout_seconds: float = 3.0):
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.hits: Counter[str] = Counter()
        self.times: dict[str, list[float]] = {}
        self.timeout_seconds = timeout_seconds
        self.faults = build_faults(self.server_address[1])

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: resets and timeouts are what this server is for."""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@contextmanager
def serve_faults(timeout_seconds: float = 3.0) -> Iterator[FaultServer]:
    """Serve the faults on 127.0.0.1 on a thread while in the block."""
    with serving_in_thread(FaultServer(timeout_seconds)) as server:
        yield server
