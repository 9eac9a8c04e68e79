"""The site through the real server (`haven serve`), not Django's test client."""

from __future__ import annotations

import pytest

from tests.web.live_server import (
    haven_server,
    haven_server_with_log,
    production_environment,
    raw_request,
)


@pytest.fixture(scope="module")
def server_port(tmp_path_factory):
    with haven_server(tmp_path_factory.mktemp("served")) as port:
        yield port


def _request(method: str, path: str, *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _status(head: bytes) -> int:
    return int(head.split(b" ", 2)[1])


def _header(head: bytes, name: str) -> str | None:
    for line in head.decode("latin-1").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/healthz", "/no-such-page/"])
def test_head_response_carries_no_body(server_port, path):
    get_head, get_body = raw_request(server_port, _request("GET", path))
    assert get_body, "the GET response has a body, so HEAD has something to leave out"
    head, body = raw_request(server_port, _request("HEAD", path))
    assert head.split(b"\r\n", 1)[0] == get_head.split(b"\r\n", 1)[0]
    assert body == b""


def test_the_server_is_gunicorn(server_port):
    head, _body = raw_request(server_port, _request("GET", "/healthz"))
    assert _header(head, "Server") == "gunicorn"


@pytest.mark.parametrize(
    ("option", "extra_env"),
    [(["--behind-proxy"], {}), ([], {"HAVEN_TRUSTED_PROXY": "1"})],
    ids=["--behind-proxy", "HAVEN_TRUSTED_PROXY=1"],
)
def test_production_behind_a_tls_proxy_serves_what_the_proxy_forwarded(tmp_path, option, extra_env):
    data_dir = tmp_path / "data"
    env = production_environment(data_dir, **extra_env)
    with haven_server(data_dir, *option, env=env) as port:
        head, body = raw_request(port, _request("GET", "/", "X-Forwarded-Proto: https"))
        assert _status(head) == 200, head
        assert b"Report a crime safely" in body
        # A request the proxy received over plain HTTP is still sent to HTTPS.
        head, _body = raw_request(port, _request("GET", "/", "X-Forwarded-Proto: http"))
        assert _status(head) == 301
        assert _header(head, "Location") == "https://127.0.0.1/"


def test_production_without_a_trusted_proxy_ignores_x_forwarded_proto(tmp_path):
    data_dir = tmp_path / "data"
    with haven_server(data_dir, env=production_environment(data_dir)) as port:
        head, _body = raw_request(port, _request("GET", "/", "X-Forwarded-Proto: https"))
        assert _status(head) == 301, "a client that only claims HTTPS is redirected"
        # A load balancer's plain-HTTP health check is answered, not redirected.
        head, _body = raw_request(port, _request("GET", "/healthz"))
        assert _status(head) == 200


def test_the_server_logs_no_client_address(tmp_path):
    data_dir = tmp_path / "data"
    env = production_environment(data_dir)
    with haven_server_with_log(data_dir, env=env) as (port, log):
        head, _body = raw_request(port, b"NOT A REQUEST\r\n\r\n")
        assert _status(head) == 400
    written = log.read_text()
    assert "Invalid request" in written
    assert "127.0.0.1" not in written


def test_the_log_filter_blanks_addresses_in_messages_and_tracebacks():
    import logging

    from haven.web.settings.redaction import AddressRedactingFilter

    try:
        raise ValueError("Invalid HTTP_HOST header: '[2001:db8::7]:8000' from 192.0.2.1")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "t",
            logging.ERROR,
            __file__,
            1,
            "peer %s at 12:30:45",
            ("192.0.2.1:5000",),
            sys.exc_info(),
        )
    AddressRedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "192.0.2.1" not in text and "2001:db8::7" not in text
    assert "peer [address]:5000 at 12:30:45" in text


def test_a_refusal_is_logged_in_one_line_and_a_fault_with_its_traceback(settings):
    import logging
    import sys

    from django.core.exceptions import PermissionDenied

    from haven.web.settings.refusals import RefusalWithoutTracebackFilter

    assert settings.LOGGING["handlers"]["console"]["filters"][0] == "refusals_in_one_line"

    def logged(error: Exception) -> str:
        try:
            raise error
        except Exception:
            record = logging.LogRecord(
                "django.request",
                logging.WARNING,
                __file__,
                1,
                "%s",
                ("/governance/",),
                sys.exc_info(),
            )
        RefusalWithoutTracebackFilter().filter(record)
        return logging.Formatter().format(record)

    assert logged(PermissionDenied("Only DPOs manage policy.")) == "/governance/"
    fault = logged(ValueError("a fault"))
    assert "Traceback" in fault and "ValueError: a fault" in fault
