"""Reads for the gateway's pages, always scoped to what the user may do in the force.

Nothing here opens the sealed compartment: the pages show what was decided, the rules
and their citations, and where each obligation has got to, never the case as decided
(its status concern and source) or the officer's reason. Those are opened only by
`services` (to decide, to build a package, and for a supervisor deciding an approval),
and each opening is ledgered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from haven.policy import PolicyError
from haven.policy.explain import explain
from haven.policy.model import Policy, Rule
from haven.policy.obligations import describe_obligation
from haven.policy.table import Outcome
from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, can, forces_where
from haven.web.database.columns import ModelColumns, split_row
from haven.web.reporting.models import Report, ReportPerson, SealedNote, Stage
from haven.web.sharing.labels import label_of, obligation_title
from haven.web.sharing.models import Action, DecisionRequest, Purpose, Recipient, Status
from haven.web.sharing.packages import FIELD_LABELS, package_fields
from haven.web.sharing.services import approvals_needed, referral_outstanding

AWAITING = (Status.AWAITING_APPROVAL, Status.AWAITING_SECOND_APPROVAL)
SETTLED = (Status.REFUSED, Status.REFUSED_BY_APPROVER, Status.RELEASED, Status.WITHDRAWN)

STATUS_TAGS = {
    Status.REFUSED: "govuk-tag--red",
    Status.AWAITING_APPROVAL: "govuk-tag--yellow",
    Status.AWAITING_SECOND_APPROVAL: "govuk-tag--yellow",
    Status.DEFERRED: "govuk-tag--grey",
    Status.APPROVED: "govuk-tag--green",
    Status.REFUSED_BY_APPROVER: "govuk-tag--red",
    Status.RELEASED: "govuk-tag--blue",
    Status.WITHDRAWN: "govuk-tag--grey",
}


# --- which requests a user may see --------------------------------------------------------


def requests_for_user(*, user: User) -> QuerySet[DecisionRequest]:
    """Requests of the forces where `user` may request decisions (officers, supervisors)."""
    forces = forces_where(user=user, capability=Capability.REQUEST_DECISIONS)
    return DecisionRequest.objects.filter(force__in=forces).select_related(
        "force", "report", "report__force", "person", "requested_by"
    )


def requests_anywhere(*, user: User) -> bool:
    """Whether `user` may request decisions in any force (and so has a list of them)."""
    return forces_where(user=user, capability=Capability.REQUEST_DECISIONS).exists()


REQUEST_LIST_LENGTH = 100


def request_list(*, user: User) -> list[RequestSummary]:
    """The newest requests (at most `REQUEST_LIST_LENGTH`) of the forces where `user` may
    request decisions, newest first. People are named by their part only, as in the
    approvals queue: a list of many reports opens none of them."""
    newest = requests_for_user(user=user).order_by("-requested_at", "-id")
    return [request_summary(r, with_label=False) for r in newest[:REQUEST_LIST_LENGTH]]


def request_get_for_user(*, user: User, pk: int) -> DecisionRequest:
    """One request `user` may see. Raises `DecisionRequest.DoesNotExist` otherwise (a 404)."""
    return requests_for_user(user=user).get(pk=pk)


def approvable_for_user(*, user: User) -> QuerySet[DecisionRequest]:
    """Requests of the forces where `user` is a supervisor."""
    forces = forces_where(user=user, capability=Capability.APPROVE_DECISIONS)
    return DecisionRequest.objects.filter(force__in=forces).select_related(
        "force", "report", "report__force", "person", "requested_by"
    )


def approves_anywhere(*, user: User) -> bool:
    """Whether `user` is a supervisor in any force (and so has an approvals queue)."""
    return forces_where(user=user, capability=Capability.APPROVE_DECISIONS).exists()


def approval_request_get(*, user: User, pk: int) -> DecisionRequest:
    """One request `user` may approve or refuse. Raises `DecisionRequest.DoesNotExist`."""
    return approvable_for_user(user=user).get(pk=pk)


# --- what a page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A rule a decision rested on, in words, and where it comes from."""

    rule: str
    summary: str
    source: str


