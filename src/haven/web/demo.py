"""Demo data: three forces' staff, an inspectorate auditor, an advocate charity and 24 reports.

`demo_load` is idempotent: every row has a stable natural key, and rows that exist
are left alone, so running `haven demo` twice changes nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts import services as account_services
from haven.web.accounts.models import AdvocateOrganisation, Force, Role, User
from haven.web.reporting.models import Channel, Report, Stage
from haven.web.reporting.services import PersonInReport, report_create, report_stage_change
from haven.web.statistics.services import statistics_demo_release

# Demo only: printed by `make run`, never valid outside a demo database.
DEMO_PASSWORD = "haven-demo-password"  # noqa: S105
# The demo users' second factor: one published TOTP secret (base32, as authenticator
# apps and `oathtool --totp -b` take it), so anyone can sign in to the demo. Demo only:
# `haven demo` refuses to run under production settings.
DEMO_TOTP_SECRET = "HAVENDEMOSECRETHAVENDEMOSECRET23"  # noqa: S105
DEMO_TOTP_DEVICE = "demo authenticator (published secret)"

DEMO_FORCES = {"met": "metropolitan", "wmp": "west-midlands", "gmp": "greater-manchester"}
DEMO_POLICIES = {"met": "iemvp-2023", "wmp": "hmicfrs-2020", "gmp": "firewall-consent"}
"""Different policies for the demo forces, so the portal shows what each one means."""
ADVOCATE_ORGANISATION = ("safe-passage", "Safe Passage Women's Aid (demo)")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    description: str


@dataclass(frozen=True)
class DemoSummary:
    logins: list[DemoLogin]
    reports_created: int
    reports_total: int


# (offence, account, people as (role, label), stage, channel)
_REPORTS: list[tuple[str, str, list[tuple[str, str]], str, str]] = [
    (
        "domestic_abuse",
        "My husband hit me and took my passport. He says nobody will believe me.",
        [("victim", "the caller"), ("suspect", "her husband")],
        "investigation",
        "portal",
    ),
    (
        "domestic_abuse",
        "Client reports repeated threats to kill from her partner.",
        [("victim", "the client"), ("suspect", "her partner")],
        "report",
        "advocate",
    ),
    (
        "modern_slavery",
        "I work in a car wash and they keep my wages and my documents.",
        [("victim", "the caller"), ("suspect", "the site manager"), ("witness", "a co-worker")],
        "investigation",
        "portal",
    ),
    (
        "sexual_offence",
        "I was assaulted by my landlord when I could not pay rent.",
        [("victim", "the caller"), ("suspect", "the landlord")],
        "prosecution",
        "portal",
    ),
    (
        "hate_crime",
        "A man shouted at me on the bus because of my headscarf and pushed me.",
        [("victim", "the caller"), ("suspect", "an unknown man"), ("witness", "the bus driver")],
        "report",
        "portal",
    ),
    (
        "honour_based_abuse",
        "Client's family are arranging to take her abroad to be married.",
        [("victim", "the client"), ("suspect", "her father")],
        "investigation",
        "advocate",
    ),
    (
        "stalking_harassment",
        "My former employer follows me home and sends messages every night.",
        [("victim", "the caller"), ("suspect", "the former employer")],
        "report",
        "officer",
    ),
    (
        "violent_crime",
        "I saw two men attack a delivery rider outside the shop.",
        [("witness", "the caller"), ("victim", "the delivery rider"), ("suspect", "two men")],
        "investigation",
        "portal",
    ),
    (
        "other",
        "My phone and bag were stolen at the market.",
        [("victim", "the caller")],
        "concluded",
        "officer",
    ),
    (
        "domestic_abuse",
        "Both partners called; each says the other attacked them.",
        [("victim_and_suspect", "the first caller"), ("victim_and_suspect", "the second caller")],
        "investigation",
        "officer",
    ),
    (
        "modern_slavery",
        "Client was brought to the UK to work in a house and is not allowed out.",
        [("victim", "the client"), ("suspect", "the employer")],
        "report",
        "advocate",
    ),
    (
        "sexual_offence",
        "I saw a man touch a woman on the train against her will.",
        [("witness", "the caller"), ("victim", "a woman on the train"), ("suspect", "a man")],
        "report",
        "portal",
    ),
    (
        "violent_crime",
        "I was robbed at knifepoint walking home from my night shift.",
        [("victim", "the caller"), ("suspect", "an unknown man")],
        "investigation",
        "portal",
    ),
    (
        "hate_crime",
        "Our shop window was smashed and racist words painted on the door.",
        [("victim", "the shop owner"), ("witness", "a neighbour")],
        "concluded",
        "officer",
    ),
    (
        "domestic_abuse",
        "My son's father threatens to report me to the Home Office if I leave.",
        [("victim", "the caller"), ("suspect", "the child's father")],
        "report",
        "portal",
    ),
    (
        "stalking_harassment",
        "Someone keeps posting my address online with threats.",
        [("victim", "the caller"), ("suspect", "unknown")],
        "investigation",
        "portal",
    ),
    (
        "other",
        "Fraud: an agent took money for a visa application that never existed.",
        [("victim", "the caller"), ("suspect", "the agent")],
        "investigation",
        "advocate",
    ),
    (
        "modern_slavery",
        "Workers at a nail bar sleep on the premises and are never paid.",
        [("witness", "the caller"), ("victim", "the workers"), ("suspect", "the owner")],
        "report",
        "portal",
    ),
    (
        "violent_crime",
        "I was attacked at work and my employer told me not to call the police.",
        [("victim", "the caller"), ("suspect", "a customer"), ("witness", "the employer")],
        "prosecution",
        "portal",
    ),
    (
        "domestic_abuse",
        "Client has been locked in the flat by her partner for weeks.",
        [("victim", "the client"), ("suspect", "her partner")],
        "investigation",
        "advocate",
    ),
    (
        "sexual_offence",
        "Client was raped by a man who offered her work.",
        [("victim", "the client"), ("suspect", "the man")],
        "report",
        "advocate",
    ),
    (
        "honour_based_abuse",
        "My brothers threatened me for seeing someone they do not approve of.",
        [("victim", "the caller"), ("suspect", "her brothers")],
        "report",
        "portal",
    ),
    (
        "other",
        "Burglary at a shared house; nobody was home.",
        [("victim", "the tenants"), ("witness", "a neighbour")],
        "concluded",
        "officer",
    ),
    (
        "violent_crime",
        "A fight outside a bar; I was hurt and also hit someone back.",
        [("victim_and_suspect", "the caller"), ("suspect", "the other man")],
        "investigation",
        "officer",
    ),
]


def demo_totp_key() -> str:
    """The demo secret as django-otp stores it (hex)."""
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def _demo_user(username: str, first_name: str, last_name: str) -> tuple[User, bool]:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, False
    user = account_services.user_create(
        username=username, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
    )
    TOTPDevice.objects.create(user=user, name=DEMO_TOTP_DEVICE, key=demo_totp_key(), confirmed=True)
    return user, True


@transaction.atomic
def _demo_policy_history(force: Force) -> list[DemoLogin]:
    """Two signed-off policy versions for one force (docs/governance.md): NPCC 2018, then
    the inspectorate's recommendations, which stays in force. A second DPO signs."""
    from haven.policy.registry import resolve_policy_path
    from haven.web.governance import services as governance

    second, _created = _demo_user("dpo2.wmp", "Second data protection officer", force.name)
    account_services.membership_grant(user=second, force=force, role=Role.DPO)
    login = [DemoLogin("dpo2.wmp", f"Second data protection officer, {force.name}")]
    if force.policy_versions.exists():
        return login
    dpo = User.objects.get(username="dpo.wmp")
    for policy_id in ("npcc-2018", "hmicfrs-2020"):
        text = resolve_policy_path(policy_id)[1].read_text(encoding="utf-8")
        version = governance.version_draft_create(
            force=force, text=text, by=dpo, base_policy=policy_id
        )
        governance.version_sign_off(version=version, by=dpo, effective_at=datetime.now(UTC))
        governance.version_approve(version=version, by=second)
    return login


