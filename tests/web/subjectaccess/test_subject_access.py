"""Subject access end to end: asked by receipt code or through an advocate, answered by
the report's force's DPO as a PDF (the immigration exemption only with a reason),
downloaded from the follow-up page; ledgered; nothing about other people goes in."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entry_event
from haven.web.portal.models import Message
from haven.web.sharing.services import sealed_note_add
from haven.web.subjectaccess import services as sa_services
from haven.web.subjectaccess.models import Status, SubjectAccessRequest, Via, one_month_after
from haven.web.subjectaccess.selectors import subject_access_answers
from tests.web.conftest import _staff
from tests.web.portal.followup_helpers import dashed, portal_report

START = reverse("portal:followup-start")
SHOW = reverse("portal:followup-show")
COPY = reverse("portal:followup-copy")
CANARY_LABEL = "CANARY-SUSPECT-LABEL-7Q"
CANARY_NAME = "Canary Othername"


def kinds() -> list[str]:
    return list(LedgerEntry.objects.order_by("position").values_list("kind", flat=True))


@pytest.fixture
def reported(met):
    report, code = portal_report(met)
    suspect = report.people.get(role="suspect")
    suspect.seal_text("label", CANARY_LABEL)
    suspect.seal_text("name", CANARY_NAME)
    suspect.save()
    return report, code


@pytest.fixture
def following(client, reported):
    report, code = reported
    assert client.post(START, {"code": dashed(code)}).status_code == 302
    return report


@pytest.fixture
def dpo_client(client, dpo):
    from django.test import Client

    staff = Client()
    staff.force_login(dpo)
    return staff


@pytest.fixture
def printed(monkeypatch):
    """The HTML each answer's PDF is printed from."""
    pages: list[str] = []
    original = sa_services.answer_html

    def capture(*args, **kwargs):
        html = original(*args, **kwargs)
        pages.append(html)
        return html

    monkeypatch.setattr(sa_services, "answer_html", capture)
    return pages


def test_one_month_after():
    assert one_month_after(date(2026, 11, 28)) == date(2026, 12, 28)
    assert one_month_after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert one_month_after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert one_month_after(date(2026, 12, 15)) == date(2027, 1, 15)


