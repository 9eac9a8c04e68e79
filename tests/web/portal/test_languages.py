"""The portal's languages (docs/translations.md): Accept-Language and the switcher, lang
and dir, the right-to-left stylesheet, a session and no language cookie, and catalogues
that are complete, compiled and marked for review by native speakers."""

from __future__ import annotations

import gettext
import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from haven.web.languages import LANGUAGE_SESSION_KEY
from haven.web.portal import policy_texts_build

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ["cy", "pl", "ro", "ur", "ar", "bn"]
RIGHT_TO_LEFT = {"ur", "ar"}
HTML_TAG = re.compile(r"<html lang=\"([^\"]+)\" dir=\"([^\"]+)\"")

# Entries that are deliberately left in English: none for the portal's own strings.
# Add (language, msgid) pairs here only with a reason next to them.
INTENTIONALLY_UNTRANSLATED: set[tuple[str, str]] = set()


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def translation_of(language: str, msgid: str) -> str:
    entry = catalogue(language).find(msgid)
    assert entry is not None and entry.msgstr, f"{language}: no translation of {msgid!r}"
    return entry.msgstr


def html_tag(content: bytes) -> tuple[str, str]:
    match = HTML_TAG.search(content.decode())
    assert match, "the page has no <html lang dir>"
    return match.group(1), match.group(2)


