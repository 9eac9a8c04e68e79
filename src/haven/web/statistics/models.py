"""Published releases of differentially private statistics (docs/statistics.md).

A `Release` holds what was published for one force and one quarter: the noisy counts,
never the counts before noise, with the mechanism, scale, ε and the key set's hash. The
budget a force has spent in a year is the sum of its releases' ε that year
(`selectors.budget_for`). Everything here is public.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from haven.web.accounts.models import Force


class Release(models.Model):
    """One force's noisy counts for one quarter."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    quarter = models.CharField(max_length=6)
    """`2026Q3`."""
    year = models.PositiveSmallIntegerField()
    """The quarter's year: the budget it spends."""
    epsilon = models.DecimalField(max_digits=8, decimal_places=4)
    mechanism = models.CharField(max_length=40)
    scale = models.FloatField()
    contribution_bound = models.PositiveSmallIntegerField()
    interval = models.PositiveIntegerField()
    """Half-width of the 95 % noise interval."""
    key_set = models.CharField(max_length=64)
    """SHA-256 of the public key set (haven.privacy.statistics.key_set_hash)."""
    counts = models.JSONField()
    """`[[key, noisy count], …]` in the key set's order (noisy counts may be negative)."""
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-quarter", "force__name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "quarter"], name="statistics_one_per_quarter"),
            models.CheckConstraint(
                condition=models.Q(epsilon__gt=0), name="statistics_epsilon_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force.code} {self.quarter}"
