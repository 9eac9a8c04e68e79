"""Crime reports, the people in them, retention, and the sealed compartment.

Personal data is sealed at rest (`haven.web.sealing`): a report's account and each
person's label and name are binary columns holding AES-GCM ciphertext under the row's
own data key. Only the fields that are not secret (reference, force, offence, stage,
channel, dates) are plain, so lists can filter and sort on them; free text is not
searchable.

Nothing here records immigration status in a plain field: Haven never asks for it,
and anything an officer learns about it goes to `SealedNote`, the sealed compartment,
which has keys of its own and which only the gateway may open.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import AdvocateOrganisation, Force, User
from haven.web.sealing import SealedRecord

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
    # Reports an officer takes down from the reporter (console: record a report).
    PHONE = "phone", _("By phone, recorded by an officer")
    FRONT_DESK = "front_desk", _("At a police front desk, recorded by an officer")


class PersonRole(models.TextChoices):
    """A person's part in a report: the `role` attribute of the decision space."""

    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    SUSPECT = "suspect", _("Suspect")
    VICTIM_AND_SUSPECT = "victim_and_suspect", _("Victim and suspect")
    FAMILY_MEMBER = "family_member", _("Family member")


OFFICER_CHANNELS = (Channel.PHONE, Channel.FRONT_DESK)
"""The channels an officer records a report through (the console's record form)."""


class Relation(models.TextChoices):
    """How one person in a report stands to another (`ReportPerson.related_to`).

    A short fixed list, so the console can show it in words and nobody types free text
    about a relationship into a plain column."""

    PARTNER = "partner", _("Partner or ex-partner of")
    FAMILY = "family", _("Family member of")
    EMPLOYER = "employer", _("Employer of")
    EMPLOYEE = "employee", _("Employed by")
    LANDLORD = "landlord", _("Landlord of")
    CARER = "carer", _("Carer of")
    ACQUAINTANCE = "acquaintance", _("Known to")
    RELATED = "related", _("Related to")


class Report(SealedRecord):
    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="reports")
    offence = models.CharField(max_length=30, choices=Offence.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.REPORT)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    language = models.CharField(max_length=10, default="en")
    # What happened, in the reporter's words, sealed. Never logged, never in the ledger.
    account = models.BinaryField(default=b"")
    # How and when it is safe to contact the reporter, sealed ("" when no contact).
    contact = models.BinaryField(default=b"")
    # When and where it happened, in the reporter's words (a date, or roughly when), and
    # the language the reporter wants to be contacted in: sealed, "" when not given.
    occurred = models.BinaryField(default=b"")
    place = models.BinaryField(default=b"")
    preferred_language = models.BinaryField(default=b"")
    # Whether the reporter needs an interpreter (None: not asked, as for officers' reports).
    interpreter_needed = models.BooleanField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # Retention: the clock starts when the case concludes; an open case is never shredded.
    concluded_on = models.DateField(null=True, blank=True)
    shred_on = models.DateField(null=True, blank=True)
    destroyed_on = models.DateField(null=True, blank=True)
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

    @property
    def destroyed(self) -> bool:
        return self.destroyed_on is not None


class ReportPerson(SealedRecord):
    """Someone a report is about or who saw it, with their part in it.

    People share their report's data key (`KEY_OWNER`): the record is the report.
    """

    KEY_OWNER = "report"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=20, choices=PersonRole.choices)
    # How the report refers to them ("the caller", "her husband") and, optionally, a
    # name (a victim may report without giving one): both sealed.
    label = models.BinaryField(default=b"")
    name = models.BinaryField(default=b"")
    # How they stand to another person in the same report ("partner or ex-partner of"
    # the victim): a code from `Relation`, plain like the role; both set or neither.
    relation = models.CharField(max_length=20, choices=Relation.choices, blank=True, default="")
    related_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=PersonRole.values), name="person_role_known"
            ),
            models.CheckConstraint(
                condition=models.Q(relation="") | models.Q(relation__in=Relation.values),
                name="person_relation_known",
            ),
        ]

    def __str__(self) -> str:
        return f"person {self.pk} ({self.get_role_display()})"


DEFAULT_RETENTION_DAYS = 7 * 365
"""Until a force sets its own period: seven years after a case concludes."""


class RetentionSchedule(models.Model):
    """How long a force keeps a concluded case before it is crypto-shredded."""

    force = models.OneToOneField(Force, on_delete=models.CASCADE, related_name="retention")
    days = models.PositiveIntegerField(default=DEFAULT_RETENTION_DAYS)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="retention_days_positive")
        ]

    def __str__(self) -> str:
        return f"{self.force.code}: {self.days} days"


class SealedNote(SealedRecord):
    """The sealed compartment: what an officer records about someone's immigration position.

    Its keys are not the personal keys, and `unseal_text` refuses: only the gateway
    (the `sharing` app, inside a decided request) may open it. Nothing opens it yet.
    """

    COMPARTMENT = "sealed"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sealed_notes")
    person = models.ForeignKey(
        ReportPerson, on_delete=models.CASCADE, related_name="sealed_notes", null=True
    )
    status_concern = models.BinaryField(default=b"")
    status_source = models.BinaryField(default=b"")
    note = models.BinaryField(default=b"")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"sealed note {self.pk} on {self.report_id}"
