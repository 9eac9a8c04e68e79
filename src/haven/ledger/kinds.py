"""The kinds of ledger event, one typed builder each: the single declaration of the kinds.

Every event Haven records is built from one of these classes, never from an ad-hoc
dict, so each kind's fields are written down once. People, reports and staff appear
only as keyed pseudonyms (`haven.ledger.events.pseudonym`), forces by code, and
everything else as codes from a fixed list: an event never holds a name, contact
detail, free text or immigration information (`events.check_payload` enforces it).

`PUBLIC` kinds are about the system and stay readable in the public log; every other
kind is about people and is published only as a salted commitment
(`haven.ledger.commitments`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class LedgerEvent:
    """Base of every event: `KIND` names it, the dataclass fields are its payload."""

    KIND: ClassVar[str] = ""
    PUBLIC: ClassVar[bool] = False
    SUBJECT: ClassVar[str | None] = "report"
    """The field naming whose record this event belongs to (for audits and receipts)."""

    def payload(self) -> dict[str, Any]:
        return {field.name: _plain(getattr(self, field.name)) for field in fields(self)}

    @property
    def subject(self) -> str | None:
        """The pseudonym this event is about (a report), or None for system events."""
        return None if self.SUBJECT is None else str(getattr(self, self.SUBJECT))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


# --- reports --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportReceived(LedgerEvent):
    """A report arrived."""

    KIND: ClassVar[str] = "report_received"
    report: str
    force: str
    offence: str
    channel: str
    people: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class ReportRead(LedgerEvent):
    """Someone opened a report's content (an officer, supervisor, DPO or advocate)."""

    KIND: ClassVar[str] = "report_read"
    report: str
    reader: str
    reader_role: str


@dataclass(frozen=True)
class ReportStageChanged(LedgerEvent):
    KIND: ClassVar[str] = "report_stage_changed"
    report: str
    stage_from: str
    stage_to: str
    by: str


@dataclass(frozen=True)
class ReportPeopleChanged(LedgerEvent):
    """A person was added to, changed in or removed from a report."""

    KIND: ClassVar[str] = "report_people_changed"
    report: str
    person: str
    change: str
    role: str
    by: str


@dataclass(frozen=True)
class RecordsDestroyed(LedgerEvent):
    """A report's records were destroyed under the retention schedule (crypto-shredded)."""

    KIND: ClassVar[str] = "records_destroyed"
    report: str
    shred_date: str


# --- the safe reporting portal ---------------------------------------------------------


@dataclass(frozen=True)
class MessageSent(LedgerEvent):
    """A message on a report's follow-up page (never its text): `sender` is reporter,
    advocate, force or system; `by` a staff pseudonym, or "reporter" or "system"."""

    KIND: ClassVar[str] = "message_sent"
    report: str
    sender: str
    by: str


@dataclass(frozen=True)
class ReceiptCodeChanged(LedgerEvent):
    """A report's receipt code was issued or replaced (never the code or its hash):
    `change` is issued or replaced, `via` report_submitted, reporter, advocate or force."""

    KIND: ClassVar[str] = "receipt_code_changed"
    report: str
    change: str
    via: str
    by: str


@dataclass(frozen=True)
class AdvocateConsentChanged(LedgerEvent):
    """A victim's consent for an advocate organisation to act on a report was given or
    revoked, with what it allows (`scopes`, codes)."""

    KIND: ClassVar[str] = "advocate_consent_changed"
    report: str
    change: str
    scopes: tuple[str, ...]
    by: str


@dataclass(frozen=True)
class CopyRequested(LedgerEvent):
    """The reporter, or their advocate, asked the force for a copy of the report's data."""

    KIND: ClassVar[str] = "copy_requested"
    report: str
    via: str
    by: str


@dataclass(frozen=True)
class SubjectAccessAnswered(LedgerEvent):
    """The force's DPO answered a subject access request: `request` is the request's
    pseudonym, `exemption` whether the immigration exemption (DPA 2018, Sch. 2 para. 4)
    was applied (never the reason, which stays sealed), `sealed_opened` whether the
    person's sealed notes were opened for the answer."""

    KIND: ClassVar[str] = "subject_access_answered"
    report: str
    request: str
    exemption: bool
    sealed_opened: bool
    by: str