@dataclass(frozen=True)
class ChecklistItem:
    """One obligation of a decision, and where it has got to."""

    title: str
    duty: str
    state: str
    """done, to_do, waiting, held, refused or duty (a condition that travels with the package)."""
    detail: str

    @property
    def state_label(self) -> str:
        return CHECKLIST_STATES[self.state][0]

    @property
    def tag(self) -> str:
        return CHECKLIST_STATES[self.state][1]


CHECKLIST_STATES = {
    "done": ("Done", "govuk-tag--green"),
    "to_do": ("To do", "govuk-tag--blue"),
    "waiting": ("Waiting", "govuk-tag--yellow"),
    "held": ("Held", "govuk-tag--grey"),
    "refused": ("Refused", "govuk-tag--red"),
    "duty": ("Condition", "govuk-tag--purple"),
    "not_needed": ("Not needed", "govuk-tag--grey"),
}


@dataclass(frozen=True)
class Verdict:
    approver: str
    approved: bool
    at: datetime


@dataclass(frozen=True)
class RequestSummary:
    """A request in words: what was asked, about whom, and where it has got to."""

    request: DecisionRequest
    action: str
    recipient: str
    purpose: str
    status: str
    status_tag: str
    person_role: str
    person_label: str

    @property
    def url(self) -> str:
        return reverse("sharing:request-show", args=[self.request.pk])

    @property
    def asked(self) -> str:
        if self.request.action == Action.DISCLOSE:
            return f"Disclose to {self.recipient}, for {self.purpose.lower()}"
        return f"{self.action}, for {self.purpose.lower()}"


def request_summary(request: DecisionRequest, *, with_label: bool = True) -> RequestSummary:
    """`with_label=False` names the person by their part only: a page that shows how the
    report describes them (sealed content) records a read of the report; a queue of many
    reports does not open them."""
    person: ReportPerson = request.person
    return RequestSummary(
        request=request,
        action=label_of(Action, request.action),
        recipient=label_of(Recipient, request.recipient),
        purpose=label_of(Purpose, request.purpose),
        status=label_of(Status, request.status),
        status_tag=STATUS_TAGS.get(request.status, "govuk-tag--grey"),
        person_role=str(person.get_role_display()),
        person_label=person_label(person) if with_label else "",
    )


def person_label(person: ReportPerson) -> str:
    """How the report describes the person ("the caller"); empty once the report is destroyed."""
    if person.report.destroyed:
        return ""
    return person.unseal_text("label")


@dataclass(frozen=True)
class RequestPage:
    summary: RequestSummary
    policy_title: str
    allowed: bool
    citations: tuple[Citation, ...]
    checklist: tuple[ChecklistItem, ...]
    verdicts: tuple[Verdict, ...]
    referrals: tuple[str, ...]
    package_fields: tuple[str, ...]
    """Labels of the fields the package holds (empty when there can be none)."""
    can_refer: bool
    can_download: bool
    can_withdraw: bool
    download_blocked: str
    """Why the package cannot be downloaded yet, in words (empty when it can, or never will)."""


def request_page(*, request: DecisionRequest, user: User) -> RequestPage:
    report = request.report
    verdicts = tuple(
        Verdict(approver=v.approver.username, approved=v.approved, at=v.decided_at)
        for v in request.approvals.select_related("approver")
    )
    referrals = tuple(r.service for r in request.referrals.all())
    may_act = can(user=user, capability=Capability.REQUEST_DECISIONS, force=report.force)
    outstanding = referral_outstanding(request)
    releasable = request.status in (Status.APPROVED, Status.RELEASED)
    blocked = ""
    if request.decision == "allow" and request.status not in SETTLED:
        if request.status in AWAITING:
            blocked = "The package can be downloaded once the request is approved."
        elif request.status == Status.DEFERRED:
            blocked = "The package can be downloaded once the case has concluded."
    if releasable and outstanding:
        blocked = "Record the referral to a support service before downloading the package."
    fields: tuple[str, ...] = ()
    if request.decision == "allow":
        fields = tuple(
            FIELD_LABELS[name]
            for name in package_fields(
                purpose=request.purpose, minimise="minimise_fields" in request.obligations
            )
        )
    policy = _policy(request)
    return RequestPage(
        summary=request_summary(request),
        policy_title=_policy_title(request, policy),
        allowed=request.decision == "allow",
        citations=_citations(_decided_rules(request, policy)),
        checklist=tuple(_checklist(request, verdicts, referrals, fields)),
        verdicts=verdicts,
        referrals=referrals,
        package_fields=fields,
        can_refer=may_act and outstanding and not report.destroyed,
        can_download=may_act and releasable and not outstanding and not report.destroyed,
        can_withdraw=may_act and request.status not in SETTLED,
        download_blocked=blocked,
    )


