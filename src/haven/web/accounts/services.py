"""Writes about users and their memberships: the one place each of these changes happens.

Granting and revoking a role, a completed sign-in and a sign-in lockout each record
their ledger event, with staff as keyed pseudonyms and never an address.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from haven.ledger.kinds import MembershipGranted, MembershipRevoked, SignedIn, SignInLockedOut
from haven.web.accounts.models import AdvocateOrganisation, Force, Membership, Role, User
from haven.web.accounts.permissions import forget_capabilities
from haven.web.ledger.services import ledger_pseudonym, ledger_record

SYSTEM = "system"
"""Who acted, in an event, when no member of staff did (demo data, migrations)."""


def staff_pseudonym(user: User) -> str:
    """How a member of staff appears in the ledger: never their name or username."""
    return ledger_pseudonym(kind="staff", value=str(user.pk))


def _actor(by: User | None) -> str:
    return staff_pseudonym(by) if by is not None else SYSTEM


@transaction.atomic
def user_create(*, username: str, password: str, first_name: str = "", last_name: str = "") -> User:
    user = User(username=username, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def membership_grant(*, user: User, force: Force, role: Role, by: User | None = None) -> Membership:
    """Give `user` a role in `force` (nothing changes, and nothing is recorded, if they have it)."""
    membership, created = Membership.objects.get_or_create(user=user, force=force, role=role)
    forget_capabilities(user)
    if created:
        ledger_record(
            MembershipGranted(
                member=staff_pseudonym(user), force=force.code, role=str(role), by=_actor(by)
            )
        )
    return membership


@transaction.atomic
def membership_revoke(*, user: User, force: Force, role: Role, by: User | None = None) -> bool:
    """Take a role away; returns False (and records nothing) when `user` did not hold it."""
    deleted, _ = Membership.objects.filter(user=user, force=force, role=role).delete()
    forget_capabilities(user)
    if deleted:
        ledger_record(
            MembershipRevoked(
                member=staff_pseudonym(user), force=force.code, role=str(role), by=_actor(by)
            )
        )
    return bool(deleted)


@transaction.atomic
def sign_in_record(*, user: User) -> None:
    """A completed sign-in (password and second factor). Failed attempts are not recorded:
    anyone could write them."""
    ledger_record(SignedIn(user=staff_pseudonym(user)))


def sign_in_lockout_record(*, username: str, cool_off_seconds: int) -> None:
    """A sign-in lockout, recorded once per cool-off whatever the attempts during it.

    The account appears as a pseudonym of the username (it may not exist), never with
    the client's address.
    """
    user = User.objects.filter(username=username).first()
    who = (
        staff_pseudonym(user)
        if user is not None
        else ledger_pseudonym(kind="username", value=username)
    )
    if not cache.add(f"haven:lockout-recorded:{who}", True, timeout=cool_off_seconds):
        return
    with transaction.atomic():
        ledger_record(SignInLockedOut(user=who))


@transaction.atomic
def advocate_organisation_join(*, user: User, organisation: AdvocateOrganisation) -> None:
    organisation.members.add(user)
