"""Fixtures for the Django site: forces, staff in each role, an advocate and reports."""

from __future__ import annotations

import pytest

from haven.web.accounts import services as account_services
from haven.web.accounts.models import AdvocateOrganisation, Force, Role, User
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create

PASSWORD = "correct-horse-battery-staple"
# The test users' TOTP key (hex, as django-otp stores it), so tests can compute codes.
TOTP_KEY = "3132333435363738393031323334353637383930"


def with_authenticator(user: User) -> User:
    """Give `user` a confirmed TOTP device, and mark the object as verified by it, so that
    `client.force_login(user)` makes a session that has passed the second factor (django-otp
    records the device when the user object carries `otp_device` at login)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test app", key=TOTP_KEY, confirmed=True)
    user.otp_device = device
    return user


def _record_the_test_device(sender, request, user, **kwargs) -> None:
    """`Client.force_login` logs in on a bare request without `.user`, where django-otp's
    own receiver does nothing: record the device the user object carries, as it would."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = getattr(user, "otp_device", None)
    if device is not None and getattr(request, "session", None) is not None:
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@pytest.fixture(autouse=True)
def _force_login_carries_the_second_factor():
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_record_the_test_device, dispatch_uid="haven-test-otp")
    yield
    user_logged_in.disconnect(dispatch_uid="haven-test-otp")


def totp_code(key_hex: str = TOTP_KEY, *, offset: int = 0) -> str:
    """The current code for a TOTP key (`offset` steps away), as an app would show it."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * offset
    return f"{totp.token():06d}"


def force(code: str) -> Force:
    """A territorial force; reloaded from the list when a transactional test flushed them."""
    if not Force.objects.exists():
        from haven.web.accounts.forces import TERRITORIAL_FORCES

        Force.objects.bulk_create(
            Force(code=c, name=name, country=country) for c, name, country in TERRITORIAL_FORCES
        )
    return Force.objects.get(code=code)


@pytest.fixture
def met(db) -> Force:
    return force("metropolitan")


@pytest.fixture
def kent(db) -> Force:
    return force("kent")


def _staff(username: str, force: Force, role: Role) -> User:
    user = account_services.user_create(username=username, password=PASSWORD)
    account_services.membership_grant(user=user, force=force, role=role)
    return with_authenticator(user)


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
    return with_authenticator(user)


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the site runs as the role production connects as, under row-level
    security (tests/web/isolation/app_role.py); the database is set up as its owner."""
    from tests.web.isolation import app_role

    with django_db_blocker.unblock():
        app_role.suite_as_app_role_begin()
    yield
    with django_db_blocker.unblock():
        app_role.suite_as_app_role_end()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with no sign-in failures counted and no throttle key."""
    from django.core.cache import caches

    from haven.web.accounts.backends import forget_password_check_slots

    for cache in caches.all():
        cache.clear()
    forget_password_check_slots()
    yield


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request leaves its language active in the thread (LocaleMiddleware activates it
    and the test client does not reset it): each test starts in the site's default."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
