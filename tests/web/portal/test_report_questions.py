"""The question pages: inline errors that change nothing, order, change links, people,
escaping, size limits, exit and the throttles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

import haven.web
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
        ("/report/when", {}, "Enter the date it happened, or tell us roughly when"),
        ("/report/when", {"roughly": "   "}, "Enter the date it happened, or tell us roughly when"),
        (
            "/report/when",
            {"day": "3", "month": "2", "year": "2024", "roughly": "last winter"},
            "Enter the date it happened or tell us roughly when, not both",
        ),
        ("/report/when", {"day": "3", "roughly": "May"}, "not both"),
        ("/report/when", {"day": "31", "month": "2", "year": "2024"}, "must be a real date"),
        ("/report/when", {"day": "x", "month": "2", "year": "2024"}, "must be a real date"),
        ("/report/when", {"day": "3"}, "with a day, month and year"),
        ("/report/when", {"day": "3", "month": "2", "year": "24"}, "must include 4 numbers"),
        ("/report/when", {"day": "3", "month": "2", "year": "1066"}, "in 1900 or later"),
        ("/report/when", {"day": "00003", "month": "2", "year": "2024"}, "must be a real date"),
        ("/report/when", {"roughly": "a" * 201}, "Roughly when must be 200 characters or fewer"),
        ("/report/offence", {"offence": "immigration"}, "Select what kind of crime it was"),
        ("/report/contact", {}, "Select how we may contact you"),
        ("/report/contact", {"channel": "advocate"}, "Select how we may"),
        ("/report/contact-details", {"say_police": "no"}, "Enter a mobile number we can text"),
        ("/report/contact-details", {"details": "07700 900123"}, "from the police"),
        (
            "/report/contact-details",
            {"details": "0" * 201, "say_police": "no"},
            "This must be 200 characters or fewer",
        ),
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
        {"day": tomorrow.day, "month": tomorrow.month, "year": tomorrow.year},
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


# --- the when and contact pages (no conditional reveals) -----------------------------------


def test_roughly_when_is_accepted_when_the_date_is_left_empty(client, met):
    answered_up_to(client, "/report/when")
    page = client.get("/report/when").content.decode()
    assert 'name="day"' in page and 'name="roughly"' in page  # both always on the page
    response = client.post("/report/when", {"day": "", "month": "", "roughly": "Last winter"})
    assert response.url == "/report/where"
    assert current_answers(client)["when"] == {"kind": "roughly", "text": "Last winter"}
    assert 'value="Last winter"' in client.get("/report/when").content.decode()
    client.post("/report/when", {"day": "3", "month": "2", "year": "2024"})
    assert current_answers(client)["when"] == {"kind": "date", "date": "2024-02-03"}


def test_do_not_contact_me_skips_the_contact_details_page(client, met):
    answered_up_to(client, "/report/contact")
    assert client.post("/report/contact", {"channel": "none"}).url == "/report/language"
    assert current_answers(client)["contact"] == {"allowed": False}
    # The details page is no step now: opening it leads on to the next question.
    assert client.get("/report/contact-details").url == "/report/language"
    client.post("/report/language", {"language": "en", "interpreter": "no"})
    page = client.get("/report/language").content.decode()
    assert 'href="/report/contact"' in page  # the back link skips the details page


def test_a_channel_leads_to_its_details_page_then_on(client, met):
    answered_up_to(client, "/report/contact")
    assert client.post("/report/contact", {"channel": "email"}).url == "/report/contact-details"
    assert client.get("/report/language").url == "/report/contact-details"
    page = client.get("/report/contact-details").content.decode()
    assert 'type="email"' in page and 'href="/report/contact"' in page
    response = client.post(
        "/report/contact-details",
        {"details": "me@example.org", "times": "mornings", "say_police": "yes"},
    )
    assert response.url == "/report/language"
    assert current_answers(client)["contact"] == {
        "allowed": True,
        "channel": "email",
        "details": "me@example.org",
        "times": "mornings",
        "say_police": True,
    }
    # The same channel again keeps the details; another one asks for them again.
    client.post("/report/contact", {"channel": "email"})
    assert current_answers(client)["contact"]["details"] == "me@example.org"
    client.post("/report/contact", {"channel": "phone"})
    assert current_answers(client)["contact"] == {"allowed": True, "channel": "phone"}
    assert client.get("/report/language").url == "/report/contact-details"


def test_an_advocate_channel_asks_no_number_or_address(client, advocate, met):
    client.force_login(advocate)
    client.post("/report/", {"way": "advocate"})
    client.post("/report/consent", {"consent": ["see_updates"]})
    for url, data in VICTIM_ANSWERS[1:]:
        if url == "/report/contact":
            break
        client.post(url, data)
    client.post("/report/contact", {"channel": "advocate"})
    page = client.get("/report/contact-details").content.decode()
    assert 'name="details"' not in page and 'name="say_police"' in page
    client.post("/report/contact-details", {"say_police": "no"})
    assert current_answers(client)["contact"] == {
        "allowed": True,
        "channel": "advocate",
        "details": "",
        "times": "",
        "say_police": False,
    }


def test_changing_contact_from_check_answers_goes_through_the_details(client, met):
    answer_all(client, VICTIM_ANSWERS)
    check = client.get("/report/check-answers").content.decode()
    assert 'href="/report/contact?from=check"' in check
    # Same channel: on to its details (to change them), then back to check answers.
    response = client.post("/report/contact?from=check", {"channel": "text"})
    assert response.url == "/report/contact-details?from=check"
    page = client.get("/report/contact-details?from=check").content.decode()
    assert 'value="07700 900123"' in page and 'href="/report/check-answers"' in page
    response = client.post(
        "/report/contact-details?from=check",
        {"details": "07700 900999", "times": "", "say_police": "no"},
    )
    assert response.url == "/report/check-answers"
    assert current_answers(client)["contact"]["details"] == "07700 900999"
    # A new channel: its details are asked for before check answers opens.
    response = client.post("/report/contact?from=check", {"channel": "phone"})
    assert response.url == "/report/contact-details?from=check"
    assert client.get("/report/check-answers").url == "/report/contact-details"
    # Do not contact me: straight back.
    response = client.post("/report/contact?from=check", {"channel": "none"})
    assert response.url == "/report/check-answers"


def test_no_question_page_has_a_conditional_reveal(client, advocate, met):
    """Issue 10: axe must find nothing, and GOV.UK's reveal sets aria-expanded on radios."""
    client.force_login(advocate)
    answers = [
        ("/report/", {"way": "advocate"}),
        ("/report/consent", {"consent": ["see_updates"]}),
        *VICTIM_ANSWERS[1:],
    ]
    pages = {"/report/", "/report/check-answers"}
    for url, data in answers:
        pages.add(url)
        page = client.get(url).content.decode()
        assert "data-aria-controls" not in page and "__conditional" not in page, url
        assert client.post(url, data).status_code == 302, url
    for url in pages:
        page = client.get(url).content.decode()
        assert "data-aria-controls" not in page and "__conditional" not in page, url
    for template in Path(haven.web.__file__).parent.glob("**/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        assert "data-aria-controls" not in text and "__conditional" not in text, template


def test_date_boxes_typed_too_long_get_one_message_about_the_date(client, met):
    answered_up_to(client, "/report/when")
    response = client.post("/report/when", {"day": "12345", "month": "12345", "year": "2024"})
    page = response.content.decode()
    assert page.count("must be a real date") == 2  # the summary's link and the field
    assert "at most" not in page and "characters" not in page
