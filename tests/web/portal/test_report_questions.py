"""The question pages: inline errors that change nothing, order, change links, people,
escaping, size limits, exit and the throttles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from haven.web.portal import steps
from haven.web.portal.models import PortalDraft
from haven.web.portal.selectors import DRAFT_SESSION_KEY
from haven.web.reporting.models import Report

from .report_helpers import (
    VICTIM_ANSWERS,
    answer_all,
    clear_portal_throttles,
    current_answers,
)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    clear_portal_throttles()
    yield
    clear_portal_throttles()


def answered_up_to(client, url: str) -> None:
    """Answer every question before `url`."""
    for step_url, data in VICTIM_ANSWERS:
        if step_url == url:
            return
        assert client.post(step_url, data).status_code == 302


# --- steps.py ------------------------------------------------------------------------------


def test_missing_step_names_the_first_unanswered_question():
    assert steps.missing_step({}) == "way"
    assert steps.missing_step({"way": "victim"}) == "force"
    assert steps.missing_step({"way": "advocate", "force": "kent"}) == "consent"
    assert steps.missing_step({"way": "advocate", "consent": ["nonsense"]}) == "consent"
    answers = {
        "way": "victim",
        "force": "kent",
        "account": "x",
        "when": {"kind": "roughly", "text": "May"},
        "place": "",
        "offence": "other",
        "people": [],
        "contact": {"allowed": False},
        "language": "en",
        "support": ["none"],
    }
    assert steps.missing_step(answers) == "people"
    answers["people_done"] = True
    assert steps.missing_step(answers) is None
    assert steps.next_step(answers, "support") == steps.CHECK
    assert steps.next_step({"way": "victim"}, "way") == "force"
    assert steps.next_step({"way": "advocate"}, "way") == "consent"
    assert steps.previous_step({"way": "victim"}, "force") == "way"
    assert steps.previous_step({"way": "advocate"}, "force") == "consent"


# --- order ---------------------------------------------------------------------------------


def test_without_a_draft_every_question_leads_back_to_the_start(client, met):
    for url in ("/report/force", "/report/people", "/report/check-answers", "/report/support"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/report/"
    assert client.post("/report/force", {"force": "kent"}).url == "/report/"
    assert PortalDraft.objects.count() == 0


def test_skipping_ahead_redirects_to_the_first_unanswered_question(client, met):
    answered_up_to(client, "/report/what-happened")
    for url in ("/report/check-answers", "/report/support", "/report/where", "/report/people"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/report/what-happened", url
    # Posting an answer to a later question is refused the same way and stores nothing.
    assert client.post("/report/offence", {"offence": "other"}).url == "/report/what-happened"
    assert "offence" not in current_answers(client)
    assert client.post("/report/check-answers").url == "/report/what-happened"
    assert Report.objects.count() == 0
    # Earlier questions stay open, with a back link to the one before.
    page = client.get("/report/force").content.decode()
    assert 'class="govuk-back-link"' in page and 'href="/report/"' in page


def test_a_change_link_returns_to_check_answers(client, met):
    answer_all(client, VICTIM_ANSWERS)
    check = client.get("/report/check-answers").content.decode()
    assert 'href="/report/where?from=check"' in check
    page = client.get("/report/where?from=check").content.decode()
    assert "Above the shop on Green Lane" in page
    assert 'href="/report/check-answers"' in page  # the back link
    response = client.post("/report/where?from=check", {"place": "The bus station"})
    assert response.url == "/report/check-answers"
    assert current_answers(client)["place"] == "The bus station"


def test_where_can_be_skipped(client, met):
    answered_up_to(client, "/report/where")
    assert (
        client.post("/report/where", {"skip": "skip", "place": "ignored"}).url == "/report/offence"
    )
    assert current_answers(client)["place"] == ""


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/report/force", {}, "Select a police force"),
        ("/report/force", {"force": "atlantis"}, "Select a police force from the list"),
        ("/report/what-happened", {"account": "   "}, "Tell us what happened"),
        ("/report/when", {}, "Select whether you know the date"),
        (
            "/report/when",
            {"kind": "date", "day": "31", "month": "2", "year": "2024"},
            "must be a real date",
        ),
        (
            "/report/when",
            {"kind": "date", "day": "x", "month": "2", "year": "2024"},
            "must be a real date",
        ),
        ("/report/when", {"kind": "date", "day": "3"}, "with a day, month and year"),
        ("/report/when", {"kind": "roughly", "roughly": ""}, "Tell us roughly when"),
        ("/report/offence", {"offence": "immigration"}, "Select what kind of crime it was"),
        ("/report/contact", {}, "Select how we may contact you"),
        ("/report/contact", {"channel": "phone", "say_police": "no"}, "Enter a phone number"),
        ("/report/contact", {"channel": "email", "details_email": "a@b.c"}, "from the police"),
        ("/report/contact", {"channel": "advocate", "say_police": "no"}, "Select how we may"),
        ("/report/language", {"language": "en"}, "Select whether you need an interpreter"),
        ("/report/language", {"language": "other", "interpreter": "no"}, "Enter the language"),
        ("/report/support", {}, "or ‘No thanks’"),
        ("/report/support", {"support": ["none", "victim_support"]}, "not both"),
    ],
)
def test_a_wrong_answer_is_shown_inline_and_changes_nothing(client, met, url, data, message):
    answer_all(client, VICTIM_ANSWERS)
    before = current_answers(client)
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "govuk-error-message" in page
    assert message in page
    assert "<title>Error:" in page
    assert current_answers(client) == before


def test_a_date_in_the_future_is_refused(client, met):
    answered_up_to(client, "/report/when")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        "/report/when",
        {"kind": "date", "day": tomorrow.day, "month": tomorrow.month, "year": tomorrow.year},
    )
    assert "must be today or in the past" in response.content.decode()
    assert "when" not in current_answers(client)


def test_oversize_text_is_refused_with_a_clear_message(client, met):
    answered_up_to(client, "/report/what-happened")
    response = client.post("/report/what-happened", {"account": "a" * 5_001})
    assert response.status_code == 200
    assert "What happened must be 5,000 characters or fewer" in response.content.decode()
    assert "account" not in current_answers(client)
    assert client.post("/report/what-happened", {"account": "a" * 5_000}).status_code == 302
    assert (
        "You can enter up to 5,000 characters"
        in client.get("/report/what-happened").content.decode()
    )


def test_free_text_is_rendered_escaped_on_check_answers(client, met):
    answered_up_to(client, "/report/what-happened")
    script = "<script>alert('x')</script>"
    answer_all(
        client,
        [
            ("/report/what-happened", {"account": f"He said {script}\nthen left"}),
            ("/report/when", VICTIM_ANSWERS[3][1]),
            ("/report/where", {"place": script}),
            *[
                (url, {**data, "place": script, "name": script} if data.get("role") else data)
                for url, data in VICTIM_ANSWERS[5:]
            ],
        ],
    )
    page = client.get("/report/check-answers").content.decode()
    assert script not in page
    assert page.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") == 3
    assert "then left" in page and "<br>" in page


# --- people --------------------------------------------------------------------------------


def test_people_are_added_one_by_one_and_can_be_removed(client, met):
    answered_up_to(client, "/report/people")
    assert client.post("/report/people", {"action": "add"}).status_code == 200  # no role
    client.post("/report/people", {"action": "add", "role": "suspect", "name": "my husband"})
    client.post("/report/people", {"action": "add", "role": "family_member"})
    page = client.get("/report/people").content.decode()
    assert "my husband" in page and "Add another person" in page
    client.post("/report/people", {"action": "remove-0"})
    client.post("/report/people", {"action": "remove-99"})
    answers = current_answers(client)
    assert [p["role"] for p in answers["people"]] == ["family_member"]
    assert "people_done" not in answers
    assert client.post("/report/people", {"action": "done"}).url == "/report/contact"
    assert current_answers(client)["people_done"] is True


def test_nobody_else_is_a_valid_answer(client, met):
    answered_up_to(client, "/report/people")
    assert client.post("/report/people", {"action": "done"}).url == "/report/contact"
    assert current_answers(client)["people"] == []


# --- exit and throttles --------------------------------------------------------------------


def test_exit_discards_the_draft_row(client, met):
    answered_up_to(client, "/report/when")
    draft_id = client.session[DRAFT_SESSION_KEY]
    assert PortalDraft.objects.filter(pk=draft_id).exists()
    client.get("/report/exit")
    assert not PortalDraft.objects.filter(pk=draft_id).exists()
    assert client.get("/report/force").url == "/report/"


@override_settings(HAVEN_PORTAL_DRAFTS_PER_HOUR=2)
def test_too_many_new_drafts_get_a_429_with_a_clear_message(client, met):
    for _ in range(2):
        assert client.post("/report/", {"way": "victim"}).status_code == 302
        client.get("/report/exit")
    response = client.post("/report/", {"way": "victim"})
    assert response.status_code == 429
    assert "Too many reports have been started" in response.content.decode()
    assert "Try again in an hour" in response.content.decode()
    assert PortalDraft.objects.count() == 0


@override_settings(HAVEN_PORTAL_SUBMISSIONS_PER_HOUR=0)
def test_too_many_submissions_get_a_429_and_keep_the_answers(client, met):
    answer_all(client, VICTIM_ANSWERS)
    response = client.post("/report/check-answers")
    assert response.status_code == 429
    assert "Too many reports have been sent" in response.content.decode()
    assert Report.objects.count() == 0
    assert PortalDraft.objects.filter(pk=client.session[DRAFT_SESSION_KEY]).exists()


def test_a_change_that_needs_a_new_answer_asks_it_then_returns_to_check_answers(
    client, advocate, met
):
    client.force_login(advocate)
    answer_all(client, VICTIM_ANSWERS)
    response = client.post("/report/?from=check", {"way": "advocate"})
    assert response.url == "/report/consent?from=check"
    assert client.get("/report/check-answers").url == "/report/consent"
    response = client.post("/report/consent?from=check", {"consent": ["request_copy"]})
    assert response.url == "/report/check-answers"
    assert client.get("/report/check-answers").status_code == 200
    # Back to a victim's report: the consent is dropped with the way in.
    client.post("/report/?from=check", {"way": "victim"})
    assert "consent" not in current_answers(client)


def test_the_force_question_lists_every_force_enhanced_by_the_autocomplete(client, met):
    from haven.web.accounts.models import Force

    answered_up_to(client, "/report/force")
    page = client.get("/report/force").content.decode()
    assert page.count("<option value=") == Force.objects.count() + 1  # and "Choose a force"
    assert "/static/accessible-autocomplete/accessible-autocomplete.min.js" in page
    assert "/static/haven/force-autocomplete.js" in page
    assert "Not sure which force?" in page and "any police force will pass" in page


@override_settings(HAVEN_PORTAL_DRAFTS_PER_HOUR=1)
def test_changing_an_answer_in_the_same_draft_starts_no_new_draft(client, met):
    assert client.post("/report/", {"way": "victim"}).status_code == 302
    assert client.post("/report/", {"way": "witness"}).status_code == 302
    assert current_answers(client)["way"] == "witness"
    assert PortalDraft.objects.count() == 1


def test_an_expired_draft_is_not_used(client, met):
    answered_up_to(client, "/report/when")
    PortalDraft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get("/report/when").url == "/report/"
    assert client.get("/report/check-answers").url == "/report/"
