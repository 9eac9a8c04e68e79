"""The character count's live messages in the page's language.

GOV.UK Frontend's character count writes "You have 4,990 characters remaining" as the
reporter types, in English unless the page gives it words (`data-i18n.*` attributes on
the component). It picks the plural form with the browser's `Intl.PluralRules`, so a
language gets every CLDR form it uses (Polish four, Welsh and Arabic six); the words come
from the catalogues, one context a form, since makemessages reads only literal contexts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import get_language, gettext, pgettext

# The CLDR plural forms `Intl.PluralRules` gives for each of the portal's languages.
PLURAL_FORMS = {
    "en": ("one", "other"),
    "cy": ("zero", "one", "two", "few", "many", "other"),
    "pl": ("one", "few", "many", "other"),
    "ro": ("one", "few", "other"),
    "ur": ("one", "other"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
    "bn": ("one", "other"),
}

_UNDER: dict[str, Callable[[], str]] = {
    "zero": lambda: pgettext(
        "character count, CLDR plural zero", "You have %{count} characters remaining"
    ),
    "one": lambda: pgettext(
        "character count, CLDR plural one", "You have %{count} character remaining"
    ),
    "two": lambda: pgettext(
        "character count, CLDR plural two", "You have %{count} characters remaining"
    ),
    "few": lambda: pgettext(
        "character count, CLDR plural few", "You have %{count} characters remaining"
    ),
    "many": lambda: pgettext(
        "character count, CLDR plural many", "You have %{count} characters remaining"
    ),
    "other": lambda: pgettext(
        "character count, CLDR plural other", "You have %{count} characters remaining"
    ),
}
_OVER: dict[str, Callable[[], str]] = {
    "zero": lambda: pgettext(
        "character count, CLDR plural zero", "You have %{count} characters too many"
    ),
    "one": lambda: pgettext(
        "character count, CLDR plural one", "You have %{count} character too many"
    ),
    "two": lambda: pgettext(
        "character count, CLDR plural two", "You have %{count} characters too many"
    ),
    "few": lambda: pgettext(
        "character count, CLDR plural few", "You have %{count} characters too many"
    ),
    "many": lambda: pgettext(
        "character count, CLDR plural many", "You have %{count} characters too many"
    ),
    "other": lambda: pgettext(
        "character count, CLDR plural other", "You have %{count} characters too many"
    ),
}


def character_count_attributes() -> list[tuple[str, str]]:
    """(attribute, words) for the component, in the active language."""
    forms = PLURAL_FORMS.get((get_language() or "en").split("-")[0], PLURAL_FORMS["en"])
    attributes = [("data-i18n.characters-at-limit", gettext("You have 0 characters remaining"))]
    for key, words in (("characters-under-limit", _UNDER), ("characters-over-limit", _OVER)):
        attributes += [(f"data-i18n.{key}.{form}", words[form]()) for form in forms]
    return attributes
