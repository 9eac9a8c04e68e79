"""Writes of reports: the one place each change to a report happens, with its ledger event.

Every write seals the personal data it stores (`haven.web.sealing`) and records its
typed ledger event in the same transaction: a report arriving, a person added or
changed, a stage change, a read of the report's content, an entry in the sealed
compartment, and the end of a case, which starts its retention clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.ledger.kinds import (
    ReportPeopleChanged,
    ReportRead,
    ReportReceived,
    ReportStageChanged,
)
from haven.web.accounts.models import AdvocateOrganisation, Force, User
from haven.web.accounts.services import staff_pseudonym
from haven.web.ledger.services import ledger_pseudonym, ledger_record
from haven.web.reporting import selectors
from haven.web.reporting.models import (
    DEFAULT_RETENTION_DAYS,
    Channel,
    PersonRole,
    Relation,
    Report,
    ReportPerson,
    SealedNote,
    Stage,
    new_reference,
)

MAX_ACCOUNT_CHARACTERS = 20_000
MAX_LABEL_CHARACTERS = 120
MAX_NAME_CHARACTERS = 200
MAX_CONTACT_CHARACTERS = 1_000
MAX_OCCURRED_CHARACTERS = 200
MAX_PLACE_CHARACTERS = 500


@dataclass(frozen=True)
class PersonInReport:
    role: str
    label: str
    name: str = ""


def report_pseudonym(report: Report) -> str:
    return ledger_pseudonym(kind="report", value=report.reference)


def person_pseudonym(person: ReportPerson) -> str:
    return ledger_pseudonym(kind="person", value=str(person.seal_id))


def _check_text(field: str, value: str, limit: int, *, required: bool) -> None:
    if required and not value.strip():
        raise ValidationError({field: "This cannot be empty."})
    if len(value) > limit:
        raise ValidationError({field: f"This is longer than {limit:,} characters."})


def _person_row(report: Report, person: PersonInReport) -> ReportPerson:
    if person.role not in PersonRole.values:
        labels = ", ".join(str(label).lower() for label in PersonRole.labels)
        raise ValidationError({"role": f"Choose their part in the report: {labels}."})
    _check_text("label", person.label, MAX_LABEL_CHARACTERS, required=True)
    _check_text("name", person.name, MAX_NAME_CHARACTERS, required=False)
    row = ReportPerson(report=report, role=person.role)
    row.seal_text("label", person.label)
    row.seal_text("name", person.name)
    return row


@dataclass(frozen=True)
class NewReport:
    """A report and its people, checked and sealed, not saved yet (`report_prepare`)."""

    report: Report
    people: list[ReportPerson]
    reference_chosen: bool
    """The caller gave the reference (a generated one is drawn again if it is taken)."""


def report_create(**fields: Any) -> Report:
    """Record a report and the people in it. Raises `ValidationError`; nothing is saved then.

    The arguments are `report_prepare`'s; the report's people are in
    `report.people_created`, in the order given.
    """
    return report_insert(report_prepare(**fields))


def report_prepare(
    *,
    force: Force,
    offence: str,
    account: str,
    people: Sequence[PersonInReport],
    channel: Channel,
    contact: str = "",
    recorded_by: User | None = None,
    advocate_organisation: AdvocateOrganisation | None = None,
    language: str = "en",
    received_at: datetime | None = None,
    reference: str | None = None,
    occurred: str = "",
    place: str = "",
    preferred_language: str = "",
    interpreter_needed: bool | None = None,
) -> NewReport:
    """Check and seal a new report and its people, writing nothing; `report_insert` saves it.

    Kept apart so a caller can do this work before its transaction opens (on SQLite
    every write transaction runs alone). `occurred` (when it happened: a date, or
    roughly when), `place`, `contact` and `preferred_language` (the language to contact
    the reporter in) are sealed like the account; `interpreter_needed` is None when
    nobody asked.

    Raises:
        ValidationError: the report or a person is not valid.
    """
    if not people:
        raise ValidationError(
            {"people": "A report names at least one person: the victim or a witness."}
        )
    _check_text("account", account, MAX_ACCOUNT_CHARACTERS, required=True)
    if channel == Channel.ADVOCATE and advocate_organisation is None:
        raise ValidationError(
            {"advocate_organisation": "A report made by an advocate names their organisation."}
        )
    report = Report(
        force=force,
        offence=offence,
        channel=channel,
        recorded_by=recorded_by,
        advocate_organisation=advocate_organisation,
        language=language,
        received_at=received_at or timezone.now(),
        interpreter_needed=interpreter_needed,
    )
    if reference:
        report.reference = reference
    _check_text("contact", contact, MAX_CONTACT_CHARACTERS, required=False)
    _check_text("occurred", occurred, MAX_OCCURRED_CHARACTERS, required=False)
    _check_text("place", place, MAX_PLACE_CHARACTERS, required=False)
    _check_text("preferred_language", preferred_language, MAX_LABEL_CHARACTERS, required=False)
    report.seal_text("account", account)
    report.seal_text("contact", contact)
    report.seal_text("occurred", occurred)
    report.seal_text("place", place)
    report.seal_text("preferred_language", preferred_language)
    # Field checks (choices, lengths) run here, in Python. What the database enforces
    # itself is not asked of it first (each such check was a query, a third of a
    # submission's cost): the foreign keys are rows the caller holds, the check
    # constraints mirror the fields' choices (and the advocate rule is checked above),
    # and the unique seal_id and a generated reference are random (a colliding
    # reference is drawn again on insert). A reference the caller chose is still
    # checked, so a duplicate gets a clear message.
    report.full_clean(
        exclude=_FOREIGN_KEYS, validate_unique=bool(reference), validate_constraints=False
    )
    rows = [_person_row(report, person) for person in people]
    for row in rows:
        row.full_clean(exclude=["report"], validate_unique=False, validate_constraints=False)
    return NewReport(report=report, people=rows, reference_chosen=bool(reference))


@transaction.atomic(savepoint=False)
def report_insert(new: NewReport) -> Report:
    """Save a prepared report and its people, and record its arrival in the ledger.

    Inside a caller's transaction it opens no savepoint of its own (a round trip each
    way): if it raises, the caller's whole transaction rolls back, never just this part.
    """
    report, rows = new.report, new.people
    _insert_report(report, reference_chosen=new.reference_chosen)
    for row in rows:
        row.report = report  # the report has its id now
    ReportPerson.objects.bulk_create(rows)
    report.people_created = rows
    ledger_record(
        ReportReceived(
            report=report_pseudonym(report),
            force=report.force.code,
            offence=report.offence,
            channel=report.channel,
            people=tuple({"person": person_pseudonym(row), "role": row.role} for row in rows),
        ),
        at=report.received_at,
    )
    return report


_FOREIGN_KEYS = ["force", "recorded_by", "advocate_organisation"]
_REFERENCE_DRAWS = 3


def _insert_report(report: Report, *, reference_chosen: bool) -> None:
    """Save a new report; a generated reference that is taken already is drawn again."""
    for draw in range(_REFERENCE_DRAWS):
        try:
            with transaction.atomic():
                report.save(force_insert=True)
            return
        except IntegrityError:
            taken = Report.objects.filter(reference=report.reference).exists()
            if reference_chosen or not taken or draw == _REFERENCE_DRAWS - 1:
                raise
            report.reference = new_reference()


@transaction.atomic
def report_person_add(
    *,
    report: Report,
    person: PersonInReport,
    by: User,
    relation: str = "",
    related_to: ReportPerson | None = None,
) -> ReportPerson:
    """Add a person to a report, optionally saying how they stand to another of its people.

    Raises:
        ValidationError: the person or the relation is not valid, or the report was
            destroyed (nothing is saved).
    """
    _refuse_destroyed(report)
    row = _person_row(report, person)
    _set_relation(row, relation, related_to)
    row.full_clean()
    row.save()
    _record_person_change(report, row, "added", by)
    return row


@transaction.atomic
def report_person_update(
    *,
    person: ReportPerson,
    label: str,
    name: str,
    role: str,
    by: User,
    relation: str | None = None,
    related_to: ReportPerson | None = None,
) -> ReportPerson:
    """Change a person's label, name and role, and (unless `relation` is None) their relation."""
    _refuse_destroyed(person.report)
    updated = _person_row(person.report, PersonInReport(role=role, label=label, name=name))
    if relation is not None:
        _set_relation(person, relation, related_to)
    person.role = updated.role
    person.seal_text("label", label)
    person.seal_text("name", name)
    person.full_clean()
    person.save(update_fields=["role", "label", "name", "relation", "related_to"])
    _record_person_change(person.report, person, "updated", by)
    return person


