"""A request's sealed case (the person's status concern) is destroyed with its report, and
the gateway's pages stay calm about a destroyed report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.privacy import KeyDestroyedError
from haven.web.reporting.models import RetentionSchedule, Stage
from haven.web.reporting.services import report_stage_change, retention_shred
from haven.web.sealing import forget_site_keyring, open_sealed_field
from haven.web.sharing.models import DecisionRequest
from tests.web.sharing.conftest import DUTIES, asked, download, kinds, show, text, use_policy


def test_requests_are_destroyed_with_their_report(client, met, officer, supervisor, report, victim):
    use_policy(met, DUTIES)
    RetentionSchedule.objects.create(force=met, days=1)
    client.force_login(officer)
    before = asked(client, report, victim, recipient="support_service", purpose="safeguarding",
                   rationale="Refuge.")  # fmt: skip
    report_stage_change(report=report, stage=Stage.CONCLUDED, by=officer)
    report.refresh_from_db()  # concluding moved the request under the report's shred date
    after = asked(client, report, victim, recipient="nrm", purpose="safeguarding")
    assert retention_shred(today=report.shred_on).reports == 1
    forget_site_keyring()
    for request in (before, after):
        with pytest.raises(KeyDestroyedError):
            open_sealed_field(DecisionRequest.objects.get(pk=request.pk), "case")

    # The pages say what happened, and nothing can be approved or shared.
    assert show(client, after).status_code == 200
    response = download(client, after)
    assert response.status_code == 302
    assert "destroyed under the retention schedule" in text(client.get(response["Location"]))
    assert "disclosure" not in kinds(report)
    client.force_login(supervisor)
    page = client.get(reverse("sharing:approval", args=[before.pk]))
    assert page.status_code == 200 and "This report was destroyed" in text(page)
    assert client.get(reverse("sharing:request-new", args=[report.reference])).status_code == 404
