"""Every translated portal language, chosen with the switcher: the character count on
"What happened" carries its live messages in that language in every CLDR plural form the
browser's `Intl.PluralRules` picks for it, and the list of forces has no English left
but the forces' own names (docs/translations.md)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.web.portal.test_languages import TRANSLATED, translation_of
from tests.web.portal.test_report_questions import answered_up_to

# CLDR's plural categories for each language (unicode.org/cldr, plurals.xml), written
# out here rather than read from haven.web.portal.character_count, so a wrong table
# there fails this test.
CLDR_FORMS = {
    "cy": {"zero", "one", "two", "few", "many", "other"},
    "pl": {"one", "few", "many", "other"},
    "ro": {"one", "few", "other"},
    "ur": {"one", "other"},
    "ar": {"zero", "one", "two", "few", "many", "other"},
    "bn": {"one", "other"},
}
ATTRIBUTE = re.compile(r'(data-i18n\.[a-z.-]+)="([^"]*)"')
ENGLISH_COUNTER = ("characters remaining", "character remaining", "too many", "You have")


def switch(client, language: str) -> None:
    client.get(reverse("start") + f"?lang={language}")


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_character_count_has_every_plural_form_in_the_readers_language(client, met, language):
    switch(client, language)
    answered_up_to(client, "/report/what-happened")
    page = html.unescape(client.get("/report/what-happened").content.decode())
    attributes = dict(ATTRIBUTE.findall(page))
    for key in ("characters-under-limit", "characters-over-limit"):
        forms = {
            name.rsplit(".", 1)[1] for name in attributes if name.startswith(f"data-i18n.{key}.")
        }
        assert forms == CLDR_FORMS[language], (language, key, forms)
    assert "data-i18n.characters-at-limit" in attributes
    for name, words in attributes.items():
        assert words, (language, name)
        if name != "data-i18n.characters-at-limit":
            assert "%{count}" in words, (language, name, words)
        for english in ENGLISH_COUNTER:
            assert english not in words, (language, name, words)


def test_the_english_page_keeps_govuk_english_defaults(client, met):
    answered_up_to(client, "/report/what-happened")
    page = html.unescape(client.get("/report/what-happened").content.decode())
    attributes = dict(ATTRIBUTE.findall(page))
    assert attributes["data-i18n.characters-under-limit.one"] == (
        "You have %{count} character remaining"
    )
    assert attributes["data-i18n.characters-over-limit.other"] == (
        "You have %{count} characters too many"
    )
    assert attributes["data-i18n.characters-at-limit"] == "You have 0 characters remaining"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_force_list_chosen_with_the_switcher_has_no_english_but_force_names(
    client, met, language
):
    switch(client, language)
    page = client.get(reverse("accounts:force-index")).content.decode()
    main = html.unescape(page[page.index("<main") : page.index("</main>")])
    for english in ("territorial force", "Each force's page", ">Country<", ">England<"):
        assert english not in main, (language, english)
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', main)
    welsh = [row for row in rows if "Gwent Police" in row or "Dyfed-Powys Police" in row]
    assert len(welsh) == 2
    for row in welsh:
        assert f">{translation_of(language, 'Wales')}<" in row, (language, row)
    assert f">{translation_of(language, 'England')}<" in main
    assert translation_of(language, "Country") in main
