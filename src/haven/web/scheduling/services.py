"""Booking the periodic jobs (`jobs.py`): the one place their schedule is decided."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    interval: timedelta


def periodic_jobs() -> tuple[Periodic, ...]:
    return (
        Periodic("sign_checkpoint", timedelta(seconds=settings.HAVEN_CHECKPOINT_INTERVAL)),
        Periodic("shred_expired_records", timedelta(days=1)),
        Periodic("audit_ledger", timedelta(days=1)),
    )


def _job(name: str) -> Any:
    from haven.web.scheduling import jobs

    return getattr(jobs, name)


def next_boundary(interval: timedelta, now: datetime) -> datetime:
    """The next multiple of `interval` since the Unix epoch, strictly after `now`.

    Aligned boundaries (every hour on the hour) keep signing times independent of when
    anything else happened.
    """
    seconds = int(interval.total_seconds())
    stamp = int(now.timestamp())
    return datetime.fromtimestamp((stamp // seconds + 1) * seconds, tz=now.tzinfo)


def booked(name: str, *, statuses: tuple[str, ...] = ("READY",)) -> bool:
    """Whether a run of job `name` with one of `statuses` exists."""
    from django_tasks_db.models import DBTaskResult

    path = _job(name).module_path
    return DBTaskResult.objects.filter(task_path=path, status__in=statuses).exists()


def schedule_next(name: str, *, now: datetime | None = None) -> None:
    """Book the next run of a periodic job, unless a run is already waiting."""
    job = next(job for job in periodic_jobs() if job.name == name)
    if booked(name):
        return
    _job(name).using(run_after=next_boundary(job.interval, now or timezone.now())).enqueue()


def schedule_all(*, now: datetime | None = None) -> list[str]:
    """Book every periodic job that has nothing booked; return the names booked."""
    names = []
    for job in periodic_jobs():
        # A running job books its own successor when it finishes.
        if not booked(job.name, statuses=("READY", "RUNNING")):
            schedule_next(job.name, now=now)
            names.append(job.name)
    return names


def ledger_audit_report() -> dict[str, Any]:
    """Run the ledger audit and log its outcome (the audit itself lives with the ledger)."""
    from haven.web.ledger import audit

    result = audit.ledger_audit()
    if not result.ok:
        logger.error("ledger audit failed: %s", result.problem)
    return {"ok": result.ok, "problem": result.problem}
