"""The API's typed inputs and outputs (ninja `Schema`), shared by its routers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from haven.web.reporting.models import Channel, Offence, Stage
from haven.web.sharing.models import Action, Purpose, Recipient, Status


def _codes(name: str, choices: type) -> type[StrEnum]:
    """An enum of a model's codes, so the OpenAPI document lists the allowed values."""
    return StrEnum(name, [(value, value) for value in choices.values])  # type: ignore[return-value]


StageCode = _codes("StageCode", Stage)
OffenceCode = _codes("OffenceCode", Offence)
ChannelCode = _codes("ChannelCode", Channel)
ActionCode = _codes("ActionCode", Action)
RecipientCode = _codes("RecipientCode", Recipient)
PurposeCode = _codes("PurposeCode", Purpose)
StatusCode = _codes("StatusCode", Status)


class ConsentCode(StrEnum):
    given = "given"
    refused = "refused"
    not_sought = "not_sought"


class Error(Schema):
    detail: str
    reasons: list[str] = Field(default_factory=list)
    """For a refused disclosure: why, in words, with the rules' citations."""


MAX_ID = 2**31 - 1
"""The largest row id a path or body may name (larger ones cannot be rows)."""

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error}


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    page_size: int = Field(25, ge=1, le=100, description="Items a page (1 to 100).")


# --- reports --------------------------------------------------------------------------------


class ReportSummary(Schema):
    """A report's plain columns: no personal data."""

    reference: str
    force: str
    force_name: str
    offence: str
    offence_label: str
    stage: str
    stage_label: str
    channel: str
    channel_label: str
    received_at: datetime
    destroyed: bool


class ReportPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReportSummary]


class PersonOut(Schema):
    """A person's part in a report (plain columns only: no label or name)."""

    id: int
    role: str
    role_label: str
    relation: str
    relation_label: str
    related_to: int | None


class PersonContentOut(Schema):
    id: int
    role: str
    role_label: str
    label: str | None = Field(description="How the report describes them; null if withheld.")
    name: str | None = Field(description="Their name; null if withheld.")
    relation_label: str
    related_to_label: str | None


class ReportContentOut(Schema):
    """Personal data. A field is null when it was withheld from this reader."""

    account: str | None
    contact: str | None
    occurred: str | None
    place: str | None
    preferred_language: str | None
    people: list[PersonContentOut]


class DisclosureOut(Schema):
    """For a token's read: the policy's decision that released the content."""

    recipient: str
    purpose: str
    policy: str
    version: str
    fields: list[str]
    duties: list[str]


class ReportOut(ReportSummary):
    content: ReportContentOut | None = Field(
        description="Null once the report was destroyed under the retention schedule."
    )
    disclosure: DisclosureOut | None = Field(
        description="Set when an API token read the content: the disclosure it was."
    )


class TimelineEvent(Schema):
    index: int = Field(description="The entry's position in the public log.")
    at: datetime | None
    what: str
    who: str
    details: list[str]


# --- decision requests ----------------------------------------------------------------------


class RequestIn(Schema):
    report: str = Field(max_length=20, description="The report's reference.")
    person: int = Field(
        ge=1, le=MAX_ID, description="A person of the report (`/reports/{reference}/people`)."
    )
    action: ActionCode  # type: ignore[valid-type]
    purpose: PurposeCode  # type: ignore[valid-type]
    recipient: RecipientCode = "none"  # type: ignore[valid-type,assignment]
    consent: ConsentCode = ConsentCode.not_sought
    risk_to_others: bool = False
    regularisation_support: bool = False
    rationale: str = Field("", max_length=2_000)


class Citation(Schema):
    rule: str
    summary: str
    source: str


class ObligationOut(Schema):
    code: str
    title: str
    duty: str


class RequestOut(Schema):
    id: int
    report: str
    person: int
    person_role: str
    action: str
    action_label: str
    recipient: str
    recipient_label: str
    purpose: str
    purpose_label: str
    decision: str
    status: str
    status_label: str
    policy: str
    policy_version: str
    rules: list[Citation]
    explanation: str = Field(
        description="The decision in words: the rules and duties, or, when no rule "
        "matched, that the policy refuses what it does not permit (deny by default)."
    )
    obligations: list[ObligationOut]
    requested_at: datetime
    approvals_needed: int
    approvals_given: int


class RequestPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[RequestOut]


class ApprovalIn(Schema):
    approved: bool
    reason: str = Field(min_length=1, max_length=2_000)
