"""Pages that show personal data, every signed-in page and every public-portal page say
`Cache-Control: no-store`, so no browser, proxy or shared computer keeps a copy."""

from __future__ import annotations

import pytest
from django.urls import reverse


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/home/",
        "/console/reports/",
        "/forces/",
        "/sign-out/",
        "/no-such-page/",
        "/transparency/log/vkey",
    ],
)
def test_every_signed_in_page_is_no_store(client, officer, path):
    client.force_login(officer)
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert _no_store(response)


def test_a_report_page_is_no_store(client, officer, report):
    client.force_login(officer)
    response = client.get(reverse("reporting:report-show", args=[report.reference]))
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize("name", ["start", "accounts:sign-in", "accounts:sign-out"])
def test_public_pages_a_reporter_or_sign_in_uses_are_no_store(client, db, name):
    assert _no_store(client.get(reverse(name)))


def test_views_marked_public_portal_or_personal_are_no_store(client, db, settings):
    settings.ROOT_URLCONF = "tests.web.marked_urls"
    assert _no_store(client.get("/portal-page/"))
    personal = client.get("/personal-page/")
    assert personal["Cache-Control"] == "no-store"


def test_unmarked_public_pages_keep_their_caching(client, db, settings):
    settings.ROOT_URLCONF = "tests.web.marked_urls"
    assert not _no_store(client.get("/unmarked-page/"))
    assert not _no_store(client.get(reverse("accounts:force-index")))
