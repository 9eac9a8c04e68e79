"""Rows as the site stores them, for the privacy tests."""

from __future__ import annotations

from haven.privacy import OPEN_SCOPE, Binding, Keyring, new_record_key

ACCOUNT = "He said he would call the Home Office if I went to the police."
REPORT = Binding("reporting_report", "0b7e1c4e-0000-4000-8000-000000000001")
OTHER_ROW = Binding("reporting_report", "0b7e1c4e-0000-4000-8000-000000000002")


def sealed_report(
    keyring: Keyring, binding: Binding = REPORT, compartment: str = "personal"
) -> tuple[bytes, bytes]:
    """A new record: its wrapped key and its sealed `account` field, as a row stores them."""
    record = new_record_key(keyring, binding, keyring.current(compartment, OPEN_SCOPE))
    return record.wrapped, record.seal("account", ACCOUNT)
