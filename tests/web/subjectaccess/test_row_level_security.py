"""PostgreSQL row-level security on subject access requests: raw SQL as the site's role
sees and writes only its own force's requests (and an advocate organisation's, on the
reports it made); auditors see none."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from haven.web.isolation.scope import RowScope, scope_apply
from haven.web.subjectaccess.models import SubjectAccessRequest
from tests.web.isolation.conftest import (  # noqa: F401 - fixtures
    KENT,
    KENT_ADVOCATE,
    MET,
    app_role,
    postgres_only,
    world,
)

pytestmark = [postgres_only, pytest.mark.django_db]
TABLE = "subjectaccess_subjectaccessrequest"


def _request(report) -> SubjectAccessRequest:  # type: ignore[no-untyped-def]
    now = timezone.now()
    return SubjectAccessRequest.objects.create(
        report=report, via="receipt_code", requested_at=now, due_on=now.date()
    )


@pytest.fixture
def requests(world, report, kent_report, advocate_report):  # noqa: F811
    """One request per side, made before the test takes the site's role."""
    return {
        MET: _request(report).pk,
        KENT: _request(kent_report).pk,
        KENT_ADVOCATE: _request(advocate_report).pk,
    }


def _visible() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {TABLE}")  # noqa: S608 - a constant
        return {row[0] for row in cursor.fetchall()}


def test_each_force_sees_its_own_requests_only(requests, met, kent, app_role):  # noqa: F811
    ours = set(requests.values())
    scope_apply(RowScope(force_ids=frozenset({met.pk})))
    assert _visible() & ours == {requests[MET]}
    scope_apply(RowScope(force_ids=frozenset({kent.pk})))
    assert _visible() & ours == {requests[KENT], requests[KENT_ADVOCATE]}
    scope_apply(RowScope())
    assert _visible() == set()


def test_an_organisation_sees_its_reports_requests_and_an_auditor_none(
    requests,
    met,
    organisation,
    app_role,  # noqa: F811
):
    scope_apply(RowScope(organisation_ids=frozenset({organisation.pk})))
    assert _visible() == {requests[KENT_ADVOCATE]}
    scope_apply(RowScope(audit_force_ids=frozenset({met.pk})))
    assert _visible() == set()


def test_writing_another_forces_request_is_refused(requests, met, kent_report, app_role):  # noqa: F811
    scope_apply(RowScope(force_ids=frozenset({met.pk})))
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        _request(kent_report)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET status = 'answered' WHERE id = %s", [requests[KENT]])  # noqa: S608
        assert cursor.rowcount == 0
