"""Each role reaches its own pages from the navigation and its home page, in words:
never a capability's code, never a link to a page the role cannot use."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.web.accounts.permissions import Capability


def _links(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(reverse("accounts:home")).content.decode()


def test_everyone_is_offered_the_public_comparison_and_statistics(client, db):
    page = client.get(reverse("start")).content.decode()
    assert f'href="{reverse("transparency:index")}"' in page
    assert f'href="{reverse("statistics:index")}"' in page


@pytest.mark.parametrize("name", ["governance:index", "subjectaccess:index"])
def test_a_dpo_reaches_their_pages_and_an_officer_does_not(client, dpo, officer, name):
    link = f'href="{reverse(name)}"'
    assert link in _links(client, dpo)
    assert link not in _links(client, officer)


def test_an_auditor_reaches_oversight_and_is_not_offered_the_reports(client, auditor, officer):
    page = _links(client, auditor)
    assert f'href="{reverse("oversight:index")}"' in page
    assert f'href="{reverse("reporting:report-index")}"' not in page
    assert f'href="{reverse("oversight:index")}"' not in _links(client, officer)


@pytest.mark.parametrize("role", ["officer", "supervisor", "dpo", "auditor"])
def test_the_home_page_says_what_a_role_may_do_in_words(client, request, role):
    page = _links(client, request.getfixturevalue(role))
    for capability in Capability:
        assert f">{capability.value}<" not in page
        assert f" {capability.value}" not in page


def test_officers_reach_their_decision_requests_and_one_item_is_current(
    client, officer, supervisor, dpo
):
    requests = f'href="{reverse("sharing:requests")}"'
    assert requests in _links(client, officer) and requests not in _links(client, dpo)
    client.force_login(supervisor)
    page = client.get(reverse("sharing:approvals")).content.decode()
    assert page.count('aria-current="page"') == 1
    assert f'href="{reverse("sharing:approvals")}" aria-current="page"' in page
