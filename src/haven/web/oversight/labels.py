"""Human labels for the auditor's pages: ledger kinds, roles and decisions in words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import Role

KIND_LABELS: dict[str, Any] = {
    "report_received": _("Report received"),
    "report_read": _("Report read"),
    "report_stage_changed": _("Stage changed"),
    "report_people_changed": _("People changed"),
    "records_destroyed": _("Records destroyed"),
    "message_sent": _("Message sent"),
    "receipt_code_changed": _("Receipt code changed"),
    "advocate_consent_changed": _("Advocate consent changed"),
    "copy_requested": _("Copy requested"),
    "subject_access_answered": _("Subject access answered"),
    "subject_access_downloaded": _("Subject access downloaded"),
    "support_referral_chosen": _("Support referral chosen"),
    "receipt_issued": _("Promise receipt issued"),
    "decision": _("Decision by the policy"),
    "request_step": _("Request step"),
    "disclosure": _("Disclosure"),
    "sealed_access": _("Sealed compartment opened"),
    "sealed_note_recorded": _("Sealed note recorded"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()))


def role_label(code: str) -> str:
    if code == "advocate":
        return str(_("Advocate"))
    try:
        return str(Role(code).label)
    except ValueError:
        return str(_("Another role"))


def decision_label(code: str) -> str:
    return str(_("Allowed") if code == "allow" else _("Refused"))