def test_settings_offer_the_seven_languages_by_their_own_names():
    assert dict(settings.LANGUAGES) == {
        "en": "English",
        "cy": "Cymraeg",
        "pl": "Polski",
        "ro": "Română",
        "ur": "اردو",
        "ar": "العربية",
        "bn": "বাংলা",
    }


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_accept_language_picks_the_language_on_a_first_visit(client, db, language):
    response = client.get(reverse("start"), HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    assert html_tag(response.content) == (
        language,
        "rtl" if language in RIGHT_TO_LEFT else "ltr",
    )
    assert response["Content-Language"] == language
    # Reading the header alone starts no session and sets no cookie.
    assert not response.cookies


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_start_and_information_pages_render_in_each_language(client, met, language):
    client.get(reverse("start") + f"?lang={language}")
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    start = client.get(reverse("start"))
    information = client.get(reverse("portal:information-force", args=[met.code]))
    index = client.get(reverse("portal:information-index"))
    for response in (start, information, index):
        assert response.status_code == 200
        assert html_tag(response.content) == (language, direction)
    if language != "en":
        heading = translation_of(language, "Report a crime safely")
        assert heading in start.content.decode()
        title = translation_of(language, "What happens to your information")
        assert title in information.content.decode()


def test_arabic_by_accept_language_is_right_to_left_with_our_stylesheet(client, db):
    response = client.get(reverse("start"), HTTP_ACCEPT_LANGUAGE="ar")
    content = response.content.decode()
    assert html_tag(response.content) == ("ar", "rtl")
    assert "haven/rtl.css" in content
    english = client.get(reverse("start"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "haven/rtl.css" not in english


def test_the_right_to_left_stylesheet_exists_and_mirrors_the_components():
    css = (Path(settings.STATICFILES_DIRS[0]) / "haven" / "rtl.css").read_text()
    for selector in (
        ".govuk-radios__label::before",
        ".govuk-checkboxes__label::before",
        ".govuk-back-link::before",
        ".govuk-summary-list__actions",
        ".govuk-exit-this-page",
        ".govuk-list--bullet",
        ".govuk-header__homepage-link",
    ):
        assert f'[dir="rtl"] {selector}' in css


def test_the_switcher_stores_the_choice_in_the_session_and_sets_no_other_cookie(client, met):
    page = reverse("portal:information-force", args=[met.code])
    response = client.get(page + "?lang=cy", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 302
    assert response["Location"] == page
    assert "no-store" in response["Cache-Control"]
    assert set(response.cookies) == {settings.SESSION_COOKIE_NAME}
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.session[LANGUAGE_SESSION_KEY] == "cy"
    # The choice outranks the browser's Accept-Language from then on.
    after = client.get(page, HTTP_ACCEPT_LANGUAGE="pl")
    assert html_tag(after.content) == ("cy", "ltr")
    assert settings.LANGUAGE_COOKIE_NAME not in after.cookies


def test_the_switcher_keeps_other_query_parameters(client, db):
    response = client.get(reverse("start") + "?a=1&lang=ro")
    assert response["Location"] == reverse("start") + "?a=1"


def test_an_unknown_language_changes_nothing_and_starts_no_session(client, db):
    response = client.get(reverse("start") + "?lang=xx")
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    assert not response.cookies
    assert html_tag(client.get(reverse("start")).content) == ("en", "ltr")


def test_the_switcher_names_each_language_in_itself_with_lang_and_dir(client, db):
    content = client.get(reverse("portal:information-index"), HTTP_ACCEPT_LANGUAGE="pl")
    content = content.content.decode()
    switcher = content[content.index("haven-language-switcher") :]
    switcher = switcher[: switcher.index("</nav>")]
    assert 'aria-current="true" lang="pl" dir="ltr">Polski<' in switcher
    for code, name in settings.LANGUAGES:
        if code == "pl":
            continue
        direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
        assert f'href="/report/information/?lang={code}"' in switcher
        assert f'lang="{code}" dir="{direction}">{name}<' in switcher


def test_information_page_shows_promise_texts_in_the_readers_language(client, met):
    from django.utils import translation

    from haven.policy.promises import check
    from haven.web.accounts.selectors import force_active_policy

    holding = [r.promise for r in check(force_active_policy(force=met)) if r.holds]
    assert holding, "the test needs a policy with at least one promise"
    response = client.get(
        reverse("portal:information-force", args=[met.code]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    content = response.content.decode()
    with translation.override("ar"):
        for promise in holding:
            expected = translation.gettext(promise.english)
            assert expected != promise.english
            assert expected.replace("'", "&#x27;").replace('"', "&quot;") in content


def portal_entry(entry: polib.POEntry) -> bool:
    return not entry.obsolete


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_portal_string_is_translated(language):
    po = catalogue(language)
    missing = [
        entry.msgid
        for entry in po
        if portal_entry(entry)
        and (not entry.translated() or "fuzzy" in entry.flags)
        and (language, entry.msgid) not in INTENTIONALLY_UNTRANSLATED
    ]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:3]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_is_marked_for_review_by_a_native_speaker(language):
    po = catalogue(language)
    assert po.metadata["X-Haven-Review"] == "machine-drafted, needs review by a native speaker"
    assert po.metadata["Language"] == language
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_compiled_catalogue_matches_its_source(language):
    directory = LOCALE_DIR / language / "LC_MESSAGES"
    with open(directory / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    po = catalogue(language)
    expected: dict = {}
    for entry in po.translated_entries():
        if "fuzzy" in entry.flags:
            continue
        msgid = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(msgid, int(index))] = text
        else:
            expected[msgid] = entry.msgstr
    actual = {key: value for key, value in compiled._catalog.items() if key != ""}
    assert actual == expected, f"{language}: django.mo is stale; run `make messages`"
    assert compiled.info()["language"] == language


def test_the_policy_texts_module_is_up_to_date():
    committed = policy_texts_build.MODULE_PATH.read_text(encoding="utf-8")
    assert committed == policy_texts_build.module_source(), (
        "the policies changed: run `make messages` (python -m haven.web.portal.policy_texts_build)"
    )


def test_the_force_list_is_in_the_readers_language(client, met):
    page = client.get(reverse("accounts:force-index"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    for english in ("territorial force", "Each force's page", "Country", "England"):
        assert english not in page, english
    assert translation_of("pl", "Police forces in England and Wales") in page
    assert translation_of("pl", "England") in page


def test_the_character_count_speaks_the_readers_language_in_every_plural_form_it_uses(client, met):
    from tests.web.portal.test_report_questions import answered_up_to

    client.get(reverse("start") + "?lang=pl")
    answered_up_to(client, "/report/what-happened")
    page = html.unescape(client.get("/report/what-happened").content.decode())
    for form, word in (("one", "znak"), ("few", "znaki"), ("many", "znaków"), ("other", "znaku")):
        assert re.search(
            rf'data-i18n\.characters-under-limit\.{form}="Pozostał[oy]? Ci %{{count}} {word}"',
            page,
        ), form
        assert f"data-i18n.characters-over-limit.{form}=" in page
    assert 'data-i18n.characters-at-limit="Nie pozostał Ci żaden znak"' in page
    assert "characters remaining" not in page
