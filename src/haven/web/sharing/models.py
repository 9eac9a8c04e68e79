"""The gateway's records: decided requests, their approvals, support referrals, packages.

A `DecisionRequest` is an officer asking to do one thing to one person of a report (a
PNC check, a status check with Immigration Enforcement, a disclosure to a recipient for
a purpose, an immigration arrest). The case the force's active policy decided is sealed
in the SEALED compartment: it holds the status concern and who raised it, which come
from the sealed compartment and must not sit in a plain column. The plain columns are
what lists, approvals and statistics need: action, recipient, purpose, decision and
where the request has got to.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import Force, User
from haven.web.reporting.models import Report, ReportPerson
from haven.web.sealing import SealedRecord


class Action(models.TextChoices):
    PNC_CHECK = "pnc_check", _("Police National Computer check")
    STATUS_CHECK = "status_check", _("Status check with Immigration Enforcement")
    DISCLOSE = "disclose", _("Disclosure")
    IMMIGRATION_ARREST = "immigration_arrest", _("Arrest on immigration grounds")


class Recipient(models.TextChoices):
    IMMIGRATION_ENFORCEMENT = "immigration_enforcement", _("Immigration Enforcement")
    NRM = "nrm", _("National Referral Mechanism")
    SAFEGUARDING_PARTNER = "safeguarding_partner", _("Safeguarding partner")
    POLICE = "police", _("Another police body")
    SUPPORT_SERVICE = "support_service", _("Support service")
    NONE = "none", _("No recipient")


class Purpose(models.TextChoices):
    IMMIGRATION_CONTROL = "immigration_control", _("Immigration control")
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    INVESTIGATION = "investigation", _("Investigating a crime")
    PUBLIC_PROTECTION = "public_protection", _("Protecting the public")
    REGULARISATION_SUPPORT = "regularisation_support", _("Helping someone regularise their stay")


class Status(models.TextChoices):
    REFUSED = "refused", _("Refused by the policy")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a supervisor's approval")
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval", _("Waiting for a second approver")
    DEFERRED = "deferred", _("Held until the case concludes")
    APPROVED = "approved", _("Approved: the package can be prepared")
    REFUSED_BY_APPROVER = "refused_by_approver", _("Refused by an approver")
    RELEASED = "released", _("Released")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DecisionRequest(SealedRecord):
    """One decided request (see the module docstring)."""

    COMPARTMENT = "sealed"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="requests")
    person = models.ForeignKey(ReportPerson, on_delete=models.CASCADE, related_name="requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=30, choices=Action.choices)
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    policy = models.CharField(max_length=64)
    policy_version = models.CharField(max_length=16)
    decision = models.CharField(
        max_length=5, choices=[("allow", _("Allowed")), ("deny", _("Denied"))]
    )
    rules = models.JSONField(default=list, blank=True)
    obligations = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices)
    # Sealed: the case as decided (status concern and source included) and the reason.
    case = models.BinaryField(default=b"")
    rationale = models.BinaryField(default=b"")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="request_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=["allow", "deny"]), name="request_decision_known"
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.pk} ({self.action}, {self.decision})"


class Approval(models.Model):
    """A supervisor's approval or refusal of a request (dual control needs two people)."""

    request = models.ForeignKey(DecisionRequest, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField()
    reason = models.BinaryField(default=b"")
    """Sealed under the request's key (`DecisionRequest.record_key`)."""
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "approver"], name="one_verdict_per_approver")
        ]

    def __str__(self) -> str:
        return f"{'approval' if self.approved else 'refusal'} of request {self.request_id}"


class SupportReferral(models.Model):
    """A referral to a support service, recorded because the policy's decision required it."""

    request = models.ForeignKey(DecisionRequest, on_delete=models.CASCADE, related_name="referrals")
    service = models.CharField(max_length=120)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"referral for request {self.request_id}"