def _demo_subject_access() -> None:
    """One open subject access request, so each DPO's queue at /subject-access/ shows
    one for the force of the first demo report (asked once: the demo stays idempotent)."""
    from haven.web.subjectaccess.models import SubjectAccessRequest
    from haven.web.subjectaccess.services import request_by_reporter

    report = Report.objects.filter(reference="HVN-DEMO-0001").first()
    if report is not None and not SubjectAccessRequest.objects.filter(report=report).exists():
        request_by_reporter(report=report)


def demo_load() -> DemoSummary:
    """Create the demo users, memberships and reports that do not exist yet."""
    forces = {short: Force.objects.get(code=code) for short, code in DEMO_FORCES.items()}
    for short, force in forces.items():
        if force.active_policy != DEMO_POLICIES[short]:
            force.active_policy = DEMO_POLICIES[short]
            force.save(update_fields=["active_policy"])
    logins: list[DemoLogin] = []
    role_titles = {
        Role.OFFICER: "Officer",
        Role.SUPERVISOR: "Supervisor",
        Role.DPO: "Data protection officer",
    }
    for short, force in forces.items():
        for role, title in role_titles.items():
            username = f"{role.value}.{short}"
            user, _created = _demo_user(username, title, force.name)
            account_services.membership_grant(user=user, force=force, role=role)
            logins.append(DemoLogin(username, f"{title}, {force.name}"))

    logins.extend(_demo_policy_history(forces["wmp"]))

    auditor, _created = _demo_user("auditor", "Inspector", "HMICFRS (demo)")
    for force in forces.values():
        account_services.membership_grant(user=auditor, force=force, role=Role.AUDITOR)
    logins.append(DemoLogin("auditor", "Auditor (inspectorate) for all three forces"))

    code, name = ADVOCATE_ORGANISATION
    organisation, _created = AdvocateOrganisation.objects.get_or_create(
        code=code, defaults={"name": name}
    )
    advocate, _created = _demo_user("advocate", "Advocate", name)
    account_services.advocate_organisation_join(user=advocate, organisation=organisation)
    logins.append(DemoLogin("advocate", f"Advocate, {name}"))

    created = 0
    force_cycle = list(forces.values())
    start = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    for number, (offence, account, people, stage, channel) in enumerate(_REPORTS, start=1):
        reference = f"HVN-DEMO-{number:04d}"
        if Report.objects.filter(reference=reference).exists():
            continue
        force = force_cycle[number % len(force_cycle)]
        short = next(s for s, f in forces.items() if f == force)
        report = report_create(
            force=force,
            offence=offence,
            account=account,
            people=[PersonInReport(role=role, label=label) for role, label in people],
            channel=Channel(channel),
            recorded_by=User.objects.get(username=f"officer.{short}")
            if channel == "officer"
            else None,
            advocate_organisation=organisation if channel == "advocate" else None,
            received_at=start + timedelta(days=number * 2, hours=number % 7),
            reference=reference,
        )
        if stage != Stage.REPORT:
            report_stage_change(report=report, stage=Stage(stage))
        created += 1
    _demo_subject_access()
    statistics_demo_release()  # the demo reports' quarter, once: /statistics/ has a release
    if created:
        # Demo data is not real: publishing a checkpoint now, rather than at the next
        # scheduled signing, lets the transparency pages show the log at once.
        from haven.web.ledger.services import checkpoint_sign

        transaction.on_commit(checkpoint_sign)
    return DemoSummary(logins=logins, reports_created=created, reports_total=Report.objects.count())
