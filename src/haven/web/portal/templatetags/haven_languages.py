"""The language switcher's entries (portal/includes/language_switcher.html)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

from haven.web.languages import language_switch_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_choices(context) -> list[dict]:
    """Each language with its own name as settings.LANGUAGES writes it (never translated:
    `get_available_languages` would translate "English" into the page's language), its
    direction, whether it is the page's language, and the link that switches to it."""
    request = context["request"]
    current = get_language()
    return [
        {
            "code": code,
            "name": name,
            "dir": "rtl" if get_language_info(code)["bidi"] else "ltr",
            "current": code == current,
            "url": language_switch_url(request, code),
        }
        for code, name in settings.LANGUAGES
    ]
