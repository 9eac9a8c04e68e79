"""The case page: people and their relations, the stage, changes to people, the timeline."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from haven.ledger.kinds import Decision, RequestStep
from haven.web.accounts.services import staff_pseudonym
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.services import ledger_record
from haven.web.reporting.models import Report, ReportPerson
from haven.web.reporting.services import person_pseudonym, report_pseudonym
from tests.web.console.helpers import events


def case(report: Report) -> str:
    return reverse("reporting:report-show", args=[report.reference])


def people(report: Report) -> list[ReportPerson]:
    return list(ReportPerson.objects.filter(report=report).order_by("id"))


# --- people and relations -----------------------------------------------------------------


def test_the_case_page_shows_people_roles_and_relations(client, officer, report):
    victim, suspect = people(report)
    client.force_login(officer)
    edit = reverse("reporting:report-person-edit", args=[report.reference, suspect.pk])
    response = client.post(
        edit,
        {
            "role": "suspect",
            "label": "husband",
            "name": "Sam Doe",
            "relation": "partner",
            "related_to": str(victim.pk),
        },
    )
    assert response.status_code == 302
    suspect.refresh_from_db()
    assert (suspect.relation, suspect.related_to_id) == ("partner", victim.pk)
    page = client.get(case(report)).content.decode()
    assert "Partner or ex-partner of the caller" in page
    assert "husband — Sam Doe" in page and "Suspect" in page and "Victim" in page


def test_adding_changing_and_removing_people_is_ledgered_with_who_did_it(client, officer, report):
    client.force_login(officer)
    victim, _suspect = people(report)
    add = reverse("reporting:report-person-add", args=[report.reference])
    response = client.post(
        add,
        {"role": "witness", "label": "a neighbour", "relation": "", "related_to": ""},
    )
    assert response.status_code == 302
    neighbour = people(report)[-1]
    assert neighbour.unseal_text("label") == "a neighbour"
    edit = reverse("reporting:report-person-edit", args=[report.reference, neighbour.pk])
    client.post(
        edit,
        {
            "role": "witness",
            "label": "the neighbour",
            "relation": "family",
            "related_to": str(victim.pk),
        },
    )
    neighbour.refresh_from_db()
    assert neighbour.unseal_text("label") == "the neighbour" and neighbour.relation == "family"
    remove = reverse("reporting:report-person-remove", args=[report.reference, victim.pk])
    assert client.post(remove).status_code == 302
    assert not ReportPerson.objects.filter(pk=victim.pk).exists()
    neighbour.refresh_from_db()
    assert (neighbour.relation, neighbour.related_to_id) == ("", None)  # the relation went too
    changes = [(e["change"], e["role"], e["by"]) for e in events(report, "report_people_changed")]
    me = staff_pseudonym(officer)
    assert changes == [
        ("added", "witness", me),
        ("updated", "witness", me),
        ("removed", "victim", me),
    ]
    assert events(report, "report_people_changed")[2]["person"] == person_pseudonym(victim)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "bystander", "label": "x"}, "Choose their part in the report"),
        ({"role": "witness", "label": "  "}, "Enter how to refer to them"),
        ({"role": "witness", "label": "x" * 121}, "120 characters or fewer"),
        (
            {"role": "witness", "label": "x", "relation": "partner"},
            "Choose the person they are related to",
        ),
        (
            {"role": "witness", "label": "x", "relation": "boss", "related_to": "1"},
            "Choose how they are related",
        ),
        (
            {"role": "witness", "label": "x", "relation": "partner", "related_to": "999999"},
            "Choose someone else in this report",
        ),
    ],
)
def test_a_bad_person_shows_a_clear_error_and_changes_nothing(
    client, officer, report, data, message
):
    client.force_login(officer)
    before = (LedgerEntry.objects.exclude(kind="report_read").count(), ReportPerson.objects.count())
    response = client.post(reverse("reporting:report-person-add", args=[report.reference]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    after = (LedgerEntry.objects.exclude(kind="report_read").count(), ReportPerson.objects.count())
    assert after == before


def test_a_person_cannot_be_related_to_someone_in_another_report(client, officer, report, met):
    from haven.web.reporting.models import Channel
    from haven.web.reporting.services import PersonInReport, report_create

    other = report_create(
        force=met,
        offence="other",
        account="x",
        channel=Channel.PORTAL,
        people=[PersonInReport(role="victim", label="someone else")],
    )
    stranger = people(other)[0]
    victim, suspect = people(report)
    client.force_login(officer)
    edit = reverse("reporting:report-person-edit", args=[report.reference, suspect.pk])
    data = {"role": "suspect", "label": "husband", "relation": "partner"}
    for related in (stranger.pk, suspect.pk):  # another report's person, or themselves
        response = client.post(edit, data | {"related_to": str(related)})
        assert "Choose someone else in this report" in response.content.decode()
    suspect.refresh_from_db()
    assert suspect.related_to_id is None
    # And another report's person cannot be edited through this report.
    wrong = reverse("reporting:report-person-edit", args=[report.reference, stranger.pk])
    assert client.get(wrong).status_code == 404


# --- the stage ----------------------------------------------------------------------------


def test_changing_the_stage_is_ledgered_and_shown(client, officer, report):
    client.force_login(officer)
    url = reverse("reporting:report-stage", args=[report.reference])
    response = client.post(url, {"stage": "investigation"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.stage == "investigation"
    [changed] = events(report, "report_stage_changed")
    assert changed == {
        "report": report_pseudonym(report),
        "stage_from": "report",
        "stage_to": "investigation",
        "by": staff_pseudonym(officer),
    }
    page = client.get(case(report)).content.decode()
    assert "Under investigation" in page
    assert "Moved the report from “Reported” to “Under investigation”." in page


def test_concluding_starts_the_retention_clock(client, officer, report):
    client.force_login(officer)
    client.post(reverse("reporting:report-stage", args=[report.reference]), {"stage": "concluded"})
    report.refresh_from_db()
    assert report.stage == "concluded" and report.shred_on is not None


@pytest.mark.parametrize("data", [{"stage": "closed"}, {}])
def test_a_bad_stage_shows_a_clear_error_and_changes_nothing(client, officer, report, data):
    client.force_login(officer)
    before = LedgerEntry.objects.count()
    response = client.post(reverse("reporting:report-stage", args=[report.reference]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Choose the stage the report has reached" in page
    report.refresh_from_db()
    assert report.stage == "report" and LedgerEntry.objects.count() == before


def test_a_dpo_reads_the_case_but_changes_nothing(client, dpo, report):
    client.force_login(dpo)
    page = client.get(case(report)).content.decode()
    assert "He took my passport." in page
    assert reverse("reporting:report-stage", args=[report.reference]) not in page
    assert reverse("reporting:report-person-add", args=[report.reference]) not in page
    victim = people(report)[0]
    for url, data in (
        (reverse("reporting:report-stage", args=[report.reference]), {"stage": "concluded"}),
        (
            reverse("reporting:report-person-add", args=[report.reference]),
            {"role": "witness", "label": "x"},
        ),
        (reverse("reporting:report-person-remove", args=[report.reference, victim.pk]), {}),
    ):
        assert client.post(url, data).status_code == 404
    report.refresh_from_db()
    assert report.stage == "report" and len(people(report)) == 2


# --- reads, the timeline, messages, language ------------------------------------------------


def test_each_content_view_appends_exactly_one_read_and_the_stage_page_none(
    client, officer, report
):
    client.force_login(officer)
    victim = people(report)[0]
    for url in (
        case(report),
        reverse("reporting:report-person-add", args=[report.reference]),
        reverse("reporting:report-person-edit", args=[report.reference, victim.pk]),
        reverse("reporting:report-person-remove", args=[report.reference, victim.pk]),
    ):
        before = LedgerEntry.objects.count()
        assert client.get(url).status_code == 200
        assert LedgerEntry.objects.count() == before + 1
        assert LedgerEntry.objects.order_by("-position").first().kind == "report_read"
    before = LedgerEntry.objects.count()
    client.get(reverse("reporting:report-stage", args=[report.reference]))
    client.get(reverse("reporting:report-index"))
    assert LedgerEntry.objects.count() == before


def test_the_timeline_shows_decisions_approvals_and_reads_in_words(
    client, officer, supervisor, report
):
    victim = people(report)[0]
    common = {
        "report": report_pseudonym(report),
        "person": person_pseudonym(victim),
        "person_role": "victim",
        "request": "request-1",
    }
    with transaction.atomic():
        ledger_record(
            Decision(
                **common,
                action="disclose",
                recipient="immigration_enforcement",
                purpose="immigration_control",
                policy="a-policy-not-shipped",
                version="1",
                decision="allow",
                rules=("some_rule",),
                obligations=("supervisor_approval", "refer_to_support"),
                by=staff_pseudonym(officer),
            )
        )
        ledger_record(RequestStep(**common, step="approved", by=staff_pseudonym(supervisor)))
    client.force_login(officer)
    client.get(case(report))
    # The second view shows the first one's read (on PostgreSQL a request's own events
    # are appended after its page is rendered).
    page = client.get(case(report)).content.decode()
    assert "Timeline" in page
    assert (
        "Asked for: Disclosure to Immigration Enforcement for immigration control, about the"
        " victim. The policy allowed it." in page
    )
    assert "Obligation: get a supervisor&#x27;s approval first" in page
    assert "Obligation: refer the person to a support service" in page
    assert "A rule of the policy a-policy-not-shipped" in page
    assert "Approved a request about the victim." in page
    assert ">supervisor<" in page  # staff of the force appear by name
    assert "Read the report." in page and "Report received (safe reporting portal)" in page


def test_an_advocate_gets_no_case_page_not_even_for_their_own_report(
    client, advocate, advocate_report
):
    client.force_login(advocate)
    response = client.get(case(advocate_report))
    assert response.status_code == 404
    assert "Client's documents withheld" not in response.content.decode()


def test_messages_and_the_reporters_language_and_interpreter_in_words(client, officer, met):
    from tests.web.portal.followup_helpers import portal_report

    reported, _code = portal_report(met)
    Report.objects.filter(pk=reported.pk).update(language="pl")
    client.force_login(officer)
    page = client.get(case(reported)).content.decode()
    assert "Messages with the reporter" in page and "Reply to the reporter" in page
    assert "Reporter's language" in page and ">Polish<" in page
    assert "Yes, they asked for an interpreter" in page


# --- isolation and escaping ------------------------------------------------------------------


def test_another_forces_report_is_a_404_on_every_console_page(client, kent_officer, report):
    client.force_login(kent_officer)
    victim = people(report)[0]
    ref = report.reference
    for url in (
        case(report),
        reverse("reporting:report-stage", args=[ref]),
        reverse("reporting:report-person-add", args=[ref]),
        reverse("reporting:report-person-edit", args=[ref, victim.pk]),
        reverse("reporting:report-person-remove", args=[ref, victim.pk]),
    ):
        assert client.get(url).status_code == 404
        response = client.post(url, {"stage": "concluded", "role": "witness", "label": "x"})
        assert response.status_code == 404
        assert b"passport" not in response.content
    report.refresh_from_db()
    assert report.stage == "report" and len(people(report)) == 2
    assert events(report, "report_read") == []


def test_unsafe_input_is_escaped_everywhere_it_is_shown(client, officer, met):
    from tests.web.console.test_record import ANSWERS

    unsafe = '<script>alert("x")</script>'
    client.force_login(officer)
    response = client.post(
        reverse("reporting:report-record"),
        ANSWERS | {"account": unsafe, "reporter_label": unsafe, "place": unsafe},
    )
    report = Report.objects.get()
    for url in (
        response["Location"],
        reverse("reporting:report-person-edit", args=[report.reference, people(report)[0].pk]),
        reverse("reporting:report-person-remove", args=[report.reference, people(report)[0].pk]),
        reverse("reporting:report-person-add", args=[report.reference]),
    ):
        page = client.get(url).content.decode()
        assert unsafe not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_person_with_a_decided_request_cannot_be_removed(client, officer, report):
    from haven.web.sharing.models import DecisionRequest

    victim = people(report)[0]
    DecisionRequest.objects.create(
        force=report.force,
        report=report,
        person=victim,
        requested_by=officer,
        action="pnc_check",
        recipient="none",
        purpose="investigation",
        policy="npcc-2018",
        policy_version="1",
        decision="allow",
        status="approved",
    )
    client.force_login(officer)
    url = reverse("reporting:report-person-remove", args=[report.reference, victim.pk])
    page = client.get(url).content.decode()
    assert "a check or disclosure about them is on record" in page
    assert "Remove the person</button>" not in page
    before = LedgerEntry.objects.exclude(kind="report_read").count()
    response = client.post(url, follow=True)
    assert "a check or disclosure about them is on record" in response.content.decode()
    assert ReportPerson.objects.filter(pk=victim.pk).exists()
    assert DecisionRequest.objects.filter(person=victim).count() == 1
    assert LedgerEntry.objects.exclude(kind="report_read").count() == before


def test_the_case_page_works_without_the_gateways_panel(client, officer, report, monkeypatch):
    from django.template import TemplateDoesNotExist

    from haven.web.reporting import views

    def missing(name):
        raise TemplateDoesNotExist(name)

    monkeypatch.setattr(views, "get_template", missing)
    client.force_login(officer)
    response = client.get(case(report))
    assert response.status_code == 200
    assert "He took my passport." in response.content.decode()
    assert "gateway-panel-title" not in response.content.decode()


def test_the_case_page_of_a_report_an_advocate_made_opens(
    client, kent_officer, advocate, advocate_report
):
    client.force_login(kent_officer)
    response = client.get(reverse("reporting:report-show", args=[advocate_report.reference]))
    assert response.status_code == 200


def test_a_reference_in_lower_case_finds_its_report(client, officer, report):
    client.force_login(officer)
    response = client.get(reverse("reporting:report-show", args=[report.reference.lower()]))
    assert response.status_code == 200
