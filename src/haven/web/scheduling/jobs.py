"""Haven's scheduled jobs, as django-tasks tasks: each does one job, then books its next run.

django-tasks (the backport of Django's tasks framework, with the django-tasks-db
database backend) runs tasks but does not repeat them, so each periodic job, after
running, enqueues its own next run at the next boundary of its interval
(`haven.web.scheduling.services.schedule_next`). `haven tasks run` books any job that
has no pending run, then starts the worker.

- `sign_checkpoint`: signs and publishes the ledger's tree head on a fixed schedule
  (hourly by default, `HAVEN_CHECKPOINT_INTERVAL`), never after each commit, so the
  public log does not tell anyone when a report was made;
- `shred_expired_records`: daily, destroys records whose retention has ended;
- `audit_ledger`: daily, checks the ledger against the database (`haven ledger audit`).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def sign_checkpoint() -> dict[str, Any]:
    from haven.web.ledger.services import checkpoint_sign
    from haven.web.scheduling.services import schedule_next

    try:
        return {"size": checkpoint_sign().size}
    finally:
        schedule_next("sign_checkpoint")  # a failed run must not end the schedule


@task()
def shred_expired_records() -> dict[str, Any]:
    from haven.web.reporting.services import retention_shred
    from haven.web.scheduling.services import schedule_next

    try:
        result = retention_shred()
        return {"dates": [d.isoformat() for d in result.dates], "reports": result.reports}
    finally:
        schedule_next("shred_expired_records")


@task()
def audit_ledger() -> dict[str, Any]:
    from haven.web.scheduling.services import ledger_audit_report, schedule_next

    try:
        return ledger_audit_report()
    finally:
        schedule_next("audit_ledger")
