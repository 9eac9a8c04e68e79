"""The DPO's policy versions: draft → sign-off by two different people → in force, with
the portal's information page following the version in force; the diff shown is the
engine's; rollback brings the previous promises back; bad Cedar saves nothing."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.policy import check, diff, load_compiled_policy, load_promises
from haven.web.accounts.selectors import force_active_policy
from haven.web.governance import services
from haven.web.governance.models import PolicyVersion, VersionStatus
from haven.web.governance.selectors import force_active_version, policy_versions
from tests.web.governance.conftest import policy_events, shipped_text

pytestmark = pytest.mark.django_db


def holding(policy_id: str) -> set[str]:
    return {
        r.promise.text for r in check(load_compiled_policy(policy_id), load_promises()) if r.holds
    }


def promise_english(policy_id: str) -> tuple[set[str], set[str]]:
    """(promises only `firewall` keeps, promises both keep) in their English wording."""
    catalogue = load_promises()
    base = {r.promise.id for r in check(load_compiled_policy("iemvp-2023"), catalogue) if r.holds}
    fw = {r.promise.id for r in check(load_compiled_policy(policy_id), catalogue) if r.holds}
    by_id = {p.id: p.english for p in catalogue}
    return {by_id[i] for i in fw - base}, {by_id[i] for i in fw & base}


def information_page(client, force) -> str:
    response = client.get(reverse("portal:information-force", args=[force.code]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def sign_in(client, user):
    client.force_login(user)
    return client


def test_sign_off_by_two_people_puts_the_version_in_force_and_the_portal_follows(
    client, met, dpo, second_dpo
):
    only_new, _ = promise_english("firewall")
    assert only_new
    before = information_page(client, met)
    assert not any(text in before for text in only_new)

    sign_in(client, dpo)
    response = client.post(
        reverse("governance:create", args=[met.code]), {"text": shipped_text("firewall")}
    )
    version = PolicyVersion.objects.get(force=met)
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:version", args=[met.code, 1])
    assert version.status == VersionStatus.DRAFT and version.base_policy == "iemvp-2023"

    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("governance:sign-off", args=[met.code, 1]), {"effective_on": today}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.AWAITING_SECOND_APPROVAL
    assert version.signed_off_by == dpo
    # Signed off by one person only: nothing is in force yet.
    assert force_active_version(force=met) is None
    assert force_active_policy(force=met).id == "iemvp-2023"

    client.logout()
    sign_in(client, second_dpo)
    response = client.post(reverse("governance:approve", args=[met.code, 1]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.ACTIVE
    assert version.second_approver == second_dpo
    met.refresh_from_db()  # a request loads its force afresh; this one was loaded before
    assert force_active_policy(force=met).id == "metropolitan-v1"

    client.logout()
    after = information_page(client, met)
    for text in only_new:
        assert text in after

    events = policy_events()
    assert [(e["kind"], e["payload"].get("signer")) for e in events] == [
        ("policy_version_drafted", None),
        ("policy_version_signed_off", "dpo"),
        ("policy_version_signed_off", "second_approver"),
        ("policy_version_in_force", None),
    ]
    for event in events:
        assert event["payload"]["force"] == "metropolitan"
        assert event["payload"]["version"] == 1
        assert event["payload"]["digest"] == version.digest
        assert "dpo" not in str(event["payload"]).replace("'dpo'", "")  # no usernames


def test_a_second_approver_who_is_the_same_person_is_refused(client, met, dpo):
    version = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    services.version_sign_off(version=version, by=dpo, effective_at=timezone.now())
    sign_in(client, dpo)
    response = client.post(reverse("governance:approve", args=[met.code, 1]))
    assert response.status_code == 400
    assert "different person" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.AWAITING_SECOND_APPROVAL
    assert version.second_approver is None
    assert force_active_version(force=met) is None
    with pytest.raises(ValidationError):
        services.version_approve(version=version, by=dpo)


def test_an_approved_version_takes_effect_at_its_effective_date(met, dpo, second_dpo):
    version = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    later = timezone.now() + timedelta(days=3)
    services.version_sign_off(version=version, by=dpo, effective_at=later)
    services.version_approve(version=version, by=second_dpo)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert force_active_version(force=met) is None
    assert force_active_policy(force=met).id == "iemvp-2023"
    # Read time decides: once the date has passed, the version is in force.
    assert force_active_version(force=met, at=later + timedelta(minutes=1)) == version
    PolicyVersion.objects.filter(pk=version.pk).update(effective_at=timezone.now())
    assert force_active_policy(force=met).id == "metropolitan-v1"


def test_bad_cedar_shows_the_line_and_saves_nothing(client, met, dpo):
    good = shipped_text("firewall")
    lines = good.splitlines()
    # Break the first rule's statement: drop its closing semicolon.
    broken_at = next(i for i, line in enumerate(lines) if line.rstrip().endswith(";"))
    lines[broken_at] = lines[broken_at].rstrip()[:-1] + " oops"
    sign_in(client, dpo)
    response = client.post(
        reverse("governance:create", args=[met.code]), {"text": "\n".join(lines)}
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "govuk-error-message" in page
    assert "Line " in page
    assert "oops" in page  # the text is kept in the textarea to fix
    assert not PolicyVersion.objects.exists()
    assert policy_events() == []


def test_the_diff_shown_is_the_engines_diff(client, met, dpo):
    services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    engine = diff(
        load_compiled_policy("iemvp-2023"), load_compiled_policy("firewall"), outcomes=True
    )
    assert engine.regions
    sign_in(client, dpo)
    response = client.get(reverse("governance:version", args=[met.code, 1]))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison.diff.changed == engine.changed
    assert comparison.diff.outcome_changed == engine.outcome_changed
    assert [r.region.to_json() for r in comparison.regions] == [r.to_json() for r in engine.regions]
    page = html.unescape(response.content.decode())
    assert f"{engine.changed:,} situations out of {engine.total:,}" in page
    rows = page.count('<td class="govuk-table__cell govuk-table__cell--numeric">')
    assert rows == len(engine.regions)
    for region in engine.regions[:5]:
        for rule in region.rules_to:
            assert rule in page
    # Broken and newly proven promises come from the engine's promise check.
    only_new, _ = promise_english("firewall")
    for text in only_new:
        assert text in page


def test_rollback_restores_the_previous_promises_on_the_portal(client, met, dpo, second_dpo):
    only_new, _ = promise_english("firewall")
    first = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    services.version_sign_off(version=first, by=dpo, effective_at=timezone.now())
    services.version_approve(version=first, by=second_dpo)
    second = services.version_draft_create(force=met, text=shipped_text("npcc-2018"), by=dpo)
    services.version_sign_off(version=second, by=dpo, effective_at=timezone.now())
    services.version_approve(version=second, by=second_dpo)
    assert force_active_version(force=met) == second
    page = information_page(client, met)
    assert not any(text in page for text in only_new)

    sign_in(client, dpo)
    response = client.post(reverse("governance:rollback", args=[met.code]))
    assert response.status_code == 302
    restored = force_active_version(force=met)
    assert restored.number == 3 and restored.restores == first
    assert restored.text == first.text and restored.digest == first.digest
    assert [v.number for v in policy_versions(force=met)] == [3, 2, 1]
    second.refresh_from_db()
    assert second.status == VersionStatus.SUPERSEDED
    client.logout()
    page = information_page(client, met)
    for text in only_new:
        assert text in page
    last = policy_events()[-1]
    assert last["kind"] == "policy_version_in_force"
    assert last["payload"]["restores"] == 1 and last["payload"]["replaces"] == "2"


def test_rolling_back_the_first_version_returns_to_the_shipped_policy(met, dpo, second_dpo):
    first = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    services.version_sign_off(version=first, by=dpo, effective_at=timezone.now())
    services.version_approve(version=first, by=second_dpo)
    restored = services.version_rollback(force=met, by=dpo)
    assert restored.text == shipped_text("iemvp-2023") and restored.restores is None
    assert force_active_version(force=met) == restored


def test_staff_without_the_dpo_role_cannot_draft(met, officer, supervisor):
    from django.core.exceptions import PermissionDenied

    for user in (officer, supervisor):
        with pytest.raises(PermissionDenied):
            services.version_draft_create(force=met, text=shipped_text("firewall"), by=user)
    assert not PolicyVersion.objects.exists()


def test_a_withdrawn_version_never_takes_effect(met, dpo, second_dpo):
    version = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    services.version_sign_off(version=version, by=dpo, effective_at=timezone.now())
    services.version_withdraw(version=version, by=dpo)
    with pytest.raises(ValidationError):
        services.version_approve(version=version, by=second_dpo)
    assert force_active_version(force=met) is None
    assert policy_events()[-1]["kind"] == "policy_version_withdrawn"


def test_a_sign_off_dated_in_the_past_is_refused_and_changes_nothing(client, met, dpo):
    version = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    sign_in(client, dpo)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    for data in ({"effective_on": yesterday}, {"effective_on": "not a date"}, {}):
        response = client.post(reverse("governance:sign-off", args=[met.code, 1]), data)
        assert response.status_code == 400
        assert "govuk-error-summary" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT and version.signed_off_by is None
    assert [e["kind"] for e in policy_events()] == ["policy_version_drafted"]


def test_editing_a_draft_changes_its_digest_and_is_ledgered(client, met, dpo):
    version = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    sign_in(client, dpo)
    new_text = shipped_text("npcc-2018")
    response = client.post(reverse("governance:edit", args=[met.code, 1]), {"text": new_text})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.text == new_text
    events = policy_events()
    assert [e["kind"] for e in events] == ["policy_version_drafted"] * 2
    assert events[-1]["payload"]["digest"] == version.digest != events[0]["payload"]["digest"]
    # Once signed off, the text is fixed.
    services.version_sign_off(version=version, by=dpo, effective_at=timezone.now())
    response = client.get(reverse("governance:edit", args=[met.code, 1]))
    assert response.status_code == 404


def test_the_dpo_of_one_force_cannot_reach_another_forces_versions(client, kent, dpo):
    services.version_draft_create(force=kent, text=shipped_text("firewall"), by=None)
    sign_in(client, dpo)
    assert client.get(reverse("governance:version", args=[kent.code, 1])).status_code == 404
    assert client.post(reverse("governance:withdraw", args=[kent.code, 1])).status_code == 404
    assert PolicyVersion.objects.get(force=kent).status == VersionStatus.DRAFT


def test_a_second_rollback_goes_back_a_second_step_never_to_the_version_rolled_back(
    met, dpo, second_dpo
):
    texts = [shipped_text("npcc-2018"), shipped_text("hmicfrs-2020"), shipped_text("firewall")]
    for text in texts:
        version = services.version_draft_create(force=met, text=text, by=dpo)
        services.version_sign_off(version=version, by=dpo, effective_at=timezone.now())
        services.version_approve(version=version, by=second_dpo)

    assert services.version_rollback(force=met, by=dpo).text == texts[1]
    assert services.version_rollback(force=met, by=dpo).text == texts[0]
    assert services.version_rollback(force=met, by=dpo).text == shipped_text("iemvp-2023")
    with pytest.raises(ValidationError):
        services.version_rollback(force=met, by=dpo)


def test_the_signer_sees_no_approve_button_and_is_told_when_no_second_dpo_exists(client, met, dpo):
    version = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    services.version_sign_off(version=version, by=dpo, effective_at=timezone.now())
    client.force_login(dpo)

    page = client.get(reverse("governance:version", args=[met.code, version.number]))
    text = page.content.decode()

    assert reverse("governance:approve", args=[met.code, version.number]) not in text
    assert "no other data protection officer" in text


def test_the_policy_in_force_saved_unchanged_is_refused_and_saves_nothing(
    client, met, dpo, second_dpo
):
    sign_in(client, dpo)
    create = reverse("governance:create", args=[met.code])
    prefilled = html.unescape(client.get(create).content.decode())
    shipped = shipped_text(met.active_policy)
    assert shipped.strip().splitlines()[0] in prefilled  # the page starts from it
    response = client.post(create, {"text": shipped.replace("\n", "\r\n")})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert f"the shipped policy {met.active_policy}" in page and "unchanged" in page
    assert not PolicyVersion.objects.exists() and policy_events() == []

    version = services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    services.version_sign_off(version=version, by=dpo, effective_at=timezone.now())
    services.version_approve(version=version, by=second_dpo)
    with pytest.raises(services.PolicyTextError, match="version 1"):
        services.version_draft_create(force=met, text=shipped_text("firewall") + "\n", by=dpo)
    assert PolicyVersion.objects.count() == 1
