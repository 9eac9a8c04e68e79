"""Reports through the API: the caller's force only, paging, content ledgered, no
personal data for auditors, and a token's read decided by the policy as a disclosure."""

from __future__ import annotations

from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.reporting.models import Channel
from haven.web.reporting.services import (
    PersonInReport,
    report_create,
    report_pseudonym,
    sealed_note_record,
)
from tests.web.api.conftest import POLICE_READ, bearer, use_policy


def kinds(report) -> list[str]:
    return [entry.kind for entry in entries_about(subject=report_pseudonym(report))]


def test_a_session_lists_its_own_forces_reports_with_paging(
    client, officer, met, report, kent_report
):
    for n in range(3):
        report_create(
            force=met,
            offence="other",
            account=f"Report {n}",
            people=[PersonInReport(role="victim", label="the caller")],
            channel=Channel.PORTAL,
        )
    client.force_login(officer)
    first = client.get("/api/v1/reports/", {"page_size": 3}).json()
    assert first["count"] == 4 and len(first["items"]) == 3
    second = client.get("/api/v1/reports/", {"page_size": 3, "page": 2}).json()
    assert len(second["items"]) == 1
    references = {item["reference"] for item in first["items"] + second["items"]}
    assert kent_report.reference not in references and report.reference in references
    assert "account" not in first["items"][0]


def test_bad_paging_is_400_naming_the_query_parameter(client, officer, report):
    client.force_login(officer)
    response = client.get("/api/v1/reports/", {"page_size": 1000})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("page_size: ")
    assert "--" not in response.json()["detail"]


def test_anonymous_is_401(client, report):
    assert client.get("/api/v1/reports/").status_code == 401
    assert client.get(f"/api/v1/reports/{report.reference}").status_code == 401


def test_a_session_reading_content_is_ledgered_as_a_read(client, officer, report):
    client.force_login(officer)
    response = client.get(f"/api/v1/reports/{report.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["content"]["account"] == "He took my passport."
    assert {p["label"] for p in body["content"]["people"]} == {"the caller", "husband"}
    assert body["disclosure"] is None
    assert kinds(report).count("report_read") == 1


def test_another_forces_report_is_404(client, kent_officer, report):
    client.force_login(kent_officer)
    assert client.get(f"/api/v1/reports/{report.reference}").status_code == 404
    assert client.get(f"/api/v1/reports/{report.reference}/people").status_code == 404


def test_auditors_see_events_but_no_personal_data(client, auditor, report):
    client.force_login(auditor)
    assert client.get("/api/v1/reports/").status_code == 403
    assert client.get(f"/api/v1/reports/{report.reference}").status_code == 403
    assert client.get(f"/api/v1/reports/{report.reference}/people").status_code == 403
    events = client.get(f"/api/v1/reports/{report.reference}/events")
    assert events.status_code == 200
    assert events.json()[0]["what"].startswith("Report received")
    assert "passport" not in events.content.decode()
    assert "report_read" not in kinds(report)


def test_people_are_listed_without_names(client, officer, report):
    client.force_login(officer)
    people = client.get(f"/api/v1/reports/{report.reference}/people").json()
    assert sorted(p["role"] for p in people) == ["suspect", "victim"]
    assert "husband" not in str(people)


def test_a_token_read_allowed_by_the_policy_is_a_ledgered_disclosure(
    client, officer, met, report, token_for
):
    use_policy(met, POLICE_READ)
    secret = token_for(officer, "reports:read")
    response = client.get(f"/api/v1/reports/{report.reference}", **bearer(secret))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["disclosure"]["recipient"] == "police"
    assert body["disclosure"]["duties"] == ["treat_as_victim"]
    assert body["content"]["account"] == "He took my passport."
    assert body["content"]["contact"] is None  # not what an investigation needs
    decisions = [
        entry_event(e)["payload"]
        for e in entries_about(subject=report_pseudonym(report), kinds=("decision",))
    ]
    assert [d["decision"] for d in decisions] == ["allow", "allow"]
    assert {d["recipient"] for d in decisions} == {"police"}
    assert kinds(report).count("disclosure") == 2


def _token_read_with_a_doubt_from(client, officer, met, report, token_for, source: str):
    """A token reads the report under the test policy, after an officer sealed a doubt
    about the victim's status raised by `source`."""
    use_policy(met, POLICE_READ)
    victim = report.people.get(role="victim")
    sealed_note_record(
        report=report, person=victim, recorded_by=officer,
        status_concern="doubt", status_source=source,
    )  # fmt: skip
    secret = token_for(officer, "reports:read")
    return client.get(f"/api/v1/reports/{report.reference}", **bearer(secret))


def test_a_token_read_the_policy_refuses_is_403_with_reasons_and_ledgered(
    client, officer, met, report, token_for
):
    response = _token_read_with_a_doubt_from(client, officer, met, report, token_for, "suspect")
    assert response.status_code == 403
    body = response.json()
    assert any("the person they reported" in reason for reason in body["reasons"])
    assert "passport" not in response.content.decode()
    assert "deny" in [
        entry_event(e)["payload"]["decision"]
        for e in entries_about(subject=report_pseudonym(report), kinds=("decision",))
    ]
    assert "disclosure" not in kinds(report)
    assert "sealed_access" in kinds(report)


def test_a_token_read_needing_approval_is_refused_until_done_in_the_console(
    client, officer, met, report, token_for
):
    response = _token_read_with_a_doubt_from(client, officer, met, report, token_for, "self")
    assert response.status_code == 403
    assert any("console" in reason for reason in response.json()["reasons"])
    assert "disclosure" not in kinds(report)


def test_under_a_shipped_policy_a_token_read_is_refused(client, officer, report, token_for):
    secret = token_for(officer, "reports:read")
    response = client.get(f"/api/v1/reports/{report.reference}", **bearer(secret))
    assert response.status_code == 403
    assert response.json()["reasons"]
