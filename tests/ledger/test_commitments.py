"""Leaf format 2: events about people are published as salted commitments, day only."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.ledger.commitments import (
    SALT_BYTES,
    commitment,
    open_leaf,
    parse_leaf,
    record,
    record_payload,
)
from haven.ledger.errors import InvalidEventError, PersonalDataError
from haven.ledger.events import EVENT_KINDS, parse_event, pseudonym
from haven.ledger.kinds import (
    EVENT_TYPES,
    PUBLIC_KINDS,
    KeyRotation,
    ReportRead,
    ReportReceived,
)

KEY = bytes(range(32))
AT = datetime(2026, 11, 28, 14, 37, 12, 345000, tzinfo=UTC)
REPORT = pseudonym(KEY, "report", "HVN-AAAA-BBBB")
RECEIVED = ReportReceived(
    report=REPORT,
    force="metropolitan",
    offence="honour_based_abuse",
    channel="advocate",
    people=({"person": pseudonym(KEY, "person", "1"), "role": "victim"},),
)


def test_a_leaf_about_people_holds_only_kind_day_and_commitment() -> None:
    recorded = record(RECEIVED, at=AT)
    leaf = json.loads(recorded.leaf)
    assert leaf == {
        "v": 2,
        "kind": "report_received",
        "day": "2026-11-28",
        "commitment": commitment(recorded.salt, recorded.event),
    }
    # Nothing about the report can be read from it: no force, offence, channel,
    # role or time of day.
    for secret in (b"metropolitan", b"honour", b"advocate", b"victim", b"14:37", REPORT.encode()):
        assert secret not in recorded.leaf
    assert len(recorded.salt) == SALT_BYTES


def test_the_event_and_salt_open_the_leaf() -> None:
    recorded = record(RECEIVED, at=AT)
    event = open_leaf(recorded.leaf, recorded.event, recorded.salt)
    assert event["payload"]["offence"] == "honour_based_abuse"
    assert event["at"] == "2026-11-28T14:37:12.345Z"


def test_each_record_gets_a_fresh_salt_so_equal_events_have_unrelated_leaves() -> None:
    first, second = record(RECEIVED, at=AT), record(RECEIVED, at=AT)
    assert first.event == second.event
    assert first.salt != second.salt and first.leaf != second.leaf


@pytest.mark.parametrize(
    "tamper",
    ["salt", "event", "kind", "day"],
)
def test_a_wrong_opening_is_refused(tamper: str) -> None:
    recorded = record(RECEIVED, at=AT)
    event, salt = recorded.event, recorded.salt
    if tamper == "salt":
        salt = bytes(SALT_BYTES)
    elif tamper == "event":
        event = event.replace(b"honour_based_abuse", b"other")
    elif tamper == "kind":
        other = record(ReportRead(report=REPORT, reader="user_1", reader_role="officer"), at=AT)
        event, salt = other.event, other.salt
    else:
        later = record(RECEIVED, at=AT + timedelta(days=1), salt=salt)
        event = later.event
    with pytest.raises(InvalidEventError):
        open_leaf(recorded.leaf, event, salt)


def test_the_day_is_the_utc_date_whatever_the_zone_of_the_time() -> None:
    london_evening = datetime(2026, 6, 30, 23, 30, tzinfo=timezone(timedelta(hours=1)))
    assert json.loads(record(RECEIVED, at=london_evening).leaf)["day"] == "2026-06-30"
    after_midnight = datetime(2026, 7, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert json.loads(record(RECEIVED, at=after_midnight).leaf)["day"] == "2026-06-30"


def test_system_events_stay_readable_in_public() -> None:
    rotation = KeyRotation(key="ledger_signing", old_key_id="aa", new_key_id="bb", new_vkey="x")
    recorded = record(rotation, at=AT)
    assert recorded.public and recorded.salt == b""
    assert recorded.leaf == recorded.event
    parsed = parse_leaf(recorded.leaf)
    assert parsed.event is not None and parsed.event["payload"]["new_key_id"] == "bb"
    assert open_leaf(recorded.leaf, recorded.event, b"") == parsed.event
    assert PUBLIC_KINDS == {
        "key_rotation", "policy_change", "statistics_release",
        "policy_version_drafted", "policy_version_signed_off",
        "policy_version_in_force", "policy_version_withdrawn",
    }  # fmt: skip


def test_personal_data_is_refused_before_anything_is_recorded() -> None:
    with pytest.raises(PersonalDataError):
        record_payload("report_read", {"report": REPORT, "reader_name": "Amina"}, at=AT)
    with pytest.raises(InvalidEventError):
        record_payload("gossip", {}, at=AT)


@pytest.mark.parametrize(
    "leaf",
    [
        b"not json",
        b'{"v":1,"kind":"report_read","day":"2026-11-28","commitment":"00"}',
        b'{"commitment":"zz","day":"2026-11-28","kind":"report_read","v":2}',
        b'{"commitment":"' + b"0" * 64 + b'","day":"28/11/2026","kind":"report_read","v":2}',
        b'{"kind":"report_read","v":2,"day":"2026-11-28","commitment":"' + b"0" * 64 + b'"}',
        b'{"at":"2026-11-28T00:00:00Z","commitment":"'
        + b"0" * 64
        + b'","day":"2026-11-28","kind":"report_read","v":2}',
    ],
    ids=["not-json", "format-1", "bad-hex", "bad-day", "not-canonical", "extra-key"],
)
def test_malformed_leaves_are_refused(leaf: bytes) -> None:
    with pytest.raises(InvalidEventError):
        parse_leaf(leaf)


def test_every_kind_has_a_typed_builder_and_the_old_kinds_remain() -> None:
    assert {event.KIND for event in EVENT_TYPES} == EVENT_KINDS
    assert len(EVENT_TYPES) == len(EVENT_KINDS)
    format_1_kinds = {
        "decision", "sealed_access", "disclosure", "policy_change",
        "report_received", "statistics_release", "key_rotation",
    }  # fmt: skip
    assert format_1_kinds <= EVENT_KINDS


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda t: t.KIND)
def test_every_builder_makes_an_event_the_personal_data_guard_accepts(event_type: type) -> None:
    values = {
        field.name: ("a", "b") if "tuple" in str(field.type) else f"{field.name}_0"
        for field in fields(event_type)
    }
    recorded = record(event_type(**values), at=AT)
    assert open_leaf(recorded.leaf, recorded.event, recorded.salt)["kind"] == event_type.KIND


@given(st.binary(min_size=SALT_BYTES, max_size=SALT_BYTES))
def test_property_any_salt_opens_only_its_own_leaf(salt: bytes) -> None:
    recorded = record(RECEIVED, at=AT, salt=salt)
    assert open_leaf(recorded.leaf, recorded.event, salt)
    with pytest.raises(InvalidEventError):
        open_leaf(recorded.leaf, recorded.event, bytes(b ^ 1 for b in salt))


def test_format_1_leaves_stay_readable() -> None:
    old = (
        b'{"at":"2026-11-23T16:00:00.000Z","kind":"report_received","payload":'
        b'{"report":"report_1"},"v":1}'
    )
    assert parse_event(old)["payload"] == {"report": "report_1"}
