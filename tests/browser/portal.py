"""What the portal's browser tests share: people and forces in the live database, a walker
that answers the portal's questions as a person would, and axe-core.

The walker reads each question page as it is: it answers the radios, checkboxes, selects
(or the searchable force list) and text boxes it finds in the page's form, preferring the
answers it is given by field name, then presses the form's button. So the tests follow
the real pages, and a new question does not break them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts import services as account_services
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import AdvocateOrganisation, Force, Role, User
from haven.web.demo import demo_totp_key
from tests.browser.conftest import axe_violations  # noqa: F401 - the portal tests' import

PASSWORD = "correct-horse-battery-staple"
LANGUAGES = ["en", "cy", "pl", "ro", "ur", "ar", "bn"]
RIGHT_TO_LEFT = {"ur", "ar"}

ACCOUNT = "The man at the car wash keeps my wages and shouts at me when I ask for them."
# Answers by field name (radio, checkbox and select values; text for text boxes).
ANSWERS = {
    "force": "metropolitan",
    "account": ACCOUNT,
    "place": "The car wash on the high street",
    "language": "en",
    "support": "none",
}
# When nothing is preferred, the walker takes an answer that asks nothing further.
QUIET = ("no", "false", "0", "none", "not_allowed", "roughly")
CODE = re.compile(
    r"\b([A-HJ-NP-Z2-9]{4})[ -]?([A-HJ-NP-Z2-9]{4})[ -]?([A-HJ-NP-Z2-9]{4})[ -]?([A-HJ-NP-Z2-9]{4})\b"
)


def fresh_site() -> None:
    """The 43 forces, and the portal's per-client counts forgotten.

    The forces are reference data a migration loads, which transactional tests empty.
    The counts live in the live server's cache, this process's memory, where every test
    is the same client (127.0.0.1): without this, a worker's sixth report of the hour
    would be refused, as it should be for one person.
    """
    caches[settings.AXES_CACHE].clear()
    load_forces()


def load_forces() -> None:
    """The 43 forces (reference data a migration loads; transactional tests empty it)."""
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


def code_now(key_hex: str) -> str:
    """The code an authenticator app shows now for a key (hex, as django-otp stores it)."""
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def advocate_create(username: str = "advocate") -> User:
    """A signed-up advocate of a charity, with the demo authenticator."""
    organisation, _ = AdvocateOrganisation.objects.get_or_create(
        code="safe-passage-test", defaults={"name": "Safe Passage (test)"}
    )
    user = account_services.user_create(username=username, password=PASSWORD)
    account_services.advocate_organisation_join(user=user, organisation=organisation)
    TOTPDevice.objects.create(user=user, name="app", key=demo_totp_key(), confirmed=True)
    return user


def officer_create(force_code: str = "metropolitan", username: str = "officer") -> User:
    user = account_services.user_create(username=username, password=PASSWORD)
    account_services.membership_grant(
        user=user, force=Force.objects.get(code=force_code), role=Role.OFFICER
    )
    TOTPDevice.objects.create(user=user, name="app", key=demo_totp_key(), confirmed=True)
    return user


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/code/")
    page.get_by_label("Code").fill(code_now(demo_totp_key()))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/home/")


# --- axe ----------------------------------------------------------------------------------


# --- the walker ---------------------------------------------------------------------------


def question_form(page):
    """The page's question form: the POST form in <main> (not the exit or the switcher)."""
    return page.locator("main form[method='post']").first


def _visible(locator) -> list:
    return [item for item in locator.all() if item.is_visible() or _styled_input(item)]


def _styled_input(item) -> bool:
    # GOV.UK radios and checkboxes draw their own box over a transparent input.
    return item.evaluate("e => e.type === 'radio' || e.type === 'checkbox'") and item.evaluate(
        "e => e.closest('.govuk-radios__item, .govuk-checkboxes__item') !== null"
    )


def _choose(name: str, values: list[str], answers: dict[str, str], attempt: int) -> str:
    wanted = answers.get(name)
    if wanted in values and attempt == 0:
        return wanted
    quiet = [v for v in values if v.lower() in QUIET]
    ordered = quiet + [v for v in values if v not in quiet]
    return ordered[attempt % len(ordered)]


def _text_for(name: str, kind: str, answers: dict[str, str], attempt: int) -> str:
    short = re.split(r"[-_.]", name.lower())[-1]
    if short == "day":
        return "12"
    if short == "month":
        return "6"
    if short == "year":
        return "2026"
    if name in answers:
        return answers[name]
    if kind == "email" or "email" in name:
        return "someone@example.org"
    if kind == "tel" or "phone" in name:
        return "07700 900123"
    if kind == "textarea":
        return ACCOUNT
    return "Last spring" if attempt == 0 else "A friend"


