"""`haven keys rotate`: new key-encryption keys, every data key re-wrapped, old keys retired.

Rotation never re-encrypts a field: each row's data key is unwrapped with its old KEK
and wrapped again under the new version of the same compartment and scope (a few
microseconds a row), written back in batches. When every row has moved, the old
versions wrap nothing, and they are destroyed: a row that had been missed would no
longer open, so destroying them is also the proof that none was. Each rotation is
recorded in the ledger (key ids only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from haven.privacy import Binding, KekId, Keyring, rewrap, wrapped_kek_id
from haven.web.sealing import SealedRecord, site_keyring

BATCH = 5_000


@dataclass(frozen=True)
class RotationResult:
    rotated: dict[str, str]
    """Old KEK id -> new KEK id, for every compartment and scope that had rows."""
    rows: int


def sealed_models() -> list[type[SealedRecord]]:
    """Every concrete model whose rows hold sealed data."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, SealedRecord) and not model._meta.abstract
    ]


def keys_rotate() -> RotationResult:
    """Rotate every KEK that wraps data (see the module docstring)."""
    from haven.ledger.kinds import KeyRotation
    from haven.web.ledger.services import ledger_record

    keyring = site_keyring()
    targets: dict[tuple[str, str], KekId] = {}
    retired: dict[KekId, KekId] = {}
    rows = _rewrap_pass(keyring, targets, retired)
    # A row written while the first pass ran may still use an old version: a second
    # pass moves it; anything left after that stops the rotation before any key goes.
    rows += _rewrap_pass(keyring, targets, retired)
    left = {kek: n for kek, n in kek_usage().items() if KekId.parse(kek) in retired}
    if left:
        raise RuntimeError(
            f"rows are still wrapped under {', '.join(sorted(left))}: run `haven keys rotate` "
            "again; no key was retired"
        )
    today = timezone.localdate()
    with transaction.atomic():
        for old, new in sorted(retired.items()):
            ledger_record(KeyRotation(key="sealing", old_key_id=str(old), new_key_id=str(new)))
    for old in sorted(retired):
        keyring.retire(old, on=today)
    return RotationResult(rotated={str(o): str(n) for o, n in sorted(retired.items())}, rows=rows)


def _rewrap_pass(
    keyring: Keyring, targets: dict[tuple[str, str], KekId], retired: dict[KekId, KekId]
) -> int:
    rows = 0
    for model in sealed_models():
        table = model._meta.db_table
        pk = model._meta.pk.column
        quoted = connection.ops.quote_name(table)
        last = None
        while True:
            chunk = model.objects.exclude(wrapped_key=b"").order_by("pk")
            if last is not None:
                chunk = chunk.filter(pk__gt=last)
            batch = list(chunk.values_list("pk", "seal_id", "wrapped_key")[:BATCH])
            if not batch:
                break
            updates = []
            for key, seal_id, wrapped in batch:
                old = wrapped_kek_id(bytes(wrapped))
                scope = (old.compartment, old.scope)
                if scope not in targets:
                    targets[scope] = keyring.add_version(*scope)
                new = targets[scope]
                if old == new:
                    continue
                binding = Binding(table, str(seal_id))
                updates.append((rewrap(keyring, binding, bytes(wrapped), new), key))
                retired[old] = new
            _write_wrapped_keys(quoted, connection.ops.quote_name(pk), updates)
            rows += len(updates)
            last = batch[-1][0]
    return rows


def _write_wrapped_keys(table: str, pk: str, updates: list[tuple[bytes, object]]) -> None:
    """Write a batch of re-wrapped keys in one transaction.

    PostgreSQL gets one `UPDATE … FROM (VALUES …)` per batch: `executemany` would send an
    UPDATE a row, and its round trips are most of a million-row rotation's time.
    """
    if not updates:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s::bytea, %s::bigint)"] * len(updates))
            cursor.execute(
                f"UPDATE {table} SET wrapped_key = v.wrapped FROM (VALUES {values}) "  # noqa: S608 - names from model metadata
                f"AS v(wrapped, pk) WHERE {table}.{pk} = v.pk",
                [item for pair in updates for item in pair],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET wrapped_key = %s WHERE {pk} = %s",  # noqa: S608 - names from model metadata
                updates,
            )


def kek_usage() -> dict[str, int]:
    """How many rows each KEK wraps (for `haven keys status` and the tests)."""
    counts: dict[str, int] = defaultdict(int)
    for model in sealed_models():
        for wrapped in model.objects.exclude(wrapped_key=b"").values_list("wrapped_key", flat=True):
            counts[str(wrapped_kek_id(bytes(wrapped)))] += 1
    return dict(counts)
