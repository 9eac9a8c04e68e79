"""Supervisors reach their approvals queue from every staff page; officers see no link."""

from __future__ import annotations

from django.urls import reverse


def test_a_supervisor_has_an_approvals_link_and_an_officer_has_none(client, officer, supervisor):
    queue = reverse("sharing:approvals")
    client.force_login(supervisor)
    assert f'href="{queue}"' in client.get(reverse("reporting:report-index")).content.decode()
    client.force_login(officer)
    assert f'href="{queue}"' not in client.get(reverse("reporting:report-index")).content.decode()
