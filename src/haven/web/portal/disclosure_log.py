"""The reporter's disclosure log: their own view of the ledger, for their own report.

Every ledger entry about a report carries the report's pseudonym as its `subject`
(`reporting.services.report_pseudonym`), so `entries_about` finds exactly this report's
entries and never another report's. Each entry's sealed event is opened and turned into
one line in plain words: what happened, who did it (by role, never by name or
pseudonym), the rule it rested on where there is one, and its public log index, so the
reporter can check the entry against the public log.

Whose events are shown (the filter). An event that names a person (`person` in its
payload: decisions, request steps, disclosures, openings of the sealed compartment and
changes to the people in a report) is shown only when that person is the holder of the
code: the report's `Reporter.person`, that is the reporter themselves, or, for an
advocate's report, the victim the advocate reported for. Events about anyone else in
the report (the suspect, a family member, another witness) are never shown, whatever
their role, even when the person's role is "victim" too: the person is matched by
pseudonym, not by role. A report whose reporter row has lost its person (removed from
the report) shows no person events at all. Events without a person (the report
arriving, reads, stage changes, messages, receipt codes, consent, copies) concern the
report as a whole and are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.reporting.models import Report, Stage
from haven.web.reporting.services import person_pseudonym, report_pseudonym


@dataclass(frozen=True)
class RuleCitation:
    """A rule a decision rested on: its policy and id, what it says and where it comes from
    (empty when the policy or rule is not shipped with this Haven)."""

    policy: str
    rule: str
    summary: str = ""
    source: str = ""

    def __str__(self) -> str:
        return f"{self.policy}: {self.rule}"


@dataclass(frozen=True)
class DisclosureLogLine:
    """One line of the log: one ledger entry, in words the reporter can read."""

    at: datetime
    what: str
    who: str
    index: int
    """The entry's position in the public log."""
    rules: tuple[RuleCitation, ...] = field(default=())
    """The rules it rested on, with their citations; empty when none."""


READER_ROLES = {
    "officer": gettext_lazy("A police officer"),
    "supervisor": gettext_lazy("A police supervisor"),
    "dpo": gettext_lazy("The force's data protection officer"),
    "auditor": gettext_lazy("An auditor"),
    "advocate": gettext_lazy("Your advocate"),
}

READ_WHAT = {
    "officer": gettext_lazy("A police officer read your report."),
    "supervisor": gettext_lazy("A police supervisor read your report."),
    "dpo": gettext_lazy("The force's data protection officer read your report."),
    "auditor": gettext_lazy("An auditor read your report."),
    "advocate": gettext_lazy("Your advocate read your report."),
}

ACTIONS = {
    "pnc_check": gettext_lazy("check you on the Police National Computer"),
    "status_check": gettext_lazy("check your status with Immigration Enforcement"),
    "disclose": gettext_lazy("share information about you"),
    "immigration_arrest": gettext_lazy("arrest you on immigration grounds"),
}

STEPS = {
    "rationale_recorded": gettext_lazy("The officer recorded the reason for a request about you."),
    "deferred_until_concluded": gettext_lazy(
        "A request about you is held until the case concludes."
    ),
    "released_from_deferral": gettext_lazy(
        "The case concluded, so a request about you that was held can go ahead."
    ),
    "first_approval": gettext_lazy(
        "A supervisor approved a request about you; it needs a second approval."
    ),
    "approved": gettext_lazy("A supervisor approved a request about you."),
    "refused_by_approver": gettext_lazy("A supervisor refused a request about you."),
    "referred_to_support": gettext_lazy("You were referred to a support service."),
    "withdrawn": gettext_lazy("A request about you was withdrawn."),
    "subject_notified": gettext_lazy("You were told here that information about you was shared."),
}

STEP_WHO = {
    "first_approval": READER_ROLES["supervisor"],
    "approved": READER_ROLES["supervisor"],
    "refused_by_approver": READER_ROLES["supervisor"],
}


# A report's stages in the reporter's words. `reporting.Stage` holds the same English,
# but the reporting app is staff-only and left out of the portal's catalogues, so the
# portal names them here to have them translated (the follow-up pages show them too).
STAGES = {
    Stage.REPORT: gettext_lazy("Reported"),
    Stage.INVESTIGATION: gettext_lazy("Under investigation"),
    Stage.PROSECUTION: gettext_lazy("Prosecution"),
    Stage.CONCLUDED: gettext_lazy("Concluded"),
}


