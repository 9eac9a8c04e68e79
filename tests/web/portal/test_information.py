"""The "What happens to your information" page, per force: only promises that hold by a
cited rule, the conditions and silences of the notice, and a page that follows the
force's active policy."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from haven.policy.notice import notice
from haven.policy.promises import FAILS, HOLDS, NOT_STATED, check, load_promises
from haven.policy.registry import load_compiled_policy, offerable_policy_ids
from haven.web.accounts.models import Force

PROMISE_ID = re.compile(r'data-promise-id="([^"]+)"')
RULE_ID = re.compile(r'data-rule-id="([^"]+)"')


def page(client, force: Force) -> str:
    response = client.get(reverse("portal:information-force", args=[force.code]))
    assert response.status_code == 200
    return response.content.decode()


def use_policy(force: Force, policy_id: str) -> Force:
    Force.objects.filter(pk=force.pk).update(active_policy=policy_id)
    force.refresh_from_db()
    return force


def promises_section(content: str) -> str:
    start = content.index('id="promises"')
    return content[start : content.index('id="conditions"')]


@pytest.mark.parametrize("policy_id", offerable_policy_ids())
def test_the_page_shows_exactly_the_promises_that_hold_by_a_cited_rule(client, met, policy_id):
    compiled = load_compiled_policy(policy_id)
    results = check(compiled, load_promises())
    holding = [r.promise for r in results if r.status == HOLDS]
    content = page(client, use_policy(met, policy_id))

    assert PROMISE_ID.findall(content) == [promise.id for promise in holding]
    shown = html.unescape(promises_section(content))
    for promise in holding:
        assert promise.english in shown
    # A promise that fails, or that would rest on silence, is never shown anywhere.
    for result in results:
        if result.status in (FAILS, NOT_STATED):
            assert html.unescape(result.promise.english) not in html.unescape(content)


@pytest.mark.parametrize("policy_id", offerable_policy_ids())
def test_each_shown_promise_cites_rules_of_the_policy_that_decide_its_region(
    client, met, policy_id
):
    compiled = load_compiled_policy(policy_id)
    rule_ids = {rule.id for rule in compiled.policy.rules}
    content = page(client, use_policy(met, policy_id))
    for item in re.split(r"(?=<li[^>]*data-promise-id=)", promises_section(content))[1:]:
        cited = RULE_ID.findall(item)
        assert cited, "a shown promise must name the rule that keeps it"
        assert set(cited) <= rule_ids
        for rule_id in cited:
            assert html.unescape(compiled.policy.rule(rule_id).source) in html.unescape(item)


@pytest.mark.parametrize("policy_id", offerable_policy_ids())
def test_the_page_lists_the_notices_conditions_and_silences(client, met, policy_id):
    document = notice(load_compiled_policy(policy_id))
    content = html.unescape(page(client, use_policy(met, policy_id)))
    for condition in document.conditions:
        assert condition.text in content
    for silence in document.silences:
        assert silence.text in content
    if not document.promises:
        assert "data-no-promises" in content


def test_the_page_changes_when_the_force_changes_its_active_policy(client, met):
    before = page(client, use_policy(met, "pre-2018"))
    after = page(client, use_policy(met, "firewall"))
    assert PROMISE_ID.findall(before) == []
    firewall = {r.promise.id for r in check(load_compiled_policy("firewall")) if r.holds}
    assert set(PROMISE_ID.findall(after)) == firewall
    assert "Firewall: separation of crime reporting from immigration control" in after
    assert "Firewall: separation" not in before


def test_two_forces_with_different_policies_show_different_promises(client, met, kent):
    use_policy(met, "npcc-2018")
    use_policy(kent, "firewall")
    assert PROMISE_ID.findall(page(client, met)) != PROMISE_ID.findall(page(client, kent))


def test_the_index_lists_every_force_with_a_link_to_its_page(client, met):
    response = client.get(reverse("portal:information-index"))
    assert response.status_code == 200
    content = response.content.decode()
    for force in Force.objects.all():
        assert reverse("portal:information-force", args=[force.code]) in content


def test_an_unknown_force_is_not_found(client, db):
    response = client.get(reverse("portal:information-force", args=["atlantis"]))
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_information_pages_are_portal_pages(client, met):
    for url in (
        reverse("portal:information-index"),
        reverse("portal:information-force", args=[met.code]),
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"]
        content = response.content.decode()
        assert reverse("portal:exit") in content
        assert "999" in content
        assert "haven-language-switcher" in content


def test_a_promise_that_does_not_hold_has_no_keeping_rules():
    from haven.web.portal.information import keeping_rules

    compiled = load_compiled_policy("pre-2018")
    results = check(compiled, load_promises())
    not_holding = [r for r in results if not r.holds]
    assert not_holding
    with pytest.raises(ValueError, match="does not hold"):
        keeping_rules(compiled, not_holding[0])


def test_a_promise_file_with_its_own_wording_for_the_language_wins(client, met):
    from haven.web.portal.views_information import _promise_text

    texts = {"en": "Police will not ask.", "cy": "Ni fydd yr heddlu yn holi."}
    assert _promise_text(texts, "cy") == "Ni fydd yr heddlu yn holi."
    assert _promise_text(texts, "en") == "Police will not ask."
    # No wording of its own: the catalogue's translation (here none, so English).
    assert _promise_text({"en": "Unknown sentence."}, "pl") == "Unknown sentence."
