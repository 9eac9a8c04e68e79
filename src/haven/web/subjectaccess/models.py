"""Subject access requests: a person asks for the data Haven holds about them (UK GDPR
Art. 15), through their receipt code or their advocate; the force's DPO answers with a PDF.

The request row holds no free text in the clear: the DPO's reason for applying the
immigration exemption (Data Protection Act 2018, Schedule 2 paragraph 4) and the answer's
PDF are sealed under the report's key (`KEY_OWNER`), so shredding the report destroys
them with it.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import User
from haven.web.reporting.models import Report, ReportPerson
from haven.web.sealing import SealedRecord


class Via(models.TextChoices):
    """How the request came."""

    RECEIPT_CODE = "receipt_code", _("The person, with their receipt code")
    ADVOCATE = "advocate", _("Their advocate, with their consent")


class Status(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


def one_month_after(day: date) -> date:
    """The corresponding day of the next month (UK GDPR Art. 12(3): one month), or that
    month's last day when it has no such day (31 January -> 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class SubjectAccessRequest(SealedRecord):
    """One request for a copy of a person's data held about them in one report."""

    KEY_OWNER = "report"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="subject_access")
    person = models.ForeignKey(
        ReportPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=20, choices=Via.choices)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exemption_applied = models.BooleanField(default=False)
    exemption_reason = models.BinaryField(default=b"")
    answer_pdf = models.BinaryField(default=b"")
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(via__in=Via.values), name="subject_access_via_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="subject_access_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"subject access request {self.pk} on {self.report_id}"

    @property
    def answered(self) -> bool:
        return self.status == Status.ANSWERED

    @staticmethod
    def due_from(requested_at: datetime) -> date:
        return one_month_after(timezone.localdate(requested_at))
