"""schemathesis over the whole OpenAPI document, against Django's WSGI app (no server).

Every operation, with generated inputs, as four callers: anonymous, an officer's
session, a supervisor's session (with the CSRF token, so posts get through), and an
API token with every scope. Must hold: no server error, every response's status is
documented and its body matches its schema.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from haven.web.api import api
from haven.web.apitokens.scopes import Scope
from tests.web.api.conftest import POLICE_READ, use_policy

# The document is built in-process (ninja's own, as /api/v1/openapi.json serves it):
# fetching it through the WSGI app at import would touch the database on PostgreSQL
# (each request opens its transaction), before any test may. The app is then attached
# as `from_wsgi` does, so every call goes through Django's WSGI handler, no server.
DOCUMENT = json.loads(json.dumps(api.get_openapi_schema()))  # as JSON: status codes as text
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CSRF_SECRET = "schemathesiscsrfsecret0123456789"


def _session_cookie(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    session = client.session
    session["_csrftoken"] = CSRF_SECRET  # CSRF_USE_SESSIONS: the secret is in the session
    session.save()
    return {django_settings.SESSION_COOKIE_NAME: session.session_key}


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django's WSGI handler closes the database connection when a request ends, which
    would end the test's transaction; the test client does the same as this."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(
    wsgi_keeps_the_test_connection, db, officer, supervisor, met, report, kent_report, token_for
):
    """(headers, cookies) for each caller; the met force decides token reads with a
    test policy, so a token's read can be allowed as well as refused."""
    use_policy(met, POLICE_READ)
    secret = token_for(supervisor, *[scope.value for scope in Scope])
    return {
        "anonymous": ({}, {}),
        "officer session": ({"X-CSRFToken": CSRF_SECRET}, _session_cookie(officer)),
        "supervisor session": ({"X-CSRFToken": CSRF_SECRET}, _session_cookie(supervisor)),
        "token": ({"Authorization": f"Bearer {secret}"}, {}),
    }


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, callers):
    for name, (headers, cookies) in callers.items():
        try:
            case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)
        except Exception as error:
            error.add_note(f"as caller: {name}")
            raise


def test_the_signed_in_callers_are_signed_in(callers, report):
    """The run above would prove little if every call were turned away at the door."""
    listing = schema["/api/v1/reports/"]["GET"]
    people = schema["/api/v1/reports/{reference}/people"]["GET"]
    for name, (headers, cookies) in callers.items():
        response = listing.Case(query={}).call(headers=headers, cookies=cookies)
        assert response.status_code == (401 if name == "anonymous" else 200), name
        case = people.Case(path_parameters={"reference": report.reference})
        response = case.call(headers=headers, cookies=cookies)
        assert response.status_code == (401 if name == "anonymous" else 200), name


def test_the_document_tested_is_the_one_served(client, db):
    assert client.get("/api/v1/openapi.json").json() == DOCUMENT
