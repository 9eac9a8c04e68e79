"""`statistics_release`: every force, every key, the budget, the ledger; nothing raw stored."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest

from haven.privacy.statistics import BudgetExceededError, StatisticsError, counts_measurement
from haven.web.accounts.models import Force
from haven.web.ledger.models import LedgerEntry
from haven.web.statistics.categories import KEYS
from haven.web.statistics.models import Release
from haven.web.statistics.selectors import CONTRIBUTION_BOUND
from haven.web.statistics.services import statistics_release
from tests.web.statistics.conftest import IN_Q3, IN_Q4, a_report, a_request, place


def _state() -> tuple[int, int]:
    return Release.objects.count(), LedgerEntry.objects.count()


def _counts(release: Release) -> dict[str, int]:
    return dict(release.counts)


def test_a_release_covers_every_force_and_every_key_and_is_ledgered(met):
    releases = statistics_release("2026Q3")

    assert len(releases) == Force.objects.count() == 43
    entries = LedgerEntry.objects.filter(kind="statistics_release")
    assert entries.count() == 43
    events = {json.loads(bytes(entry.leaf))["payload"]["force"]: entry for entry in entries}
    for release in releases:
        assert [key for key, _ in release.counts] == list(KEYS)  # empty keys included
        assert release.epsilon == Decimal("0.25")  # a quarter of the default yearly ε = 1
        payload = json.loads(bytes(events[release.force.code].leaf))["payload"]
        assert payload == {
            "force": release.force.code,
            "quarter": "2026Q3",
            "mechanism": "discrete_laplace",
            "scale": "28",
            "epsilon": "0.25",
            "key_set": release.key_set,
        }


def test_the_privacy_map_of_each_stored_release_equals_its_epsilon(met):
    for release in statistics_release("2026Q3", epsilon="0.4"):
        measurement = counts_measurement(
            keys=KEYS, bound=release.contribution_bound, epsilon=release.epsilon
        )
        assert math.isclose(measurement.map(release.contribution_bound), 0.4, rel_tol=1e-5)
        assert release.scale == release.contribution_bound / 0.4


def test_the_budget_refuses_a_release_past_the_year_and_changes_nothing(met):
    for quarter in ("2025Q1", "2025Q2", "2025Q3"):
        statistics_release(quarter)
    before = _state()
    with pytest.raises(BudgetExceededError, match="would exceed the 2025 privacy budget"):
        statistics_release("2025Q4", epsilon="0.5")
    assert _state() == before
    statistics_release("2025Q4")  # the last quarter's share still fits
    assert Release.objects.filter(year=2025, force=met).count() == 4


@pytest.mark.parametrize(
    ("quarter", "epsilon", "message"),
    [
        ("2026Q3x", None, "not a quarter"),
        ("2026Q4", None, "has not ended yet"),
        ("2026Q3", "0", "positive number"),
        ("2026Q3", "zero", "positive number"),
        ("2026Q3", "0.00001", "four decimal places"),
        ("2026Q3", "1.5", "would exceed"),
    ],
)
def test_bad_requests_are_refused_clearly_and_change_nothing(met, quarter, epsilon, message):
    before = _state()
    with pytest.raises(StatisticsError, match=message):
        statistics_release(quarter, epsilon=epsilon)
    assert _state() == before


def test_a_quarter_is_released_once(met):
    statistics_release("2026Q2")
    before = _state()
    with pytest.raises(StatisticsError, match="already been released"):
        statistics_release("2026Q2")
    assert _state() == before


def test_it_counts_the_quarter_of_each_force_only(
    met, kent, officer, kent_officer, generous_budget
):
    """With ε = 1000 the noise scale is 0.007: every count is within ±1 of the true one
    (the chance of a larger error is below 1e-60)."""
    in_q3 = a_report(met)
    a_request(in_q3, officer)
    a_request(in_q3, officer, action="pnc_check", recipient="police")
    place(in_q3, IN_Q3)
    later = a_report(met, offence="hate_crime")
    a_request(later, officer)
    place(later, IN_Q4)
    place(a_report(kent, offence="modern_slavery"), IN_Q3)

    releases = {r.force.code: r for r in statistics_release("2026Q3", epsilon=generous_budget)}
    expected_met = dict.fromkeys(KEYS, 0) | {
        "offence:domestic_abuse": 1,
        "action:disclose": 1,
        "action:pnc_check": 1,
        "recipient:support_service": 1,
        "recipient:police": 1,
    }
    met_counts = _counts(releases["metropolitan"])
    decisions = met_counts.pop("decision:allow") + met_counts.pop("decision:deny")
    assert abs(decisions - 2) <= 2  # each request is allowed or denied
    for key, value in met_counts.items():
        assert abs(value - expected_met[key]) <= 1, key
    kent_counts = _counts(releases["kent"])
    assert abs(kent_counts["offence:modern_slavery"] - 1) <= 1
    assert abs(kent_counts["offence:hate_crime"]) <= 1


def test_a_person_counts_at_most_the_contribution_bound(met, officer, generous_budget):
    """Four requests about one victim: their report's offence and the first two requests
    are counted (7 records), the later two are not."""
    assert CONTRIBUTION_BOUND == 7
    report = a_report(met)
    for _ in range(4):
        a_request(report, officer)
    place(report, IN_Q3)
    (met_release,) = [
        r for r in statistics_release("2026Q3", epsilon=generous_budget) if r.force == met
    ]
    assert abs(_counts(met_release)["action:disclose"] - 2) <= 1


def test_nothing_before_noise_and_no_personal_data_is_stored(met, officer):
    report = a_report(met, account="Canary-account-7731")
    a_request(report, officer)
    place(report, IN_Q3)
    statistics_release("2026Q3")
    stored = json.dumps(list(Release.objects.values("counts", "key_set", "mechanism")))
    assert "Canary-account-7731" not in stored and "Amara" not in stored
    field_names = {field.name for field in Release._meta.get_fields()}
    assert not field_names & {"raw", "true_counts", "exact"}


def test_the_demo_release_happens_once(met):
    from haven.web.statistics.services import statistics_demo_release

    assert len(statistics_demo_release()) == 43
    before = _state()
    assert statistics_demo_release() == []
    assert _state() == before


def _answered(report, *, exempt: bool, at, status="answered"):
    from haven.web.subjectaccess.models import SubjectAccessRequest

    return SubjectAccessRequest.objects.create(
        report=report,
        person=report.people.get(role="victim"),
        via="receipt_code",
        due_on=at.date(),
        status=status,
        answered_at=at if status == "answered" else None,
        exemption_applied=exempt,
    )


def test_subject_access_answers_are_counted_with_and_without_the_exemption(met, generous_budget):
    """The same requests as the subject access app's selector, each for the person who
    asked; ε = 1000, so each count is within ±1 of the true one."""
    from haven.privacy.statistics import Quarter
    from haven.web.statistics.selectors import _moment, release_contributions
    from haven.web.subjectaccess.selectors import subject_access_answers

    report, other = a_report(met), a_report(met)
    _answered(report, exempt=False, at=IN_Q3)
    _answered(other, exempt=False, at=IN_Q3)
    _answered(other, exempt=True, at=IN_Q3)
    _answered(report, exempt=True, at=IN_Q4)  # another quarter
    _answered(report, exempt=False, at=IN_Q3, status="open")  # not answered

    q3 = Quarter.parse("2026Q3")
    ours = [
        c
        for c in release_contributions(force=met, quarter=q3)
        if c.key.startswith("subject_access:")
    ]
    theirs = subject_access_answers(force=met, start=_moment(q3.start), end=_moment(q3.end))
    assert len(ours) == len(theirs) == 3
    assert sum(c.key.endswith("exemption") for c in ours) == sum(
        a.exemption_applied for a in theirs
    )

    (release,) = [
        r for r in statistics_release("2026Q3", epsilon=generous_budget) if r.force == met
    ]
    counts = _counts(release)
    assert abs(counts["subject_access:answered"] - 2) <= 1
    assert abs(counts["subject_access:answered_with_immigration_exemption"] - 1) <= 1
