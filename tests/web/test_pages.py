"""A smoke request of every page, sign-in and sign-out, security headers and error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD, totp_code

PUBLIC_PAGES = ["start", "health", "accounts:sign-in", "accounts:force-index"]
SIGNED_IN_PAGES = ["accounts:home", "reporting:report-index"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_renders(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_page_renders_for_each_role(
    client, officer, supervisor, dpo, auditor, advocate, name
):
    for user in (officer, supervisor, dpo, auditor, advocate):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200


def test_report_page_shows_the_report_to_its_forces_officer(client, officer, report):
    client.force_login(officer)
    response = client.get(reverse("reporting:report-show", args=[report.reference]))
    assert response.status_code == 200
    assert b"He took my passport." in response.content
    assert b"Victim" in response.content


def test_start_page_never_asks_about_immigration_status(client, db):
    content = client.get(reverse("start")).content.decode()
    assert "You will not be asked about your immigration status" in content
    assert "nationality" not in content.lower()


def test_force_index_lists_all_43_forces(client, db):
    content = client.get(reverse("accounts:force-index")).content.decode()
    assert "43 territorial forces" in content
    assert "South Wales Police" in content


def _form_token(page) -> str:
    """The CSRF token a page's form carries (it lives in the session, not a cookie)."""
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert match, "the page has no CSRF token"
    return match.group(1).decode()


def test_sign_in_then_sign_out(officer):
    assert "csrftoken" not in Client().get(reverse("accounts:sign-in")).cookies
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:sign-in"))
    token = _form_token(page)
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "officer", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in-code")
    assert client.get(reverse("accounts:home")).status_code == 302, "not signed in yet"
    page = client.get(reverse("accounts:sign-in-code"))
    token = _form_token(page)
    response = client.post(
        reverse("accounts:sign-in-code"), {"code": totp_code(), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    home = client.get(reverse("accounts:home"))
    assert b"Metropolitan Police Service" in home.content
    token = _form_token(home)
    response = client.post(reverse("accounts:sign-out"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, officer):
    response = client.post(
        reverse("accounts:sign-in"), {"username": "officer", "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert client.get(reverse("accounts:home")).status_code == 302


def test_pages_carry_security_headers(client, db):
    response = client.get(reverse("start"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'nonce-" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_opening_a_buttons_address_is_a_page_not_a_blank_405(client, officer, report):
    client.force_login(officer)
    response = client.get(reverse("reporting:report-message", args=[report.reference]))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert b"This page cannot be opened this way" in response.content
    assert b"Go to the start page" in response.content


def test_the_apis_405_keeps_its_own_answer(client, db):
    response = client.delete("/api/v1/requests/")
    assert response.status_code == 405
    assert b"This page cannot be opened this way" not in response.content


def test_the_console_address_leads_to_the_users_own_pages(client, officer):
    assert client.get("/console/")["Location"] == reverse("accounts:home")
    client.force_login(officer)
    home = client.get("/console/", follow=True)
    assert home.status_code == 200 and reverse("reporting:report-index") in home.content.decode()


def test_the_public_log_page_names_its_checkpoint_key_and_tiles_and_how_to_verify(client, db):
    from haven.web.ledger.services import checkpoint_sign

    assert b"No checkpoint has been published yet." in client.get("/transparency/log/").content
    checkpoint = checkpoint_sign()
    page = client.get("/transparency/log/").content.decode()
    assert reverse("ledger:checkpoint") in page and reverse("ledger:vkey") in page
    assert "/transparency/log/tile/" in page and "haven ledger verify" in page
    assert checkpoint.note.splitlines()[0] in page  # the log's origin line


def test_failure_shows_the_error_page_without_a_traceback(db, settings):
    settings.ROOT_URLCONF = "tests.web.failing_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert b"Traceback" not in response.content
    assert b"secret detail" not in response.content