@transaction.atomic
def report_person_remove(*, person: ReportPerson, by: User) -> None:
    """Remove a person from a report.

    Raises:
        ValidationError: the report was destroyed, or a check or disclosure about the
            person is on record (removing them would delete its record with them).
    """
    _refuse_destroyed(person.report)
    refuse = person_removal_refused(person)
    if refuse:
        raise ValidationError(refuse)
    # A relation to the person removed goes with them ("partner of" nobody means nothing).
    ReportPerson.objects.filter(related_to=person).update(relation="", related_to=None)
    _record_person_change(person.report, person, "removed", by)
    person.delete()


def person_removal_refused(person: ReportPerson) -> str:
    """Why `person` cannot be removed, or "" if they can: a decided request about them
    (which goes with the person) must stay on record."""
    if person.requests.exists():
        return (
            "This person cannot be removed: a check or disclosure about them is on record. "
            "Change their details instead."
        )
    return ""


def _set_relation(row: ReportPerson, relation: str, related_to: ReportPerson | None) -> None:
    """Both a relation and the person it is to, or neither; the other person must be
    someone else in the same report."""
    if not relation and related_to is None:
        row.relation, row.related_to = "", None
        return
    if relation not in Relation.values:
        raise ValidationError({"relation": "Choose how they are related."})
    if related_to is None:
        raise ValidationError({"related_to": "Choose the person they are related to."})
    if related_to.report_id != row.report_id or (row.pk is not None and related_to.pk == row.pk):
        raise ValidationError({"related_to": "Choose someone else in this report."})
    row.relation, row.related_to = relation, related_to


