"""Forces, the people who work in them, and advocate organisations.

A user's powers come only from memberships: a role in a force, or membership of an
advocate organisation. `permissions.py` is the one place that turns those into what
the user may see and do.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_ACTIVE_POLICY = "iemvp-2023"
"""Until a force chooses: the national position as encoded (NPCC guidance with the Home
Office's Migrant Victims Protocol)."""


def validate_offerable_policy(value: str) -> None:
    """A force's policy is a written shipped policy: never a description of practice."""
    from haven.policy.registry import offerable_policy_ids

    if value not in offerable_policy_ids():
        raise ValidationError(
            f"{value!r} is not a policy a force can adopt; choose one of "
            f"{', '.join(offerable_policy_ids())}"
        )


class Force(models.Model):
    """A territorial police force of England and Wales (reference data, loaded by migration)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    country = models.CharField(max_length=10, choices=[("England", "England"), ("Wales", "Wales")])
    # A shipped policy id for now; the governance pages add stored versions on top.
    # Read it only through `selectors.force_active_policy`.
    active_policy = models.CharField(
        max_length=64, default=DEFAULT_ACTIVE_POLICY, validators=[validate_offerable_policy]
    )
    # True once a stored version of the force's policy has been approved (kept so by
    # `governance.models.PolicyVersion.save`). Until then the shipped `active_policy` is
    # in force, and deciding a request reads no versions table: every decision asks.
    has_approved_version = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: police staff, inspectorate staff or an advocate.

    Victims and witnesses never need an account (docs/architecture.md).
    """

    class Meta:
        ordering = ["username"]


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    DPO = "dpo", _("Data protection officer")
    AUDITOR = "auditor", _("Auditor")


class Membership(models.Model):
    """A user's role in one force. A user may hold several roles, in several forces."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "force", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.force}"


class AdvocateOrganisation(models.Model):
    """A charity or service that reports on victims' behalf (e.g. a domestic-abuse charity)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    members = models.ManyToManyField(User, related_name="advocate_organisations", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