def test_the_whole_flow_by_receipt_code(client, following, dpo, dpo_client, officer, printed):
    report = following
    # A note about the reporter in the sealed compartment, and one about the suspect.
    me = report.reporter.person
    suspect = report.people.get(role="suspect")
    sealed_note_add(
        report=report,
        person=me,
        status_concern="doubt",
        status_source="self",
        note="SEALED-MINE",
        by=officer,
    )
    sealed_note_add(
        report=report,
        person=suspect,
        status_concern="suspected",
        status_source="officer",
        note="SEALED-THEIRS",
        by=officer,
    )
    assert client.get(COPY).status_code == 200
    assert SubjectAccessRequest.objects.count() == 0  # the confirmation page changes nothing
    response = client.post(COPY)
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    assert sar.via == Via.RECEIPT_CODE and sar.person == me and sar.status == Status.OPEN
    assert sar.due_on == one_month_after(timezone.localdate(sar.requested_at))
    assert "copy_requested" in kinds()
    page = client.get(SHOW).content.decode()
    assert "Waiting for an answer" in page and "Not yet" in page

    # Asking again while one is open changes nothing.
    client.post(COPY)
    assert SubjectAccessRequest.objects.count() == 1

    # The DPO's queue and page.
    queue = dpo_client.get(reverse("subjectaccess:index")).content.decode()
    assert report.reference in queue
    url = reverse("subjectaccess:show", args=[sar.pk])
    assert dpo_client.get(url).status_code == 200
    assert dpo_client.post(url, {"reason": ""}).status_code == 302
    sar.refresh_from_db()
    assert sar.answered and not sar.exemption_applied
    assert kinds()[-2:] == ["sealed_access", "subject_access_answered"]

    html = printed[-1]
    assert report.reference in html and "He hit me and took my phone." in html
    assert "SEALED-MINE" in html  # their own sealed note, opened through the gateway
    for canary in (CANARY_LABEL, CANARY_NAME, "SEALED-THEIRS", "her husband"):
        assert canary not in html
    assert "Who has seen or shared your information" in html
    assert "copy of the information" in html  # the request's own message is in it

    # The download, from the follow-up page, ledgered.
    page = client.get(SHOW).content.decode()
    download = reverse("portal:followup-copy-download", args=[sar.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert kinds()[-1] == "subject_access_downloaded"
    sar.refresh_from_db()
    assert sar.downloaded_at is not None


def test_the_exemption_needs_a_reason_and_withholds_the_sealed_notes(
    following, dpo, dpo_client, officer, printed
):
    report = following
    sealed_note_add(
        report=report,
        person=report.reporter.person,
        status_concern="doubt",
        status_source="self",
        note="SEALED-MINE",
        by=officer,
    )
    sar = sa_services.request_by_reporter(report=report)
    url = reverse("subjectaccess:show", args=[sar.pk])
    before = LedgerEntry.objects.count()
    response = dpo_client.post(url, {"exemption": "yes", "reason": "   "})
    assert response.status_code == 400
    assert "Give the reason for applying the immigration exemption." in response.content.decode()
    sar.refresh_from_db()
    assert sar.status == Status.OPEN and LedgerEntry.objects.count() == before
    with pytest.raises(ValidationError):
        sa_services.request_answer(sar=sar, by=dpo, exemption=True, reason="")

    reason = "Disclosure would prejudice an ongoing immigration investigation."
    assert dpo_client.post(url, {"exemption": "yes", "reason": reason}).status_code == 302
    sar.refresh_from_db()
    assert sar.exemption_applied and reason.encode() not in bytes(sar.exemption_reason)
    assert kinds()[-1] == "subject_access_answered" and "sealed_access" not in kinds()[before:]
    html = printed[-1]
    assert "SEALED-MINE" not in html and "Schedule 2, paragraph 4" in html
    assert reason not in html  # the reason stays with the force
    assert reason in dpo_client.get(url).content.decode()
    # The ledger holds a yes/no and pseudonyms, never the reason.
    answered = LedgerEntry.objects.filter(kind="subject_access_answered").get()
    payload = entry_event(answered)["payload"]
    assert payload["exemption"] is True and payload["sealed_opened"] is False
    assert reason not in json.dumps([entry_event(e) for e in LedgerEntry.objects.all()])
    # The statistics see only whether it was applied.
    now = timezone.now()
    answers = subject_access_answers(
        force=report.force, start=now - timedelta(days=1), end=now + timedelta(days=1)
    )
    assert [a.exemption_applied for a in answers] == [True]
    assert (
        subject_access_answers(
            force=report.force, start=now + timedelta(days=1), end=now + timedelta(days=2)
        )
        == []
    )


def test_the_whole_flow_by_advocate(client, kent, organisation, advocate, printed):
    report, _ = portal_report(
        kent,
        organisation=organisation,
        advocate=advocate,
        scopes=("see_updates", "request_copy"),
    )
    client.force_login(advocate)
    response = client.post(reverse("portal:followup-advocate-copy", args=[report.reference]))
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    assert sar.via == Via.ADVOCATE and sar.requested_by == advocate
    kent_dpo = _staff("dpo.kent", kent, "dpo")
    sa_services.request_answer(sar=sar, by=kent_dpo, exemption=False, reason="")
    show = reverse("portal:followup-advocate-show", args=[report.reference])
    download = reverse("portal:followup-advocate-copy-download", args=[report.reference, sar.pk])
    assert download in client.get(show).content.decode()
    response = client.get(download)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert kinds()[-1] == "subject_access_downloaded"
    assert "her husband" not in printed[-1]


def test_an_advocate_without_the_copy_scope_can_neither_ask_nor_download(
    client, kent, organisation, advocate
):
    report, _ = portal_report(
        kent, organisation=organisation, advocate=advocate, scopes=("see_updates",)
    )
    client.force_login(advocate)
    response = client.post(reverse("portal:followup-advocate-copy", args=[report.reference]))
    assert response.status_code == 403
    assert SubjectAccessRequest.objects.count() == 0
    with pytest.raises(PermissionDenied):
        sa_services.request_by_advocate(report=report, advocate=advocate)
    sar = sa_services.request_by_reporter(report=report)
    kent_dpo = _staff("dpo.kent", kent, "dpo")
    sa_services.request_answer(sar=sar, by=kent_dpo, exemption=False, reason="")
    url = reverse("portal:followup-advocate-copy-download", args=[report.reference, sar.pk])
    assert client.get(url).status_code == 403


def test_another_forces_dpo_gets_404_and_cannot_answer(client, kent, met, dpo, dpo_client):
    report, _ = portal_report(kent)
    sar = sa_services.request_by_reporter(report=report)
    assert dpo_client.get(reverse("subjectaccess:show", args=[sar.pk])).status_code == 404
    assert dpo_client.post(reverse("subjectaccess:show", args=[sar.pk])).status_code == 404
    assert report.reference not in dpo_client.get(reverse("subjectaccess:index")).content.decode()
    with pytest.raises(PermissionDenied):
        sa_services.request_answer(sar=sar, by=dpo, exemption=False, reason="")
    sar.refresh_from_db()
    assert sar.status == Status.OPEN


def test_an_officer_has_no_subject_access_pages(client, officer):
    client.force_login(officer)
    assert client.get(reverse("subjectaccess:index")).status_code == 403


def test_nothing_to_download_before_the_answer_and_not_another_reports(client, following, met):
    sar = sa_services.request_by_reporter(report=following)
    assert client.get(reverse("portal:followup-copy-download", args=[sar.pk])).status_code == 404
    other, _ = portal_report(met)
    theirs = sa_services.request_by_reporter(report=other)
    assert client.get(reverse("portal:followup-copy-download", args=[theirs.pk])).status_code == 404
    assert "subject_access_downloaded" not in kinds()


def test_the_request_sends_the_force_a_message(following):
    sa_services.request_by_reporter(report=following)
    assert Message.objects.filter(report=following).count() == 1


def test_the_reporters_disclosure_log_says_in_words_who_answered_and_what_was_opened(
    following, dpo
):
    from haven.web.portal.disclosure_log import disclosure_log

    sealed_note_add(
        report=following,
        person=following.people.get(role="victim"),
        status_concern="doubt",
        status_source="suspect",
        note="He says she overstayed.",
        by=_staff("officer-log", following.force, "officer"),
    )
    sar = sa_services.request_by_reporter(report=following)
    sa_services.request_answer(sar=sar, by=dpo, exemption=False, reason="")

    lines = [line.what for line in disclosure_log(following)]

    assert "Your request for your information was answered." in lines
    assert any("to answer your request for your information" in line for line in lines)
    assert not any("Something else" in line for line in lines), lines


def test_the_console_and_auditor_timeline_names_the_subject_access_steps(following, dpo):
    from haven.web.reporting.selectors import report_timeline

    sar = sa_services.request_by_reporter(report=following)
    sa_services.request_answer(sar=sar, by=dpo, exemption=False, reason="")

    words = [entry.what for entry in report_timeline(report=following)]

    assert "The DPO answered a subject access request." in words
    assert not any("Something else" in line for line in words), words
