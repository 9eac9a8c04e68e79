"""What an API token may do: its scopes, and the capability each needs of its creator.

A token acts for the force it was made for and on behalf of the member of staff who
made it. Each request it makes needs the scope *and* the creator's capability in that
force today (`accounts.permissions`): a token is never more than its creator.
"""

from __future__ import annotations

from enum import StrEnum

from haven.web.accounts.permissions import Capability


class Scope(StrEnum):
    REPORTS_READ = "reports:read"
    REQUESTS_READ = "requests:read"
    REQUESTS_WRITE = "requests:write"
    APPROVALS_WRITE = "approvals:write"
    LEDGER_READ = "ledger:read"


SCOPE_CAPABILITIES: dict[Scope, tuple[Capability, ...]] = {
    Scope.REPORTS_READ: (Capability.VIEW_REPORTS,),
    Scope.REQUESTS_READ: (Capability.REQUEST_DECISIONS,),
    Scope.REQUESTS_WRITE: (Capability.REQUEST_DECISIONS,),
    Scope.APPROVALS_WRITE: (Capability.APPROVE_DECISIONS,),
    # A report's ledger events hold no personal data: staff who may view reports, or
    # verify the ledger (auditors), may read them.
    Scope.LEDGER_READ: (Capability.VIEW_REPORTS, Capability.VERIFY_LEDGER),
}
"""Any one of these capabilities, held by the token's maker in its force, admits the scope."""

SCOPE_LABELS: dict[Scope, str] = {
    Scope.REPORTS_READ: "Read the force's reports (a report's content is a disclosure)",
    Scope.REQUESTS_READ: "Read decision requests",
    Scope.REQUESTS_WRITE: "Ask for decisions",
    Scope.APPROVALS_WRITE: "Approve or refuse decision requests",
    Scope.LEDGER_READ: "Read the ledger events about the force's reports",
}
