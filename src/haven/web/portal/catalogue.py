"""Fixed lists the portal offers: languages, support services and plain words for offences.

Support services are real national services with their published numbers (checked when
written; docs/portal.md says where each comes from). Offence words map onto the decision
space's `offence` values (docs/decision-space.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# (code, name in English, name in the language itself, BCP 47 tag for `lang`, right to left)
LANGUAGES: tuple[tuple[str, Promise, str, str, bool], ...] = (
    ("en", _("English"), "English", "en", False),
    ("cy", _("Welsh"), "Cymraeg", "cy", False),
    ("bfi", _("British Sign Language"), "British Sign Language", "en", False),
    ("sq", _("Albanian"), "Shqip", "sq", False),
    ("am", _("Amharic"), "አማርኛ", "am", False),
    ("ar", _("Arabic"), "العربية", "ar", True),
    ("bn", _("Bengali"), "বাংলা", "bn", False),
    ("bg", _("Bulgarian"), "български", "bg", False),
    ("yue", _("Cantonese"), "廣東話", "yue", False),
    ("fr", _("French"), "Français", "fr", False),
    ("gu", _("Gujarati"), "ગુજરાતી", "gu", False),
    ("hi", _("Hindi"), "हिन्दी", "hi", False),
    ("hu", _("Hungarian"), "Magyar", "hu", False),
    ("it", _("Italian"), "Italiano", "it", False),
    ("lt", _("Lithuanian"), "Lietuvių", "lt", False),
    ("cmn", _("Mandarin Chinese"), "普通话", "zh-Hans", False),
    ("ne", _("Nepali"), "नेपाली", "ne", False),
    ("ps", _("Pashto"), "پښتو", "ps", True),
    ("fa", _("Persian (Farsi)"), "فارسی", "fa", True),
    ("pl", _("Polish"), "Polski", "pl", False),
    ("pt", _("Portuguese"), "Português", "pt", False),
    ("pa", _("Punjabi"), "ਪੰਜਾਬੀ", "pa", False),
    ("ro", _("Romanian"), "Română", "ro", False),
    ("ru", _("Russian"), "Русский", "ru", False),
    ("so", _("Somali"), "Soomaali", "so", False),
    ("es", _("Spanish"), "Español", "es", False),
    ("ta", _("Tamil"), "தமிழ்", "ta", False),
    ("ti", _("Tigrinya"), "ትግርኛ", "ti", False),
    ("tr", _("Turkish"), "Türkçe", "tr", False),
    ("uk", _("Ukrainian"), "Українська", "uk", False),
    ("ur", _("Urdu"), "اردو", "ur", True),
    ("vi", _("Vietnamese"), "Tiếng Việt", "vi", False),
)
OTHER_LANGUAGE = "other"
LANGUAGE_BY_CODE = {entry[0]: entry for entry in LANGUAGES}


def language_name(code: str, other: str = "") -> str:
    """How the force sees the reporter's language: the English name (and the reporter's
    own words for another language)."""
    if code == OTHER_LANGUAGE:
        return f"Other: {other}"
    entry = LANGUAGE_BY_CODE.get(code)
    return "" if entry is None else _english_name(entry)


def _english_name(entry: tuple) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(entry[1])


@dataclass(frozen=True)
class SupportService:
    code: str
    name: Promise
    phone: str
    hours: Promise
    offences: tuple[str, ...]
    """Offences it specialises in (empty: anyone affected by crime)."""


SUPPORT_SERVICES: tuple[SupportService, ...] = (
    SupportService(
        "victim_support",
        _("Victim Support"),
        "08 08 16 89 111",
        _("free, 24 hours a day, for anyone affected by crime, including witnesses"),
        (),
    ),
    SupportService(
        "domestic_abuse_helpline",
        _("National Domestic Abuse Helpline"),
        "0808 2000 247",
        _("free, 24 hours a day"),
        ("domestic_abuse",),
    ),
    SupportService(
        "rape_crisis",
        _("Rape Crisis 24/7 Support Line"),
        "0808 500 2222",
        _("free, 24 hours a day, for anyone aged 16 or over affected by sexual violence"),
        ("sexual_offence",),
    ),
    SupportService(
        "modern_slavery_helpline",
        _("Modern Slavery & Exploitation Helpline"),
        "08000 121 700",
        _("free, 24 hours a day"),
        ("modern_slavery",),
    ),
    SupportService(
        "karma_nirvana",
        _("Karma Nirvana (honour-based abuse and forced marriage)"),
        "0800 5999 247",
        _("free"),
        ("honour_based_abuse",),
    ),
)
SUPPORT_BY_CODE = {service.code: service for service in SUPPORT_SERVICES}
NO_SUPPORT = "none"


def services_for(offence: str | None) -> tuple[SupportService, ...]:
    """The specialist service for this offence first, then the general one."""
    special = [s for s in SUPPORT_SERVICES if offence and offence in s.offences]
    general = [s for s in SUPPORT_SERVICES if not s.offences]
    return tuple(special + general)


# The offence question, in plain words: (value of the decision space, label, hint).
OFFENCE_CHOICES: tuple[tuple[str, Promise, Promise], ...] = (
    (
        "domestic_abuse",
        _("Abuse by a partner, an ex-partner or a family member"),
        _("For example hitting, threats, or controlling your money or who you see"),
    ),
    (
        "sexual_offence",
        _("Rape, sexual assault or other unwanted sexual contact"),
        _("Whenever it happened, and whoever did it"),
    ),
    (
        "modern_slavery",
        _("Being forced to work, or kept somewhere against your will"),
        _("For example working for little or no pay, or not being allowed to leave"),
    ),
    (
        "honour_based_abuse",
        _("Abuse to protect a family's 'honour', or being forced to marry"),
        _("Including threats to take someone abroad to marry"),
    ),
    (
        "stalking_harassment",
        _("Being followed, watched or contacted again and again when you do not want it"),
        _("In person, by phone or online"),
    ),
    (
        "hate_crime",
        _("Being attacked, threatened or insulted because of who you are"),
        _("For example because of race, religion, disability, sexuality or gender identity"),
    ),
    (
        "violent_crime",
        _("Another violent crime, such as an assault or a robbery"),
        _("Someone hurt you, or threatened to hurt you"),
    ),
    (
        "other",
        _("Something else, such as theft, fraud or damage to property"),
        _("Choose this if you are not sure"),
    ),
)
