"""The safe reporting portal's records: unfinished answers, receipt codes, the reporter's
side of a report, messages, and an advocate's scoped consent.

Everything personal is sealed (`haven.web.sealing`). A draft has its own data key; a
report's messages and reporter record share the report's key (`KEY_OWNER`), so
concluding or shredding a report moves or destroys them with it. A receipt code is
stored only as a keyed hash. Nothing here holds an IP address, and nothing asks about
immigration status, nationality or documents.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import AdvocateOrganisation, User
from haven.web.reporting.models import Report, ReportPerson
from haven.web.sealing import SealedRecord


class WayIn(models.TextChoices):
    """How a report came through the portal."""

    VICTIM = "victim", _("A victim reporting for themselves")
    WITNESS = "witness", _("A witness")
    ADVOCATE = "advocate", _("An advocate, for a victim, with their consent")


class ConsentScope(models.TextChoices):
    """What a victim allows their advocate organisation to see and do (each revocable)."""

    SEE_UPDATES = "see_updates", _("See how the report is progressing")
    EXCHANGE_MESSAGES = "exchange_messages", _("Read and send messages with the police")
    REQUEST_COPY = "request_copy", _("Ask the police for a copy of the information they hold")
    REPLACE_CODE = "replace_code", _("Get a new receipt code if the old one may have been found")


class Sender(models.TextChoices):
    REPORTER = "reporter", _("You")
    ADVOCATE = "advocate", _("Your advocate")
    FORCE = "force", _("The police")


class PortalDraft(SealedRecord):
    """Unfinished answers: one sealed JSON document. The session holds only this row's id.

    A draft expires (`expires_at`) and is deleted on exit and on submission.
    """

    answers = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"draft {self.pk}"


class Reporter(SealedRecord):
    """The reporter's side of a report made through the portal.

    `person` is the reporter's own row among the report's people (for an advocate's
    report, the victim they report for). `support` is the sealed list of support
    services the reporter asked to be referred to (Victims' Code, Right 4).
    """

    KEY_OWNER = "report"

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="reporter")
    person = models.ForeignKey(ReportPerson, on_delete=models.SET_NULL, null=True, related_name="+")
    way_in = models.CharField(max_length=10, choices=WayIn.choices)
    support = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(way_in__in=WayIn.values), name="reporter_way_in_known"
            )
        ]

    def __str__(self) -> str:
        return f"reporter of {self.report_id}"


class ReceiptCode(models.Model):
    """A report's receipt code, stored only as HMAC-SHA256 under a site key (`digest`).

    A report has at most one live code; a replaced code keeps its row, with
    `replaced_at`, so an old code is recognised as no longer valid without being usable.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="receipt_codes")
    digest = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(replaced_at__isnull=True),
                name="one_live_receipt_code_per_report",
            )
        ]

    def __str__(self) -> str:
        return f"receipt code {self.pk} of {self.report_id}"

    @property
    def live(self) -> bool:
        return self.replaced_at is None


class Message(SealedRecord):
    """A message between the reporter (or their advocate) and the force, sealed under the
    report's key. The ledger records that it was sent, never its text."""

    KEY_OWNER = "report"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    sent_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.BinaryField(default=b"")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sender__in=Sender.values), name="message_sender_known"
            )
        ]

    def __str__(self) -> str:
        return f"message {self.pk} on {self.report_id}"


class AdvocateConsent(models.Model):
    """A victim's consent for an advocate organisation to act on their report: what it
    may see and do (`scopes`), revocable by the victim with their receipt code."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="advocate_consent")
    organisation = models.ForeignKey(
        AdvocateOrganisation, on_delete=models.PROTECT, related_name="consents"
    )
    scopes = models.JSONField(default=list)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"consent for {self.organisation_id} on {self.report_id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.active and scope in self.scopes
