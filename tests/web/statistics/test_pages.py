"""The public statistics pages and downloads: charts with their tables, the noise interval
and the privacy unit stated, every key, no personal data; anyone may read them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from haven.web.statistics.categories import KEYS
from haven.web.statistics.services import statistics_release
from tests.web.sharing.conftest import text
from tests.web.statistics.conftest import IN_Q3, a_report, a_request, place

CANARY_ACCOUNT = "Canary-account-5519"
CANARY_NAME = "Amara Okafor"


@pytest.fixture
def released(met, officer):
    report = a_report(met, account=CANARY_ACCOUNT)
    a_request(report, officer)
    place(report, IN_Q3)
    return {release.force.code: release for release in statistics_release("2026Q3")}


def test_the_index_says_the_privacy_unit_and_budget_and_lists_quarters(client, released):
    page = text(client.get(reverse("statistics:index")))
    assert "The privacy unit is one person within one report" in page
    assert "Haven cannot link a person across reports" in page
    assert "privacy budget of ε = 1 a year" in page
    assert "ε = 0.25" in page
    assert "2026Q3" in page and reverse("statistics:quarter", args=["2026Q3"]) in page


def test_the_index_before_any_release(client, db):
    assert "Nothing has been released yet." in text(client.get(reverse("statistics:index")))


def test_the_quarter_page_compares_every_force_in_a_chart_and_its_table(client, released):
    page = text(client.get(reverse("statistics:quarter", args=["2026Q3"])))
    assert page.count(reverse("statistics:release", args=["2026Q3", "kent"])) == 1
    assert "Metropolitan Police Service" in page and "Dyfed-Powys Police" in page
    assert page.count('<svg role="img"') == 1
    assert "Requests to share information with Immigration Enforcement, every force" in page
    assert page.count('<tr class="govuk-table__row">') == 1 + 43  # header and a row a force
    met = dict(released["metropolitan"].counts)["recipient:immigration_enforcement"]
    interval = released["metropolitan"].interval
    assert f"{max(0, met - interval)} to {max(interval, met + interval)}" in page


def test_the_release_page_has_a_chart_and_a_table_per_histogram(client, released):
    met = released["metropolitan"]
    response = client.get(reverse("statistics:release", args=["2026Q3", "metropolitan"]))
    page = text(response)
    assert response.status_code == 200
    assert page.count('<svg role="img"') == 5
    assert page.count('<table class="govuk-table">') == 5
    assert f"within {met.interval} of the true count" in page
    assert f"plus or minus {met.interval}" in page
    assert "One person within one report" in page
    assert met.key_set in page
    # Human labels, never the keys' codes.
    for label in ("Police National Computer check", "Modern slavery or trafficking", "Denied"):
        assert label in page
    assert "pnc_check" not in page and "modern_slavery" not in page
    assert CANARY_ACCOUNT not in page and CANARY_NAME not in page


@pytest.mark.parametrize(
    "url",
    [
        reverse("statistics:quarter", args=["2026Q2"]),
        reverse("statistics:release", args=["2026Q3", "no-such-force"]),
        reverse("statistics:download", args=["2026Q1", "csv"]),
        "/statistics/2026Q5/",
    ],
)
def test_what_was_not_released_is_not_found(client, released, url):
    assert client.get(url).status_code == 404


def test_the_csv_download_has_every_force_and_key(client, released):
    response = client.get(reverse("statistics:download", args=["2026Q3", "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="haven-statistics-2026Q3.csv"' in response["Content-Disposition"]
    body = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 43 * len(KEYS)
    met_rows = [row for row in rows if row["force"] == "metropolitan"]
    assert [f"{row['dimension']}:{row['category']}" for row in met_rows] == list(KEYS)
    for row in rows:
        assert int(row["count"]) == max(0, int(row["noisy"]))
        assert int(row["low_95"]) <= int(row["count"]) <= int(row["high_95"])
        assert row["epsilon"] == "0.2500" and row["mechanism"] == "discrete_laplace"
    assert CANARY_ACCOUNT not in body and CANARY_NAME not in body


def test_the_json_download_states_the_unit_and_each_release(client, released):
    response = client.get(reverse("statistics:download", args=["2026Q3", "json"]))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["quarter"] == "2026Q3" and data["confidence"] == "0.95"
    assert data["privacy_unit"].startswith("one person within one report")
    assert len(data["releases"]) == 43
    met = next(item for item in data["releases"] if item["force"] == "metropolitan")
    assert met["key_set"] == released["metropolitan"].key_set
    assert met["interval_95"] == released["metropolitan"].interval
    assert [f"{c['dimension']}:{c['category']}" for c in met["counts"]] == list(KEYS)
    assert CANARY_ACCOUNT not in response.content.decode()


def test_the_pages_take_no_post(client, released):
    for url in (
        reverse("statistics:index"),
        reverse("statistics:release", args=["2026Q3", "kent"]),
        reverse("statistics:download", args=["2026Q3", "json"]),
    ):
        assert client.post(url).status_code == 405


def test_a_count_drawn_far_below_zero_shows_a_range_from_zero_not_zero_to_zero():
    from haven.web.statistics import categories
    from haven.web.statistics.models import Release
    from haven.web.statistics.selectors import release_cells

    key = categories.KEYS[0]
    release = Release(counts=[[key, -98], [categories.KEYS[1], 40]], interval=85)

    low, high = [(cell.low, cell.high) for cell in release_cells(release)]

    assert low == (0, 85)  # the drawn -98 ± 85 lies below zero: shown as 0 to 85
    assert high == (0, 125)
