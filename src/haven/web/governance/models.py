"""A force's policy versions: Cedar text a DPO drafts, two people sign off, and that
takes effect on a date (docs/governance.md).

A version moves draft → awaiting second approval → approved (with an effective date) →
active → superseded, or is withdrawn before it takes effect. A force with no version in
force is on its shipped policy (`Force.active_policy`). Versions are public information:
the transparency pages publish every force's history.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import Force, User


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval", _("Waiting for a second approver")
    APPROVED = "approved", _("Approved, waiting for its effective date")
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def text_digest(text: str) -> str:
    """The SHA-256 of a version's Cedar text (UTF-8), in hex: how the ledger names it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PolicyVersion(models.Model):
    """One numbered version of a force's policy (see the module docstring)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="policy_versions")
    number = models.PositiveIntegerField()
    base_policy = models.CharField(
        max_length=64, blank=True, help_text="The shipped policy id the text started from."
    )
    text = models.TextField()
    digest = models.CharField(max_length=64)
    status = models.CharField(
        max_length=32, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    restores = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restored_by",
        help_text="For a rollback: the earlier version whose text this one restores.",
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_approver = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["force", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["force", "number"], name="policyversion_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values),
                name="policyversion_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(second_approver__isnull=True)
                | ~models.Q(second_approver=models.F("signed_off_by")),
                name="policyversion_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force.code} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # The one place the force learns it has a version of its own to read.
        if self.status in (VersionStatus.APPROVED, VersionStatus.ACTIVE):
            if not self.force.has_approved_version:
                Force.objects.filter(pk=self.force_id).update(has_approved_version=True)
                self.force.has_approved_version = True

    @property
    def is_rollback(self) -> bool:
        """A rollback is put in force by one DPO (it restores text two people approved);
        every other version in force had a second approver."""
        return self.approved_at is not None and self.second_approver_id is None

    @property
    def policy_id(self) -> str:
        """The id the compiled policy carries: the force's code and the version number."""
        return f"{self.force.code}-v{self.number}"
