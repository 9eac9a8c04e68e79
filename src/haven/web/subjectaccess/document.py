"""The answer's document: the HTML its PDF is printed from (the gateway prints it).

What goes in, and what never does. The requester is the person the receipt code (or the
advocate's consent) belongs to: the report's `Reporter.person`. The document holds the
report as that person gave it (reference, force, offence, stage, how it came, the
account, when and where, how to contact them, their language), that person's own row
(their label, name and role), the messages on the report (which were exchanged with
them), the disclosure log (already limited to events about the report as a whole and
about them), and their own sealed notes unless the immigration exemption withholds them.
It never holds another person's row: not the suspect's, a family member's or another
witness's label, name or role, nor the relation that names them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from haven.web.portal.disclosure_log import disclosure_log
from haven.web.portal.selectors import report_messages
from haven.web.subjectaccess.models import SubjectAccessRequest


def answer_html(
    sar: SubjectAccessRequest,
    *,
    sealed_notes: list[dict[str, str]],
    exemption_applied: bool,
    answered_at: datetime | None = None,
) -> str:
    """The answer to `sar` as a self-contained HTML page."""
    report = sar.report
    person: dict[str, Any] | None = None
    if sar.person is not None:
        person = {
            "label": sar.person.unseal_text("label"),
            "name": sar.person.unseal_text("name"),
            "role": str(sar.person.get_role_display()),
        }
    return render_to_string(
        "subjectaccess/answer.html",
        {
            "sar": sar,
            "report": report,
            "person": person,
            "account": report.unseal_text("account"),
            "occurred": report.unseal_text("occurred"),
            "place": report.unseal_text("place"),
            "contact": report.unseal_text("contact"),
            "preferred_language": report.unseal_text("preferred_language"),
            "messages_list": report_messages(report=report),
            "log": disclosure_log(report),
            "sealed_notes": sealed_notes,
            "exemption_applied": exemption_applied,
            "answered_at": answered_at or timezone.now(),
        },
    )
