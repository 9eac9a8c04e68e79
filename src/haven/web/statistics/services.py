"""Publishing a quarter's statistics for every force: `statistics_release`."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from haven.ledger.kinds import StatisticsRelease
from haven.privacy.statistics import (
    Quarter,
    StatisticsError,
    YearBudget,
    epsilon_parse,
    release_counts,
)
from haven.web.accounts.models import Force
from haven.web.isolation.scope import site_scope
from haven.web.ledger.services import ledger_batch, ledger_record
from haven.web.statistics import categories
from haven.web.statistics.models import Release
from haven.web.statistics.selectors import (
    CONTRIBUTION_BOUND,
    budget_for,
    release_contributions,
    yearly_epsilon,
)


def _decimal_text(value: Decimal | float) -> str:
    """A number as plain decimal text for the ledger (which refuses floats)."""
    return format(Decimal(repr(value) if isinstance(value, float) else value).normalize(), "f")


def statistics_release(quarter: str, epsilon: Decimal | str | None = None) -> list[Release]:
    """Release `quarter`'s noisy counts for every force, each spending `epsilon` (by
    default a quarter of the yearly budget) of its force's budget for that year.

    All or nothing: the counts are read across every force (a site-wide job), each
    release is stored with its `statistics_release` ledger event, in one transaction.

    Raises:
        StatisticsError (and its BudgetExceededError): a bad quarter or ε, a quarter that
            has not ended or was already released, or a force whose year's budget the
            release would exceed. Nothing is changed.
    """
    period = Quarter.parse(quarter)
    if period.end > timezone.localdate():
        raise StatisticsError(f"{period} has not ended yet: release it once it has")
    spend = (
        YearBudget(year=period.year, total=yearly_epsilon()).quarter_share
        if epsilon is None
        else epsilon_parse(epsilon)
    )
    if spend.normalize().as_tuple().exponent < -4 or spend >= 10_000:  # type: ignore[operator]
        raise StatisticsError(f"ε is given to at most four decimal places, not {epsilon}")
    with transaction.atomic(), site_scope(), ledger_batch():
        if Release.objects.filter(quarter=str(period)).exists():
            raise StatisticsError(f"{period} has already been released; a quarter is released once")
        forces = list(Force.objects.order_by("code"))
        # Every force's budget is checked before any noise is drawn.
        for force in forces:
            try:
                budget_for(force=force, year=period.year).charge(spend)
            except StatisticsError as error:
                raise type(error)(f"{force.name}: {error}") from None
        released = []
        for force in forces:
            outcome = release_counts(
                release_contributions(force=force, quarter=period),
                keys=categories.KEYS,
                epsilon=spend,
                bound=CONTRIBUTION_BOUND,
            )
            release = Release.objects.create(
                force=force,
                quarter=str(period),
                year=period.year,
                epsilon=spend,
                mechanism=outcome.mechanism,
                scale=outcome.scale,
                contribution_bound=outcome.bound,
                interval=outcome.interval,
                key_set=outcome.key_set,
                counts=[[count.key, count.noisy] for count in outcome.counts],
            )
            ledger_record(
                StatisticsRelease(
                    force=force.code,
                    quarter=str(period),
                    mechanism=outcome.mechanism,
                    scale=_decimal_text(outcome.scale),
                    epsilon=_decimal_text(spend),
                    key_set=outcome.key_set,
                )
            )
            released.append(release)
    return released


DEMO_QUARTER = "2026Q3"
"""The quarter of most of `haven demo`'s reports."""


def statistics_demo_release() -> list[Release]:
    """For `haven demo` (to be wired in by demo.py): release the demo reports' quarter once, so the statistics pages
    show something; nothing when it was released already or has not ended yet."""
    if Release.objects.filter(quarter=DEMO_QUARTER).exists():
        return []
    try:
        return statistics_release(DEMO_QUARTER)
    except StatisticsError:
        return []
