"""Crime reports and the people in them.

Nothing here records immigration status: Haven never asks for it, and anything an
officer learns about it belongs in the sealed compartment, not in these tables.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import AdvocateOrganisation, Force, User

# Unambiguous characters only: a reporter may read their reference out over the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A random report reference such as `HVN-7K3M-9Q2P` (40 bits; not guessable)."""
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"HVN-{body[:4]}-{body[4:]}"


class Offence(models.TextChoices):
    """Offence categories: the `offence` attribute of the decision space (docs/decision-space.md)."""

    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    SEXUAL_OFFENCE = "sexual_offence", _("Sexual offence")
    MODERN_SLAVERY = "modern_slavery", _("Modern slavery or trafficking")
    HONOUR_BASED_ABUSE = "honour_based_abuse", _("Honour-based abuse")
    STALKING_HARASSMENT = "stalking_harassment", _("Stalking or harassment")
    HATE_CRIME = "hate_crime", _("Hate crime")
    VIOLENT_CRIME = "violent_crime", _("Violent crime")
    OTHER = "other", _("Other crime")


class Stage(models.TextChoices):
    """Where a report has got to: the `stage` attribute of the decision space."""

    REPORT = "report", _("Reported")
    INVESTIGATION = "investigation", _("Under investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    CONCLUDED = "concluded", _("Concluded")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Safe reporting portal")
    ADVOCATE = "advocate", _("Through an advocate")
    OFFICER = "officer", _("Recorded by an officer")


class PersonRole(models.TextChoices):
    """A person's part in a report: the `role` attribute of the decision space."""

    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    SUSPECT = "suspect", _("Suspect")
    VICTIM_AND_SUSPECT = "victim_and_suspect", _("Victim and suspect")
    FAMILY_MEMBER = "family_member", _("Family member")


class Report(models.Model):
    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="reports")
    offence = models.CharField(max_length=30, choices=Offence.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.REPORT)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    language = models.CharField(max_length=10, default="en")
    # What happened, in the reporter's words. Never logged, never in the ledger.
    account = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="recorded_reports"
    )
    advocate_organisation = models.ForeignKey(
        AdvocateOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )

    class Meta:
        ordering = ["-received_at", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offence__in=Offence.values), name="report_offence_known"
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="report_stage_known"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="report_channel_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(channel=Channel.ADVOCATE)
                | models.Q(advocate_organisation__isnull=False),
                name="report_advocate_channel_names_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReportPerson(models.Model):
    """Someone a report is about or who saw it, with their part in it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=20, choices=PersonRole.choices)
    # How the report refers to them ("the caller", "her husband"); a name is optional:
    # a victim may report without giving one.
    label = models.CharField(max_length=120)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=PersonRole.values), name="person_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_role_display()})"
