"""`{% character_count_i18n %}`: the character count's words as `data-i18n.*` attributes."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from haven.web.portal.character_count import character_count_attributes

register = template.Library()


@register.simple_tag
def character_count_i18n() -> SafeString:
    return format_html_join("", ' {}="{}"', character_count_attributes())
