"""Access-matrix rows for subject access (haven.web.subjectaccess, and the follow-up
page's download for advocates).

Only a DPO of the report's force reaches a request's page; staff who are a DPO nowhere
get 403, and the Met's DPO on a Kent request 404 (which does not say whether it exists).
The DPO's empty POST answers the request (no exemption), so it is a 302. An advocate
downloads an answered request's PDF only on their organisation's report, with the
victim's consent to copies; every other signed-in user gets 404. Each URL gets its own
request on its side's report.
"""

from __future__ import annotations

from haven.web.accounts.models import Role
from haven.web.accounts.services import membership_grant, user_create
from haven.web.subjectaccess.services import request_answer, request_by_reporter
from tests.web.conftest import PASSWORD

LIST_PAGES = {
    "subjectaccess:index": "302/302 403/405 403/405 200/405 403/405 403/405",
}

OBJECT_PAGES = {
    "subjectaccess:show": {
        "own": "302/302 403/403 403/403 200/302 403/403 403/403",
        "other": "302/302 403/403 403/403 404/404 403/403 403/403",
    },
    "portal:followup-advocate-copy-download": {
        "own": "302/302 404/405 404/405 404/405 404/405 200/405",
        "other": "302/302 404/405 404/405 404/405 404/405 404/405",
    },
}

PUBLIC: set[str] = set()  # the reporter's download (portal:) is tested in tests/web/subjectaccess


def _open_request(side) -> list:  # type: ignore[no-untyped-def]
    return [request_by_reporter(report=side.report).pk]


def _answered_request(side) -> list:  # type: ignore[no-untyped-def]
    force = side.report.force
    dpo = user_create(username=f"matrix-dpo-{force.code}", password=PASSWORD)
    membership_grant(user=dpo, force=force, role=Role.DPO)
    sar = request_by_reporter(report=side.report)
    request_answer(sar=sar, by=dpo, exemption=False, reason="")
    return [side.report.reference, sar.pk]


URL_ARGS = {
    "subjectaccess:show": _open_request,
    "portal:followup-advocate-copy-download": _answered_request,
}
