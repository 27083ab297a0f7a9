"""`archive extract URL`: one page fetched with the crawl's limits (scheme, redirects, size,
decompression, an overall deadline), each refusal one line with a non-zero exit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.errors import ArchiveError
from crawler.fetch.one_page import fetch
from tests.fetch.faultserver import FaultServer, serve_faults


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with serve_faults() as running:
        yield running


def test_a_gzip_encoded_page_is_decoded(server: FaultServer) -> None:
    result = CliRunner().invoke(cli, ["extract", server.url("/gzip-page")])
    assert result.exit_code == 0, result.output
    assert "第一段：峯會如期舉行" in result.output


def test_a_same_host_redirect_is_followed(server: FaultServer) -> None:
    url, body, _ = fetch(server.url("/redirect/chain1"))
    assert url == server.url("/ok") and "峯會如期舉行" in body.decode()


@pytest.mark.parametrize(
    "path, message",
    [
        ("/redirect/offsite", "redirects to another host (localhost)"),
        ("/redirect/ftp", "redirects to ftp://127.0.0.1/pub/page.html (not http)"),
        ("/redirect/loop1", "a redirect loop"),
        ("/too-big", "more than 33554432 allowed"),
        ("/gzip-bomb", "decompresses to more than 33554432 bytes"),
        ("/status/404", "Not Found"),
    ],
    ids=["offsite", "ftp", "loop", "too-big", "gzip-bomb", "404"],
)
def test_what_the_crawl_would_refuse_is_one_line_and_exit_1(
    server: FaultServer, path: str, message: str
) -> None:
    result = CliRunner().invoke(cli, ["extract", server.url(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot fetch") and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_trickling_server_is_given_up_at_the_deadline(server: FaultServer) -> None:
    with pytest.raises(ArchiveError, match="not done after 1 s"):
        fetch(server.url("/trickle"), timeout=1)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/page.html", "file:///etc/passwd"])
def test_only_http_and_https_are_fetched(url: str) -> None:
    result = CliRunner().invoke(cli, ["extract", url])
    assert result.exit_code == 1
    assert "only http and https URLs are fetched" in result.output
