"""Canonical event JSON, the envelope, pseudonyms and the personal-data guard."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.ledger.errors import InvalidEventError, PersonalDataError
from haven.ledger.events import (
    EVENT_KINDS,
    canonical_json,
    check_payload,
    event_envelope,
    event_leaf,
    parse_event,
    pseudonym,
)

KEY = bytes(range(32))
AT = datetime(2026, 11, 23, 16, 0, 0, 123456, tzinfo=UTC)


def test_canonical_json_sorts_keys_without_spaces_in_raw_utf8() -> None:
    assert canonical_json({"b": "é", "a": [1, {"z": None, "y": True}]}) == (
        '{"a":[1,{"y":true,"z":null}],"b":"é"}'.encode()
    )


@pytest.mark.parametrize("bad", [1.5, float("nan"), {1: "x"}, {"a": {1, 2}}, b"bytes"])
def test_canonical_json_refuses_what_has_no_canonical_form(bad: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(bad)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(json_values)
def test_property_canonical_json_is_stable_under_reparsing(value: object) -> None:
    once = canonical_json(value)
    assert canonical_json(json.loads(once)) == once


def test_the_allowed_event_kinds_include_the_seven_of_format_1() -> None:
    assert {
        "decision", "sealed_access", "disclosure", "policy_change",
        "report_received", "statistics_release", "key_rotation",
    } <= EVENT_KINDS  # fmt: skip


def test_an_event_leaf_is_the_canonical_envelope() -> None:
    payload = {"report": pseudonym(KEY, "report", "R-1"), "decision": "deny", "rules": ["r1"]}
    leaf = event_leaf("decision", payload, at=AT)
    assert leaf == canonical_json(
        {"v": 1, "kind": "decision", "at": "2026-11-23T16:00:00.123Z", "payload": payload}
    )
    assert parse_event(leaf) == json.loads(leaf)


def test_event_time_is_normalised_to_utc_and_must_be_aware() -> None:
    plus_one = AT.astimezone(timezone(timedelta(hours=1)))
    assert event_envelope("decision", {}, at=plus_one)["at"] == "2026-11-23T16:00:00.123Z"
    with pytest.raises(ValueError, match="timezone"):
        event_envelope("decision", {}, at=datetime(2026, 1, 1))  # noqa: DTZ001


def test_unknown_event_kinds_are_refused() -> None:
    with pytest.raises(InvalidEventError, match="not allowed"):
        event_envelope("gossip", {}, at=AT)


@pytest.mark.parametrize(
    "leaf",
    [
        b"not json",
        b'{"v":1}',
        b'{"at":"2026-11-23T16:00:00.000Z","kind":"decision","payload":{},"v":2}',
        b'{"at":"2026-11-23T16:00:00.000Z","kind":"gossip","payload":{},"v":1}',
        b'{"at":"yesterday","kind":"decision","payload":{},"v":1}',
        b'{"kind":"decision","at":"2026-11-23T16:00:00.000Z","payload":{},"v":1}',
        b'{"at":"2026-11-23T16:00:00.000Z","kind":"decision","payload":{"name":"x"},"v":1}',
    ],
)
def test_parse_event_refuses_invalid_or_non_canonical_leaves(leaf: bytes) -> None:
    with pytest.raises(InvalidEventError):
        parse_event(leaf)


def test_pseudonyms_are_keyed_prefixed_and_kind_separated() -> None:
    p = pseudonym(KEY, "reporter", "alice@example.org")
    assert p.startswith("reporter_") and len(p) == len("reporter_") + 32
    assert p == pseudonym(KEY, "reporter", b"alice@example.org")
    assert p != pseudonym(bytes(32), "reporter", "alice@example.org")
    assert p[len("reporter_") :] != pseudonym(KEY, "report", "alice@example.org")[len("report_") :]
    assert "alice" not in p


def test_pseudonyms_refuse_short_keys_and_odd_kinds() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        pseudonym(b"short", "report", "x")
    for kind in ["", "Report", "re port", "x" * 40, "1st"]:
        with pytest.raises(ValueError):
            pseudonym(KEY, kind, "x")


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "x"},
        {"reporter_name": "x"},
        {"firstName": "x"},
        {"contact": {"phone": "x"}},
        {"victim": {"emailAddress": "x"}},
        {"home_address": "x"},
        {"free_text": "x"},
        {"narrative": "x"},
        {"immigration_status": "x"},
        {"ImmigrationStatus": "x"},
        {"items": [{"nationality": "x"}]},
        {"date_of_birth": "x"},
        {"reply_token": "x"},
        {"source_ip": "x"},
        {"ref": "someone@example.org"},
        {"ref": "+44 7700 900123"},
        {"ref": "07700900123"},
        {"ref": "192.0.2.1"},
        {"ref": "2001:db8::1"},
        {"ref": "x" * 257},
        {"refs": ["ok", "a@b.co"]},
    ],
)
def test_the_guard_refuses_personal_data(payload: dict[str, object]) -> None:
    with pytest.raises(PersonalDataError):
        check_payload(payload)
    with pytest.raises(PersonalDataError):
        event_leaf("decision", payload, at=AT)


def test_the_guard_message_names_the_path_not_the_value() -> None:
    with pytest.raises(PersonalDataError) as caught:
        check_payload({"victim": {"ref": "someone@example.org"}})
    assert "payload.victim.ref" in str(caught.value)
    assert "someone" not in str(caught.value)


def test_the_guard_allows_a_realistic_decision_event() -> None:
    payload = {
        "report": pseudonym(KEY, "report", "R-1"),
        "officer": pseudonym(KEY, "officer", "PC 1234"),
        "policy": "firewall",
        "policy_version": 3,
        "decision": "deny",
        "reasons": ["no-status-only-checks"],
        "obligations": ["record_rationale"],
        "case": {
            "action": "status_check", "recipient": "immigration_enforcement",
            "role": "victim", "offence": "domestic_abuse", "status_concern": "doubt",
            "purpose": "immigration_control", "stage": "report", "consent": "not_sought",
            "risk_to_others": False, "risk_to_life": False, "regularisation_support": False,
        },
        "stage": "report",
        "at_date": "2026-11-23",
        "epsilon": "0.5",
    }  # fmt: skip
    check_payload(payload)
    parse_event(event_leaf("decision", payload, at=AT))


def test_payloads_must_be_plain_dicts() -> None:
    from types import MappingProxyType

    with pytest.raises(TypeError):
        check_payload(MappingProxyType({"a": 1}))  # type: ignore[arg-type]
