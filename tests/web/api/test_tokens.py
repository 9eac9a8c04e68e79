"""API tokens: high-entropy, stored as a keyed digest, scoped, per force, revocable, ledgered."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from haven.web.apitokens.models import ApiToken
from haven.web.apitokens.services import api_token_create, api_token_revoke
from haven.web.apitokens.tokens import token_digest
from haven.web.ledger.models import LedgerEntry
from tests.web.api.conftest import bearer


def test_a_token_is_256_bits_shown_once_and_stored_only_as_its_keyed_digest(officer, met):
    created = api_token_create(force=met, name="RMS", scopes=["reports:read"], by=officer)
    secret = created.secret
    assert secret.startswith("hvn_") and len(secret) >= 4 + 43
    row = ApiToken.objects.get(pk=created.token.pk)
    assert row.digest == token_digest(secret) and len(row.digest) == 64
    assert secret not in str(ApiToken.objects.filter(pk=row.pk).values().get())
    other = api_token_create(force=met, name="RMS", scopes=["reports:read"], by=officer)
    assert other.secret != secret


def test_creating_and_revoking_are_ledgered(officer, met):
    before = LedgerEntry.objects.filter(kind="api_token_changed").count()
    created = api_token_create(force=met, name="RMS", scopes=["reports:read"], by=officer)
    api_token_revoke(token=created.token, by=officer)
    api_token_revoke(token=created.token, by=officer)  # twice changes nothing
    assert LedgerEntry.objects.filter(kind="api_token_changed").count() == before + 2


def test_a_token_cannot_do_more_than_its_maker(officer, auditor, met):
    with pytest.raises(PermissionDenied):
        api_token_create(force=met, name="RMS", scopes=["approvals:write"], by=officer)
    with pytest.raises(PermissionDenied):
        api_token_create(force=met, name="RMS", scopes=["reports:read"], by=auditor)
    with pytest.raises(ValidationError):
        api_token_create(force=met, name="RMS", scopes=["everything"], by=officer)
    with pytest.raises(ValidationError):
        api_token_create(force=met, name=" ", scopes=["reports:read"], by=officer)
    assert not ApiToken.objects.exists()


def test_an_unknown_or_revoked_token_is_401(client, officer, met, token_for):
    secret = token_for(officer, "reports:read")
    assert client.get("/api/v1/reports/", **bearer(secret)).status_code == 200
    assert client.get("/api/v1/reports/", **bearer(secret + "x")).status_code == 401
    api_token_revoke(token=ApiToken.objects.get(), by=officer)
    response = client.get("/api/v1/reports/", **bearer(secret))
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_token_without_the_scope_is_403(client, officer, token_for, report):
    secret = token_for(officer, "requests:read")
    response = client.get("/api/v1/reports/", **bearer(secret))
    assert response.status_code == 403
    assert "reports:read" in response.json()["detail"]


def test_a_token_reaches_only_its_own_force(client, officer, token_for, report, kent_report):
    secret = token_for(officer, "reports:read")
    listed = client.get("/api/v1/reports/", **bearer(secret)).json()
    assert [item["reference"] for item in listed["items"]] == [report.reference]
    missing = client.get(f"/api/v1/reports/{kent_report.reference}/people", **bearer(secret))
    assert missing.status_code == 404


def test_the_haven_tokens_command(officer, met, capsys):
    from haven.cli import main

    assert (
        main(["tokens", "create", "--force", "metropolitan", "--name", "RMS", "--scopes",
              "reports:read,ledger:read", "--by", "officer"])
        == 0
    )  # fmt: skip
    out = capsys.readouterr().out
    secret = next(word for word in out.split() if word.startswith("hvn_"))
    token = ApiToken.objects.get()
    assert token.digest == token_digest(secret)
    assert main(["tokens", "list", "--force", "metropolitan"]) == 0
    listed = capsys.readouterr().out
    assert "RMS" in listed and secret not in listed
    assert main(["tokens", "revoke", str(token.pk), "--by", "officer"]) == 0
    token.refresh_from_db()
    assert token.revoked is not None
    assert main(["tokens", "create", "--force", "metropolitan", "--name", "X", "--scopes",
                 "approvals:write", "--by", "officer"]) == 2  # fmt: skip


def test_the_tokens_command_names_the_option_at_fault_and_the_codes_nearby(officer, met, capsys):
    from haven.cli import main

    def refusal(*args: str) -> str:
        assert main(["tokens", "create", "--name", "X", "--by", "officer", *args]) == 2
        return capsys.readouterr().err.strip()

    assert refusal("--force", "met", "--scopes", "reports:read") == (
        "haven: --force: no force with the code 'met'; did you mean metropolitan?"
    )
    assert "the codes: " in refusal("--force", "zzz", "--scopes", "reports:read")
    assert refusal("--force", "metropolitan", "--scopes", "reports:write").startswith(
        "haven: --scopes: unknown scope 'reports:write': choose from "
    )
    assert not ApiToken.objects.exists()
