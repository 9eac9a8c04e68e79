"""A submission's rows and ledger events commit together, appended in one go, or not at all."""

from __future__ import annotations

import pytest

from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import ledger_size
from haven.web.portal import services
from haven.web.portal.models import PortalDraft, ReceiptCode, Reporter
from haven.web.portal.services import draft_start, portal_submit
from haven.web.reporting.models import Report, ReportPerson

ANSWERS = {
    "way": "victim",
    "force": "metropolitan",
    "offence": "modern_slavery",
    "account": "My employer keeps my passport.",
    "when": {"kind": "roughly", "text": "last spring"},
    "place": "",
    "people": [{"role": "suspect", "label": "my employer", "name": ""}],
    "people_done": True,
    "contact": {"allowed": False},
    "language": "en",
    "interpreter": False,
    "support": ["victim_support"],
}


def test_a_submission_appends_its_events_at_consecutive_positions(met):
    submitted = portal_submit(draft=draft_start(), answers=ANSWERS)
    kinds = list(LedgerEntry.objects.order_by("position").values_list("kind", "position"))
    assert kinds == [
        ("report_received", 0),
        ("support_referral_chosen", 1),
        ("receipt_code_changed", 2),
    ]
    reporter = Reporter.objects.get(report=submitted.report)
    assert reporter.person == submitted.report.people.order_by("id").first()
    assert reporter.person.role == "victim"


def test_a_failure_after_the_events_were_recorded_saves_nothing_and_appends_nothing(
    met, monkeypatch
):
    draft = draft_start()

    def fail(**_kwargs):
        raise RuntimeError("the draft could not be deleted")

    monkeypatch.setattr(services, "draft_discard", fail)
    with pytest.raises(RuntimeError):
        portal_submit(draft=draft, answers=ANSWERS)
    assert Report.objects.count() == 0 and ReportPerson.objects.count() == 0
    assert Reporter.objects.count() == 0 and ReceiptCode.objects.count() == 0
    assert LedgerEntry.objects.count() == 0 and ledger_size() == 0
    assert PortalDraft.objects.filter(pk=draft.pk).exists()
