"""One table per peer: a row per plain form submitted, a row per plain API call."""

from django.db import models
from django.utils import timezone


class PlainSubmission(models.Model):
    """What the plain form saves: its text, as typed (no sealing, no ledger)."""

    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plain submission {self.pk}"


class PlainApiRecord(models.Model):
    """What the plain API endpoint saves: the text sent, as sent (no policy, no ledger)."""

    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plain API record {self.pk}"