@dataclass(frozen=True)
class SubjectAccessDownloaded(LedgerEvent):
    """The answer to a subject access request was downloaded: `via` is receipt_code or
    advocate, `by` "reporter" or the advocate's pseudonym."""

    KIND: ClassVar[str] = "subject_access_downloaded"
    report: str
    request: str
    via: str
    by: str


@dataclass(frozen=True)
class SupportReferralChosen(LedgerEvent):
    """The reporter asked to be referred to support services (service codes)."""

    KIND: ClassVar[str] = "support_referral_chosen"
    report: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class ReceiptIssued(LedgerEvent):
    """A reporter was given a signed promise receipt for their report (docs/receipts.md)."""

    KIND: ClassVar[str] = "receipt_issued"
    report: str
    policy_version: str


# --- the firewall (built by the gateway) ------------------------------------------------


@dataclass(frozen=True)
class Decision(LedgerEvent):
    """A policy decision on a check, disclosure, arrest or enforcement request."""

    KIND: ClassVar[str] = "decision"
    report: str
    person: str
    person_role: str
    request: str
    action: str
    recipient: str
    purpose: str
    policy: str
    version: str
    decision: str
    rules: tuple[str, ...]
    obligations: tuple[str, ...]
    by: str


@dataclass(frozen=True)
class RequestStep(LedgerEvent):
    """A step of a decided request: a rationale, an approval or refusal, a deferral, a
    release from deferral, a withdrawal, or a support referral carried out."""

    KIND: ClassVar[str] = "request_step"
    report: str
    person: str
    person_role: str
    request: str
    step: str
    by: str


@dataclass(frozen=True)
class Disclosure(LedgerEvent):
    """Personal data was released to a recipient."""

    KIND: ClassVar[str] = "disclosure"
    report: str
    person: str
    person_role: str
    request: str
    recipient: str
    purpose: str
    fields: tuple[str, ...]
    by: str


@dataclass(frozen=True)
class SealedAccess(LedgerEvent):
    """Someone opened a report's sealed compartment, inside a decided request."""

    KIND: ClassVar[str] = "sealed_access"
    report: str
    person: str
    person_role: str
    request: str
    reason: str
    by: str


@dataclass(frozen=True)
class SealedNoteRecorded(LedgerEvent):
    """An officer wrote to a report's sealed compartment (never what: that stays sealed).
    `person` is empty when the note is about the report as a whole."""

    KIND: ClassVar[str] = "sealed_note_recorded"
    report: str
    person: str
    person_role: str
    by: str


# --- staff and accounts ------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipGranted(LedgerEvent):
    KIND: ClassVar[str] = "membership_granted"
    SUBJECT: ClassVar[str | None] = None
    member: str
    force: str
    role: str
    by: str


@dataclass(frozen=True)
class MembershipRevoked(LedgerEvent):
    KIND: ClassVar[str] = "membership_revoked"
    SUBJECT: ClassVar[str | None] = None
    member: str
    force: str
    role: str
    by: str


@dataclass(frozen=True)
class SignedIn(LedgerEvent):
    """A staff member signed in (each failed attempt is not recorded: anyone could)."""

    KIND: ClassVar[str] = "signed_in"
    SUBJECT: ClassVar[str | None] = None
    user: str


@dataclass(frozen=True)
class SignInLockedOut(LedgerEvent):
    """Sign-in for an account was throttled after repeated failures (no address kept)."""

    KIND: ClassVar[str] = "sign_in_locked_out"
    SUBJECT: ClassVar[str | None] = None
    user: str


@dataclass(frozen=True)
class ApiTokenChanged(LedgerEvent):
    """A force's API token was created or revoked (`change`); `credential` is the
    token's pseudonym, never the token, and `scopes` what it may do."""

    KIND: ClassVar[str] = "api_token_changed"
    SUBJECT: ClassVar[str | None] = None
    credential: str
    force: str
    change: str
    scopes: tuple[str, ...]
    by: str


