"""PostgreSQL enforces force isolation by itself: raw SQL, past every ORM filter, run as the
site's role under one force's setting, gets nothing of another force's."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import reverse

from haven.web.isolation.registry import FORCE_SCOPED, scoped_tables
from haven.web.isolation.scope import (
    RowScope,
    force_admit,
    receipt_digest_admit,
    scope_apply,
    site_scope,
)
from haven.web.portal import codes
from haven.web.portal.models import Message
from haven.web.reporting.models import Report
from tests.web.isolation.conftest import KENT, KENT_ADVOCATE, MET, postgres_only

pytestmark = [postgres_only, pytest.mark.django_db]

TABLES = pytest.mark.parametrize("table", scoped_tables())


def _visible(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table}")  # noqa: S608 - names from the registry
        return {row[0] for row in cursor.fetchall()}


def _ours(world, table: str) -> set[int]:
    """This test's rows only (a database may hold others, such as the demo's)."""
    return world.ids(table, MET, KENT, KENT_ADVOCATE)


@TABLES
def test_under_one_forces_setting_raw_sql_sees_that_force_only(world, met, kent, app_role, table):
    scope_apply(RowScope(force_ids=frozenset({met.pk})))
    assert _visible(table) & _ours(world, table) == world.ids(table, MET)
    scope_apply(RowScope(force_ids=frozenset({kent.pk})))
    assert _visible(table) & _ours(world, table) == world.ids(table, KENT, KENT_ADVOCATE)


@TABLES
def test_without_a_setting_nothing_is_visible(world, app_role, table):
    scope_apply(RowScope())
    assert _visible(table) == set()


@TABLES
def test_an_auditor_reads_report_codes_and_no_table_of_personal_data(world, met, app_role, table):
    scope_apply(RowScope(audit_force_ids=frozenset({met.pk})))
    audited = {entry.table for entry in FORCE_SCOPED if entry.audited}
    expected = world.ids(table, MET) if table in audited else set()
    assert _visible(table) & _ours(world, table) == expected
    if table not in audited:
        assert _visible(table) == set()


@TABLES
def test_an_advocate_organisation_reaches_its_own_reports_only(
    world, organisation, app_role, table
):
    scope_apply(RowScope(organisation_ids=frozenset({organisation.pk})))
    entry = next(e for e in FORCE_SCOPED if e.table == table)
    expected = world.ids(table, KENT_ADVOCATE) if entry.organisation is not None else set()
    assert _visible(table) == expected


def test_the_site_scope_sees_every_force(world, app_role):
    scope_apply(RowScope())
    with site_scope():
        assert _visible("reporting_report") >= world.ids("reporting_report", MET, KENT)
    assert _visible("reporting_report") == set()


def test_writing_into_another_force_is_refused(world, met, kent, kent_report, app_role):
    scope_apply(RowScope(force_ids=frozenset({met.pk})))
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Report.objects.create(force=kent, offence="other", channel="portal")
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Message.objects.create(report_id=kent_report.pk, sender="force")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_report SET stage = 'concluded' WHERE force_id = %s", [kent.pk]
        )
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM portal_message WHERE report_id = %s", [kent_report.pk])
        assert cursor.rowcount == 0
    # Nor may a row of one's own force be moved into another.
    own = world.ids("reporting_report", MET).pop()
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Report.objects.filter(pk=own).update(force=kent)


def test_a_force_admitted_during_a_request_adds_to_its_scope(world, met, kent, app_role):
    scope_apply(RowScope(force_ids=frozenset({met.pk})))
    force_admit(kent.pk)
    assert _visible("reporting_report") & _ours(world, "reporting_report") == world.ids(
        "reporting_report", MET, KENT, KENT_ADVOCATE
    )


def test_a_receipt_code_admits_its_force_only_and_a_wrong_code_nothing(world, met, app_role):
    scope_apply(RowScope())
    receipt_digest_admit(codes.digest(codes.normalise(codes.new_code())))
    assert _visible("portal_receiptcode") == set()
    receipt_digest_admit(codes.digest(codes.normalise(world.codes[MET])))
    assert _visible("reporting_report") == world.ids("reporting_report", MET)


def test_the_site_role_owns_nothing_and_cannot_bypass(world, app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (app_role, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [list(scoped_tables())],
        )
        flags = {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}
    assert flags == dict.fromkeys(scoped_tables(), (True, True))


def test_the_postgresql_suite_runs_as_the_site_role():
    """Every test's connection is the site's role (tests/web/isolation/app_role.py), so
    each page and endpoint tested on PostgreSQL is tested under row-level security."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('haven.scope', true)")
        assert cursor.fetchone() == ("haven_app", "site")


