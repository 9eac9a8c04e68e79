"""`request_subject`: the API's one written-out read of a person, their report, its force
and the sealed note to decide on, against what the ORM reads."""

from __future__ import annotations

import pytest

from haven.web.accounts.models import Force
from haven.web.database.columns import ModelColumns
from haven.web.reporting.models import Report, ReportPerson, SealedNote
from haven.web.reporting.services import sealed_note_record
from haven.web.sharing.models import DecisionRequest
from haven.web.sharing.selectors import request_subject
from haven.web.sharing.services import OfficerAnswers, decision_request_create, latest_sealed_note


def _subject(report: Report, person: ReportPerson, force_ids: list[int] | None = None):
    return request_subject(
        reference=report.reference,
        person_id=person.pk,
        force_ids=[report.force_id] if force_ids is None else force_ids,
    )


def test_it_picks_the_note_the_gateway_picks_at_every_step(met, report, victim, officer):
    suspect = report.people.get(role="suspect")

    def note(person, concern: str) -> None:
        sealed_note_record(
            report=report, person=person, recorded_by=officer,
            status_concern=concern, status_source="officer", note="",
        )  # fmt: skip

    def agree() -> None:
        for person in (victim, suspect):
            expected = latest_sealed_note(report=report, person=person)
            found = _subject(report, person).latest_note
            assert (found and found.pk) == (expected and expected.pk)

    agree()  # no note at all: None for both
    note(None, "suspected")
    agree()  # the report's note, for both
    note(victim, "doubt")
    note(None, "confirmed")  # newer, but about the report as a whole
    agree()  # hers for her, the newest report-wide one for him
    assert _subject(report, victim).latest_note.person_id == victim.pk
    assert _subject(report, suspect).latest_note.person_id is None
    note(suspect, "suspected")
    agree()


def test_what_it_builds_is_what_the_orm_builds(met, report, victim, officer):
    sealed_note_record(
        report=report, person=victim, recorded_by=officer,
        status_concern="doubt", status_source="suspect", note="Told by her husband.",
    )  # fmt: skip
    found = _subject(report, victim)
    orm_person = ReportPerson.objects.select_related("report__force").get(pk=victim.pk)
    orm_note = SealedNote.objects.get(person=victim)
    for built, expected in (
        (found.person, orm_person),
        (found.person.report, orm_person.report),
        (found.person.report.force, orm_person.report.force),
        (found.latest_note, orm_note),
    ):
        selected = [f.attname for f in ModelColumns(type(expected), "x").fields]
        for name in selected:
            if name in built.get_deferred_fields():
                continue
            assert getattr(built, name) == getattr(expected, name), name
            assert type(getattr(built, name)) is type(getattr(expected, name)), name
    # Columns left out are loaded when read, as the ORM's `defer` does.
    report_built = found.person.report
    assert "account" in report_built.get_deferred_fields()
    assert bytes(report_built.account) == bytes(orm_person.report.account)
    assert isinstance(found.person.report.force, Force)


@pytest.mark.parametrize("case", ["other force", "no force", "other report", "no report"])
def test_it_finds_nothing_outside_the_callers_forces_or_the_report(
    case, met, kent, report, kent_report, victim
):
    kent_person = kent_report.people.first()
    subject = {
        "other force": lambda: _subject(report, victim, [kent.pk]),
        "no force": lambda: _subject(report, victim, []),
        "other report": lambda: request_subject(
            reference=report.reference, person_id=kent_person.pk, force_ids=[met.pk, kent.pk]
        ),
        "no report": lambda: request_subject(
            reference="HVN-0000-0000", person_id=victim.pk, force_ids=[met.pk]
        ),
    }[case]()
    assert subject is None


def test_a_column_that_is_not_the_models_cannot_be_left_out():
    with pytest.raises(ValueError, match="Report has no column acount"):
        ModelColumns(Report, "report", defer=("acount",))


def test_the_service_refuses_a_note_about_someone_else(met, report, victim, officer):
    suspect = report.people.get(role="suspect")
    about_him = sealed_note_record(
        report=report, person=suspect, recorded_by=officer,
        status_concern="doubt", status_source="officer", note="",
    )  # fmt: skip
    with pytest.raises(ValueError, match="another report or person"):
        decision_request_create(
            report=report, person=victim, action="pnc_check",
            answers=OfficerAnswers(purpose="investigation"), by=officer, latest_note=about_him,
        )  # fmt: skip
    assert not DecisionRequest.objects.exists()