def _policy(request: DecisionRequest):
    """The policy the request was decided under, if it can still be loaded here."""
    from haven.policy.registry import load_policy
    from haven.web.accounts.selectors import force_active_policy

    try:
        active = force_active_policy(force=request.force)
    except PolicyError:
        active = None
    if active is not None and active.id == request.policy:
        return active.policy
    try:
        return load_policy(request.policy)
    except PolicyError:
        return None


def _policy_title(request: DecisionRequest, policy: Policy | None) -> str:
    title = policy.title if policy is not None else request.policy
    return f"{title} (version {request.policy_version})"


def _decided_rules(
    request: DecisionRequest, policy: Policy | None
) -> list[tuple[str, Rule | None]]:
    """Each rule the request was decided on: its id, and the rule as `policy` has it
    (None when the policy, or that rule, can no longer be loaded here)."""
    found: list[tuple[str, Rule | None]] = []
    for rule_id in request.rules:
        try:
            found.append((rule_id, policy.rule(rule_id) if policy is not None else None))
        except KeyError:
            found.append((rule_id, None))
    return found


def _citations(decided: list[tuple[str, Rule | None]]) -> tuple[Citation, ...]:
    return tuple(
        Citation(rule=rule_id, summary=rule.summary, source=rule.source)
        if rule is not None
        else Citation(rule=rule_id, summary="", source="")
        for rule_id, rule in decided
    )


def _explanation(request: DecisionRequest, decided: list[tuple[str, Rule | None]]) -> str:
    """The decision in a short paragraph, as `haven policy decide` words it: the rules in
    their own words and the duties, or, when no rule matched, that the policy refuses by
    default. Built from the action and recipient only, never the sealed case."""
    rules = [rule for _rule_id, rule in decided if rule is not None]
    if request.rules and not rules:  # rules the policy as loaded here no longer has
        return f"{'Allowed' if request.decision == 'allow' else 'Denied'} by {request.policy}."
    outcome = Outcome(
        decision=request.decision,
        rule_ids=tuple(rule.id for rule in rules),
        obligations=tuple(request.obligations),
    )
    case = {"action": request.action, "recipient": request.recipient}
    return explain(outcome, rules, case)  # type: ignore[arg-type]


def _checklist(
    request: DecisionRequest,
    verdicts: tuple[Verdict, ...],
    referrals: tuple[str, ...],
    fields: tuple[str, ...],
):
    status = request.status
    approved = [v for v in verdicts if v.approved]
    refused = [v for v in verdicts if not v.approved]
    for code in request.obligations:
        duty = describe_obligation(code)
        state, detail = "duty", "This condition is printed on the package and must be kept."
        if code == "record_rationale":
            state, detail = (
                (
                    "done",
                    "Your reason is sealed with the request; supervisors read it when they decide.",
                )
                if request.rationale
                else ("to_do", "No reason was recorded.")
            )
        elif code in ("supervisor_approval", "dual_control"):
            if code == "supervisor_approval" and "dual_control" in request.obligations:
                continue  # dual control says it all: two approvers
            needed = approvals_needed(request)
            names = ", ".join(v.approver for v in approved)
            if refused:
                state, detail = "refused", f"Refused by {refused[0].approver}."
            elif len(approved) >= needed:
                state, detail = "done", f"Approved by {names}."
            elif status == Status.DEFERRED:
                state, detail = "held", "Supervisors are asked once the case has concluded."
            elif status in AWAITING:
                state = "waiting"
                detail = f"{len(approved)} of {needed} approvals given"
                detail += f" (by {names})." if names else "."
            else:
                state, detail = "not_needed", "The request did not go ahead."
        elif code == "refer_to_support":
            state, detail = (
                ("done", "Referred to " + "; ".join(referrals) + ".")
                if referrals
                else ("to_do", "Record which support service the person was referred to.")
            )
        elif code == "minimise_fields":
            state = "done" if status == Status.RELEASED else "waiting"
            detail = "The package holds only: " + ", ".join(fields) + "." if fields else ""
        elif code == "notify_subject":
            state, detail = (
                ("done", "The reporter was told on their follow-up page.")
                if status == Status.RELEASED
                else ("waiting", "Haven tells the reporter when the package is downloaded.")
            )
        elif code == "defer_until_concluded":
            if status == Status.DEFERRED:
                state = "held"
                detail = (
                    f"Held: the case is at “{label_of(Stage, request.report.stage)}”. "
                    "It moves on when the case is marked concluded."
                )
            elif status in (Status.REFUSED, Status.WITHDRAWN):
                state, detail = "not_needed", "The request did not go ahead."
            else:
                state, detail = "done", "The case has concluded."
        yield ChecklistItem(title=obligation_title(code), duty=duty, state=state, detail=detail)