def test_the_site_role_cannot_write_the_migration_record(app_role):
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations")


# --- the request cycle ---------------------------------------------------------------------


@override_settings(ROOT_URLCONF="tests.web.isolation.urls")
def test_a_request_is_scoped_to_the_users_force_even_without_filters(
    client, world, officer, report, kent_report, met, app_role
):
    client.force_login(officer)
    body = client.get("/unfiltered/").json()
    assert body["role"] == app_role
    assert body["force_ids"] == str(met.pk)
    assert report.reference in body["references"]
    assert kent_report.reference not in body["references"]
    # The setting ends with the request.
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('haven.force_ids', true), '')")
        assert cursor.fetchone() == ("",)


@override_settings(ROOT_URLCONF="tests.web.isolation.urls")
def test_an_anonymous_request_reads_nothing(client, world, app_role):
    assert client.get("/unfiltered/").json()["references"] == []


@override_settings(ROOT_URLCONF="tests.web.isolation.urls")
def test_a_failed_request_leaves_no_write_behind(client, world, officer, report, app_role):
    client.force_login(officer)
    client.raise_request_exception = False
    before = Message.objects.filter(report=report).count()
    failed = client.get("/write-then-fail/", {"reference": report.reference})
    assert failed.status_code == 500
    assert Message.objects.filter(report=report).count() == before


def test_the_console_runs_as_the_site_role(client, world, officer, report, kent_report, app_role):
    client.force_login(officer)
    index = client.get(reverse("reporting:report-index"))
    assert index.status_code == 200
    assert report.reference in index.content.decode()
    assert kent_report.reference not in index.content.decode()
    assert client.get(reverse("reporting:report-show", args=[report.reference])).status_code == 200
    other = client.get(reverse("reporting:report-show", args=[kent_report.reference]))
    assert other.status_code == 404


def test_a_reporter_follows_up_across_forces_with_their_code(client, world, kent_report, app_role):
    start = client.post(reverse("portal:followup-start"), {"code": world.codes[KENT]})
    assert start.status_code == 302
    page = client.get(reverse("portal:followup-show"))
    assert page.status_code == 200
    assert kent_report.reference in page.content.decode()


def test_the_receipt_look_up_works_when_its_owner_is_held_to_the_policies(world, kent, app_role):
    """In production the tables' owner is no superuser, so FORCE ROW LEVEL SECURITY binds
    the look-up function too: it must take the site scope for its query, and give it back."""
    import os

    owner = f"haven_test_owner_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user")
        cursor.execute(f"SET LOCAL ROLE {cursor.fetchone()[0]}")
        cursor.execute(f"CREATE ROLE {owner} NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT SELECT ON portal_receiptcode, reporting_report TO {owner}")
        cursor.execute(f"ALTER FUNCTION haven_receipt_digest_force(text) OWNER TO {owner}")
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        scope_apply(RowScope())
        cursor.execute(
            "SELECT haven_receipt_digest_force(%s), coalesce(current_setting('haven.scope', true), '')",
            [codes.digest(codes.normalise(world.codes[KENT]))],
        )
        assert cursor.fetchone() == (kent.pk, "")
    assert _visible("reporting_report") == set()
