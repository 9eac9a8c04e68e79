"""Leaf format 2: a public log that reveals nothing about a victim (docs/ledger.md).

An event about people (a report, a read, a decision, a disclosure, an access) is
recorded twice:

- privately, as the full event: canonical JSON ``{"v": 2, "kind", "at", "payload"}``,
  kept in the database, encrypted, with a random 32-byte salt;
- publicly, as the leaf: canonical JSON ``{"v": 2, "kind", "day", "commitment"}``
  where ``day`` is the UTC date (never the time of day) and ``commitment`` is the hex
  SHA-256 of ``salt || event``.

Anyone holding the event and its salt (an auditor opening it, or a reporter whose
receipt carries the salts of their own report's events) can check it against the
public leaf, and the leaf's inclusion in a signed checkpoint; anyone else learns only
that an event of that kind happened on that day. Without the salt the commitment
cannot be tested against guessed events.

Events about the system (``PUBLIC_KINDS``: key rotations, which verifiers need,
policy changes and statistics releases) stay readable: their leaf is the full event.

Format 1 leaves (the whole event in public, ``"v": 1``) stay verifiable by
:func:`haven.ledger.events.parse_event`; nothing writes them any more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from haven.ledger.errors import InvalidEventError
from haven.ledger.events import (
    EVENT_KINDS,
    canonical_json,
    check_payload,
    dumps_checked,
    format_timestamp,
)
from haven.ledger.kinds import PUBLIC_KINDS, LedgerEvent

LEAF_FORMAT = 2
SALT_BYTES = 32

_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEX_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Recorded:
    """One event as the ledger keeps it: the private record and the public leaf."""

    kind: str
    event: bytes
    """The full event, canonical JSON: kept in the database, encrypted."""
    salt: bytes
    """Opens the commitment; empty for public kinds, whose leaf is the event itself."""
    leaf: bytes
    """What the public log holds."""

    @property
    def public(self) -> bool:
        return self.kind in PUBLIC_KINDS


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def commitment(salt: bytes, event: bytes) -> str:
    """Hex SHA-256 of ``salt || event``."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes, got {len(salt)}")
    return hashlib.sha256(salt + event).hexdigest()


def full_event(kind: str, payload: Mapping[str, Any], *, at: datetime) -> bytes:
    """The canonical full event ``{"v": 2, "kind", "at", "payload"}`` after checking it.

    Raises:
        InvalidEventError: unknown kind.
        PersonalDataError: the payload looks like it holds personal data.
    """
    if kind not in EVENT_KINDS:
        raise InvalidEventError(
            f"event kind {kind!r} is not allowed; expected one of {sorted(EVENT_KINDS)}"
        )
    checked = dict(payload)
    check_payload(checked)  # also checks that it has a canonical form
    return dumps_checked(
        {"v": LEAF_FORMAT, "kind": kind, "at": format_timestamp(at), "payload": checked}
    )


def record(event: LedgerEvent, *, at: datetime, salt: bytes | None = None) -> Recorded:
    """The private event and public leaf of a typed event (a fresh salt unless given)."""
    return record_payload(event.KIND, event.payload(), at=at, salt=salt)


def record_payload(
    kind: str, payload: Mapping[str, Any], *, at: datetime, salt: bytes | None = None
) -> Recorded:
    """As `record`, for a kind and payload already in hand (old callers, tests)."""
    event = full_event(kind, payload, at=at)
    if kind in PUBLIC_KINDS:
        return Recorded(kind=kind, event=event, salt=b"", leaf=event)
    salt = new_salt() if salt is None else salt
    leaf = dumps_checked(  # an int and three strings: canonical by construction
        {
            "v": LEAF_FORMAT,
            "kind": kind,
            "day": at.astimezone(UTC).date().isoformat(),
            "commitment": commitment(salt, event),
        }
    )
    return Recorded(kind=kind, event=event, salt=salt, leaf=leaf)