def stage_label(code: str) -> str:
    """The stage `code` in the reporter's language (the code itself if unknown)."""
    try:
        return str(STAGES[Stage(code)])
    except ValueError:
        return code


def _recipient(code: str) -> str:
    from haven.web.sharing.models import Recipient

    try:
        return str(Recipient(code).label)
    except ValueError:
        return code


def _purpose(code: str) -> str:
    from haven.web.sharing.models import Purpose

    try:
        return str(Purpose(code).label).lower()
    except ValueError:
        return code


def _scopes(codes: list[str]) -> str:
    from haven.web.portal.models import ConsentScope

    words = []
    for code in codes:
        try:
            words.append(str(ConsentScope(code).label).lower())
        except ValueError:
            words.append(code)
    return "; ".join(words)


@lru_cache(maxsize=256)
def _citation(policy: str, rule: str) -> RuleCitation:
    """The rule's summary and source, or its ids alone if the policy is not shipped here."""
    from haven.policy.registry import load_policy

    try:
        found = load_policy(policy).rule(rule)
    except Exception:  # noqa: BLE001 - an unknown policy or rule still shows its ids
        return RuleCitation(policy=policy, rule=rule)
    return RuleCitation(policy=policy, rule=rule, summary=found.summary, source=found.source)


def _who_sent(sender: str, by: str) -> str:
    if sender == "reporter":
        return _("You")
    if sender == "advocate":
        return _("Your advocate")
    if by == "system":
        return _("Haven, for the police")
    return _("The police")


