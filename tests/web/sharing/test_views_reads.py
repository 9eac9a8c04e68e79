"""The gateway's pages that show how a report describes its people record one read each;
the approvals queue names people by their part only and opens no report."""

from __future__ import annotations

from django.urls import reverse

from haven.web.accounts.services import staff_pseudonym
from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.reporting.services import report_pseudonym
from tests.web.sharing.conftest import DUTIES, asked, show, text, use_policy


def _readers(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        entry_event(entry)["payload"]["reader"]
        for entry in entries_about(subject=report_pseudonym(report), kinds=("report_read",))
    ]


def test_each_page_showing_people_s_labels_is_one_read_and_the_queue_none(
    client, met, officer, supervisor, report, victim
):
    use_policy(met, DUTIES)
    client.force_login(officer)
    request = asked(client, report, victim, recipient="support_service", rationale="Refuge.")
    before = len(_readers(report))
    assert "the caller" in text(show(client, request))
    assert _readers(report)[before:] == [staff_pseudonym(officer)]

    client.force_login(supervisor)
    queue = text(client.get(reverse("sharing:approvals")))
    assert "Victim" in queue and "the caller" not in queue
    assert len(_readers(report)) == before + 1
    assert "the caller" in text(client.get(reverse("sharing:approval", args=[request.pk])))
    assert _readers(report)[before + 1 :] == [staff_pseudonym(supervisor)]


def test_the_request_list_shows_the_forces_requests_newest_first_and_opens_no_report(
    client, met, officer, report, victim
):
    use_policy(met, DUTIES)
    client.force_login(officer)
    assert "No decision has been asked for yet." in text(client.get(reverse("sharing:requests")))
    first = asked(client, report, victim, recipient="support_service", rationale="Refuge.")
    second = asked(client, report, victim, recipient="support_service", rationale="Again.")
    before = len(_readers(report))
    page = text(client.get(reverse("sharing:requests")))
    assert report.reference in page and "Victim" in page and "the caller" not in page
    links = [reverse("sharing:request-show", args=[r.pk]) for r in (second, first)]
    html = client.get(reverse("sharing:requests")).content.decode()
    assert all(link in html for link in links)
    assert html.index(links[0]) < html.index(links[1])  # newest first
    assert len(_readers(report)) == before