@dataclass(frozen=True)
class PublicLeaf:
    """A parsed format 2 leaf: its kind and day, and either a commitment or the event."""

    kind: str
    day: date
    commitment: str | None
    event: dict[str, Any] | None


def parse_leaf(leaf: bytes) -> PublicLeaf:
    """Parse a format 2 leaf (canonical JSON), of either shape.

    Raises:
        InvalidEventError: naming what is wrong.
    """
    document = _canonical_object(leaf, "leaf")
    if document.get("v") != LEAF_FORMAT:
        raise InvalidEventError(f"leaf format is {document.get('v')!r}, expected {LEAF_FORMAT}")
    kind = document.get("kind")
    if kind not in EVENT_KINDS:
        raise InvalidEventError(f"leaf kind {kind!r} is not one of {sorted(EVENT_KINDS)}")
    if kind in PUBLIC_KINDS:
        event = _check_event(document)
        return PublicLeaf(kind=kind, day=_event_day(event), commitment=None, event=event)
    if set(document) != {"v", "kind", "day", "commitment"}:
        raise InvalidEventError(
            'a leaf about people holds exactly "v", "kind", "day" and "commitment"'
        )
    day, digest = document["day"], document["commitment"]
    if not isinstance(day, str) or not _DAY_RE.fullmatch(day):
        raise InvalidEventError('"day" must be a date, YYYY-MM-DD')
    if not isinstance(digest, str) or not _HEX_RE.fullmatch(digest):
        raise InvalidEventError('"commitment" must be 64 lowercase hex digits')
    return PublicLeaf(kind=kind, day=date.fromisoformat(day), commitment=digest, event=None)


def open_leaf(leaf: bytes, event: bytes, salt: bytes) -> dict[str, Any]:
    """Check that ``event`` and ``salt`` open ``leaf``; return the parsed event.

    For a public kind the event must be the leaf itself (and ``salt`` empty).

    Raises:
        InvalidEventError: the event or salt does not open the leaf (naming why).
    """
    public = parse_leaf(leaf)
    if public.event is not None:
        if event != leaf:
            raise InvalidEventError("a public leaf is its own event; the event differs")
        return public.event
    parsed = _check_event(_canonical_object(event, "event"))
    if len(salt) != SALT_BYTES:
        raise InvalidEventError(f"the salt must be {SALT_BYTES} bytes, got {len(salt)}")
    if not hmac.compare_digest(commitment(salt, event), public.commitment or ""):
        raise InvalidEventError("the event and salt do not open this leaf's commitment")
    if parsed["kind"] != public.kind:
        raise InvalidEventError(f"the event is a {parsed['kind']!r}, the leaf a {public.kind!r}")
    if _event_day(parsed) != public.day:
        raise InvalidEventError("the event's day is not the leaf's day")
    return parsed


def _canonical_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidEventError(f"the {what} is not UTF-8 JSON") from error
    if not isinstance(document, dict):
        raise InvalidEventError(f"the {what} must be a JSON object")
    try:
        canonical = canonical_json(document)
    except TypeError as error:
        raise InvalidEventError(f"the {what} has no canonical form: {error}") from error
    if canonical != data:
        raise InvalidEventError(f"the {what} is not in canonical form")
    return document


def _check_event(document: dict[str, Any]) -> dict[str, Any]:
    if set(document) != {"v", "kind", "at", "payload"} or document["v"] != LEAF_FORMAT:
        raise InvalidEventError('an event holds exactly "v": 2, "kind", "at" and "payload"')
    if document["kind"] not in EVENT_KINDS or not isinstance(document["payload"], dict):
        raise InvalidEventError("the event's kind or payload is not valid")
    _event_day(document)
    return document


def _event_day(event: Mapping[str, Any]) -> date:
    at = event.get("at")
    try:
        moment = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidEventError('"at" must be an ISO 8601 time with its zone')
    return moment.astimezone(UTC).date()
