"""The sealed compartment in use: the entry form, and a canary written through it that
never comes back out except in a package whose purpose needs it."""

from __future__ import annotations

import json
import logging
import secrets

import pytest
from django.urls import reverse

from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entry_event
from haven.web.reporting.models import SealedNote
from haven.web.sharing.documents import package_html
from haven.web.sharing.services import package_build
from tests.web.portal.followup_helpers import dashed, portal_report
from tests.web.sharing.conftest import (
    DUTIES,
    asked,
    download,
    kinds,
    show,
    text,
    use_policy,
    verdict,
)


def record(client, report, **fields):
    form = {"person": "", "status_concern": "doubt", "status_source": "suspect", "note": ""}
    form.update(fields)
    return client.post(reverse("sharing:sealed-note", args=[report.reference]), form)


def test_the_form_says_where_it_goes_and_writes_only_to_the_sealed_compartment(
    client, officer, report, victim
):
    client.force_login(officer)
    page = text(client.get(reverse("sharing:sealed-note", args=[report.reference])))
    assert "goes only into the sealed compartment" in page
    assert "The report as a whole" in page and "the caller (Victim)" in page
    response = record(client, report, person=victim.pk, note="Passport held by husband.")
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report-show", args=[report.reference])
    note = SealedNote.objects.get()
    assert note.person == victim and b"Passport" not in bytes(note.note)
    assert kinds(report)[-1] == "sealed_note_recorded"
    event = entry_event(LedgerEntry.objects.get(kind="sealed_note_recorded"))
    assert set(event["payload"]) == {"report", "person", "person_role", "by"}  # never what


def test_a_concern_without_a_source_is_refused_and_nothing_is_written(client, officer, report):
    client.force_login(officer)
    response = record(client, report, status_source="none")
    assert response.status_code == 400
    assert "a concern about immigration status always has a source" in text(response)
    assert not SealedNote.objects.exists()
    assert "sealed_note_recorded" not in kinds(report)


def test_only_staff_who_record_reports_may_write_to_it(client, auditor, dpo, kent_officer, report):
    for user in (auditor, dpo, kent_officer):
        client.force_login(user)
        assert record(client, report).status_code == 404
    assert not SealedNote.objects.exists()


@pytest.fixture
def canary() -> str:
    return f"SEALEDCANARY{secrets.token_hex(8).upper()}"


def test_a_sealed_canary_reaches_only_the_package_whose_purpose_needs_it(
    client, met, officer, supervisor, canary, caplog
):
    """Written through the form, the canary is in no page, log, ledger entry or package
    of a purpose that does not need it; a package to help the person regularise their
    stay (with their consent) is the one place it goes, as the policy allows."""
    caplog.set_level(logging.DEBUG)
    use_policy(met, DUTIES)
    report, code = portal_report(met)
    person = report.reporter.person
    client.force_login(officer)
    record(
        client, report, person=person.pk, note=f"{canary} visa expired", status_concern="suspected"
    )

    pages = [client.get(reverse("reporting:report-show", args=[report.reference]))]
    pages.append(client.get(reverse("sharing:request-new", args=[report.reference])))
    pages.append(client.get(reverse("sharing:sealed-note", args=[report.reference])))
    ordinary = asked(client, report, person, recipient="support_service", purpose="safeguarding",
                     rationale="Refuge place.")  # fmt: skip
    partner = asked(
        client, report, person, recipient="safeguarding_partner", purpose="safeguarding"
    )
    pages += [show(client, ordinary), show(client, partner)]
    client.force_login(supervisor)
    pages.append(client.get(reverse("sharing:approvals")))
    pages.append(client.get(reverse("sharing:approval", args=[ordinary.pk])))
    verdict(client, ordinary)
    client.force_login(officer)
    packages = [download(client, ordinary), download(client, partner)]
    packages.append(download(client, ordinary, "pdf"))
    reporter_client = client.__class__()
    reporter_client.post(reverse("portal:followup-start"), {"code": dashed(code)})
    pages.append(reporter_client.get(reverse("portal:followup-show")))

    for response in pages + packages:
        assert response.status_code == 200
        assert canary not in response.content.decode("latin-1")
    for package in packages[:2]:
        assert canary not in package_html(json.loads(package.content))  # what the PDF prints
    for entry in LedgerEntry.objects.all():
        assert canary not in json.dumps(entry_event(entry))
    assert canary not in caplog.text

    # The control: a package for regularisation support, with consent, carries it.
    helped = asked(client, report, person, recipient="support_service",
                   purpose="regularisation_support", consent="given")  # fmt: skip
    assert canary in json.loads(download(client, helped).content)["fields"]["status_note"]
    assert canary in package_html(package_build(request=helped, by=officer))


def test_a_note_about_the_report_as_a_whole_is_decided_on_for_anyone_in_it(
    client, met, officer, report, victim
):
    use_policy(met, "hmicfrs-2020")
    client.force_login(officer)
    assert record(client, report).status_code == 302  # doubt, raised by the suspect
    assert SealedNote.objects.get().person is None
    event = entry_event(LedgerEntry.objects.get(kind="sealed_note_recorded"))
    assert event["payload"]["person"] == ""
    request = asked(client, report, victim, recipient="immigration_enforcement",
                    purpose="immigration_control")  # fmt: skip
    assert request.rules == ["deny-sharing-domestic-abuse-victims-on-doubt"]
