"""Writes about users and their memberships: the one place each of these changes happens."""

from __future__ import annotations

from django.db import transaction

from haven.web.accounts.models import AdvocateOrganisation, Force, Membership, Role, User


@transaction.atomic
def user_create(*, username: str, password: str, first_name: str = "", last_name: str = "") -> User:
    user = User(username=username, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def membership_grant(*, user: User, force: Force, role: Role) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, force=force, role=role)
    return membership


@transaction.atomic
def advocate_organisation_join(*, user: User, organisation: AdvocateOrganisation) -> None:
    organisation.members.add(user)
