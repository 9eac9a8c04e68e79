"""A logging filter that blanks IP addresses, for every handler Haven configures.

Haven never logs a client's address on purpose (docs/security.md), but a library
might: gunicorn, for one, names the peer of a malformed request. This filter is the
net under that rule. It rewrites each record's message before any handler formats it,
replacing anything that parses as an IPv4 or IPv6 address with `[address]`.
"""

from __future__ import annotations

import ipaddress
import logging
import re

REDACTED = "[address]"

# Runs of characters an address (with a zone or a port) can hold; each run is then
# checked with `ipaddress`, so times such as 12:30:45 and versions such as 1.2.3 survive.
_RUN = re.compile(r"[0-9A-Za-z:.%]+")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _redact_run(match: re.Match[str]) -> str:
    run = match.group(0)
    core = run.rstrip(":.")
    tail = run[len(core) :]
    if _is_address(core):
        return REDACTED + tail
    host, colon, port = core.rpartition(":")
    if colon and port.isdigit() and "." in host and _is_address(host):  # 192.0.2.1:8000
        return REDACTED + colon + port + tail
    return run


def redact_addresses(text: str) -> str:
    return _RUN.sub(_redact_run, text)


class AddressRedactingFilter(logging.Filter):
    """Rewrites the record's message and traceback with every IP address blanked; never
    drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_addresses(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        # A traceback can quote a request too; formatters use exc_text once it is set.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_addresses(record.stack_info)
        return True
