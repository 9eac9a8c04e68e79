"""Per-force API tokens: only a keyed digest of each is kept.

A token is 256 random bits (`hvn_` + 43 URL-safe characters), shown once when it is
made. The database holds its HMAC-SHA256 under the site's pseudonym key (domain
separated), which is enough at that entropy: nobody can try 2^256 guesses against the
site, and without the key nobody can test guesses against a stolen digest. A slow
password hash would add a cost to every API call and no protection.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from haven.web.accounts.models import Force, User


class ApiToken(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    scopes = models.JSONField(default=list)
    digest = models.CharField(max_length=64, unique=True)
    """Hex HMAC-SHA256 of the token (`tokens.token_digest`), never the token."""
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"API token {self.pk} ({self.name})"

    @property
    def active(self) -> bool:
        return self.revoked is None
