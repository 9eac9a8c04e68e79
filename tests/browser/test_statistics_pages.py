"""The public statistics pages in Chromium: scripts run under the CSP, axe finds no WCAG
2.2 A or AA problem, and every chart has its data table beside it."""

from __future__ import annotations

import pytest

from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force
from haven.web.statistics.services import statistics_release
from tests.browser.conftest import assert_page_is_healthy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


@pytest.fixture
def released() -> None:
    statistics_release("2026Q3")


@pytest.mark.parametrize(
    "path", ["/statistics/", "/statistics/2026Q3/", "/statistics/2026Q3/metropolitan/"]
)
def test_statistics_page_passes_axe(live_server, page, released, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert_page_is_healthy(page)


def test_the_index_before_any_release_passes_axe(live_server, page):
    assert page.goto(live_server.url + "/statistics/").status == 200
    assert_page_is_healthy(page)


@pytest.mark.parametrize(
    ("path", "charts"), [("/statistics/2026Q3/", 1), ("/statistics/2026Q3/metropolitan/", 5)]
)
def test_every_chart_has_its_table_beside_it(live_server, page, released, path, charts):
    page.goto(live_server.url + path)
    assert page.locator("svg[role=img]").count() == charts
    rows = page.locator(".govuk-grid-row:has(svg[role=img])")
    assert rows.count() == charts
    for index in range(rows.count()):
        row = rows.nth(index)
        assert row.locator("svg[role=img]").get_attribute("aria-label")
        assert row.locator("table.govuk-table tbody tr").count() >= 2
