"""The public transparency pages (docs/transparency.md): no sign-in, every force."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from haven.ledger.kinds import SignedIn
from haven.policy.promises import check, load_promises
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.selectors import force_active_policy
from haven.web.ledger.services import checkpoint_sign, ledger_record_many

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    table = re.search(r"<table[^>]*data-national-table.*?</table>", html, re.S).group(0)
    return re.findall(r'<tr class="govuk-table__row" data-force="([^"]+)"', table)


def test_the_national_page_has_one_row_per_force_with_its_promises(client, all_forces):
    response = client.get(reverse("transparency:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(_rows(html)) == len(TERRITORIAL_FORCES) == 43
    for force in all_forces:
        held = sum(r.holds for r in check(force_active_policy(force=force), load_promises()))
        assert f'data-force="{force.code}" data-promises-held="{held}"' in html
        assert reverse("transparency:force", args=[force.code]) in html


def test_every_chart_has_its_table(client, all_forces):
    for name in ("transparency:index", "transparency:reforms"):
        html = client.get(reverse(name)).content.decode()
        charts = re.findall(r'data-chart="([^"]+)"', html)
        assert charts, name
        for chart in charts:
            assert f'data-chart-table="{chart}"' in html
        assert html.count("<svg") >= len(charts)
        assert 'role="img"' in html


def test_every_force_page_renders_with_no_sign_in(client, all_forces):
    for force in all_forces:
        response = client.get(reverse("transparency:force", args=[force.code]))
        assert response.status_code == 200, force.code
        html = response.content.decode()
        assert escape(force.name) in html
        assert escape(force_active_policy(force=force).policy.title) in html
        assert "data-no-history" in html  # no version published: the shipped one only
        assert "haven ledger verify" in html


def test_an_unknown_force_is_404(client, db):
    assert client.get("/transparency/forces/no-such-force/").status_code == 404


def test_a_post_is_refused(client, all_forces):
    assert client.post(reverse("transparency:index")).status_code == 405


def test_the_force_page_shows_the_published_history_with_the_engines_diff(client, met, met_history):
    from haven.policy.diff import diff
    from haven.policy.registry import load_compiled_policy

    html = client.get(reverse("transparency:force", args=["metropolitan"])).content.decode()
    versions = re.findall(r'data-version="(\d+)"', html)
    assert versions == ["2", "1"]  # newest first; the draft is not public
    first = diff(load_compiled_policy("iemvp-2023"), load_compiled_policy("firewall"))
    second = diff(load_compiled_policy("firewall"), load_compiled_policy("firewall-consent"))
    assert f'data-changed="{second.changed}"' in html
    assert f'data-changed="{first.changed}"' in html
    assert f'data-not-stated="{first.not_stated}"' in html
    assert "Firewall with consent" in html  # the policy in force is version 2's text


def test_the_national_page_shows_a_published_version_and_its_date(client, all_forces, met_history):
    html = client.get(reverse("transparency:index")).content.decode()
    row = re.search(r'data-force="metropolitan".*?</tr>', html, re.S).group(0)
    assert "version 2" in row
    assert "Never" not in row


def test_the_force_page_shows_the_latest_checkpoint(client, met):
    ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(3)])
    checkpoint = checkpoint_sign()
    html = client.get(reverse("transparency:force", args=["metropolitan"])).content.decode()
    assert f'data-checkpoint-size="{checkpoint.size}"' in html
    assert checkpoint.note.splitlines()[0] in html


def test_the_force_index_links_to_each_force_page(client, all_forces):
    html = client.get(reverse("accounts:force-index")).content.decode()
    for force in all_forces:
        assert reverse("transparency:force", args=[force.code]) in html
    assert reverse("transparency:index") in html


def test_the_national_page_sets_practice_as_found_beside_the_forces(client, all_forces):
    from haven.policy.registry import PRACTICE_BASELINE, load_compiled_policy

    html = client.get(reverse("transparency:index")).content.decode()
    results = check(load_compiled_policy(PRACTICE_BASELINE), load_promises())
    held = sum(result.holds for result in results)
    assert f"keeps {held} of the {len(results)} promises" in html