@dataclass(frozen=True)
class QueueItem:
    summary: RequestSummary
    approvals_given: int
    approvals_needed: int
    own_request: bool
    already_given: bool

    @property
    def url(self) -> str:
        return reverse("sharing:approval", args=[self.summary.request.pk])


def approvals_queue(*, user: User) -> list[QueueItem]:
    """Requests waiting for a supervisor in the forces where `user` is one, oldest first."""
    pending = (
        approvable_for_user(user=user)
        .filter(status__in=AWAITING)
        .prefetch_related("approvals")
        .order_by("requested_at", "id")
    )
    items = []
    for request in pending:
        verdicts = list(request.approvals.all())
        items.append(
            QueueItem(
                summary=request_summary(request, with_label=False),
                approvals_given=sum(1 for v in verdicts if v.approved),
                approvals_needed=approvals_needed(request),
                own_request=request.requested_by_id == user.pk,
                already_given=any(v.approver_id == user.pk for v in verdicts),
            )
        )
    return items


def approval_blocked(*, request: DecisionRequest, user: User) -> str:
    """Why `user` cannot give a verdict on `request` now, in words; empty if they can."""
    if request.report.destroyed:
        return "This report was destroyed under the retention schedule."
    if request.requested_by_id == user.pk:
        return "You made this request: another supervisor must approve or refuse it."
    if request.status not in AWAITING:
        return "This request is not waiting for approval."
    if request.approvals.filter(approver=user).exists():
        return "You have already given your verdict: a second approver must be someone else."
    return ""


# --- the panel on a case page -----------------------------------------------------------


@dataclass(frozen=True)
class GatewayPanel:
    """The context of `sharing/case_panel.html`: a report's requests and the way to a new one."""

    report: Report
    requests: tuple[RequestSummary, ...]
    new_request_url: str
    sealed_note_url: str
    can_record_sealed: bool


def gateway_panel(*, user: User, report: Report) -> GatewayPanel | None:
    """The case page's gateway panel, or None for anyone who may not request decisions in
    the report's force (then the page shows no panel)."""
    if not can(user=user, capability=Capability.REQUEST_DECISIONS, force=report.force):
        return None
    requests = (
        DecisionRequest.objects.filter(report=report)
        .select_related("person", "person__report", "report")
        .order_by("-requested_at", "-id")
    )
    return GatewayPanel(
        report=report,
        requests=tuple(request_summary(request) for request in requests),
        new_request_url=reverse("sharing:request-new", args=[report.reference]),
        sealed_note_url=reverse("sharing:sealed-note", args=[report.reference]),
        can_record_sealed=not report.destroyed
        and can(user=user, capability=Capability.RECORD_REPORTS, force=report.force),
    )


def report_for_gateway(*, user: User, reference: str, capability: Capability) -> Report:
    """A report of a force where `user` holds `capability`. Raises `Report.DoesNotExist`
    otherwise (another force's report, or a role that may not do this, is a 404)."""
    forces = forces_where(user=user, capability=capability)
    return Report.objects.select_related("force").get(reference=reference, force__in=forces)


def report_people(*, report: Report) -> list[tuple[ReportPerson, str]]:
    """The people of a report with how it describes each, for choosing one."""
    return [(person, person_label(person)) for person in report.people.select_related("report")]


