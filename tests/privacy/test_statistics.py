"""Differentially private counts (haven.privacy.statistics): the DP tests of issue 12.

Noise cannot be seeded, so accuracy is checked statistically, with the tolerance stated
beside each check, and never against exact numbers.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.privacy.statistics import (
    MECHANISM,
    BudgetExceededError,
    Contribution,
    Quarter,
    StatisticsError,
    YearBudget,
    counts_measurement,
    exact_histogram,
    key_set_hash,
    noise_interval,
    noise_scale,
    release_counts,
)

KEYS = ("action:disclose", "action:pnc_check", "decision:allow", "decision:deny", "offence:other")

units = st.integers(min_value=0, max_value=12)
any_key = st.sampled_from([*KEYS, "not:in-the-key-set"])
contributions = st.lists(st.builds(Contribution, unit=units, key=any_key), max_size=60)
epsilons = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("8"), places=4)
bounds = st.integers(min_value=1, max_value=12)


# --- the privacy map ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(epsilon=epsilons, bound=bounds)
def test_the_privacy_map_of_each_release_equals_the_epsilon_charged(epsilon, bound):
    measurement = counts_measurement(keys=KEYS, bound=bound, epsilon=epsilon)
    spent = measurement.map(bound)
    # Equal, up to the scale's six significant digits (rounded up: never more than ε).
    assert math.isclose(spent, float(epsilon), rel_tol=1e-5)
    assert spent <= float(epsilon) * (1 + 1e-12)
    # One more record per unit than the bound would cost more than was charged.
    assert measurement.map(bound + 1) > float(epsilon)


def test_a_release_states_the_loss_the_map_gives_and_its_mechanism():
    release = release_counts([], keys=KEYS, epsilon=Decimal("0.25"), bound=7)
    assert math.isclose(release.privacy_loss, 0.25, rel_tol=1e-12)
    assert release.mechanism == MECHANISM == "discrete_laplace"
    assert release.scale == 28.0  # bound / ε
    assert noise_scale(bound=7, epsilon=Decimal("0.9")) == 7.77778  # rounded up
    assert release.key_set == key_set_hash(KEYS)
    assert len(release.key_set) == 64


@settings(max_examples=60, deadline=None)
@given(epsilon=epsilons, bound=bounds)
def test_a_scale_has_at_most_six_significant_digits_and_is_never_below_bound_over_epsilon(
    epsilon, bound
):
    scale = noise_scale(bound=bound, epsilon=epsilon)
    assert Decimal(repr(scale)) >= Decimal(bound) / epsilon
    assert len(Decimal(repr(scale)).normalize().as_tuple().digits) <= 6


# --- the yearly budget -------------------------------------------------------------------


def test_the_budget_refuses_the_fifth_quarterly_release_of_a_year():
    budget = YearBudget(year=2026, total=Decimal("1"))
    share = budget.quarter_share
    assert share == Decimal("0.25")
    for _ in range(4):
        budget = budget.charge(share)
    assert budget.spent == budget.total
    with pytest.raises(BudgetExceededError, match="would exceed the 2026 privacy budget"):
        budget.charge(share)
    assert budget.spent == Decimal("1")  # the refusal spent nothing


@pytest.mark.parametrize("total", ["0.1", "0.3", "1", "2.5"])
def test_four_quarter_shares_fill_the_year_exactly(total):
    budget = YearBudget(year=2025, total=Decimal(total))
    for _ in range(4):
        budget = budget.charge(budget.quarter_share)
    assert budget.remaining == 0
    with pytest.raises(BudgetExceededError):
        budget.charge(Decimal("0.0001"))


def test_a_larger_release_can_use_the_rest_of_the_year_but_not_more():
    budget = YearBudget(year=2025, total=Decimal("1")).charge(Decimal("0.25"))
    with pytest.raises(BudgetExceededError, match="0.75 left"):
        budget.charge(Decimal("0.8"))
    assert budget.charge(Decimal("0.75")).remaining == 0


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "inf", "abc", ""])
def test_epsilon_must_be_a_positive_number(bad):
    with pytest.raises(StatisticsError, match="positive number"):
        YearBudget(year=2026, total=Decimal(1)).charge(bad)


# --- the key set -------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(records=contributions, bound=bounds)
def test_the_released_keys_are_the_public_key_set_for_any_input(records, bound):
    release = release_counts(records, keys=KEYS, epsilon=Decimal("1"), bound=bound)
    assert tuple(count.key for count in release.counts) == KEYS
    assert release.keys == KEYS


def test_an_empty_input_still_releases_every_key():
    release = release_counts([], keys=KEYS, epsilon=Decimal("1"), bound=1)
    assert [count.key for count in release.counts] == list(KEYS)


def test_a_negative_noisy_count_is_shown_as_zero_only_after_the_noise():
    release = release_counts([], keys=KEYS, epsilon=Decimal("0.05"), bound=1)
    for count in release.counts:
        assert count.published == max(0, count.noisy)


# --- sensitivity -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(records=contributions, bound=bounds, removed=units)
def test_removing_one_person_changes_the_histogram_by_at_most_the_bound(records, bound, removed):
    before = exact_histogram(records, keys=KEYS, bound=bound)
    after = exact_histogram(
        [record for record in records if record.unit != removed], keys=KEYS, bound=bound
    )
    changes = [before[key] - after[key] for key in KEYS]
    assert all(change >= 0 for change in changes)
    assert sum(changes) <= bound  # L1: what the noise scale is set for


def test_a_unit_beyond_its_bound_is_cut_before_counting():
    records = [Contribution("person-1", "decision:allow")] * 5 + [
        Contribution("person-2", "decision:allow")
    ]
    assert exact_histogram(records, keys=KEYS, bound=2)["decision:allow"] == 3


# --- accuracy (statistical) --------------------------------------------------------------


def test_the_stated_95_percent_interval_holds_statistically():
    """2,000 noisy cells around known counts. Tolerances: coverage at least 93 % (the
    stated 95 % less four standard deviations of a binomial proportion, about 0.49 % at
    n = 2,000), and the mean error within 5 (more than five standard errors of the
    discrete Laplace noise, sd = √2 x 28 ≈ 40, over 2,000 cells ≈ 0.9)."""
    true = {"action:disclose": 40, "action:pnc_check": 0, "decision:allow": 7}
    records = [
        Contribution((key, index), key) for key, count in true.items() for index in range(count)
    ]
    expected = exact_histogram(records, keys=KEYS, bound=7)
    within, errors = 0, []
    for _ in range(400):
        release = release_counts(records, keys=KEYS, epsilon=Decimal("0.25"), bound=7)
        for count in release.counts:
            error = count.noisy - expected[count.key]
            errors.append(error)
            within += abs(error) <= release.interval
    assert within / len(errors) >= 0.93
    assert abs(sum(errors) / len(errors)) <= 5
    # And it is noise, not the exact counts: a run of 2,000 exact cells is impossible.
    assert any(error != 0 for error in errors)


def test_the_interval_grows_with_the_scale():
    assert noise_interval(28.0) > noise_interval(7.0) > noise_interval(1.0) > 0


# --- quarters ----------------------------------------------------------------------------


def test_a_quarter_reads_and_writes_itself():
    quarter = Quarter.parse("2026Q3")
    assert (quarter.year, quarter.number, str(quarter)) == (2026, 3, "2026Q3")
    assert (quarter.start, quarter.end) == (date(2026, 7, 1), date(2026, 10, 1))
    assert Quarter.parse("2026Q4").end == date(2027, 1, 1)


@pytest.mark.parametrize("bad", ["2026Q5", "2026-3", "Q3", "26Q1", "2026q3x"])
def test_a_bad_quarter_is_refused_with_the_format(bad):
    with pytest.raises(StatisticsError, match="e.g. 2026Q3"):
        Quarter.parse(bad)
