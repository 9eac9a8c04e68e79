"""Sealing cost on one database: reports created and read with sealing and without, and
`haven keys rotate` over many data keys.

Run by `bench/privacy.py` once per database (it sets DATABASE_URL and HAVEN_DATA_DIR to a
fresh database and directory); prints one JSON object.

- Creation and reading go through the real services, as the site does them:
  `report_create` for creation; for reading, what a report page does, `report_content`
  (open the sealed fields) and `report_read` (the read event every view records). The
  cost of opening alone (`report_content` without the event) is measured too. The peer,
  in the same run and process, is the same code with sealing replaced by storing the
  plain UTF-8 bytes (no data key, no AES-GCM, no key wrap): the difference is what
  sealing costs. Runs alternate, best of `--repeat`.
- Rotation inserts ROWS sealed rows (each with its own wrapped data key) into the
  ledger table, then times `keys_rotate()`, which re-wraps every one of them.

Usage: python bench/privacy_database.py REPORTS ROWS REPEAT
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from contextlib import contextmanager

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.web.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.utils import timezone  # noqa: E402

from haven.privacy import Binding, new_record_key  # noqa: E402
from haven.web.accounts.models import Force, Role, User  # noqa: E402
from haven.web.accounts.services import membership_grant, user_create  # noqa: E402
from haven.web.key_rotation import kek_usage, keys_rotate  # noqa: E402
from haven.web.reporting.models import Report  # noqa: E402
from haven.web.reporting.selectors import report_content  # noqa: E402
from haven.web.reporting.services import (  # noqa: E402
    PersonInReport,
    report_create,
    report_read,
)
from haven.web.sealing import SealedRecord, site_keyring  # noqa: E402

ACCOUNT = (
    "I was held at the house and made to work without pay. The man who brought me "
    "here keeps my passport and says he will tell the police I am illegal. " * 4
)


@contextmanager
def without_sealing():
    """The peer: the same services, storing plain bytes instead of sealing them."""
    original = (SealedRecord.seal_text, SealedRecord.unseal_text)

    def plain_seal(self, field, text):  # type: ignore[no-untyped-def]
        setattr(self, field, text.encode("utf-8"))

    def plain_unseal(self, field):  # type: ignore[no-untyped-def]
        return bytes(getattr(self, field) or b"").decode("utf-8")

    SealedRecord.seal_text, SealedRecord.unseal_text = plain_seal, plain_unseal
    try:
        yield
    finally:
        SealedRecord.seal_text, SealedRecord.unseal_text = original


def create(force: Force, count: int) -> list[Report]:
    return [
        report_create(
            force=force,
            offence="modern_slavery",
            account=ACCOUNT,
            people=[
                PersonInReport(role="victim", label="the caller", name="A. Person"),
                PersonInReport(role="suspect", label="the man", name="B. Person"),
            ],
            contact="Text me after 6pm",
            channel="portal",
        )
        for _ in range(count)
    ]


def _loaded(reports: list[Report]) -> QuerySet[Report]:
    return Report.objects.filter(pk__in=[r.pk for r in reports]).prefetch_related("people")


def read(reports: list[Report], reader: User) -> None:
    """What a report page does with each report: open it and record the read."""
    for report in _loaded(reports):
        report_content(report=report)
        report_read(report=report, reader=reader, reader_role="officer")


def open_only(reports: list[Report]) -> None:
    """Opening alone: the sealed fields of each report, and no read event."""
    for report in _loaded(reports):
        report_content(report=report)


@contextmanager
def sealed_or_plain(sealing: bool):  # type: ignore[no-untyped-def]
    if sealing:
        yield
    else:
        with without_sealing():
            yield


def timed(run) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def one_run(force: Force, count: int, reader: User, *, sealing: bool) -> dict[str, float]:
    """Seconds to create `count` reports, read them as a page does, and open them."""
    made: list[Report] = []
    with sealed_or_plain(sealing):
        return {
            "create": timed(lambda: made.extend(create(force, count))),
            "read": timed(lambda: read(made, reader)),
            "open": timed(lambda: open_only(made)),
        }


def reports_bench(count: int, repeat: int) -> dict:
    force = Force.objects.get(code="metropolitan")
    reader = user_create(username="bench-officer", password=secrets.token_urlsafe(16))
    membership_grant(user=reader, force=force, role=Role.OFFICER)
    measures = ("create", "read", "open")
    best = {f"{name}_{measure}": 1e9 for name in ("sealed", "plain") for measure in measures}
    for _ in range(repeat):
        for name, sealing in (("sealed", True), ("plain", False)):
            seconds = one_run(force, count, reader, sealing=sealing)
            for measure in measures:
                key = f"{name}_{measure}"
                best[key] = min(best[key], seconds[measure])
    return {
        "reports": count,
        "per_second": {name: round(count / seconds) for name, seconds in best.items()},
        "overhead": {
            measure: round(best[f"sealed_{measure}"] / best[f"plain_{measure}"] - 1, 3)
            for measure in measures
        },
        "target_overhead": 0.25,
    }


def rotation_bench(rows: int) -> dict:
    """ROWS reports, each with its own sealed data key; then a rotation."""
    keyring = site_keyring()
    kek = keyring.current("personal", "open")
    force = Force.objects.get(code="metropolitan")
    table = Report._meta.db_table
    seal_id = Report._meta.get_field("seal_id")
    now = timezone.now()
    batch = 20_000
    started = time.perf_counter()
    for first in range(0, rows, batch):
        values = []
        for number in range(first, min(first + batch, rows)):
            row = Report()
            key = new_record_key(keyring, Binding(table, str(row.seal_id)), kek)
            values.append(
                (
                    f"HVN-B{number:09d}",
                    force.pk,
                    "other",
                    "report",
                    "portal",
                    "en",
                    key.seal("account", "an account"),
                    b"",
                    b"",
                    b"",
                    b"",
                    now,
                    seal_id.get_db_prep_value(row.seal_id, connection),
                    key.wrapped,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (reference, force_id, offence, stage, channel, language, "  # noqa: S608
                "account, contact, occurred, place, preferred_language, received_at, seal_id, "
                "wrapped_key) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                values,
            )
    insert_seconds = time.perf_counter() - started
    data_keys = sum(kek_usage().values())
    rotate_seconds = timed(keys_rotate)
    return {
        "data_keys": data_keys,
        "insert_seconds": round(insert_seconds, 1),
        "rotate_seconds": round(rotate_seconds, 1),
        "rewraps_per_second": round(data_keys / rotate_seconds),
        "target_rotate_seconds": 60,
    }


def main(count: int, rows: int, repeat: int) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    return {
        "database": connection.vendor,
        "reports": reports_bench(count, repeat),
        "rotation": rotation_bench(rows),
    }


if __name__ == "__main__":
    json.dump(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])), sys.stdout)
    sys.stdout.write("\n")