# --- for the API ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestSubject:
    """A person a decision request may be about: `person.report` and its `force` are
    loaded, and `latest_note` is the newest sealed note about them (else the newest
    about the report as a whole), still sealed, or None."""

    person: ReportPerson
    latest_note: SealedNote | None


# A decision reads none of the sealed text of the report or the person, nor the note's
# free text: those columns are left out (loaded if something ever reads them).
_PERSON = ModelColumns(ReportPerson, "person", defer=("label", "name"))
_REPORT = ModelColumns(
    Report,
    "report",
    defer=("account", "contact", "occurred", "place", "preferred_language"),
)
_FORCE = ModelColumns(Force, "force")
_NOTE = ModelColumns(SealedNote, "note", defer=("note",))
_LATEST = ModelColumns(SealedNote, "latest")


@cache
def _request_subject_sql(vendor: str, forces: int) -> str:
    """`request_subject`'s statement for `forces` force ids, built once for each database
    (`vendor`: quoting differs) and number: the names come from the models, every value
    is a parameter."""
    c = connection
    return (
        f"SELECT {_PERSON.select_list(c)}, {_REPORT.select_list(c)}, "  # noqa: S608
        f"{_FORCE.select_list(c)}, {_NOTE.select_list(c)} "
        f"FROM {_PERSON.table(c)} "
        f"JOIN {_REPORT.table(c)} ON {_REPORT.column('id', c)} = {_PERSON.column('report', c)} "
        f"JOIN {_FORCE.table(c)} ON {_FORCE.column('id', c)} = {_REPORT.column('force', c)} "
        f"LEFT JOIN {_NOTE.table(c)} ON {_NOTE.column('id', c)} = ("
        f"SELECT {_LATEST.column('id', c)} FROM {_LATEST.table(c)} "
        f"WHERE {_LATEST.column('report', c)} = {_PERSON.column('report', c)} "
        f"AND ({_LATEST.column('person', c)} = {_PERSON.column('id', c)} "
        f"OR {_LATEST.column('person', c)} IS NULL) "
        f"ORDER BY {_LATEST.column('person', c)} IS NULL, "
        f"{_LATEST.column('recorded_at', c)} DESC, {_LATEST.column('id', c)} DESC LIMIT 1) "
        f"WHERE {_PERSON.column('id', c)} = %s AND {_REPORT.column('reference', c)} = %s "
        f"AND {_REPORT.column('force', c)} IN ({', '.join(['%s'] * forces)})"
    )


def request_subject(
    *, reference: str, person_id: int, force_ids: list[int]
) -> RequestSubject | None:
    """The person `person_id` of the report `reference` in one of `force_ids`, with the
    report, its force and the sealed note the gateway would decide on, or None.

    One statement, written out (`database.columns`): the API asks this on every decision
    request, and the ORM took longer to build the two queries than the database took to
    answer them. The note is picked as `services.latest_sealed_note` picks it.
    """
    if not force_ids:
        return None
    c = connection
    sql = _request_subject_sql(c.vendor, len(force_ids))
    with c.cursor() as cursor:
        cursor.execute(sql, [person_id, reference, *force_ids])
        row = cursor.fetchone()
    if row is None:
        return None
    person_values, report_values, force_values, note_values = split_row(
        row, _PERSON, _REPORT, _FORCE, _NOTE
    )
    person = _PERSON.instance(person_values, c)
    report = _REPORT.instance(report_values, c)
    report.force = _FORCE.instance(force_values, c)
    person.report = report
    return RequestSubject(person=person, latest_note=_NOTE.instance(note_values, c))


def disclosure_fields(*, purpose: str, minimise: bool) -> tuple[str, ...]:
    """The fields a disclosure for `purpose` may hold (the outbound packages' rule), for
    a read by an API token, which is a disclosure to the force's own records system."""
    return package_fields(purpose=purpose, minimise=minimise)


def request_reasons(request: DecisionRequest) -> tuple[tuple[Citation, ...], str]:
    """The rules `request` was decided on, with their summaries and sources, and the
    decision in words (`_explanation`), from one load of its policy."""
    decided = _decided_rules(request, _policy(request))
    return _citations(decided), _explanation(request, decided)
