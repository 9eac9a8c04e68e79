"""The shape of each portal question's answer (one form per page).

Forms only check shape and limits; the views turn `cleaned_data` into the draft's answers
(`answers.py`) and `services.portal_submit` makes the report. Every message is plain
words for the person at the keyboard, in their language, and never repeats what they typed.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import Force
from haven.web.portal.catalogue import LANGUAGES, NO_SUPPORT, OTHER_LANGUAGE, services_for
from haven.web.portal.models import ConsentScope, WayIn

MAX_ACCOUNT_CHARACTERS = 5_000
MAX_ROUGHLY_CHARACTERS = 200
MAX_PLACE_CHARACTERS = 500
MAX_PERSON_CHARACTERS = 200
MAX_DETAILS_CHARACTERS = 200
MAX_TIMES_CHARACTERS = 300
MAX_LANGUAGE_CHARACTERS = 100
MAX_PEOPLE = 20

YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]

# The parts another person can have (the decision space's `role`, docs/decision-space.md;
# `victim_and_suspect` is the force's call to make, not the reporter's).
PERSON_ROLES = [
    ("suspect", _("Someone who did it, or who you think did it")),
    ("victim", _("Someone else it happened to")),
    ("family_member", _("A family member of someone it happened to")),
    ("witness", _("Someone who saw it or knows about it")),
]
# How the force reads each role's person (data for the force, in English).
PERSON_LABELS = {
    "suspect": "suspect named by the reporter",
    "victim": "another victim named by the reporter",
    "family_member": "family member named by the reporter",
    "witness": "witness named by the reporter",
}

CONTACT_NONE = "none"
CONTACT_CHANNELS = [
    ("phone", _("Phone call")),
    ("text", _("Text message")),
    ("email", _("Email")),
]
CONTACT_ADVOCATE = ("advocate", _("Through the advocate organisation making this report"))


class WayForm(forms.Form):
    way = forms.ChoiceField(
        error_messages={
            "required": _("Select who is reporting"),
            "invalid_choice": _("Select who is reporting"),
        }
    )

    def __init__(self, *args, advocate_allowed: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (WayIn.VICTIM.value, WayIn.VICTIM.label),
            (WayIn.WITNESS.value, WayIn.WITNESS.label),
        ]
        if advocate_allowed:
            choices.append((WayIn.ADVOCATE.value, WayIn.ADVOCATE.label))
        self.fields["way"].choices = choices


class ConsentForm(forms.Form):
    consent = forms.MultipleChoiceField(
        choices=ConsentScope.choices,
        error_messages={
            "required": _("Select at least one thing the victim agreed your organisation may do"),
            "invalid_choice": _(
                "Select at least one thing the victim agreed your organisation may do"
            ),
        },
    )


class ForceForm(forms.Form):
    force = forms.ChoiceField(
        error_messages={
            "required": _("Select a police force"),
            "invalid_choice": _("Select a police force from the list"),
        }
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force"].choices = list(
            Force.objects.order_by("name").values_list("code", "name")
        )


class AccountForm(forms.Form):
    account = forms.CharField(
        max_length=MAX_ACCOUNT_CHARACTERS,
        error_messages={
            "required": _("Tell us what happened"),
            "max_length": _("What happened must be 5,000 characters or fewer"),
        },
    )


WHEN_DATE, WHEN_ROUGHLY = "date", "roughly"


class WhenForm(forms.Form):
    """The date, or roughly when: both boxes are on the page (no conditional reveal), and
    exactly one must be filled in. `clean` adds `kind` (and `date` for a date)."""

    # No max_length here: a box typed too long gets the one message about the date
    # (in `clean`), not a generic message for each box.
    day = forms.CharField(required=False)
    month = forms.CharField(required=False)
    year = forms.CharField(required=False)
    roughly = forms.CharField(
        required=False,
        max_length=MAX_ROUGHLY_CHARACTERS,
        error_messages={"max_length": _("Roughly when must be 200 characters or fewer")},
    )

    def clean(self) -> dict:
        data = super().clean()
        parts = [data.get("day", ""), data.get("month", ""), data.get("year", "")]
        if "roughly" in self.errors:
            return data
        roughly = data.get("roughly", "")
        if any(parts) and roughly:
            self.add_error(
                "roughly",
                _("Enter the date it happened or tell us roughly when, not both"),
            )
            return data
        if not any(parts) and not roughly:
            self.add_error("day", _("Enter the date it happened, or tell us roughly when"))
            return data
        if roughly:
            data["kind"] = WHEN_ROUGHLY
            return data
        if not all(parts):
            self.add_error("day", _("Enter the date it happened, with a day, month and year"))
            return data
        if len(parts[2]) != 4 and parts[2].isdigit():
            self.add_error("day", _("The year must include 4 numbers, for example 2024"))
            return data
        try:
            if any(len(part) > 4 for part in parts):
                raise ValueError("too long to be part of a date")
            day, month, year = (int(part) for part in parts)
            happened = date(year, month, day)
        except ValueError:
            self.add_error("day", _("The date it happened must be a real date"))
            return data
        if year < 1900:
            self.add_error("day", _("The date it happened must be in 1900 or later"))
        elif happened > timezone.localdate():
            self.add_error("day", _("The date it happened must be today or in the past"))
        else:
            data["kind"] = WHEN_DATE
            data["date"] = happened
        return data


class WhereForm(forms.Form):
    place = forms.CharField(
        required=False,
        max_length=MAX_PLACE_CHARACTERS,
        error_messages={"max_length": _("Where it happened must be 500 characters or fewer")},
    )


class OffenceForm(forms.Form):
    offence = forms.ChoiceField(
        error_messages={
            "required": _("Select what kind of crime it was"),
            "invalid_choice": _("Select what kind of crime it was"),
        }
    )

    def __init__(self, *args, **kwargs) -> None:
        from haven.web.portal.catalogue import OFFENCE_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["offence"].choices = [(value, label) for value, label, _hint in OFFENCE_CHOICES]


class PersonForm(forms.Form):
    role = forms.ChoiceField(
        choices=PERSON_ROLES,
        required=False,
        error_messages={"invalid_choice": _("Select their part in what happened")},
    )
    name = forms.CharField(
        required=False,
        max_length=MAX_PERSON_CHARACTERS,
        error_messages={
            "max_length": _("Their name or description must be 200 characters or fewer")
        },
    )

    def __init__(self, *args, role_required: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role_required = role_required

    def clean(self) -> dict:
        data = super().clean()
        if self.role_required and not data.get("role") and "role" not in self.errors:
            self.add_error("role", _("Select their part in what happened"))
        if data.get("name") and not data.get("role") and "role" not in self.errors:
            self.add_error("role", _("Select their part in what happened"))
        return data


class ContactForm(forms.Form):
    """Whether the police may contact the reporter, and how (the first contact page)."""

    channel = forms.ChoiceField(
        error_messages={
            "required": _("Select how we may contact you, or that we must not contact you"),
            "invalid_choice": _("Select how we may contact you, or that we must not contact you"),
        }
    )

    def __init__(self, *args, advocate: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(CONTACT_NONE, _("Do not contact me")), *CONTACT_CHANNELS]
        if advocate:
            choices.append(CONTACT_ADVOCATE)
        self.fields["channel"].choices = choices


class ContactDetailsForm(forms.Form):
    """The number or address for the chosen channel (none through an advocate), when it
    is safe, and whether a message may say it is from the police (the second page, only
    when the reporter may be contacted)."""

    details = forms.CharField(required=False, max_length=MAX_DETAILS_CHARACTERS)
    times = forms.CharField(
        required=False,
        max_length=MAX_TIMES_CHARACTERS,
        error_messages={"max_length": _("When it is safe must be 300 characters or fewer")},
    )
    say_police = forms.ChoiceField(
        choices=YES_NO,
        error_messages={
            "required": _("Select whether a message or caller may say it is from the police"),
            "invalid_choice": _("Select whether a message or caller may say it is from the police"),
        },
    )

    DETAIL_ERRORS = {
        "phone": _("Enter a phone number we can call"),
        "text": _("Enter a mobile number we can text"),
        "email": _("Enter an email address"),
    }

    def __init__(self, *args, channel: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.fields["details"].error_messages["max_length"] = _(
            "This must be 200 characters or fewer"
        )
        if channel not in self.DETAIL_ERRORS:
            del self.fields["details"]

    def clean(self) -> dict:
        data = super().clean()
        if self.channel in self.DETAIL_ERRORS and not data.get("details"):
            if "details" not in self.errors:
                self.add_error("details", self.DETAIL_ERRORS[self.channel])
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        error_messages={
            "required": _("Select the language you would like to use"),
            "invalid_choice": _("Select the language you would like to use"),
        }
    )
    language_other = forms.CharField(
        required=False,
        max_length=MAX_LANGUAGE_CHARACTERS,
        error_messages={"max_length": _("The language must be 100 characters or fewer")},
    )
    interpreter = forms.ChoiceField(
        choices=YES_NO,
        error_messages={
            "required": _("Select whether you need an interpreter"),
            "invalid_choice": _("Select whether you need an interpreter"),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            *((code, name) for code, name, *_rest in LANGUAGES),
            (OTHER_LANGUAGE, _("Another language")),
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("language") == OTHER_LANGUAGE and not data.get("language_other"):
            if "language_other" not in self.errors:
                self.add_error("language_other", _("Enter the language you would like to use"))
        return data


class SupportForm(forms.Form):
    support = forms.MultipleChoiceField(
        error_messages={
            "required": _("Select the services you would like us to refer you to, or ‘No thanks’"),
            "invalid_choice": _(
                "Select the services you would like us to refer you to, or ‘No thanks’"
            ),
        }
    )

    def __init__(self, *args, offence: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.services = services_for(offence)
        self.fields["support"].choices = [
            *((service.code, service.name) for service in self.services),
            (NO_SUPPORT, _("No thanks")),
        ]

    def clean_support(self) -> list[str]:
        chosen = self.cleaned_data["support"]
        if NO_SUPPORT in chosen and len(chosen) > 1:
            raise forms.ValidationError(
                _("Select the services you would like, or ‘No thanks’, not both")
            )
        return chosen
