"""The gateway's forms: what only the officer can say, a verdict, a referral, a sealed note.

Forms check the shape of the answers; the services decide whether they may be
recorded (and their messages are shown on the same form).
"""

from __future__ import annotations

from django import forms

from haven.web.reporting.models import ReportPerson
from haven.web.sharing.labels import CONSENT, STATUS_CONCERNS, STATUS_SOURCES
from haven.web.sharing.models import Action, Purpose, Recipient
from haven.web.sharing.services import MAX_REASON_CHARACTERS, OfficerAnswers

YES_NO = [("yes", "Yes"), ("no", "No")]


def person_choices(people: list[tuple[ReportPerson, str]]) -> list[tuple[str, str]]:
    return [
        (
            str(person.pk),
            f"{label} ({person.get_role_display()})" if label else str(person.get_role_display()),
        )
        for person, label in people
    ]


class AboutAPersonForm(forms.Form):
    """A form whose `person` is chosen from the people of one report."""

    whole_report_label = ""
    """When set, the person may be left out: the form is about the report as a whole."""

    def __init__(self, *args, people: list[tuple[ReportPerson, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person, _label in people}
        blank = [("", self.whole_report_label)] if self.whole_report_label else []
        self.fields["person"].choices = blank + person_choices(people)

    def chosen_person(self) -> ReportPerson | None:
        return self.people.get(self.cleaned_data.get("person") or "")


class DecisionRequestForm(AboutAPersonForm):
    person = forms.ChoiceField(
        label="Who is it about?", error_messages={"required": "Choose the person it is about."}
    )
    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=Action.choices,
        error_messages={"required": "Choose what you want to do."},
    )
    recipient = forms.ChoiceField(
        label="Who would receive the information? (disclosures only)",
        choices=[(value, label) for value, label in Recipient.choices if value != "none"],
        required=False,
    )
    purpose = forms.ChoiceField(
        label="Why?",
        choices=Purpose.choices,
        error_messages={"required": "Choose the purpose."},
    )
    consent = forms.ChoiceField(
        label="Has the person consented to this?",
        choices=list(CONSENT.items()),
        error_messages={"required": "Say whether the person consented."},
    )
    risk_to_others = forms.ChoiceField(
        label="Does the person pose an immediate risk of harm to a specific person or group?",
        choices=YES_NO,
        error_messages={"required": "Say whether the person poses an immediate risk to others."},
    )
    regularisation_support = forms.ChoiceField(
        label="Is the person receiving support to regularise their stay?",
        choices=YES_NO,
        error_messages={"required": "Say whether the person is receiving that support."},
    )
    rationale = forms.CharField(
        label="Your reason",
        required=False,
        max_length=MAX_REASON_CHARACTERS,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Keep the reason under {MAX_REASON_CHARACTERS:,} characters."
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == Action.DISCLOSE and not data.get("recipient"):
            self.add_error("recipient", "Choose who would receive the information.")
        return data

    def answers(self) -> OfficerAnswers:
        data = self.cleaned_data
        return OfficerAnswers(
            purpose=data["purpose"],
            recipient=data.get("recipient") or "none",
            consent=data["consent"],
            risk_to_others=data["risk_to_others"] == "yes",
            regularisation_support=data["regularisation_support"] == "yes",
        )


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Your verdict",
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        error_messages={"required": "Choose whether you approve or refuse."},
    )
    reason = forms.CharField(
        label="Your reason",
        max_length=MAX_REASON_CHARACTERS,
        widget=forms.Textarea,
        error_messages={
            "required": "Give a reason for your verdict.",
            "max_length": f"Keep the reason under {MAX_REASON_CHARACTERS:,} characters.",
        },
    )


class ReferralForm(forms.Form):
    service = forms.CharField(
        label="Which support service was the person referred to?",
        max_length=120,
        error_messages={
            "required": "Name the support service.",
            "max_length": "Keep the name under 120 characters.",
        },
    )


class SealedNoteForm(AboutAPersonForm):
    whole_report_label = "The report as a whole"
    person = forms.ChoiceField(label="Who is it about?", required=False)
    status_concern = forms.ChoiceField(
        label="What is the concern about their immigration status?",
        choices=[
            (code, STATUS_CONCERNS[code]) for code in ("doubt", "suspected", "confirmed", "none")
        ],
        error_messages={"required": "Choose the concern."},
    )
    status_source = forms.ChoiceField(
        label="Who raised it?",
        choices=list(STATUS_SOURCES.items()),
        error_messages={"required": "Choose who raised it."},
    )
    note = forms.CharField(
        label="Notes about status or documents",
        required=False,
        max_length=MAX_REASON_CHARACTERS,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Keep the notes under {MAX_REASON_CHARACTERS:,} characters."
        },
    )
