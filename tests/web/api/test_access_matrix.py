"""The API's access matrix: every role, on every endpoint, for their own force's objects
and another force's (issue 11, "Access rules in one place, enforced twice").

Roles, in the order of each row: anonymous, officer, supervisor, DPO, auditor, advocate
(all of the Metropolitan Police, the advocate of an organisation that made the Met's
report with the victim's consent), and an API token of the Met with every scope, made by
a Met supervisor. "own" objects are the Met's, "other" objects Kent's (the sides of
tests/web/access_matrix_cases.py). 401: no one signed in; 403: the role (or, for the
token's read of a report's content, the shipped policy) does not allow it; 404 hides
whether another force's object exists. An endpoint added without a row here fails
`test_every_endpoint_is_in_the_matrix`.
"""

from __future__ import annotations

import pytest

from haven.web.accounts.models import Role, User
from haven.web.accounts.services import membership_grant, user_create
from haven.web.api import api
from haven.web.apitokens.scopes import Scope
from haven.web.apitokens.services import api_token_create
from haven.web.sharing.services import OfficerAnswers, decision_request_create
from tests.web.access_matrix_cases import side_objects
from tests.web.api.conftest import bearer
from tests.web.conftest import PASSWORD
from tests.web.sharing.conftest import DUTIES, use_policy

ROLES = ("anonymous", "officer", "supervisor", "dpo", "auditor", "advocate", "token")

MATRIX = {
    ("GET", "/api/v1/reports/"): {
        "own": "401 200 200 200 403 403 200",
        "other": "401 200 200 200 403 403 200",  # lists only the caller's force (below)
    },
    ("GET", "/api/v1/reports/{reference}"): {
        # The token's read is a disclosure to police: no shipped policy permits one.
        "own": "401 200 200 200 403 403 403",
        "other": "401 404 404 404 403 403 404",
    },
    ("GET", "/api/v1/reports/{reference}/people"): {
        "own": "401 200 200 200 403 403 200",
        "other": "401 404 404 404 403 403 404",
    },
    ("GET", "/api/v1/reports/{reference}/events"): {
        "own": "401 200 200 200 200 403 200",
        "other": "401 404 404 404 404 403 404",
    },
    ("GET", "/api/v1/requests/"): {
        "own": "401 200 200 403 403 403 200",
        "other": "401 200 200 403 403 403 200",
    },
    ("POST", "/api/v1/requests/"): {
        "own": "401 201 201 403 403 403 201",
        "other": "401 404 404 403 403 403 404",
    },
    ("GET", "/api/v1/requests/{request_id}"): {
        "own": "401 200 200 403 403 403 200",
        "other": "401 404 404 403 403 403 404",
    },
    ("POST", "/api/v1/requests/{request_id}/approvals"): {
        "own": "401 403 200 403 403 403 200",
        "other": "401 403 404 403 403 403 404",
    },
}
PUBLIC = {
    ("GET", "/api/v1/ledger/proof/inclusion"),
    ("GET", "/api/v1/ledger/proof/consistency"),
}


def test_every_endpoint_is_in_the_matrix():
    document = api.get_openapi_schema()
    endpoints = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert endpoints == set(MATRIX) | PUBLIC


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(met, kent, officer, supervisor, dpo, auditor, advocate):
    use_policy(met, DUTIES)  # requests wait for a supervisor's approval
    use_policy(kent, DUTIES)
    maker = user_create(username="token-maker", password=PASSWORD)
    membership_grant(user=maker, force=met, role=Role.SUPERVISOR)
    secret = api_token_create(
        force=met, name="records system", scopes=[s.value for s in Scope], by=maker
    ).secret
    users = {"officer": officer, "supervisor": supervisor, "dpo": dpo, "auditor": auditor}
    users["advocate"] = advocate
    sides = {"own": side_objects(met, advocate=advocate), "other": side_objects(kent)}
    return sides, users, secret


def _waiting_request(side):
    """A new request of the side's force waiting for approval (each approval needs its own)."""
    asker = User.objects.get(username=f"asker-{side.report.force.code}")
    return decision_request_create(
        report=side.report,
        person=side.report.people.get(pk=side.person_id),
        action="disclose",
        answers=OfficerAnswers(purpose="safeguarding", recipient="support_service"),
        by=asker,
        rationale="Refuge asked.",
    )


def _call(client, method, path, side, headers):
    if method == "GET":
        url = path.format(reference=side.report.reference, request_id=side.request.pk)
        return client.get(url, **headers)
    if path.endswith("/approvals"):
        url = path.format(request_id=_waiting_request(side).pk)
        body = {"approved": True, "reason": "Needed to keep her safe."}
    else:
        url = path
        body = {
            "report": side.report.reference,
            "person": side.person_id,
            "action": "pnc_check",
            "purpose": "investigation",
        }
    return client.post(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
@pytest.mark.parametrize("side", ["own", "other"])
def test_who_reaches_each_endpoint(client, world, method, path, side):
    sides, users, secret = world
    cells = []
    for role in ROLES:
        client.logout()
        headers = bearer(secret) if role == "token" else {}
        if role in users:
            client.force_login(users[role])
        cells.append(str(_call(client, method, path, sides[side], headers).status_code))
    assert " ".join(cells) == MATRIX[(method, path)][side]


def test_lists_never_show_another_forces_report_or_request(client, world):
    sides, users, secret = world
    other_report = sides["other"].report.reference
    for role in ("officer", "supervisor", "dpo", "token"):
        client.logout()
        headers = bearer(secret) if role == "token" else {}
        if role in users:
            client.force_login(users[role])
        reports = client.get("/api/v1/reports/", **headers).json()
        assert other_report not in str(reports), role
        if role != "dpo":
            requests = client.get("/api/v1/requests/", **headers).json()
            assert other_report not in str(requests), role
            assert sides["own"].report.reference in str(requests), role
