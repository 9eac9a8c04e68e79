"""Fixtures for the Django site: forces, staff in each role, an advocate and reports."""

from __future__ import annotations

import pytest

from haven.web.accounts import services as account_services
from haven.web.accounts.models import AdvocateOrganisation, Force, Role, User
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def met(db) -> Force:
    return Force.objects.get(code="metropolitan")


@pytest.fixture
def kent(db) -> Force:
    return Force.objects.get(code="kent")


def _staff(username: str, force: Force, role: Role) -> User:
    user = account_services.user_create(username=username, password=PASSWORD)
    account_services.membership_grant(user=user, force=force, role=role)
    return user


@pytest.fixture
def officer(met) -> User:
    return _staff("officer", met, Role.OFFICER)


@pytest.fixture
def supervisor(met) -> User:
    return _staff("supervisor", met, Role.SUPERVISOR)


@pytest.fixture
def dpo(met) -> User:
    return _staff("dpo", met, Role.DPO)


@pytest.fixture
def auditor(met) -> User:
    return _staff("auditor", met, Role.AUDITOR)


@pytest.fixture
def kent_officer(kent) -> User:
    return _staff("kent-officer", kent, Role.OFFICER)


@pytest.fixture
def organisation(db) -> AdvocateOrganisation:
    return AdvocateOrganisation.objects.create(code="refuge-test", name="Refuge (test)")


@pytest.fixture
def advocate(organisation) -> User:
    user = account_services.user_create(username="advocate", password=PASSWORD)
    account_services.advocate_organisation_join(user=user, organisation=organisation)
    return user


@pytest.fixture
def report(met) -> Report:
    return report_create(
        force=met,
        offence="domestic_abuse",
        account="He took my passport.",
        people=[
            PersonInReport(role="victim", label="the caller"),
            PersonInReport(role="suspect", label="husband"),
        ],
        channel=Channel.PORTAL,
    )


@pytest.fixture
def kent_report(kent) -> Report:
    return report_create(
        force=kent,
        offence="other",
        account="Bicycle stolen.",
        people=[PersonInReport(role="victim", label="the caller")],
        channel=Channel.PORTAL,
    )


@pytest.fixture
def advocate_report(kent, organisation) -> Report:
    return report_create(
        force=kent,
        offence="modern_slavery",
        account="Client's documents withheld by employer.",
        people=[PersonInReport(role="victim", label="the client")],
        channel=Channel.ADVOCATE,
        advocate_organisation=organisation,
    )


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with no sign-in failures counted and no throttle key."""
    from django.core.cache import caches

    from haven.web.accounts.backends import forget_password_check_slots

    for cache in caches.all():
        cache.clear()
    forget_password_check_slots()
    yield
