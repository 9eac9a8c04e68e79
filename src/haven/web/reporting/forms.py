"""The officer console's forms: the list's filters, recording a report, a person, the stage.

Each field's widget carries a `kind` (input, textarea, select, radios, date) that the
templates' one field include (`reporting/console/_field.html`) turns into GOV.UK
Frontend markup. Nothing here asks about immigration status, nationality or
documents: Haven never asks, and what an officer learns about it belongs only in the
sealed compartment, through the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet

from haven.web.accounts.models import Force
from haven.web.portal.catalogue import LANGUAGES, OTHER_LANGUAGE, language_name
from haven.web.reporting.models import (
    OFFICER_CHANNELS,
    Channel,
    Offence,
    PersonRole,
    Relation,
    ReportPerson,
    Stage,
)
from haven.web.reporting.selectors import ReportFilters
from haven.web.reporting.services import (
    MAX_ACCOUNT_CHARACTERS,
    MAX_CONTACT_CHARACTERS,
    MAX_LABEL_CHARACTERS,
    MAX_NAME_CHARACTERS,
    MAX_OCCURRED_CHARACTERS,
    MAX_PLACE_CHARACTERS,
    PersonInReport,
)

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]
DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]
EXTRA_PEOPLE = 3
"""Rows for other people on the record form; more can be added on the case page."""


def _kind(field: forms.Field, kind: str, *, width: str = "") -> forms.Field:
    field.widget.kind = kind
    field.widget.width = width
    return field


def _choice(
    label: str, choices, *, required: bool, message: str, any_label: str = ""
) -> forms.Field:
    options = [("", any_label)] + list(choices) if any_label else list(choices)
    kind = "select" if any_label else "radios"
    return _kind(
        forms.ChoiceField(
            label=label,
            choices=options,
            required=required,
            error_messages={"required": message, "invalid_choice": message},
        ),
        kind,
    )


def _text(
    label: str,
    limit: int,
    *,
    required: bool = False,
    message: str = "",
    help_text: str = "",
    textarea: bool = False,
    width: str = "",
) -> forms.Field:
    field = forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        strip=True,
        error_messages={
            "required": message or f"Enter {label.lower()}",
            "max_length": f"{label} must be {limit:,} characters or fewer",
        },
        widget=forms.Textarea if textarea else forms.TextInput,
    )
    return _kind(field, "textarea" if textarea else "input", width=width)


# --- the list's filters --------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    """The list's filters, read from the query string; every field may be left empty."""

    reference = _text(
        "Reference",
        20,
        help_text="The start of a reference is enough, for example HVN-7K3M.",
        width="govuk-input--width-10",
    )
    stage = _choice(
        "Stage",
        Stage.choices,
        required=False,
        message="Choose a stage from the list",
        any_label="Any stage",
    )
    offence = _choice(
        "Offence",
        Offence.choices,
        required=False,
        message="Choose an offence from the list",
        any_label="Any offence",
    )
    channel = _choice(
        "How it reached us",
        Channel.choices,
        required=False,
        message="Choose a way in from the list",
        any_label="Any way",
    )
    received_from = _kind(
        forms.DateField(
            label="Received on or after",
            required=False,
            input_formats=DATE_FORMATS,
            help_text="For example, 27/3/2026",
            error_messages={"invalid": "Enter a real date, for example 27/3/2026"},
        ),
        "input",
        width="govuk-input--width-10",
    )
    received_to = _kind(
        forms.DateField(
            label="Received on or before",
            required=False,
            input_formats=DATE_FORMATS,
            help_text="For example, 3/4/2026",
            error_messages={"invalid": "Enter a real date, for example 3/4/2026"},
        ),
        "input",
        width="govuk-input--width-10",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error(
                "received_to", "The end date must be the same as or after the start date"
            )
        return data

    def filters(self) -> ReportFilters:
        """The filters (all empty when the form is not valid: a bad filter narrows nothing)."""
        if not self.is_valid():
            return ReportFilters()
        data = self.cleaned_data
        return ReportFilters(
            stage=data["stage"],
            offence=data["offence"],
            channel=data["channel"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            reference=data["reference"],
        )


# --- recording a report taken by phone or at a front desk ----------------------------------

CONTACT_WAYS = [("phone", "Phone call"), ("text", "Text message"), ("email", "Email")]
CONTACT_WAY_WORDS = dict(CONTACT_WAYS)
REPORTER_ROLES = [(PersonRole.VICTIM.value, "The victim"), (PersonRole.WITNESS.value, "A witness")]
LANGUAGE_CHOICES = (
    [("", "Choose a language")]
    + [(entry[0], str(entry[1])) for entry in LANGUAGES]
    + [(OTHER_LANGUAGE, "Another language")]
)


class RecordReportForm(forms.Form):
    force = _kind(
        forms.ModelChoiceField(
            label="Force",
            queryset=Force.objects.none(),
            empty_label=None,
            error_messages={
                "required": "Choose the force the report is for",
                "invalid_choice": "Choose the force the report is for",
            },
        ),
        "radios",
    )
    channel = _choice(
        "How was the report made?",
        [(c.value, c.label) for c in OFFICER_CHANNELS],
        required=True,
        message="Choose how the report was made",
    )
    offence = _choice(
        "What kind of crime is it?",
        Offence.choices,
        required=True,
        message="Choose what kind of crime it is",
    )
    account = _text(
        "What happened",
        MAX_ACCOUNT_CHARACTERS,
        required=True,
        message="Enter what happened, in the reporter's words",
        help_text="In the reporter's words.",
        textarea=True,
    )
    occurred = _text(
        "When did it happen?",
        MAX_OCCURRED_CHARACTERS,
        help_text="A date, or roughly when, for example 'last weekend'. Leave empty if they do not know.",
        width="govuk-!-width-two-thirds",
    )
    place = _text(
        "Where did it happen?",
        MAX_PLACE_CHARACTERS,
        help_text="Leave empty if they would rather not say.",
        width="govuk-!-width-two-thirds",
    )
    reporter_role = _choice(
        "Is the reporter the victim or a witness?",
        REPORTER_ROLES,
        required=True,
        message="Choose whether the reporter is the victim or a witness",
    )
    reporter_label = _text(
        "How to refer to the reporter",
        MAX_LABEL_CHARACTERS,
        required=True,
        message="Enter how to refer to the reporter, for example 'the caller'",
        help_text="For example, 'the caller'.",
        width="govuk-!-width-one-half",
    )
    reporter_name = _text(
        "The reporter's name (optional)",
        MAX_NAME_CHARACTERS,
        help_text="They may report without giving a name.",
        width="govuk-!-width-one-half",
    )
    contact_allowed = _choice(
        "Can the police contact the reporter?",
        YES_NO,
        required=True,
        message="Choose whether the police can contact the reporter",
    )
    contact_way = _choice(
        "How should the police contact them?",
        CONTACT_WAYS,
        required=False,
        message="Choose how the police should contact them",
    )
    contact_details = _text(
        "Number or address",
        MAX_LABEL_CHARACTERS,
        width="govuk-!-width-one-half",
    )
    contact_times = _text(
        "When is it safe to contact them?",
        MAX_LABEL_CHARACTERS,
        help_text="For example, 'weekdays between 10am and 2pm'.",
        width="govuk-!-width-two-thirds",
    )
    say_police = _choice(
        "May a message or caller say it is from the police?",
        YES_NO,
        required=False,
        message="Choose whether a message or caller may say it is from the police",
    )
    language = _kind(
        forms.ChoiceField(
            label="Which language would they like to be contacted in?",
            choices=LANGUAGE_CHOICES,
            error_messages={
                "required": "Choose the language they would like to be contacted in",
                "invalid_choice": "Choose the language they would like to be contacted in",
            },
        ),
        "select",
    )
    language_other = _text("The other language", 100, width="govuk-!-width-one-half")
    interpreter = _choice(
        "Do they need an interpreter?",
        YES_NO,
        required=True,
        message="Choose whether they need an interpreter",
    )

    def __init__(self, *args, forces: QuerySet[Force], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = forces
        self.one_force = forces.count() == 1
        if self.one_force:
            # Nothing to choose: whatever is posted, the report is for the user's one force.
            self.fields["force"].initial = forces.first()
            self.fields["force"].disabled = True
        for number in range(1, EXTRA_PEOPLE + 1):
            self.fields[f"other_{number}_role"] = _choice(
                "Part in the report",
                [("", "Choose a part")] + list(PersonRole.choices),
                required=False,
                message="Choose this person's part in the report",
            )
            self.fields[f"other_{number}_role"].widget.kind = "select"
            self.fields[f"other_{number}_label"] = _text(
                "How to refer to them",
                MAX_LABEL_CHARACTERS,
                help_text="For example, 'her husband' or 'a neighbour'.",
                width="govuk-!-width-one-half",
            )
            self.fields[f"other_{number}_name"] = _text(
                "Name (optional)", MAX_NAME_CHARACTERS, width="govuk-!-width-one-half"
            )

    def other_rows(self) -> list[list[forms.BoundField]]:
        """The bound fields of each extra person's row, for the template."""
        return [
            [self[f"other_{number}_{part}"] for part in ("role", "label", "name")]
            for number in range(1, EXTRA_PEOPLE + 1)
        ]

    def clean(self):
        data = super().clean()
        if data.get("contact_allowed") == YES:
            if not data.get("contact_way"):
                self.add_error("contact_way", "Choose how the police should contact them")
            if not data.get("contact_details"):
                self.add_error("contact_details", "Enter the number or address to contact them on")
            if not data.get("say_police"):
                self.add_error(
                    "say_police", "Choose whether a message or caller may say it is from the police"
                )
        if data.get("language") == OTHER_LANGUAGE and not data.get("language_other"):
            self.add_error(
                "language_other", "Enter the language they would like to be contacted in"
            )
        for number in range(1, EXTRA_PEOPLE + 1):
            role, label = data.get(f"other_{number}_role"), data.get(f"other_{number}_label")
            name = data.get(f"other_{number}_name")
            if (label or name) and not role:
                self.add_error(f"other_{number}_role", "Choose this person's part in the report")
            if (role or name) and not label:
                self.add_error(f"other_{number}_label", "Enter how to refer to this person")
        total = sum(len(str(data.get(key) or "")) for key in ("contact_details", "contact_times"))
        if total > MAX_CONTACT_CHARACTERS - 200:
            self.add_error("contact_times", "The contact details are too long")
        return data

    def people(self) -> list[PersonInReport]:
        data = self.cleaned_data
        people = [
            PersonInReport(
                role=data["reporter_role"],
                label=data["reporter_label"],
                name=data.get("reporter_name", ""),
            )
        ]
        for number in range(1, EXTRA_PEOPLE + 1):
            if data.get(f"other_{number}_label"):
                people.append(
                    PersonInReport(
                        role=data[f"other_{number}_role"],
                        label=data[f"other_{number}_label"],
                        name=data.get(f"other_{number}_name", ""),
                    )
                )
        return people

    def contact_text(self) -> str:
        """How and when it is safe to contact the reporter, in English, as the portal writes it."""
        data = self.cleaned_data
        if data["contact_allowed"] != YES:
            return "Do not contact the reporter."
        lines = [f"How: {CONTACT_WAY_WORDS[data['contact_way']]}"]
        lines.append(f"Number or address: {data['contact_details']}")
        if data.get("contact_times"):
            lines.append(f"When it is safe: {data['contact_times']}")
        lines.append(
            "A message or caller may say it is from the police."
            if data["say_police"] == YES
            else "Do NOT say that a message or call is from the police."
        )
        return "\n".join(lines)

    def preferred_language(self) -> str:
        return language_name(self.cleaned_data["language"], self.cleaned_data["language_other"])


# --- a person in a report, and the stage ---------------------------------------------------


@dataclass(frozen=True)
class PersonOption:
    id: int
    label: str


class PersonForm(forms.Form):
    role = _choice(
        "Their part in the report",
        PersonRole.choices,
        required=True,
        message="Choose their part in the report",
    )
    label = _text(
        "How to refer to them",
        MAX_LABEL_CHARACTERS,
        required=True,
        message="Enter how to refer to them, for example 'a neighbour'",
        help_text="For example, 'her husband' or 'a neighbour'.",
        width="govuk-!-width-one-half",
    )
    name = _text(
        "Name (optional)",
        MAX_NAME_CHARACTERS,
        width="govuk-!-width-one-half",
    )
    relation = _choice(
        "How are they related to someone else in the report? (optional)",
        [("", "Not related, or not known")] + list(Relation.choices),
        required=False,
        message="Choose how they are related",
    )
    related_to = _kind(
        forms.TypedChoiceField(
            label="To whom?",
            coerce=int,
            required=False,
            empty_value=None,
            error_messages={"invalid_choice": "Choose someone else in this report"},
        ),
        "select",
    )

    def __init__(self, *args, others: list[PersonOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].widget.kind = "select"
        self.fields["related_to"].choices = [("", "Choose a person")] + [
            (option.id, option.label) for option in others
        ]

    def clean(self):
        data = super().clean()
        if data.get("relation") and data.get("related_to") is None:
            self.add_error("related_to", "Choose the person they are related to")
        if data.get("related_to") is not None and not data.get("relation"):
            self.add_error("relation", "Choose how they are related")
        return data

    def related_person(self, people: dict[int, ReportPerson]) -> ReportPerson | None:
        chosen = self.cleaned_data.get("related_to")
        return people.get(chosen) if chosen is not None else None


class StageForm(forms.Form):
    stage = _choice(
        "Move the report to",
        Stage.choices,
        required=True,
        message="Choose the stage the report has reached",
    )