# --- the system (public) -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRotation(LedgerEvent):
    """A ledger, pseudonym or encryption key was rotated (key ids only)."""

    KIND: ClassVar[str] = "key_rotation"
    PUBLIC: ClassVar[bool] = True
    SUBJECT: ClassVar[str | None] = None
    key: str
    old_key_id: str
    new_key_id: str
    new_vkey: str = ""


@dataclass(frozen=True)
class PolicyChange(LedgerEvent):
    """A force's policy version was drafted, signed off, activated or rolled back."""

    KIND: ClassVar[str] = "policy_change"
    PUBLIC: ClassVar[bool] = True
    SUBJECT: ClassVar[str | None] = None
    force: str
    step: str
    policy: str
    version: str
    by: str


@dataclass(frozen=True)
class PolicyVersionDrafted(LedgerEvent):
    """A DPO saved a policy version's Cedar text (new, or edited while a draft). `base`
    is the shipped policy id it started from, or empty."""

    KIND: ClassVar[str] = "policy_version_drafted"
    PUBLIC: ClassVar[bool] = True
    SUBJECT: ClassVar[str | None] = None
    force: str
    version: int
    digest: str
    base: str


@dataclass(frozen=True)
class PolicyVersionSignedOff(LedgerEvent):
    """A policy version was signed off: `signer` is `dpo` (the first sign-off, which
    proposes `effective`, an ISO time) or `second_approver` (which approves it)."""

    KIND: ClassVar[str] = "policy_version_signed_off"
    PUBLIC: ClassVar[bool] = True
    SUBJECT: ClassVar[str | None] = None
    force: str
    version: int
    digest: str
    signer: str
    effective: str


@dataclass(frozen=True)
class PolicyVersionInForce(LedgerEvent):
    """A policy version came into force, replacing `replaces` (a version number, or the
    shipped policy id). `restores` is the version a rollback brought back, or 0."""

    KIND: ClassVar[str] = "policy_version_in_force"
    PUBLIC: ClassVar[bool] = True
    SUBJECT: ClassVar[str | None] = None
    force: str
    version: int
    digest: str
    replaces: str
    restores: int


@dataclass(frozen=True)
class PolicyVersionWithdrawn(LedgerEvent):
    """A policy version was withdrawn before it came into force."""

    KIND: ClassVar[str] = "policy_version_withdrawn"
    PUBLIC: ClassVar[bool] = True
    SUBJECT: ClassVar[str | None] = None
    force: str
    version: int
    digest: str


@dataclass(frozen=True)
class StatisticsRelease(LedgerEvent):
    """Differentially private statistics were published (privacy budget spent)."""

    KIND: ClassVar[str] = "statistics_release"
    PUBLIC: ClassVar[bool] = True
    SUBJECT: ClassVar[str | None] = None
    force: str
    quarter: str
    mechanism: str
    scale: str
    epsilon: str
    key_set: str


EVENT_TYPES: tuple[type[LedgerEvent], ...] = (
    ReportReceived,
    ReportRead,
    ReportStageChanged,
    ReportPeopleChanged,
    RecordsDestroyed,
    MessageSent,
    ReceiptCodeChanged,
    AdvocateConsentChanged,
    CopyRequested,
    SubjectAccessAnswered,
    SubjectAccessDownloaded,
    SupportReferralChosen,
    ReceiptIssued,
    Decision,
    RequestStep,
    Disclosure,
    SealedAccess,
    SealedNoteRecorded,
    MembershipGranted,
    MembershipRevoked,
    SignedIn,
    SignInLockedOut,
    ApiTokenChanged,
    KeyRotation,
    PolicyChange,
    PolicyVersionDrafted,
    PolicyVersionSignedOff,
    PolicyVersionInForce,
    PolicyVersionWithdrawn,
    StatisticsRelease,
)
KINDS: frozenset[str] = frozenset(event.KIND for event in EVENT_TYPES)
PUBLIC_KINDS: frozenset[str] = frozenset(event.KIND for event in EVENT_TYPES if event.PUBLIC)
