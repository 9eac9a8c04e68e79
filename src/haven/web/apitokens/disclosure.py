"""A token's read of a report's content is a disclosure to `police`, decided by the policy.

A force's records system reading a report through the API takes personal data out of
Haven, so it is decided like any other disclosure: for each person in the report, the
case is assembled from the record and the sealed compartment (the opening ledgered by
the gateway's `status_from_sealed`), the force's active policy decides a disclosure to
`police` for `investigation`, and each decision is ledgered. The read goes ahead only
if every person's disclosure is allowed with no obligation a person must carry out
first (a reason, an approval, a referral, a hold until the case concludes): those go
through the console. What is released is what the purpose permits (fewer fields under
`minimise_fields`), each person's release ledgered as a `disclosure`, and the reporter
is told when a decision says so.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from haven.ledger.kinds import Decision, Disclosure, RequestStep
from haven.policy.obligations import describe_obligation
from haven.web.accounts.selectors import force_active_policy
from haven.web.accounts.services import staff_pseudonym
from haven.web.apitokens.models import ApiToken
from haven.web.ledger.services import ledger_pseudonym, ledger_record
from haven.web.reporting.models import Report, ReportPerson, Stage
from haven.web.reporting.services import person_pseudonym, report_pseudonym
from haven.web.sharing.selectors import disclosure_fields
from haven.web.sharing.services import status_from_sealed

RECIPIENT = "police"
PURPOSE = "investigation"
NEEDS_A_PERSON = (
    "record_rationale",
    "supervisor_approval",
    "dual_control",
    "refer_to_support",
    "defer_until_concluded",
)
"""Obligations a read cannot carry out by itself: such a disclosure goes through the console."""
DUTIES = ("treat_as_victim", "no_enforcement_action")


@dataclass(frozen=True)
class TokenReadDecision:
    fields: tuple[str, ...]
    """The fields released: the rest of the report's content is withheld."""
    duties: tuple[str, ...]
    """Conditions that travel with the data (`treat_as_victim`, `no_enforcement_action`)."""
    policy: str
    version: str


class TokenReadRefused(Exception):
    """The policy refused the read, or it needs a step a person must take first."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _case(report: Report, person: ReportPerson, concern: str, source: str) -> dict:
    return {
        "action": "disclose",
        "recipient": RECIPIENT,
        "role": person.role,
        "offence": report.offence,
        "status_concern": concern,
        "status_source": source,
        "purpose": PURPOSE,
        "stage": report.stage,
        "consent": "not_sought",
        "risk_to_others": False,
        "regularisation_support": False,
    }


def _about(report: Report, person: ReportPerson, request_seal: str) -> dict[str, str]:
    """Whom a ledger event of this read is about (the fields every such event shares)."""
    return {
        "report": report_pseudonym(report),
        "person": person_pseudonym(person),
        "person_role": person.role,
        "request": request_seal,
    }


def token_report_read(*, token: ApiToken, report: Report) -> TokenReadDecision:
    """Decide and ledger a token's read of `report`'s content (see the module docstring).

    The decisions are ledgered whether or not the read goes ahead (the refusal is
    raised after their transaction commits); the caller opens the content only after
    this returns.

    Raises:
        TokenReadRefused: with the reasons, in words, when any person's disclosure is
            refused or needs a person's step first.
    """
    outcome = _decide_and_record(token, report)
    if isinstance(outcome, list):
        raise TokenReadRefused(outcome)
    return outcome


@transaction.atomic
def _decide_and_record(token: ApiToken, report: Report) -> TokenReadDecision | list[str]:
    by = staff_pseudonym(token.created_by)
    compiled = force_active_policy(force=report.force)
    read_id = secrets.token_hex(16)
    people = list(report.people.all())
    refusals: list[str] = []
    decided = []
    for person in people:
        request_seal = ledger_pseudonym(kind="request", value=f"api-read:{read_id}:{person.pk}")
        concern, source = status_from_sealed(
            report=report,
            person=person,
            request_seal=request_seal,
            reason="decision",
            by=token.created_by,
        )
        result = compiled.decide(_case(report, person, concern, source))
        ledger_record(
            Decision(
                **_about(report, person, request_seal),
                action="disclose",
                recipient=RECIPIENT,
                purpose=PURPOSE,
                policy=compiled.id,
                version=compiled.version,
                decision=result.decision,
                rules=tuple(reason.id for reason in result.reasons),
                obligations=tuple(result.obligations),
                by=by,
            )
        )
        role = str(person.get_role_display()).lower()
        if not result.allowed:
            cited = "; ".join(
                f"{reason.summary} ({reason.source})" if reason.source else reason.summary
                for reason in result.reasons
            )
            refusals.append(
                f"The force's policy refuses disclosing the {role}'s data to the police: "
                + (cited or "no rule of the policy allows it.")
            )
            continue
        blocking = [
            code
            for code in result.obligations
            if code in NEEDS_A_PERSON
            and not (code == "defer_until_concluded" and report.stage == Stage.CONCLUDED)
        ]
        for code in blocking:
            refusals.append(
                f"Disclosing the {role}'s data needs a step a person must take first "
                f"({describe_obligation(code)}): ask for it in the console."
            )
        decided.append((person, request_seal, result))
    if refusals or not people:
        return refusals or ["The report names no one: nothing to disclose."]
    obligations = {code for _person, _seal, result in decided for code in result.obligations}
    fields = disclosure_fields(purpose=PURPOSE, minimise="minimise_fields" in obligations)
    for person, request_seal, _result in decided:
        ledger_record(
            Disclosure(
                **_about(report, person, request_seal),
                recipient=RECIPIENT,
                purpose=PURPOSE,
                fields=fields,
                by=by,
            )
        )
    if "notify_subject" in obligations:
        _notify_reporter(report, compiled.id)
        first, seal, _result = decided[0]
        ledger_record(
            RequestStep(
                **_about(report, first, seal),
                step="subject_notified",
                by="system",
            )
        )
    return TokenReadDecision(
        fields=fields,
        duties=tuple(code for code in DUTIES if code in obligations),
        policy=compiled.id,
        version=compiled.version,
    )


def _notify_reporter(report: Report, policy: str) -> None:
    """The gateway's notice on the reporter's follow-up page, for this disclosure."""
    from haven.web.sharing.models import DecisionRequest
    from haven.web.sharing.notify import notify_reporter

    # An unsaved request carries what the notice says: what went where, why, and under
    # which policy (`notify_text`).
    notify_reporter(
        DecisionRequest(report=report, recipient=RECIPIENT, purpose=PURPOSE, policy=policy)
    )
