"""One table, one row per plain form submitted."""

from django.db import models
from django.utils import timezone


class PlainSubmission(models.Model):
    """What the plain form saves: its text, as typed (no sealing, no ledger)."""

    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plain submission {self.pk}"
