"""KEK ids: `compartment/scope/version`, parsed strictly."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.privacy import OPEN_SCOPE, KekId, MalformedError, scope_for

kek_ids = st.builds(
    KekId,
    st.sampled_from(["personal", "sealed"]),
    st.sampled_from([OPEN_SCOPE]) | st.dates(date(2000, 1, 1), date(9999, 12, 31)).map(str),
    st.integers(1, 999_999),
)


@given(kek_ids)
def test_property_ids_round_trip_through_text(kek_id: KekId) -> None:
    text = str(kek_id)
    assert KekId.parse(text) == kek_id
    assert text.isascii() and len(text) <= 27


def test_the_parts_mean_what_they_say() -> None:
    kek_id = KekId.parse("sealed/2027-05-14/v3")
    assert (kek_id.compartment, kek_id.scope, kek_id.version) == ("sealed", "2027-05-14", 3)
    assert kek_id.shred_date == date(2027, 5, 14)
    assert KekId.parse("personal/open/v1").shred_date is None
    assert kek_id.next_version() == KekId("sealed", "2027-05-14", 4)
    assert scope_for(None) == OPEN_SCOPE and scope_for(date(2027, 5, 14)) == "2027-05-14"


def test_versions_order_numerically() -> None:
    assert KekId.parse("personal/open/v10") > KekId.parse("personal/open/v9")


@pytest.mark.parametrize(
    "text",
    [
        "personal/open",
        "other/open/v1",
        "sealed/2027-02-30/v1",
        "sealed/2027-5-14/v1",
        "personal/open/v0",
        "personal/open/v01",
        "personal/open/1",
        "Personal/open/v1",
        "personal/open/v1 ",
        "personal/closed/v1",
        "x",
        "",
    ],
)
def test_anything_else_is_malformed(text: str) -> None:
    with pytest.raises(MalformedError):
        KekId.parse(text)


@pytest.mark.parametrize(
    "parts", [("other", "open", 1), ("personal", "soon", 1), ("personal", "open", 0)]
)
def test_ids_built_directly_are_checked_too(parts: tuple[str, str, int]) -> None:
    with pytest.raises(MalformedError):
        KekId(*parts)
