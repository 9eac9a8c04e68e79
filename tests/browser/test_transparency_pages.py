"""The public transparency pages in Chromium: no sign-in, scripts run under the CSP, axe
finds no WCAG 2.2 A or AA problem, and every chart sits beside its table
(docs/transparency.md)."""

from __future__ import annotations

import os

import pytest

from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force
from haven.web.governance.models import VersionStatus
from tests.browser.conftest import assert_page_is_healthy
from tests.web.transparency.conftest import publish

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("HAVEN_SCREENSHOTS")
"""A directory to save each page's screenshot in, for a person to look at (optional)."""


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/transparency/", "national"),
        ("/transparency/forces/metropolitan/", "force"),
        ("/transparency/forces/kent/", "force-with-no-version"),
        ("/transparency/reforms/", "reforms"),
        ("/forces/", "force-index"),
        ("/transparency/log/", "public-log"),
    ],
)
def test_transparency_page_passes_axe(live_server, page, path, name):  # noqa: F811
    met = Force.objects.get(code="metropolitan")
    publish(met, 1, "firewall", status=VersionStatus.SUPERSEDED, days_ago=30)
    publish(met, 2, "firewall-consent", status=VersionStatus.ACTIVE, days_ago=3)
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert_page_is_healthy(page)
    for chart in page.locator("[data-chart]").all():
        key = chart.get_attribute("data-chart")
        assert chart.locator("svg[role=img][aria-label]").count() == 1
        assert page.locator(f'table[data-chart-table="{key}"]').count() == 1
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
