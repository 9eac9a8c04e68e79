"""The auditor's pages' rows of the access matrix (tests/web/test_access_matrix.py).

The oversight pages are for the roles that audit the ledger (auditors and DPOs, the
`verify_ledger` capability); everyone else signed in is refused (403), anonymous readers
are sent to sign in. Once signed in, they take no POST (405). `oversight:report-audit`
keeps its row in tests/web/test_access_matrix.py.
"""

from __future__ import annotations

LIST_PAGES = {
    "oversight:index": "302/302 403/405 403/405 200/405 200/405 403/405",
    "oversight:events": "302/302 403/405 403/405 200/405 200/405 403/405",
    "oversight:decisions": "302/302 403/405 403/405 200/405 200/405 403/405",
}
OBJECT_PAGES: dict[str, dict[str, str]] = {}
PUBLIC: set[str] = set()
URL_ARGS: dict = {}
