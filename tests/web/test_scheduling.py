"""Scheduled jobs: checkpoints on a fixed interval, daily retention and audit, self-booking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from haven.cli import main
from haven.ledger.kinds import SignedIn
from haven.web.ledger.models import LedgerCheckpoint
from haven.web.ledger.services import ledger_record
from haven.web.scheduling.services import next_boundary, periodic_jobs, schedule_all


@pytest.mark.parametrize(
    ("interval", "now", "expected"),
    [
        (timedelta(hours=1), datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC), "10:00:00"),
        (timedelta(hours=1), datetime(2026, 11, 28, 9, 59, 59, tzinfo=UTC), "10:00:00"),
        (timedelta(minutes=15), datetime(2026, 11, 28, 9, 16, tzinfo=UTC), "09:30:00"),
    ],
)
def test_runs_fall_on_fixed_boundaries_whatever_happened_before(interval, now, expected):
    assert next_boundary(interval, now).strftime("%H:%M:%S") == expected


def test_every_periodic_job_is_booked_once(db):
    assert {job.name for job in periodic_jobs()} == {
        "sign_checkpoint",
        "shred_expired_records",
        "audit_ledger",
    }
    assert sorted(schedule_all()) == ["audit_ledger", "shred_expired_records", "sign_checkpoint"]
    assert schedule_all() == []
    assert DBTaskResult.objects.filter(status="READY").count() == 3
    checkpoint = DBTaskResult.objects.get(task_path__endswith="sign_checkpoint")
    assert checkpoint.run_after.minute == 0 and checkpoint.run_after.second == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_signs_the_checkpoint_when_due_and_books_the_next(capsys):
    with transaction.atomic():
        ledger_record(SignedIn(user="staff_1"))
    schedule_all(now=datetime.now(UTC) - timedelta(days=2))  # every job is due
    assert not LedgerCheckpoint.objects.exists()
    assert main(["tasks", "run", "--once"]) == 0
    assert LedgerCheckpoint.objects.get().size == 1
    done = DBTaskResult.objects.filter(status="SUCCESSFUL")
    assert done.count() == 3
    ready = DBTaskResult.objects.filter(status="READY")
    assert ready.count() == 3  # each job booked its successor, in the future
    assert all(result.run_after > datetime.now(UTC) for result in ready)
