"""Decision requests and approvals through the API: the gateway's services, thin views."""

from __future__ import annotations

from tests.web.api.conftest import bearer
from tests.web.sharing.conftest import DUTIES, use_policy


def test_a_token_asks_for_a_decision_and_a_supervisor_approves_by_session(
    client, officer, supervisor, met, report, token_for
):
    use_policy(met, DUTIES)
    victim = report.people.get(role="victim")
    secret = token_for(officer, "requests:write", "requests:read")
    response = client.post(
        "/api/v1/requests/",
        {"report": report.reference, "person": victim.pk, "action": "disclose",
         "recipient": "police", "purpose": "investigation"},
        content_type="application/json",
        **bearer(secret),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["decision"] == "allow" and created["status"] == "awaiting_approval"
    assert created["approvals_needed"] == 2
    assert [rule["rule"] for rule in created["rules"]] == ["police-under-dual-control"]
    shown = client.get(f"/api/v1/requests/{created['id']}", **bearer(secret)).json()
    assert shown == created
    listed = client.get("/api/v1/requests/", **bearer(secret)).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]

    client.force_login(supervisor)
    approved = client.post(
        f"/api/v1/requests/{created['id']}/approvals",
        {"approved": True, "reason": "Needed for the investigation."},
        content_type="application/json",
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "awaiting_second_approval"
    again = client.post(
        f"/api/v1/requests/{created['id']}/approvals",
        {"approved": True, "reason": "Again."},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "already" in again.json()["detail"]


def test_session_posts_need_the_csrf_token(officer, report):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    victim = report.people.get(role="victim")
    body = {"report": report.reference, "person": victim.pk, "action": "pnc_check",
            "purpose": "investigation"}  # fmt: skip
    refused = client.post("/api/v1/requests/", body, content_type="application/json")
    assert refused.status_code == 403
    # The CSRF secret lives in the session (CSRF_USE_SESSIONS), as a console page sets it.
    token = "csrfsecretcsrfsecretcsrfsecret32"
    session = client.session
    session["_csrftoken"] = token
    session.save()
    accepted = client.post(
        "/api/v1/requests/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content


def test_bad_input_is_400_naming_the_field_and_records_nothing(client, officer, report):
    from haven.web.sharing.models import DecisionRequest

    client.force_login(officer)
    victim = report.people.get(role="victim")
    wrong_action = client.post(
        "/api/v1/requests/",
        {"report": report.reference, "person": victim.pk, "action": "deport",
         "purpose": "investigation"},
        content_type="application/json",
    )  # fmt: skip
    assert wrong_action.status_code == 400
    assert wrong_action.json()["detail"].startswith("action: ")
    nobody = client.post(
        "/api/v1/requests/",
        {"report": report.reference, "person": 999999, "action": "pnc_check",
         "purpose": "investigation"},
        content_type="application/json",
    )  # fmt: skip
    assert nobody.status_code == 400 and nobody.json()["detail"].startswith("person: ")
    for body in ("[1, 2]", '"pnc_check"', "7", ""):
        not_an_object = client.post("/api/v1/requests/", body, content_type="application/json")
        assert not_an_object.status_code == 400
        assert not_an_object.json()["detail"] == "The body must be a JSON object of the fields."
    assert not DecisionRequest.objects.exists()


def test_a_token_that_is_not_recognised_is_told_to_send_one_not_about_csrf(client, report):
    from haven.web.sharing.models import DecisionRequest

    for method in ("get", "post"):
        answer = getattr(client, method)(
            "/api/v1/requests/", {} if method == "get" else "{}",
            **({"content_type": "application/json"} if method == "post" else {}),
            **bearer("hvn_not_a_token_anyone_made"),
        )  # fmt: skip
        assert answer.status_code == 401, (method, answer.content)
        assert "Authorization: Bearer" in answer.json()["detail"]
    assert not DecisionRequest.objects.exists()


def test_officers_cannot_approve_and_other_forces_see_nothing(
    client, officer, kent_officer, met, report
):
    use_policy(met, DUTIES)
    client.force_login(officer)
    victim = report.people.get(role="victim")
    created = client.post(
        "/api/v1/requests/",
        {"report": report.reference, "person": victim.pk, "action": "disclose",
         "recipient": "police", "purpose": "investigation"},
        content_type="application/json",
    ).json()  # fmt: skip
    refused = client.post(
        f"/api/v1/requests/{created['id']}/approvals",
        {"approved": True, "reason": "Fine."},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(kent_officer)
    assert client.get(f"/api/v1/requests/{created['id']}").status_code == 404
    assert client.get("/api/v1/requests/").json()["count"] == 0


def test_every_answer_explains_its_decision_even_a_refusal_by_default(client, officer, met, report):
    client.force_login(officer)
    victim = report.people.get(role="victim")

    def ask(**fields) -> dict:
        answer = client.post(
            "/api/v1/requests/",
            {"report": report.reference, "person": victim.pk, **fields},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        return answer.json()

    allowed = ask(action="pnc_check", purpose="safeguarding")
    assert allowed["decision"] == "allow" and allowed["rules"]
    assert allowed["explanation"].startswith("Allowed.")
    assert allowed["rules"][0]["rule"] in allowed["explanation"]
    # No rule of the policy permits a disclosure to a support service here: refused by
    # default, with no rule to cite; the answer says so in words.
    by_default = ask(action="disclose", recipient="support_service", purpose="safeguarding")
    assert by_default["decision"] == "deny" and by_default["rules"] == []
    assert by_default["explanation"].startswith("Denied by default. No rule of this policy")
