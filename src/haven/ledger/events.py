"""Haven ledger events: canonical JSON leaves, the event envelope, keyed pseudonyms.

A leaf is ``canonical_json(envelope)`` (docs/contracts.md): sorted keys, no spaces, UTF-8
without ``\\u`` escapes. The envelope is::

    {"v": 1, "kind": "<kind>", "at": "2026-11-23T16:00:00.000Z", "payload": {...}}

This is leaf format 1, which wrote the whole event in public; nothing writes it any
more, and `parse_event` keeps old logs verifiable. Format 2
(`haven.ledger.commitments`) publishes events about people only as salted
commitments. The kinds of event, with their fields, are declared in
`haven.ledger.kinds` (:data:`EVENT_KINDS`).

A leaf never holds a name, contact detail, free text or immigration information:
people and reports appear only as :func:`pseudonym` values, and
:func:`check_payload` refuses payloads whose keys or values look like personal
data. Floats are refused too (their JSON text is not canonical across
languages): use integers or decimal strings.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from haven.ledger.errors import InvalidEventError, PersonalDataError
from haven.ledger.kinds import KINDS

EVENT_SCHEMA_VERSION = 1
"""The envelope's ``v``."""

EVENT_KINDS: frozenset[str] = KINDS
"""Every kind of event, declared once with its fields in `haven.ledger.kinds`."""

PSEUDONYM_HEX_CHARS = 32
"""Hex characters of HMAC-SHA256 kept in a pseudonym: 128 bits, collision-safe."""

MIN_PSEUDONYM_KEY_BYTES = 32
MAX_STRING_LENGTH = 256
"""Longest string value a payload may carry; longer strings are likely free text."""

PERSONAL_DATA_WORDS: frozenset[str] = frozenset(
    {
        "name",
        "names",
        "firstname",
        "surname",
        "forename",
        "email",
        "mail",
        "phone",
        "telephone",
        "mobile",
        "tel",
        "address",
        "postcode",
        "zip",
        "street",
        "text",
        "narrative",
        "description",
        "statement",
        "message",
        "comment",
        "comments",
        "note",
        "notes",
        "immigration",
        "nationality",
        "visa",
        "passport",
        "asylum",
        "birth",
        "dob",
        "age",
        "ethnicity",
        "religion",
        "ip",
        "contact",
        "token",
        "secret",
        "password",
    }
)
"""Words that, as a whole word of a payload key, mark the key as personal data."""

_KIND_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_WORD_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_IP_CHARACTERS_RE = re.compile(r"[0-9A-Fa-f:.]+(?:%[^%]+)?", re.DOTALL)
_PHONE_RE = re.compile(r"\+?[0-9][0-9 ().-]{7,}[0-9]")
_MIN_PHONE_DIGITS = 10


