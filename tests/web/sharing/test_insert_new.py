"""`database.columns.insert_new`: the row it writes is the row `Model.save` writes."""

from __future__ import annotations

from django.db import connection

from haven.web.database.columns import insert_new
from haven.web.sharing.models import DecisionRequest


def _request(report, victim, officer) -> DecisionRequest:
    request = DecisionRequest(
        force=report.force, report=report, person=victim, requested_by=officer,
        action="pnc_check", recipient="none", purpose="investigation", policy="npcc-2018",
        policy_version="1", decision="allow", rules=["a-rule"], obligations=["notify_subject"],
        status="approved",
    )  # fmt: skip
    request.seal_text("case", '{"a": 1}')
    request.seal_text("rationale", "Because.")
    return request


def _columns(request: DecisionRequest) -> dict:
    row = DecisionRequest.objects.get(pk=request.pk)
    return {
        f.attname: bytes(v) if isinstance(v := getattr(row, f.attname), memoryview) else v
        for f in DecisionRequest._meta.concrete_fields
        if not f.primary_key
    }


def test_a_row_inserted_without_the_orm_reads_back_as_the_orm_saves_it(
    met, report, victim, officer
):
    written = _request(report, victim, officer)
    insert_new(written, connection)
    assert written.pk is not None and not written._state.adding
    saved = _request(report, victim, officer)
    saved.save()
    ours, django = _columns(written), _columns(saved)
    # What differs is what each row makes for itself: its key, seal and time.
    for own in ("seal_id", "wrapped_key", "case", "rationale", "requested_at"):
        assert ours.pop(own) != django.pop(own)
    assert ours == django
