"""Download handler that keeps each response's status line and header block as the server sent
them, for the WARC writer (crawler/warc/writer.py).

Settings:

- ``WARC_ENABLED``: keep the bytes only when WARC files are written (default True).

Scrapy's HTTP/1.1 handler (Twisted) parses the header block away: the status text, the case,
order and repetition of header names, and Connection, Keep-Alive and Transfer-Encoding are gone
from the Response (#18). This handler is Scrapy's with a parser that also records each line of
the head as it arrives (twisted.web._newclient.HTTPParser.lineReceived sees every raw line,
CR LF included) and, when the body is chunked, the body with its chunk framing and trailers:
Twisted hands Scrapy the body de-chunked, and a head saying ``Transfer-Encoding: chunked`` must
be followed by a chunked body. The request line and headers as Twisted wrote them to the
connection (its Host, its order) are kept too, for the request record. The bytes reach the
writer as ``request.meta[AS_RECEIVED_META]`` (an :class:`~crawler.warc.capture.AsReceived`),
set once the whole response has arrived.

It also stamps ``request.meta[FETCH_START_META]`` when the fetch begins, after the request's
wait in its download slot (DOWNLOAD_DELAY, concurrency): a record's WARC-Date is the time of the
fetch, not of the queueing.

It builds on Scrapy's private HTTP/1.1 classes (``_ScrapyAgent`` and the lenient parser and
protocol of scrapy/core/downloader/handlers/http11.py, Scrapy 2.19): Scrapy offers no hook for
the raw head.
"""

from __future__ import annotations

import logging
from time import time
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
    _ScrapyAgent,
)
from scrapy.exceptions import ResponseDataLossError
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.web._newclient import STATUS
from twisted.web._newclient import Request as TxRequest
from twisted.web.http import _ChunkedTransferDecoder

from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.warc.capture import AS_RECEIVED_META, FETCH_START_META, AsReceived

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.interfaces import IAddress
    from twisted.web._newclient import HTTP11ClientProtocol
    from twisted.web.client import Response as TxResponse
    from twisted.web.iweb import IResponse

logger = logging.getLogger(__name__)

# The attribute of a Twisted response that holds its bytes as received.
RECEIVED_ATTRIBUTE = "_archive_as_received"
# A head larger than this is not kept (the record's headers are rebuilt): Twisted caps each line
# (16 KB) but not their number.
MAX_HEAD = 256 * 1024
# Chunk framing is kept while the chunked body stays within twice the default download cap
# (framing of one-byte chunks is five times the data); beyond it the record is rebuilt,
# de-chunked.
MAX_CHUNKED_BODY = 2 * DOWNLOAD_MAXSIZE


class _RecordingParser(_LenientHTTPClientParser):
    """Scrapy's response parser, recording the head's lines and a chunked body as received.

    Its instances come from Twisted's parser by a class swap (no ``__init__``), so its state
    has class defaults."""

    _head: list[bytes] | None = None
    _head_size = 0
    _received: AsReceived | None = None

    def lineReceived(self, line: bytes) -> None:
        if self.state == STATUS:
            # A new head (after a 1xx answer too): start over.
            self._head, self._head_size, self._received = [], 0, None
        if self._head is not None:
            # LineReceiver splits on LF and leaves the CR on the line.
            self._head.append(line + b"\n")
            self._head_size += len(line) + 1
            if self._head_size > MAX_HEAD:
                self._head = None
        super().lineReceived(line)

    def allHeadersReceived(self) -> None:
        if self._head is not None:
            sent = getattr(self.request, "sent_head", None)
            self._received = AsReceived(b"".join(self._head), sent_head=sent)
            setattr(self.response, RECEIVED_ATTRIBUTE, self._received)
        super().allHeadersReceived()  # type: ignore[no-untyped-call]

    def switchToBodyMode(self, decoder: Any) -> None:
        if self._received is not None and isinstance(decoder, _ChunkedTransferDecoder):
            self._received.chunked_body = bytearray()
        super().switchToBodyMode(decoder)  # type: ignore[no-untyped-call]

    def rawDataReceived(self, data: bytes) -> None:
        received = self._received
        if received is not None and received.chunked_body is not None:
            received.chunked_body += data
            if len(received.chunked_body) > MAX_CHUNKED_BODY:
                received.chunked_body = None
                received.complete = False
        super().rawDataReceived(data)  # type: ignore[no-untyped-call]

    def _finished(self, rest: bytes) -> None:
        # ``rest`` is what came after this response's last byte: not part of its body.
        received = self._received
        if rest and received is not None and received.chunked_body is not None:
            del received.chunked_body[-len(rest) :]
        super()._finished(rest)  # type: ignore[no-untyped-call]


class _RecordingRequest(TxRequest):
    """Twisted's request, keeping its request line and headers as written to the connection.

    Its instances come from Twisted's request by a class swap (no ``__init__``)."""

    sent_head: bytes | None = None

    def _writeHeaders(self, transport: Any, TEorCL: bytes | None) -> None:
        # Twisted writes the head in one writeSequence call: take it, then pass it on.
        head = _Lines()
        super()._writeHeaders(head, TEorCL)  # type: ignore[no-untyped-call]
        self.sent_head = b"".join(head.lines)
        transport.writeSequence(head.lines)


class _Lines:
    """Stands for a transport to collect what is written to it."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def writeSequence(self, data: list[bytes]) -> None:
        self.lines.extend(data)


class _RecordingProtocol(_LenientHTTP11ClientProtocol):
    """Scrapy's HTTP/1.1 client protocol with the recording request and parser."""

    def request(self, request: TxRequest) -> Deferred[IResponse]:
        request.__class__ = _RecordingRequest
        answer = super().request(request)
        # Scrapy's protocol has just swapped the parser's class for its own; extend that.
        assert self._parser is not None
        self._parser.__class__ = _RecordingParser
        return answer


class _RecordingFactory(_LenientHTTP11ClientFactory):
    """Builds :class:`_RecordingProtocol` protocols for the connection pool."""

    def buildProtocol(self, addr: IAddress | None) -> HTTP11ClientProtocol:
        return _RecordingProtocol(self._quiescentCallback)  # type: ignore[no-untyped-call]


class _RecordingAgent(_ScrapyAgent):
    """Scrapy's agent, passing a whole response's bytes as received on to its request."""

    def _cb_bodyready(self, txresponse: TxResponse, request: Request) -> Any:
        received: AsReceived | None = getattr(txresponse, RECEIVED_ATTRIBUTE, None)
        result = super()._cb_bodyready(txresponse, request)
        if received is None:
            return result

        def keep(done: Any) -> Any:
            request.meta[AS_RECEIVED_META] = received
            return done

        return result.addCallback(keep) if isinstance(result, Deferred) else keep(result)


class AsReceivedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler, keeping each response's head as received."""

    # Whether a subclass's responses are worth keeping as received.
    keep_received = True

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.keep = self.keep_received and crawler.settings.getbool("WARC_ENABLED")
        if self.keep:
            self._pool._factory = _RecordingFactory

    async def download_request(self, request: Request) -> Response:
        # WARC-Date is when the fetch started (WARC 1.1, 5.4), as Heritrix and wget write it.
        # A number, not a datetime: a retried request's meta may be queued (JOBDIR, Redis).
        request.meta[FETCH_START_META] = time()
        request.meta.pop(AS_RECEIVED_META, None)
        if not self.keep:
            return await super().download_request(request)
        # HTTP11DownloadHandler.download_request with the recording agent.
        agent = _RecordingAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
