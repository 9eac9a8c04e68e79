"""The site's storage for the RFC 6962 ledger (`haven.ledger` does the hashing and proofs).

Four tables:

- `LedgerHead`, one row: the tree size. Every append locks it (`SELECT … FOR UPDATE` on
  PostgreSQL; SQLite transactions start `IMMEDIATE`), so sequence numbers come out
  gapless and duplicate-free under concurrent writers.
- `LedgerEntry`: one public leaf per log position (format 2: for an event about people,
  its kind, day and salted commitment), with the full event and its salt sealed beside
  it (`haven.web.sealing`), and the pseudonym the event is about (`subject`), which
  audits and reporters' disclosure logs look events up by.
- `LedgerNode`: the perfect-subtree hashes `(level, index) -> hash`, the layout that
  gives O(log n) reads per proof (`haven.ledger.store`).
- `LedgerCheckpoint`: every signed tree head that was published.

Rows are only ever inserted, in the transaction of the action they record.
"""

from __future__ import annotations

from django.db import models

from haven.web.sealing import SealedRecord


class LedgerHead(models.Model):
    """The current tree size; the single row every append locks."""

    size = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="ledger_head_single_row")
        ]

    def __str__(self) -> str:
        return f"ledger head at size {self.size}"


class LedgerEntry(SealedRecord):
    position = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=32)
    leaf = models.BinaryField()
    recorded_at = models.DateTimeField()
    subject = models.CharField(max_length=64, blank=True, default="", db_index=True)
    event = models.BinaryField(default=b"")
    """The full event (canonical JSON), sealed; empty for public kinds (the leaf is it)."""
    salt = models.BinaryField(default=b"")
    """The commitment's salt, sealed; empty for public kinds."""

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__gte=0), name="ledger_entry_position_natural"
            )
        ]

    def __str__(self) -> str:
        return f"ledger entry {self.position} ({self.kind})"


class LedgerNode(models.Model):
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_node_unique")
        ]

    def __str__(self) -> str:
        return f"ledger node ({self.level}, {self.index})"


class LedgerCheckpoint(models.Model):
    """A signed tree head. After a key rotation the same size may be signed by both keys."""

    size = models.BigIntegerField()
    key_id = models.CharField(max_length=8)  # hex of the C2SP note key id
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-size"]
        constraints = [
            models.UniqueConstraint(fields=["size", "key_id"], name="ledger_checkpoint_unique")
        ]

    def __str__(self) -> str:
        return f"checkpoint at size {self.size}"
