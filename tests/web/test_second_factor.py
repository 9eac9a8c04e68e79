"""The second factor: every sign-in needs a TOTP code (or a single-use recovery code)
after the password; someone with no authenticator sets one up first."""

from __future__ import annotations

import base64
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts import second_factor
from haven.web.accounts import services as account_services
from tests.web.conftest import PASSWORD, totp_code

HOME = reverse("accounts:home")


def _password(client: Client, username: str = "officer"):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": PASSWORD})


def _code(client: Client, code: str, step: str = "accounts:sign-in-code"):
    return client.post(reverse(step), {"code": code})


def test_the_password_alone_signs_nobody_in(client, officer):
    response = _password(client)
    assert response["Location"] == reverse("accounts:sign-in-code")
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302
    assert client.get(reverse("reporting:report-index")).status_code == 302


def test_the_right_code_signs_in_and_the_same_code_never_works_twice(client, officer):
    _password(client)
    code = totp_code()
    response = _code(client, code)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    client.post(reverse("accounts:sign-out"))

    _password(client)
    again = _code(client, code)
    assert again.status_code == 200
    assert b"That code did not work" in again.content
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_signs_nobody_in(client, officer):
    _password(client)
    response = _code(client, "000000" if totp_code() != "000000" else "111111")
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert client.get(HOME).status_code == 302


def test_right_after_a_wrong_code_the_person_is_told_to_wait_not_that_the_code_is_wrong(
    client, officer
):
    _password(client)
    wrong = "000000" if totp_code() != "000000" else "111111"
    assert b"That code did not work" in _code(client, wrong).content
    # django-otp refuses every code for a second after a failure, the right one too.
    refused = _code(client, totp_code())
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert b"That code did not work" not in refused.content
    assert b"no code is checked for 1 second" in refused.content
    device = TOTPDevice.objects.get(user=officer)
    device.throttling_failure_timestamp -= timedelta(seconds=2)  # the second has passed
    device.save()
    assert _code(client, totp_code())["Location"] == HOME


def test_the_next_address_survives_the_second_step(client, officer):
    client.post(
        reverse("accounts:sign-in") + "?next=/console/reports/",
        {"username": "officer", "password": PASSWORD, "next": "/console/reports/"},
    )
    assert _code(client, totp_code())["Location"] == "/console/reports/"


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client, officer):
    assert client.get(reverse("accounts:sign-in-code"))["Location"] == reverse("accounts:sign-in")
    assert _code(client, totp_code())["Location"] == reverse("accounts:sign-in")


def test_a_pending_sign_in_expires(client, officer, monkeypatch):
    _password(client)
    later = time.time() + second_factor.PENDING_SECONDS + 1
    monkeypatch.setattr(second_factor.time, "time", lambda: later)
    assert _code(client, totp_code())["Location"] == reverse("accounts:sign-in")
    assert "_auth_user_id" not in client.session


def test_a_session_signed_in_without_the_second_factor_is_signed_out(client, db):
    user = account_services.user_create(username="no-device", password=PASSWORD)
    client.force_login(user)  # as any other path to a session would
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert "_auth_user_id" not in client.session


def _secret_from_page(content: str) -> str:
    secret = re.search(r'<code class="haven-secret" id="secret">([A-Z2-7 ]+)</code>', content)
    assert secret, "the key is written out"
    return secret.group(1).replace(" ", "")


def _code_for(secret: str) -> str:
    padded = secret + "=" * (-len(secret) % 8)
    return totp_code(base64.b32decode(padded).hex())


def test_someone_with_no_authenticator_sets_one_up_and_sees_recovery_codes_once(client, db):
    account_services.user_create(username="newcomer", password=PASSWORD)
    assert _password(client, "newcomer")["Location"] == reverse("accounts:sign-in-set-up")
    page = client.get(reverse("accounts:sign-in-set-up"))
    content = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in content, "the QR code is drawn on the server"
    assert "<script>" not in content and " style=" not in content, "nothing the CSP forbids"
    assert page["Cache-Control"] == "no-store"
    secret = _secret_from_page(content)
    assert _secret_from_page(client.get(reverse("accounts:sign-in-set-up")).content.decode()) == (
        secret
    ), "reloading the page keeps the same key"
    assert "_auth_user_id" not in client.session

    response = _code(client, _code_for(secret), "accounts:sign-in-set-up")
    assert response["Location"] == reverse("accounts:recovery-codes")
    shown = client.get(reverse("accounts:recovery-codes"))
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown.content.decode())
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT
    assert shown["Cache-Control"] == "no-store"
    again = client.get(reverse("accounts:recovery-codes")).content.decode()
    assert not any(code in again for code in codes), "shown once"
    assert TOTPDevice.objects.get(user__username="newcomer").confirmed


def test_a_recovery_code_works_once(client, officer):
    codes = second_factor.new_recovery_codes(officer)
    _password(client)
    assert _code(client, codes[0].upper())["Location"] == HOME
    client.post(reverse("accounts:sign-out"))
    _password(client)
    assert _code(client, codes[0]).status_code == 200
    assert "_auth_user_id" not in client.session
    assert StaticToken.objects.count() == second_factor.RECOVERY_CODE_COUNT - 1


def test_someone_with_an_authenticator_cannot_be_sent_to_set_up_another(client, officer):
    _password(client)
    assert client.get(reverse("accounts:sign-in-set-up"))["Location"] == reverse(
        "accounts:sign-in-code"
    )


@pytest.mark.parametrize("step", ["accounts:sign-in-code", "accounts:sign-in-set-up"])
def test_second_step_pages_are_no_store(client, db, step):
    account_services.user_create(username="newcomer", password=PASSWORD)
    _password(client, "newcomer")
    assert client.get(reverse(step))["Cache-Control"] == "no-store"
