"""`report_create` leaves to the database what it enforces, and still explains bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from haven.web.reporting import services
from haven.web.reporting.models import Channel, Report, ReportPerson
from haven.web.reporting.services import PersonInReport, report_create


def _create(met, **extra) -> Report:
    return report_create(
        force=met,
        offence="other",
        account="He took my passport.",
        people=[PersonInReport(role="victim", label="me"), PersonInReport("suspect", "him")],
        channel=Channel.PORTAL,
        **extra,
    )


def test_a_chosen_reference_that_is_taken_gets_a_clear_message_and_saves_nothing(met):
    _create(met, reference="HVN-AAAA-BBBB")
    with pytest.raises(ValidationError) as caught:
        _create(met, reference="HVN-AAAA-BBBB")
    assert "reference" in caught.value.message_dict
    assert Report.objects.count() == 1 and ReportPerson.objects.count() == 2


def test_a_generated_reference_that_is_taken_is_drawn_again(met, monkeypatch):
    taken = _create(met).reference
    draws = iter([taken, "HVN-CCCC-DDDD"])
    monkeypatch.setattr(services, "new_reference", lambda: next(draws))
    clash = Report(force=met, offence="other", channel=Channel.PORTAL, reference=taken)
    services._insert_report(clash, reference_chosen=False)
    assert clash.reference == "HVN-CCCC-DDDD"
    assert Report.objects.filter(reference="HVN-CCCC-DDDD").exists()


def test_the_people_come_back_in_the_order_given_with_their_rows_saved(met):
    report = _create(met)
    assert [p.role for p in report.people_created] == ["victim", "suspect"]
    saved = list(report.people.order_by("id"))
    assert [p.pk for p in report.people_created] == [p.pk for p in saved]
    assert saved[0].unseal_text("label") == "me"
