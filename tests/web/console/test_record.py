"""Recording a report taken by phone or at a front desk."""

from __future__ import annotations

import re

from django.urls import reverse

from haven.web.ledger.models import LedgerEntry
from haven.web.reporting.models import Report
from haven.web.reporting.services import person_pseudonym, report_pseudonym
from tests.web.console.helpers import events

RECORD = reverse("reporting:report-record")

ANSWERS = {
    "channel": "phone",
    "offence": "modern_slavery",
    "account": "My employer keeps my wages.",
    "occurred": "last winter",
    "place": "a car wash in Croydon",
    "reporter_role": "victim",
    "reporter_label": "the caller",
    "reporter_name": "",
    "other_1_role": "suspect",
    "other_1_label": "her employer",
    "other_1_name": "Pat Boss",
    "contact_allowed": "yes",
    "contact_way": "text",
    "contact_details": "07700 900123",
    "contact_times": "after 6pm",
    "say_police": "no",
    "language": "ro",
    "language_other": "",
    "interpreter": "yes",
}


def test_an_officer_records_a_phone_report_sealed_and_ledgered(client, officer, met):
    client.force_login(officer)
    response = client.post(RECORD, ANSWERS)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report-show", args=[report.reference])
    assert (report.force, report.channel, report.offence) == (met, "phone", "modern_slavery")
    assert report.recorded_by == officer and report.interpreter_needed is True
    assert report.unseal_text("account") == "My employer keeps my wages."
    assert b"wages" not in bytes(report.account)
    assert report.unseal_text("preferred_language") == "Romanian"
    contact = report.unseal_text("contact")
    assert "Text message" in contact and "07700 900123" in contact and "Do NOT say" in contact
    victim, suspect = report.people.order_by("id")
    assert (victim.role, suspect.role) == ("victim", "suspect")
    assert suspect.unseal_text("name") == "Pat Boss"
    # Ledgered as the portal's submissions are: one report_received event, with the people.
    [received] = events(report, "report_received")
    assert received == {
        "report": report_pseudonym(report),
        "force": "metropolitan",
        "offence": "modern_slavery",
        "channel": "phone",
        "people": [
            {"person": person_pseudonym(victim), "role": "victim"},
            {"person": person_pseudonym(suspect), "role": "suspect"},
        ],
    }
    page = client.get(response["Location"]).content.decode()
    assert "By phone, recorded by an officer" in page and "Romanian" in page
    assert "Yes, they asked for an interpreter" in page
    assert "Recorded by</dt>" in page and ">officer</dd>" in page


def test_a_front_desk_report_with_no_contact_and_another_language(client, officer, met):
    client.force_login(officer)
    answers = ANSWERS | {
        "channel": "front_desk",
        "contact_allowed": "no",
        "contact_way": "",
        "contact_details": "",
        "say_police": "",
        "language": "other",
        "language_other": "Tagalog",
        "interpreter": "no",
        "other_1_role": "",
        "other_1_label": "",
        "other_1_name": "",
    }
    assert client.post(RECORD, answers).status_code == 302
    report = Report.objects.get()
    assert report.channel == "front_desk" and report.interpreter_needed is False
    assert report.unseal_text("contact") == "Do not contact the reporter."
    assert report.unseal_text("preferred_language") == "Other: Tagalog"
    assert report.people.count() == 1


def test_the_form_never_asks_about_status_nationality_or_documents(client, officer):
    client.force_login(officer)
    page = client.get(RECORD).content.decode()
    fields = " ".join(re.findall(r'name="([^"]+)"', page)).lower()
    labels = " ".join(re.findall(r"<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>", page, re.S))
    for word in ("immigration", "nationality", "passport", "visa", "document", "status"):
        assert word not in fields
        assert word not in labels.lower()


def test_bad_input_shows_each_error_and_records_nothing(client, officer):
    client.force_login(officer)
    before = LedgerEntry.objects.count()
    answers = ANSWERS | {
        "channel": "portal",  # officers record only phone and front-desk reports
        "account": "   ",
        "contact_details": "",
        "other_2_label": "a neighbour",  # no part in the report
        "language": "klingon",
    }
    response = client.post(RECORD, answers)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    for message in (
        "Choose how the report was made",
        "Enter what happened, in the reporter&#x27;s words",
        "Enter the number or address to contact them on",
        "Choose this person&#x27;s part in the report",
        "Choose the language they would like to be contacted in",
    ):
        assert message in page
    assert "a car wash in Croydon" in page  # what was typed is kept
    assert Report.objects.count() == 0 and LedgerEntry.objects.count() == before


def test_too_long_an_account_is_refused_with_its_limit(client, officer):
    client.force_login(officer)
    response = client.post(RECORD, ANSWERS | {"account": "x" * 20_001})
    assert "What happened must be 20,000 characters or fewer" in response.content.decode()
    assert Report.objects.count() == 0


def test_an_officer_cannot_record_into_another_force(client, officer, kent):
    client.force_login(officer)
    response = client.post(RECORD, ANSWERS | {"force": str(kent.pk)})
    report = Report.objects.get()
    assert report.force.code == "metropolitan"  # one force: the form's own, not the posted one
    assert response.status_code == 302


def test_an_officer_of_two_forces_chooses_and_cannot_choose_a_third(client, officer, met, kent):
    from haven.web.accounts.models import Role
    from haven.web.accounts.services import membership_grant
    from tests.web.conftest import force

    membership_grant(user=officer, force=kent, role=Role.OFFICER)
    client.force_login(officer)
    page = client.get(RECORD).content.decode()
    assert kent.name in page and met.name in page
    response = client.post(RECORD, ANSWERS | {"force": str(force("surrey").pk)})
    assert "Choose the force the report is for" in response.content.decode()
    assert Report.objects.count() == 0
    assert client.post(RECORD, ANSWERS | {"force": str(kent.pk)}).status_code == 302
    assert Report.objects.get().force == kent


def test_who_may_record(client, dpo, auditor, advocate):
    for user in (dpo, auditor, advocate):
        client.force_login(user)
        assert client.get(RECORD).status_code == 404
        assert client.post(RECORD, ANSWERS).status_code == 404
    assert Report.objects.count() == 0
    client.logout()
    assert client.get(RECORD).status_code == 302