def answer(page, answers: dict[str, str] | None = None, attempt: int = 0) -> None:
    """Answer every field of the question form and press its button."""
    answers = {**ANSWERS, **(answers or {})}
    form = question_form(page)
    radio_names = form.locator("input[type=radio]").evaluate_all(
        "els => [...new Set(els.map(e => e.name))]"
    )
    for name in radio_names:
        radios = form.locator(f"input[type=radio][name='{name}']")
        if attempt == 0 and radios.evaluate_all("els => els.some(e => e.checked)"):
            continue  # answered already (by the test, or before)
        values = radios.evaluate_all("els => els.map(e => e.value)")
        value = _choose(name, values, answers, attempt)
        form.locator(f"input[type=radio][name='{name}'][value='{value}']").check(force=True)
    box_names = form.locator("input[type=checkbox]").evaluate_all(
        "els => [...new Set(els.map(e => e.name))]"
    )
    for name in box_names:
        boxes = form.locator(f"input[type=checkbox][name='{name}']")
        if attempt == 0 and boxes.evaluate_all("els => els.some(e => e.checked)"):
            continue
        values = boxes.evaluate_all("els => els.map(e => e.value)")
        wanted = answers.get(name)
        if wanted == "*":  # every box (an advocate's consent)
            for value in values:
                form.locator(f"input[type=checkbox][name='{name}'][value='{value}']").check(
                    force=True
                )
            continue
        value = _choose(name, values, answers, attempt)
        form.locator(f"input[type=checkbox][name='{name}'][value='{value}']").check(force=True)
    for select in form.locator("select").all():
        name = select.get_attribute("name") or ""
        values = [v for v in select.locator("option").evaluate_all("o => o.map(e => e.value)") if v]
        value = answers.get(name) if answers.get(name) in values else values[0]
        if select.is_visible():
            select.select_option(value)
        else:
            _autocomplete(page, select, value)
    for field in _visible(
        form.locator(
            "input[type=text], input[type=email], input[type=tel], input[type=number], textarea"
        )
    ):
        if field.evaluate("e => e.classList.contains('autocomplete__input')"):
            continue
        if field.input_value():
            continue
        name = field.get_attribute("name") or ""
        if name == "roughly" and form.locator("input[name='day']").count():
            continue  # the date or roughly when, not both: the walker gives the date
        kind = field.evaluate("e => e.tagName === 'TEXTAREA' ? 'textarea' : e.type")
        field.fill(_text_for(name, kind, answers, attempt))
    submit(page)


def _autocomplete(page, select, value: str) -> None:
    """The searchable list accessible-autocomplete puts in place of a select."""
    label = select.locator(f"option[value='{value}']").inner_text()
    select_id = select.get_attribute("id") or ""
    box = page.locator(f"#{select_id.removesuffix('-select')}")
    box.fill(label)
    page.locator(".autocomplete__option").filter(has_text=label).first.click()


def submit(page) -> None:
    form = question_form(page)
    buttons = form.locator("button[type=submit], button:not([type]), input[type=submit]")
    # The page's main button ("Continue"), not "Add another person" or "Remove".
    main = buttons.and_(page.locator(":not(.govuk-button--secondary):not(.govuk-button--warning)"))
    with page.expect_navigation():
        (main if main.count() else buttons).first.click()


def start_report(page, base: str) -> None:
    """From the portal's start page to its first question."""
    page.goto(base + "/report/")
    if question_form(page).count() == 0:
        with page.expect_navigation():
            page.locator("main a.govuk-button--start, main a.govuk-button").first.click()


@dataclass(frozen=True)
class Confirmed:
    reference: str
    code: str


def confirmation(page) -> Confirmed | None:
    """The reference and receipt code the confirmation page shows (None elsewhere)."""
    if page.locator(".govuk-panel--confirmation").count() == 0:
        return None
    reference = page.locator(".govuk-panel--confirmation .haven-reference").inner_text().strip()
    code = CODE.search(page.locator("#receipt-code").inner_text())
    assert re.fullmatch(r"HVN-[A-Z0-9]{4}-[A-Z0-9]{4}", reference), reference
    assert code, page.locator("#receipt-code").inner_text()
    return Confirmed(reference=reference, code="".join(code.groups()))


def walk_to_confirmation(
    page, answers: dict[str, str] | None = None, on_page=None, max_pages: int = 40
) -> Confirmed:
    """Answer question after question, then check answers and submit, as a person would.

    `on_page(page)` runs on every page reached (axe, say) before it is answered.
    """
    attempts: dict[str, int] = {}
    for _ in range(max_pages):
        if on_page is not None:
            on_page(page)
        found = confirmation(page)
        if found is not None:
            return found
        assert question_form(page).count() == 1, f"no form at {page.url}: {page.content()[:500]}"
        where = page.url.split("?")[0]
        attempt = attempts.get(where, 0)
        attempts[where] = attempt + 1
        assert attempt < 5, f"stuck at {where}: {page.locator('main').inner_text()[:500]}"
        answer(page, answers, attempt)
    raise AssertionError("no confirmation page after {max_pages} pages")
