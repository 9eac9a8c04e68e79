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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.db.models import BinaryField, BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from haven.privacy import Binding, KekId, Keyring, rewrap_many, wrapped_kek_id, wrapped_prefix
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
    with _batch_writer() as write:
        rows = _rewrap_pass(keyring, targets, retired, write)
    # A row written while the first pass ran may still use an old version: a second
    # pass moves it; anything left after that stops the rotation before any key goes.
    # It reads only rows not yet under a new version, selected by the database.
    with _batch_writer() as write:
        rows += _rewrap_pass(keyring, targets, retired, write)
    left = {str(kek): n for kek in retired if (n := _rows_under(kek))}
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


def _wrapped_under(model: type[SealedRecord], keks: list[KekId]) -> QuerySet:
    """`model`'s sealed rows, annotated with whether each is wrapped under one of `keks`.

    Compared in the database on the wrapped key's first bytes (`wrapped_prefix`), so a
    pass that skips the rows already moved does not send them to Python.
    """
    rows = model.objects.exclude(wrapped_key=b"")
    if not keks:
        return rows.annotate(under=Value(False, output_field=BooleanField()))
    matches = Q()
    for kek in keks:
        prefix = wrapped_prefix(kek)
        matches |= Q(**{f"prefix_{len(prefix)}": prefix})
    lengths = {len(wrapped_prefix(kek)) for kek in keks}
    rows = rows.annotate(
        **{f"prefix_{n}": Substr("wrapped_key", 1, n, output_field=BinaryField()) for n in lengths}
    )
    return rows.annotate(under=Case(When(matches, then=True), default=False))


def _rows_under(kek: KekId) -> int:
    return sum(_wrapped_under(model, [kek]).filter(under=True).count() for model in sealed_models())


def _rewrap_pass(
    keyring: Keyring,
    targets: dict[tuple[str, str], KekId],
    retired: dict[KekId, KekId],
    write: WriteBatch,
) -> int:
    """Move every row not already under its scope's new version; returns how many moved."""
    rows = 0
    for model in sealed_models():
        table = model._meta.db_table
        pending = _wrapped_under(model, list(targets.values())).filter(under=False)
        last = None
        while True:
            chunk = pending.order_by("pk")
            if last is not None:
                chunk = chunk.filter(pk__gt=last)
            batch = list(chunk.values_list("pk", "seal_id", "wrapped_key")[:BATCH])
            if not batch:
                break
            moving: dict[KekId, list[tuple[object, Binding, bytes]]] = defaultdict(list)
            for key, seal_id, wrapped in batch:
                wrapped = bytes(wrapped)
                old = wrapped_kek_id(wrapped)
                scope = (old.compartment, old.scope)
                if scope not in targets:
                    targets[scope] = keyring.add_version(*scope)
                new = targets[scope]
                if old != new:
                    retired[old] = new
                    moving[new].append((key, Binding(table, str(seal_id)), wrapped))
            updates = []
            for new, items in moving.items():
                rewrapped = rewrap_many(keyring, [(b, w) for _, b, w in items], new)
                updates.extend(zip(rewrapped, (key for key, _, _ in items), strict=True))
            if updates:
                write(model, updates)
            rows += len(updates)
            last = batch[-1][0]
    return rows


WriteBatch = Callable[[type[SealedRecord], list[tuple[bytes, object]]], None]


@contextmanager
def _batch_writer() -> Iterator[WriteBatch]:
    """Where a pass writes its batches; every write has committed when the block ends.

    On PostgreSQL, outside any transaction (the command, not a test's transaction), a
    batch is written on a second connection while the next one is read and re-wrapped:
    the server's work (an index entry per index for every row) and Python's (the AES-GCM
    work) then run on two cores. One batch at most is in flight; a failed write is raised
    here at the next batch or at the end.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield _write_wrapped_keys
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="haven-keys-rotate") as pool:
        in_flight: list[Future[None]] = []

        def write(model: type[SealedRecord], updates: list[tuple[bytes, object]]) -> None:
            if in_flight:
                in_flight.pop().result()
            in_flight.append(pool.submit(_write_wrapped_keys, model, updates))

        try:
            yield write
            if in_flight:
                in_flight.pop().result()
        finally:
            # The lambda reads `connection` in the writer's thread: its own connection.
            pool.submit(lambda: connection.close()).result()


def _write_wrapped_keys(model: type[SealedRecord], updates: list[tuple[bytes, object]]) -> None:
    """Write a batch of re-wrapped keys in one transaction.

    PostgreSQL gets one `UPDATE … FROM unnest(…)` per batch, its two arrays sent as binary
    parameters (server-side binding): `executemany` would send an UPDATE a row, and
    Django's client-side binding would quote 5,000 keys into a megabyte of SQL text. Its
    commit does not wait for the disk: the rotation's ledger entry is committed
    synchronously before any key is retired, and that flushes every earlier commit.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            import psycopg

            pk_type = model._meta.pk.rel_db_type(connection)
            with psycopg.Cursor(connection.connection) as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                cursor.execute(
                    f"UPDATE {table} SET wrapped_key = v.wrapped "  # noqa: S608 - names from model metadata
                    f"FROM unnest(%s::bytea[], %s::{pk_type}[]) AS v(wrapped, pk) "
                    f"WHERE {table}.{pk} = v.pk",
                    [[wrapped for wrapped, _ in updates], [key for _, key in updates]],
                    binary=True,
                )
        else:
            with connection.cursor() as cursor:
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