def _line(kind: str, p: dict[str, Any], decisions: dict[str, tuple[RuleCitation, ...]]) -> tuple:
    """(what, who, rules) for one event, or None to leave it out."""
    police = _("The police")
    if kind == "report_received":
        who = {"advocate": _("Your advocate"), "officer": _("A police officer")}.get(
            p.get("channel", ""), _("You")
        )
        return _("Your report was received."), who, ()
    if kind == "report_read":
        role = p.get("reader_role", "")
        what = READ_WHAT.get(role, gettext_lazy("Someone at the police read your report."))
        return str(what), str(READER_ROLES.get(role, police)), ()
    if kind == "report_stage_changed":
        what = _("Your report moved from “%(old)s” to “%(new)s”.") % {
            "old": stage_label(p.get("stage_from", "")),
            "new": stage_label(p.get("stage_to", "")),
        }
        return what, (_("Haven") if p.get("by") == "system" else police), ()
    if kind == "report_people_changed":
        what = {
            "added": _("Your details were added to the report."),
            "updated": _("Your details in the report were changed."),
            "removed": _("Your details were removed from the report."),
        }.get(p.get("change", ""), _("Your details in the report were changed."))
        return what, police, ()
    if kind == "records_destroyed":
        return _("Your report was destroyed under the retention schedule."), _("Haven"), ()
    if kind == "message_sent":
        what = {
            "reporter": _("You sent a message."),
            "advocate": _("Your advocate sent a message."),
        }.get(p.get("sender", ""), _("The police sent you a message."))
        return what, _who_sent(p.get("sender", ""), p.get("by", "")), ()
    if kind == "receipt_code_changed":
        via = p.get("via", "")
        if p.get("change") == "issued":  # by an officer for a report taken by phone or desk
            who = _("A police officer") if via == "force" else _("Haven")
            return _("Your receipt code was issued."), who, ()
        what, who = {
            "reporter": (_("You replaced your receipt code."), _("You")),
            "advocate": (_("Your advocate replaced your receipt code."), _("Your advocate")),
            "force": (
                _("A police officer replaced your receipt code, at your request."),
                _("A police officer"),
            ),
        }.get(via, (_("Your receipt code was replaced."), police))
        return what, who, ()
    if kind == "advocate_consent_changed":
        if p.get("change") == "revoked":
            return _("You withdrew your consent for your advocate."), _("You"), ()
        what = _("Your consent for your advocate was recorded: %(scopes)s.") % {
            "scopes": _scopes(p.get("scopes", [])) or _("nothing")
        }
        return what, _("Your advocate"), ()
    if kind == "copy_requested":
        who = _("Your advocate") if p.get("via") == "advocate" else _("You")
        return _("A copy of your information was asked for."), who, ()
    if kind == "support_referral_chosen":
        return _("You asked to be referred to support services."), _("You"), ()
    if kind == "receipt_issued":
        return _("You were given a signed promise receipt."), _("You"), ()
    if kind == "decision":
        action = p.get("action", "")
        asked = ACTIONS.get(action, action)
        if action == "disclose":
            asked = _("share information about you with %(recipient)s, for %(purpose)s") % {
                "recipient": _recipient(p.get("recipient", "")),
                "purpose": _purpose(p.get("purpose", "")),
            }
        if p.get("decision") == "allow":
            what = _("The police asked to %(action)s. The force's policy allowed it.")
        else:
            what = _("The police asked to %(action)s. The force's policy refused it.")
        rules = tuple(_citation(p.get("policy", ""), rule) for rule in p.get("rules", []))
        return what % {"action": asked}, _("A police officer"), rules
    if kind == "request_step":
        step = p.get("step", "")
        what = STEPS.get(step, gettext_lazy("A request about you moved on."))
        who = STEP_WHO.get(step, police if p.get("by") != "system" else _("Haven"))
        return str(what), str(who), ()
    if kind == "disclosure":
        what = _("Information about you was shared with %(recipient)s, for %(purpose)s.") % {
            "recipient": _recipient(p.get("recipient", "")),
            "purpose": _purpose(p.get("purpose", "")),
        }
        return what, _("A police officer"), decisions.get(p.get("request", ""), ())
    if kind == "sealed_access":
        reason = p.get("reason", "")
        if reason == "subject_access":
            what = _(
                "Sensitive information the police recorded about you was opened, to answer "
                "your request for your information."
            )
            return what, _("The force's data protection officer"), ()
        if reason == "policy_impact":
            what = _(
                "Sensitive information the police recorded about you was opened, to check how "
                "a new version of the force's policy would have decided a request about you."
            )
            return what, _("The force's data protection officer"), ()
        what = _(
            "Sensitive information the police recorded about you was opened, for a decided request."
        )
        return what, _("A police officer"), decisions.get(p.get("request", ""), ())
    if kind == "sealed_note_recorded":
        what = _(
            "A police officer recorded sensitive information about you. It is kept sealed, "
            "and only a decision under the force's policy can open it."
        )
        return what, _("A police officer"), ()
    if kind == "subject_access_answered":
        what = (
            _(
                "Your request for your information was answered. Some information was "
                "withheld, as the law allows; the answer says so."
            )
            if p.get("exemption")
            else _("Your request for your information was answered.")
        )
        return what, _("The force's data protection officer"), ()
    if kind == "subject_access_downloaded":
        who = _("Your advocate") if p.get("via") == "advocate" else _("You")
        return _("The answer to your request for your information was downloaded."), who, ()
    return _("Something else about your report was recorded."), police, ()


def disclosure_log(report: Report) -> list[DisclosureLogLine]:
    """Every ledger entry about `report` that concerns its reporter, oldest first.

    See the module docstring for exactly which entries are left out.

    Raises:
        InvalidEventError: a stored event does not match its public leaf (tampering).
    """
    reporter = getattr(report, "reporter", None)
    mine = (
        person_pseudonym(reporter.person)
        if reporter is not None and reporter.person is not None
        else None
    )
    lines: list[DisclosureLogLine] = []
    decisions: dict[str, tuple[RuleCitation, ...]] = {}
    for entry in entries_about(subject=report_pseudonym(report)):
        payload = entry_event(entry).get("payload", {})
        if "person" in payload and (mine is None or payload["person"] != mine):
            continue  # about someone else in the report (module docstring)
        what, who, rules = _line(entry.kind, payload, decisions)
        if entry.kind == "decision":
            decisions[payload.get("request", "")] = rules
        lines.append(
            DisclosureLogLine(
                at=entry.recorded_at, what=what, who=who, index=entry.position, rules=rules
            )
        )
    return lines