def _check_canonical(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise TypeError(f"{path} is {value}; JSON has no NaN or infinity")
        raise TypeError(f"{path} is a float, which has no canonical JSON form: use int or str")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_canonical(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a {type(key).__name__} key; keys must be str")
            _check_canonical(item, f"{path}.{key}")
        return
    raise TypeError(f"{path} is a {type(value).__name__}, which is not JSON")


def canonical_json(obj: Any) -> bytes:
    """Return the canonical JSON bytes of ``obj``: sorted keys, ``,``/``:``, raw UTF-8.

    Raises:
        TypeError: for floats, non-string keys or values that are not JSON.
    """
    _check_canonical(obj, "$")
    return dumps_checked(obj)


def dumps_checked(obj: Any) -> bytes:
    """Canonical JSON of ``obj`` that the caller has already checked (`canonical_json` checks).

    For an envelope around a payload that `check_payload` accepted: checking it again
    would walk the payload twice on every append.
    """
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def pseudonym(key: bytes, kind: str, value: str | bytes) -> str:
    """Return ``<kind>_<32 hex>``: HMAC-SHA256 under ``key`` of ``kind || 0x00 || value``.

    The kind is bound into the MAC, so the same value gives unrelated pseudonyms
    for different kinds; without ``key`` a pseudonym cannot be linked to its value.

    Raises:
        ValueError: if the key is shorter than 32 bytes or the kind is not
            ``[a-z][a-z0-9_]{0,31}``.
    """
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be bytes, got {type(key).__name__}")
    if len(key) < MIN_PSEUDONYM_KEY_BYTES:
        raise ValueError(
            f"pseudonym key is {len(key)} bytes, expected at least {MIN_PSEUDONYM_KEY_BYTES}"
        )
    if not isinstance(kind, str) or not _KIND_RE.fullmatch(kind):
        raise ValueError(f"pseudonym kind {kind!r} must match [a-z][a-z0-9_]{{0,31}}")
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    mac = hmac.new(bytes(key), kind.encode("ascii") + b"\x00" + data, hashlib.sha256)
    return f"{kind}_{mac.hexdigest()[:PSEUDONYM_HEX_CHARS]}"


def _key_words(key: str) -> list[str]:
    return [word.lower() for word in _WORD_RE.findall(key)]


def _looks_personal(value: str) -> str | None:
    if _EMAIL_RE.search(value):
        return "an email address"
    if _PHONE_RE.fullmatch(value) and sum(ch.isdigit() for ch in value) >= _MIN_PHONE_DIGITS:
        return "a phone number"
    # Parsing raises for almost every string; try it only on what could be an address.
    if _IP_CHARACTERS_RE.fullmatch(value):
        try:
            ipaddress.ip_address(value)
        except ValueError:
            pass
        else:
            return "an IP address"
    if len(value) > MAX_STRING_LENGTH:
        return f"free text (longer than {MAX_STRING_LENGTH} characters)"
    return None


def check_payload(payload: Mapping[str, Any]) -> None:
    """Refuse a payload that may carry personal data.

    Walks nested objects and lists. A key is refused if any of its words (split on
    ``_``, ``-``, case changes and digits) is in :data:`PERSONAL_DATA_WORDS`; a
    string value is refused if it looks like an email address, a phone number, an
    IP address, or is longer than :data:`MAX_STRING_LENGTH`. Messages name the
    path and the reason, never the value.

    Raises:
        PersonalDataError: naming the offending path.
        TypeError: if the payload is not a JSON object with string keys.
    """
    if not isinstance(payload, dict):
        raise TypeError(f"payload must be a dict, got {type(payload).__name__}")
    _check_canonical(payload, "payload")
    _walk(payload, "payload")


def _walk(value: Any, path: str) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            bad = sorted(set(_key_words(key)) & PERSONAL_DATA_WORDS)
            if bad:
                raise PersonalDataError(
                    f"{path}.{key}: key looks like personal data (word {bad[0]!r}); "
                    f"ledger events carry pseudonyms and codes only"
                )
            _walk(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]")
    elif isinstance(value, str):
        reason = _looks_personal(value)
        if reason is not None:
            raise PersonalDataError(f"{path}: value looks like {reason}")


def format_timestamp(at: datetime) -> str:
    """Return ``at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.mmmZ``.

    Raises:
        ValueError: if ``at`` is naive.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("event time must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_envelope(kind: str, payload: Mapping[str, Any], *, at: datetime) -> dict[str, Any]:
    """Return the envelope ``{"v", "kind", "at", "payload"}`` after checking it.

    Raises:
        InvalidEventError: if ``kind`` is not one of :data:`EVENT_KINDS`.
        PersonalDataError: if the payload looks like it holds personal data.
    """
    if kind not in EVENT_KINDS:
        raise InvalidEventError(
            f"event kind {kind!r} is not allowed; expected one of {sorted(EVENT_KINDS)}"
        )
    check_payload(payload)
    return {"v": EVENT_SCHEMA_VERSION, "kind": kind, "at": format_timestamp(at), "payload": payload}


def event_leaf(kind: str, payload: Mapping[str, Any], *, at: datetime) -> bytes:
    """Return the ledger leaf for an event: ``canonical_json(event_envelope(...))``."""
    return canonical_json(event_envelope(kind, payload, at=at))


def parse_event(leaf: bytes) -> dict[str, Any]:
    """Parse and check a leaf; it must be canonical and a valid envelope.

    Raises:
        InvalidEventError: naming what is wrong.
    """
    try:
        event = json.loads(leaf.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEventError("leaf is not UTF-8 JSON") from exc
    if not isinstance(event, dict) or set(event) != {"v", "kind", "at", "payload"}:
        raise InvalidEventError('leaf must be an object with exactly "v", "kind", "at", "payload"')
    if event["v"] != EVENT_SCHEMA_VERSION:
        raise InvalidEventError(
            f"event schema version is {event['v']!r}, expected {EVENT_SCHEMA_VERSION}"
        )
    if not isinstance(event["at"], str):
        raise InvalidEventError('"at" must be a string')
    try:
        at = datetime.fromisoformat(event["at"])
    except ValueError as exc:
        raise InvalidEventError('"at" is not an ISO 8601 timestamp') from exc
    if not isinstance(event["payload"], dict):
        raise InvalidEventError('"payload" must be an object')
    try:
        expected = event_leaf(event["kind"], event["payload"], at=at)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidEventError):
            raise
        raise InvalidEventError(str(exc)) from exc
    if expected != leaf:
        raise InvalidEventError("leaf is not in canonical form")
    return event
