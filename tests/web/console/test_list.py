"""The console's list of reports: the user's forces only, filters, paging, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.web.ledger.models import LedgerEntry
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create

INDEX = reverse("reporting:report-index")


def make(
    force, *, offence="other", stage=None, channel=Channel.PORTAL, at=None, reference=None
) -> Report:
    report = report_create(
        reference=reference,
        force=force,
        offence=offence,
        account="Something happened.",
        people=[PersonInReport(role="victim", label="the caller")],
        channel=channel,
        received_at=at,
    )
    if stage:
        Report.objects.filter(pk=report.pk).update(stage=stage)
    return report


def listed(response) -> list[str]:
    return [r.reference for r in response.context["page"].object_list]


def test_the_list_is_the_users_force_newest_first_and_reads_nothing(client, officer, met, kent):
    now = timezone.now()
    old = make(met, at=now - timedelta(days=3))
    new = make(met, at=now - timedelta(hours=1))
    other = make(kent)
    client.force_login(officer)
    before = LedgerEntry.objects.count()
    response = client.get(INDEX)
    assert response.status_code == 200
    assert listed(response) == [new.reference, old.reference]
    assert other.reference not in response.content.decode()
    assert LedgerEntry.objects.count() == before  # a list opens no sealed content


def test_filters_by_stage_offence_and_channel(client, officer, met):
    da = make(met, offence="domestic_abuse", stage="investigation")
    make(met, offence="domestic_abuse", stage="report")
    make(met, offence="hate_crime", stage="investigation")
    phoned = make(met, offence="hate_crime", channel=Channel.PHONE)
    client.force_login(officer)
    page = client.get(INDEX, {"stage": "investigation", "offence": "domestic_abuse"})
    assert listed(page) == [da.reference]
    assert "1 report matches the filters" in page.content.decode()
    assert listed(client.get(INDEX, {"channel": "phone"})) == [phoned.reference]


def test_filters_by_dates_both_ends_included(client, officer, met):
    def at(day):
        return timezone.make_aware(datetime(2026, 3, day, 12))

    before, first, last, after = (make(met, at=at(day)) for day in (9, 10, 12, 13))
    client.force_login(officer)
    found = listed(client.get(INDEX, {"received_from": "10/3/2026", "received_to": "2026-03-12"}))
    assert found == [last.reference, first.reference]
    assert before.reference not in found and after.reference not in found


def test_reference_search_matches_from_the_start_ignoring_case_and_spaces(client, officer, met):
    for reference in ("HVN-AAAA-2222", "HVN-AAAB-3333", "HVN-BAAA-4444"):
        make(met, reference=reference)
    client.force_login(officer)
    assert listed(client.get(INDEX, {"reference": " hvn-aaa "})) == [
        "HVN-AAAB-3333",
        "HVN-AAAA-2222",
    ]
    assert listed(client.get(INDEX, {"reference": "hvn-aaab"})) == ["HVN-AAAB-3333"]
    assert listed(client.get(INDEX, {"reference": "AAAA"})) == []  # from the start only
    page = client.get(INDEX).content.decode()
    assert "sealed, so they cannot be searched" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"received_from": "31/2/2026"}, "Enter a real date"),
        ({"received_from": "12/3/2026", "received_to": "1/3/2026"}, "The end date must be"),
        ({"stage": "nonsense"}, "Choose a stage from the list"),
    ],
)
def test_a_bad_filter_says_what_is_wrong_and_narrows_nothing(client, officer, met, query, message):
    report = make(met)
    client.force_login(officer)
    response = client.get(INDEX, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert listed(response) == [report.reference]


def test_pages_of_25_with_the_govuk_pagination_keeping_the_filters(client, officer, met):
    now = timezone.now()
    reports = [make(met, offence="other", at=now - timedelta(minutes=i)) for i in range(30)]
    make(met, offence="hate_crime", at=now + timedelta(minutes=1))
    client.force_login(officer)
    first = client.get(INDEX, {"offence": "other"})
    assert listed(first) == [r.reference for r in reports[:25]]
    page = first.content.decode()
    assert 'class="govuk-pagination"' in page
    assert "?offence=other&amp;page=2" in page
    second = client.get(INDEX, {"offence": "other", "page": "2"})
    assert listed(second) == [r.reference for r in reports[25:]]
    assert 'rel="prev"' in second.content.decode()
    # A page past the end, or not a number, shows the nearest real page.
    assert listed(client.get(INDEX, {"offence": "other", "page": "99"})) == listed(second)
    assert listed(client.get(INDEX, {"offence": "other", "page": "x"})) == listed(first)
