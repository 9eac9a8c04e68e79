"""No gateway page shows a raw code: actions, recipients, purposes, obligations, statuses
and roles appear in words (the console's scan, tests/web/console/helpers.py)."""

from __future__ import annotations

from django.urls import reverse

from tests.web.console.helpers import scan_for_codes
from tests.web.sharing.conftest import DUTIES, asked, doubt_from_the_abuser, show, use_policy


def test_gateway_pages_show_words_not_codes(client, met, officer, supervisor, report, victim):
    use_policy(met, DUTIES)
    doubt_from_the_abuser(report, victim, officer)
    client.force_login(officer)
    request = asked(client, report, victim, recipient="support_service", rationale="Refuge asked.")
    pages = {
        "new request": reverse("sharing:request-new", args=[report.reference]),
        "sealed note": reverse("sharing:sealed-note", args=[report.reference]),
    }
    for where, url in pages.items():
        scan_for_codes(client.get(url).content.decode(), where)
    scan_for_codes(show(client, request).content.decode(), "request")
    scan_for_codes(client.post(pages["new request"], {}).content.decode(), "request errors")
    client.force_login(supervisor)
    scan_for_codes(client.get(reverse("sharing:approvals")).content.decode(), "queue")
    approval = reverse("sharing:approval", args=[request.pk])
    scan_for_codes(client.get(approval).content.decode(), "approval")
    scan_for_codes(client.post(approval, {}).content.decode(), "approval errors")
