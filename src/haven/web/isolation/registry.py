"""Which tables hold a force's data, and how each row reaches its force: the one place.

Every table here gets PostgreSQL row-level security (`FORCE ROW LEVEL SECURITY`, so the
table's owner is held to it too) with the policies `sql.table_policies` builds from its
entry. A row is visible, and may be written, when one of these holds for the
transaction's settings (`scope.py`):

- `haven.scope` is `site`: a site-wide job (`haven demo`, retention, key rotation, the
  ledger audit; never a web request);
- the row's force (`force`, an SQL expression over the row) is one of `haven.force_ids`:
  staff with a case-work role in that force, or a reporter following up their report;
- the row's advocate organisation (`organisation`) is one of `haven.organisation_ids`:
  an advocate's organisation, on the reports it made with the victim's consent;
- reading only, and only on `audited` tables: the row's force is one of
  `haven.audit_force_ids` (auditors see a report's reference and codes, never a table of
  personal data).

Tables that are site-wide on purpose are listed in `SITE_WIDE` with the reason; a test
checks that every model with a path to a force or a report is in one list or the other.
"""

from __future__ import annotations

from dataclasses import dataclass


def _through_report(table: str, column: str) -> str:
    return f"(SELECT r.{column} FROM reporting_report r WHERE r.id = {table}.report_id)"  # noqa: S608 - names from this module


def _through_request(table: str) -> str:
    return f"(SELECT d.force_id FROM sharing_decisionrequest d WHERE d.id = {table}.request_id)"  # noqa: S608 - names from this module


@dataclass(frozen=True)
class ForceScoped:
    """A force-scoped table: `force` and `organisation` are SQL over the table's row."""

    model: str
    """`app_label.ModelName`."""
    table: str
    force: str
    reaches: str
    """How a row reaches its force, in words (docs and the test's messages)."""
    organisation: str | None = None
    audited: bool = False


def _via_report(model: str, table: str, *, advocates: bool) -> ForceScoped:
    return ForceScoped(
        model=model,
        table=table,
        force=_through_report(table, "force_id"),
        reaches="its report's force",
        organisation=_through_report(table, "advocate_organisation_id") if advocates else None,
    )


FORCE_SCOPED: tuple[ForceScoped, ...] = (
    ForceScoped(
        model="reporting.Report",
        table="reporting_report",
        force="reporting_report.force_id",
        reaches="its own force_id",
        organisation="reporting_report.advocate_organisation_id",
        audited=True,
    ),
    _via_report("reporting.ReportPerson", "reporting_reportperson", advocates=True),
    # The sealed compartment: never an advocate's, whatever their consent.
    _via_report("reporting.SealedNote", "reporting_sealednote", advocates=False),
    _via_report("portal.Reporter", "portal_reporter", advocates=True),
    _via_report("portal.ReceiptCode", "portal_receiptcode", advocates=True),
    _via_report("portal.Message", "portal_message", advocates=True),
    _via_report("portal.AdvocateConsent", "portal_advocateconsent", advocates=True),
    _via_report(
        "subjectaccess.SubjectAccessRequest", "subjectaccess_subjectaccessrequest", advocates=True
    ),
    ForceScoped(
        model="sharing.DecisionRequest",
        table="sharing_decisionrequest",
        force="sharing_decisionrequest.force_id",
        reaches="its own force_id (the force of its report)",
    ),
    ForceScoped(
        model="sharing.Approval",
        table="sharing_approval",
        force=_through_request("sharing_approval"),
        reaches="its request's force",
    ),
    ForceScoped(
        model="sharing.SupportReferral",
        table="sharing_supportreferral",
        force=_through_request("sharing_supportreferral"),
        reaches="its request's force",
    ),
)

SITE_WIDE: dict[str, str] = {
    "apitokens.ApiToken": (
        "looked up by its keyed digest to authenticate a request, before any force is "
        "known (the token then admits its force); it holds no victim's or witness's data"
    ),
    "accounts.Force": "reference data: the 43 forces, public",
    "accounts.Membership": (
        "the source of a request's scope: it is read to decide which forces a user works "
        "in, before any force is set; it holds no victim's or witness's data"
    ),
    "reporting.RetentionSchedule": (
        "a force's published keeping period, shown to anyone on the information page; "
        "no personal data"
    ),
    "ledger.LedgerEntry": (
        "the public, append-only log of every force: leaves are public by design, events "
        "about people carry only pseudonyms and are sealed; one tree spans all forces, so "
        "an append reads the right edge whatever force it records for"
    ),
    "governance.PolicyVersion": (
        "a force's policy versions are public information: the transparency pages publish "
        "every force's history, text and sign-off dates; they hold no victim's or "
        "witness's data"
    ),
    "statistics.Release": (
        "published differentially private statistics: public on the statistics pages for "
        "every force; noisy counts only, never a count before noise or any person's data"
    ),
    "portal.PortalDraft": (
        "an unfinished report belongs to no force until it is submitted; only the browser "
        "that holds its id reaches it"
    ),
}
"""Models with a path to a force or a report that are site-wide on purpose, and why."""


def scoped_tables() -> tuple[str, ...]:
    return tuple(entry.table for entry in FORCE_SCOPED)
