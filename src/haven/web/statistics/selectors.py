"""Reading for statistics: the records a release counts, and what has been published."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.functional import Promise

from haven.privacy.statistics import Contribution, Quarter, YearBudget
from haven.web.accounts.models import Force
from haven.web.reporting.models import PersonRole, Report, ReportPerson
from haven.web.sharing.models import DecisionRequest
from haven.web.statistics import categories
from haven.web.statistics.models import Release

DEFAULT_YEARLY_EPSILON = "1"
"""ε a force may spend in a calendar year unless `HAVEN_STATISTICS_YEARLY_EPSILON` says."""

CONTRIBUTION_BOUND = 7
"""Records kept per person within one report, per quarter, in this order: their report's
offence category, then decision requests about them (action, recipient, decision each),
then subject access answers; later ones are not counted (so two requests fill it)."""

_VICTIMS = (PersonRole.VICTIM, PersonRole.VICTIM_AND_SUSPECT)


def yearly_epsilon() -> Decimal:
    return Decimal(
        str(getattr(settings, "HAVEN_STATISTICS_YEARLY_EPSILON", DEFAULT_YEARLY_EPSILON))
    )


def budget_for(*, force: Force, year: int) -> YearBudget:
    """The force's budget for `year`: the total, and the ε its releases have spent."""
    spent = Release.objects.filter(force=force, year=year).aggregate(total=Sum("epsilon"))["total"]
    return YearBudget(year=year, total=yearly_epsilon(), spent=spent or Decimal(0))


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def release_contributions(*, force: Force, quarter: Quarter) -> list[Contribution]:
    """Every record one force's release for `quarter` counts, each with its privacy unit
    (one person within one report), in the order the contribution bound keeps them.

    - each report received in the quarter: its offence category, counted for the report's
      first victim (or first person; a report with no one is a unit of its own);
    - each decision request made in the quarter: its action, recipient and decision,
      counted for the person it is about;
    - each subject access request answered in the quarter: answered in full, or with the
      immigration exemption applied, counted for the person who asked.
    """
    start, end = _moment(quarter.start), _moment(quarter.end)
    records: list[Contribution] = []
    reports = list(
        Report.objects.filter(force=force, received_at__gte=start, received_at__lt=end)
        .order_by("received_at", "pk")
        .values_list("pk", "offence")
    )
    first_person = _first_people([pk for pk, _ in reports])
    for pk, offence in reports:
        unit = ("person", first_person[pk]) if pk in first_person else ("report", pk)
        records.append(Contribution(unit, categories.key_for("offence", offence)))
    requests = (
        DecisionRequest.objects.filter(force=force, requested_at__gte=start, requested_at__lt=end)
        .order_by("requested_at", "pk")
        .values_list("person_id", "action", "recipient", "decision")
    )
    for person_id, action, recipient, decision in requests:
        unit = ("person", person_id)
        records.append(Contribution(unit, categories.key_for("action", action)))
        records.append(Contribution(unit, categories.key_for("recipient", recipient)))
        records.append(Contribution(unit, categories.key_for("decision", decision)))
    records.extend(_subject_access_records(force=force, start=start, end=end))
    return records


def _first_people(report_ids: list[int]) -> dict[int, int]:
    """Each report's first victim, or its first person when it names no victim."""
    chosen: dict[int, tuple[bool, int]] = {}
    people = ReportPerson.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "pk", "role"
    )
    for report_id, pk, role in people:
        rank = (role not in _VICTIMS, pk)
        if report_id not in chosen or rank < chosen[report_id]:
            chosen[report_id] = rank
    return {report_id: rank[1] for report_id, rank in chosen.items()}


def _subject_access_records(
    *, force: Force, start: datetime, end: datetime
) -> Iterator[Contribution]:
    """Each subject access request of `force` answered in [start, end), with or without
    the immigration exemption, counted for the person who asked.

    The same requests as `haven.web.subjectaccess.selectors.subject_access_answers` (a
    test keeps them equal), read here with the person's id as well: that selector gives
    only the exemption, and without the person no contribution bound could hold.
    """
    if not apps.is_installed("haven.web.subjectaccess"):
        return
    from haven.web.subjectaccess.models import Status, SubjectAccessRequest

    rows = list(
        SubjectAccessRequest.objects.filter(
            report__force=force,
            status=Status.ANSWERED,
            answered_at__gte=start,
            answered_at__lt=end,
        )
        .order_by("answered_at", "id")
        .values_list("report_id", "person_id", "exemption_applied")
    )
    first_person = _first_people(
        sorted({report_id for report_id, person_id, _ in rows if person_id is None})
    )
    for report_id, person_id, exempt in rows:
        if person_id is None:  # the person was removed from the report since
            person_id = first_person.get(report_id)
        unit = ("person", person_id) if person_id is not None else ("report", report_id)
        value = categories.SUBJECT_ACCESS_EXEMPT if exempt else categories.SUBJECT_ACCESS_ANSWERED
        yield Contribution(unit, categories.key_for("subject_access", value))


# --- what has been published -------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One published count, as a page or download shows it."""

    key: str
    dimension: str
    category: Promise
    noisy: int
    count: int
    low: int
    high: int


@dataclass(frozen=True)
class Histogram:
    dimension: categories.Dimension
    cells: tuple[Cell, ...]


def release_cells(release: Release) -> list[Cell]:
    """Each published count with its 95 % noise interval, cut at zero after noise.

    A count drawn far below zero would give a range of "0 to 0", which reads as certainty;
    the range shown is never narrower than 0 to the interval's half-width. Widening a
    range keeps at least its 95 % coverage."""
    cells = []
    for key, noisy in release.counts:
        dimension, _value = categories.key_split(key)
        count = max(0, int(noisy))
        cells.append(
            Cell(
                key=key,
                dimension=dimension.code,
                category=categories.key_label(key),
                noisy=int(noisy),
                count=count,
                low=max(0, int(noisy) - release.interval),
                high=max(release.interval, int(noisy) + release.interval),
            )
        )
    return cells


def release_histograms(release: Release) -> list[Histogram]:
    cells = release_cells(release)
    return [
        Histogram(dimension, tuple(cell for cell in cells if cell.dimension == dimension.code))
        for dimension in categories.DIMENSIONS
    ]


@dataclass(frozen=True)
class ForceCell:
    """One category's published count for one force (the quarter page's comparison)."""

    force_name: str
    force_code: str
    count: int
    low: int
    high: int


NATIONAL_KEY = "recipient:immigration_enforcement"
"""The category the quarter page compares across forces: requests to share information
with Immigration Enforcement."""


def forces_cells(releases: list[Release], *, key: str = NATIONAL_KEY) -> list[ForceCell]:
    """`key`'s published count in each release, in the releases' order."""
    cells = []
    for release in releases:
        cell = next(cell for cell in release_cells(release) if cell.key == key)
        cells.append(
            ForceCell(release.force.name, release.force.code, cell.count, cell.low, cell.high)
        )
    return cells


def released_quarters() -> list[dict]:
    """Each quarter with a release, newest first, with how many forces it covers."""
    return [
        {"quarter": row["quarter"], "forces": row["forces"]}
        for row in Release.objects.order_by("-quarter")
        .values("quarter")
        .annotate(forces=Count("pk"))
    ]


def quarter_releases(*, quarter: str) -> list[Release]:
    return list(
        Release.objects.filter(quarter=quarter).select_related("force").order_by("force__name")
    )


def force_release(*, quarter: str, force_code: str) -> Release:
    """Raises Release.DoesNotExist."""
    return Release.objects.select_related("force").get(quarter=quarter, force__code=force_code)
