"""The site through the real server (`haven serve`), not Django's test client."""

from __future__ import annotations

import pytest

from tests.web.live_server import haven_server, raw_request


@pytest.fixture(scope="module")
def server_port(tmp_path_factory):
    with haven_server(tmp_path_factory.mktemp("served")) as port:
        yield port


def _request(method: str, path: str) -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/healthz", "/no-such-page/"])
def test_head_response_carries_no_body(server_port, path):
    get_head, get_body = raw_request(server_port, _request("GET", path))
    assert get_body, "the GET response has a body, so HEAD has something to leave out"
    head, body = raw_request(server_port, _request("HEAD", path))
    assert head.split(b"\r\n", 1)[0] == get_head.split(b"\r\n", 1)[0]
    assert body == b""