def _record_person_change(report: Report, person: ReportPerson, change: str, by: User) -> None:
    ledger_record(
        ReportPeopleChanged(
            report=report_pseudonym(report),
            person=person_pseudonym(person),
            change=change,
            role=person.role,
            by=staff_pseudonym(by),
        )
    )


@transaction.atomic
def report_stage_change(*, report: Report, stage: Stage, by: User | None = None) -> Report:
    """Move a report to `stage`. Concluding starts the retention clock; reopening stops it.

    Raises:
        ValidationError: an unknown stage, or a report already destroyed.
    """
    _refuse_destroyed(report)
    previous = report.stage
    report.stage = stage
    report.full_clean()
    if stage == Stage.CONCLUDED and previous != Stage.CONCLUDED:
        _start_retention(report, timezone.localdate())
    elif stage != Stage.CONCLUDED and previous == Stage.CONCLUDED:
        _start_retention(report, None)
    report.save(update_fields=["stage", "concluded_on", "shred_on", "wrapped_key"])
    if stage == Stage.CONCLUDED and previous != Stage.CONCLUDED:
        from haven.web.sharing.services import deferred_requests_release

        deferred_requests_release(report=report)
    if previous != stage:
        ledger_record(
            ReportStageChanged(
                report=report_pseudonym(report),
                stage_from=previous,
                stage_to=str(stage),
                by=staff_pseudonym(by) if by is not None else "system",
            )
        )
    return report


def retention_days(force: Force) -> int:
    schedule = getattr(force, "retention", None)
    return schedule.days if schedule is not None else DEFAULT_RETENTION_DAYS


def _start_retention(report: Report, concluded_on: date | None) -> None:
    """Set (or clear) the shred date and move every row of the report under its keys."""
    report.concluded_on = concluded_on
    report.shred_on = (
        None
        if concluded_on is None
        else concluded_on + timedelta(days=retention_days(report.force))
    )
    report.move_to_scope(report.shred_on)  # its people share the report's key
    for row in report.sealed_notes.all():
        row.move_to_scope(report.shred_on)
        row.save(update_fields=["wrapped_key"])
    # The gateway's requests hold the person's status concern in their sealed case: they
    # are destroyed with the report. (Imported here: sharing builds on reporting.)
    from haven.web.sharing.services import request_keys_follow_report

    request_keys_follow_report(report=report)


