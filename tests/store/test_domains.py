"""The outlet of last resort (#18): a host's registered domain, from tldextract's bundled Public
Suffix List, never the network."""

from __future__ import annotations

import socket

import pytest

from crawler.store.domains import registered_domain


@pytest.mark.parametrize(
    "url, domain",
    [
        ("https://news.example.com.hk/a.html", "example.com.hk"),
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
        ("https://www.hkcd.com.hk/hkcdweb/x.html", "hkcd.com.hk"),
        ("http://127.0.0.1:8080/www.hkcd.com.hk/x.html", "127.0.0.1"),
        ("http://localhost/a", "localhost"),
        ("http://news.example.com:99999/a", "example.com"),
        ("dns:www.example.com", "unknown"),
        ("", "unknown"),
    ],
    ids=["com.hk", "co.uk", "spider-host", "ip", "bare-host", "bad-port", "dns", "empty"],
)
def test_registered_domain(url: str, domain: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Public Suffix List was looked up on the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert registered_domain(url) == domain