@transaction.atomic
def report_read(*, report: Report, reader: User, reader_role: str | None = None) -> None:
    """Record that `reader` opened the report's content (one event per view), in the part
    they read it in: by default their role in its force (`selectors.reader_role`)."""
    if reader_role is None:
        reader_role = selectors.reader_role(user=reader, report=report)
    ledger_record(
        ReportRead(
            report=report_pseudonym(report),
            reader=staff_pseudonym(reader),
            reader_role=reader_role,
        )
    )


@transaction.atomic
def sealed_note_record(
    *,
    report: Report,
    recorded_by: User,
    status_concern: str,
    status_source: str,
    note: str = "",
    person: ReportPerson | None = None,
) -> SealedNote:
    """Write what an officer learnt about someone's immigration position to the sealed
    compartment. Nothing in the site can read it back except the gateway."""
    from haven.policy.space import ATTRIBUTE_BY_NAME, impossible_combination

    _refuse_destroyed(report)
    concerns = ATTRIBUTE_BY_NAME["status_concern"].values
    sources = ATTRIBUTE_BY_NAME["status_source"].values
    if status_concern not in concerns or status_source not in sources:
        raise ValidationError({"status_concern": "Choose a concern and who raised it."})
    impossible = impossible_combination(
        {"status_concern": status_concern, "status_source": status_source}
    )
    if impossible is not None:
        raise ValidationError({"status_source": impossible.why})
    _check_text("note", note, MAX_ACCOUNT_CHARACTERS, required=False)
    row = SealedNote(report=report, person=person, recorded_by=recorded_by)
    row.seal_text("status_concern", status_concern)
    row.seal_text("status_source", status_source)
    row.seal_text("note", note)
    if report.shred_on is not None:
        row.move_to_scope(report.shred_on)
    row.save()
    return row


def _refuse_destroyed(report: Report) -> None:
    if report.destroyed:
        raise ValidationError(
            f"Report {report.reference} was destroyed under the retention schedule on "
            f"{report.destroyed_on:%d %B %Y}; it cannot change."
        )


@dataclass(frozen=True)
class ShredResult:
    dates: tuple[date, ...]
    reports: int


def retention_shred(*, today: date | None = None) -> ShredResult:
    """Destroy every record whose retention has ended (run daily by the task worker).

    For each shred date up to `today`, that day's key-encryption keys are destroyed
    first, in both compartments and every version: from then on those records are
    unreadable everywhere, backups included. Then, in one transaction, each such report
    is marked destroyed, its ciphertext is blanked and its destruction is ledgered.
    Running it again changes nothing; a run interrupted between the two steps is
    finished by the next.
    """
    from haven.ledger.kinds import RecordsDestroyed
    from haven.web.sealing import site_keyring

    today = today or timezone.localdate()
    keyring = site_keyring()
    due = sorted(
        set(
            Report.objects.filter(destroyed_on__isnull=True, shred_on__lte=today).values_list(
                "shred_on", flat=True
            )
        )
    )
    for kek_id in keyring.key_ids():
        shred_date = kek_id.shred_date
        if shred_date is not None and shred_date <= today:
            keyring.destroy(kek_id, on=today)
    count = 0
    for shred_date in due:
        with transaction.atomic():
            reports = list(
                Report.objects.select_for_update().filter(
                    destroyed_on__isnull=True, shred_on=shred_date
                )
            )
            for report in reports:
                ReportPerson.objects.filter(report=report).update(
                    label=b"", name=b"", wrapped_key=b""
                )
                SealedNote.objects.filter(report=report).update(
                    status_concern=b"", status_source=b"", note=b"", wrapped_key=b""
                )
                blanked = ["account", "contact", "occurred", "place", "preferred_language"]
                for field in blanked:
                    setattr(report, field, b"")
                report.wrapped_key = b""
                report.destroyed_on = today
                report.save(update_fields=[*blanked, "wrapped_key", "destroyed_on"])
                ledger_record(
                    RecordsDestroyed(
                        report=report_pseudonym(report), shred_date=shred_date.isoformat()
                    )
                )
            count += len(reports)
    return ShredResult(dates=tuple(due), reports=count)
