"""Writing a force's policy versions: drafting, signing off, taking effect, withdrawing
and rolling back (docs/governance.md). Each step writes its public ledger event in the
same transaction; a refused step raises before anything is written.

Dual control: a version needs the sign-off of a DPO of its force and then the approval
of a second, different person who is also a DPO of that force (holds the
`manage_policy` capability there). Supervisors approve decisions, not policy.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.ledger.kinds import (
    PolicyVersionDrafted,
    PolicyVersionInForce,
    PolicyVersionSignedOff,
    PolicyVersionWithdrawn,
)
from haven.policy import PolicyError, compile_policy, load_policy_text
from haven.policy.registry import resolve_policy_path
from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, can
from haven.web.governance.models import PolicyVersion, VersionStatus, text_digest
from haven.web.governance.selectors import force_active_version
from haven.web.ledger.services import ledger_batch, ledger_record

MAX_TEXT_LENGTH = 200_000


class PolicyTextError(ValidationError):
    """The Cedar text is refused; `line` is the 1-based line at fault, when known."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__({"text": [message]})
        self.line = line
        self.text_message = message


def _require(user: User | None, force: Force) -> None:
    if user is not None and not can(user=user, capability=Capability.MANAGE_POLICY, force=force):
        raise PermissionDenied


def check_policy_text(text: str, *, policy_id: str = "draft") -> None:
    """Load and compile `text` as Haven's engine would, or raise `PolicyTextError`."""
    if not text.strip():
        raise PolicyTextError(_("Enter the policy's Cedar text."))
    if len(text) > MAX_TEXT_LENGTH:
        raise PolicyTextError(
            _("The policy text must be at most %(limit)s characters.") % {"limit": MAX_TEXT_LENGTH}
        )
    try:
        compile_policy(load_policy_text(text, policy_id=policy_id))
    except PolicyError as error:
        raise PolicyTextError(str(error), line=getattr(error, "line", None)) from error


def _refuse_unchanged(force: Force, text: str) -> None:
    """Refuse a draft whose text is the policy in force, word for word (the new-draft
    page starts from that text, so saving it untouched is the likely slip): a version
    that changes nothing has nothing to sign off."""
    active = force_active_version(force=force)
    in_force = active.text if active else shipped_policy_text(force.active_policy)
    if text.strip() == in_force.replace("\r\n", "\n").strip():
        which = (
            _("version %(number)s") % {"number": active.number}
            if active
            else _("the shipped policy %(policy)s") % {"policy": force.active_policy}
        )
        raise PolicyTextError(
            _(
                "This text is the policy in force (%(which)s), unchanged. Change it before "
                "saving a draft: a version that changes nothing has nothing to sign off."
            )
            % {"which": which}
        )


def shipped_policy_text(policy_id: str) -> str:
    return resolve_policy_path(policy_id)[1].read_text(encoding="utf-8")


def settle_versions(*, force: Force, at: datetime | None = None) -> PolicyVersion | None:
    """Bring the stored statuses up to date with the effective dates: the version in
    force becomes `active` (ledgered once, `policy_version_in_force`), and every other
    active or approved-and-past version becomes `superseded`. Returns the version in
    force. Runs inside every write here; the version in force is always decided at read
    time (`selectors.force_active_version`), so this only tidies the record."""
    at = at or timezone.now()
    with transaction.atomic(), ledger_batch():
        current = force_active_version(force=force, at=at)
        if current is None or current.status == VersionStatus.ACTIVE:
            return current
        previous = (
            PolicyVersion.objects.select_for_update()
            .filter(force=force, status__in=[VersionStatus.ACTIVE, VersionStatus.APPROVED])
            .filter(effective_at__lte=at)
            .exclude(pk=current.pk)
        )
        replaced = max(previous, key=lambda v: (v.effective_at, v.number), default=None)
        for version in previous:
            version.status = VersionStatus.SUPERSEDED
            version.ended_at = current.effective_at
            version.save(update_fields=["status", "ended_at"])
        current.status = VersionStatus.ACTIVE
        current.save(update_fields=["status"])
        ledger_record(
            PolicyVersionInForce(
                force=force.code,
                version=current.number,
                digest=current.digest,
                replaces=str(replaced.number) if replaced else force.active_policy,
                restores=current.restores.number if current.restores else 0,
            ),
            at=at,
        )
        return current


def _next_number(force: Force) -> int:
    top = PolicyVersion.objects.filter(force=force).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def version_draft_create(
    *, force: Force, text: str, by: User | None, base_policy: str = ""
) -> PolicyVersion:
    """Save a new draft version of `force`'s policy. `by` None: the command line.

    Raises:
        PermissionDenied: `by` is not a DPO of `force`.
        PolicyTextError: the text does not load or compile, or is the policy in force
            unchanged (nothing is saved).
    """
    _require(by, force)
    text = text.replace("\r\n", "\n")
    check_policy_text(text)
    _refuse_unchanged(force, text)
    with transaction.atomic(), ledger_batch():
        Force.objects.select_for_update().filter(pk=force.pk).first()
        version = PolicyVersion.objects.create(
            force=force,
            number=_next_number(force),
            base_policy=base_policy,
            text=text,
            digest=text_digest(text),
            created_by=by,
        )
        ledger_record(_drafted(version))
    return version


def _drafted(version: PolicyVersion) -> PolicyVersionDrafted:
    return PolicyVersionDrafted(
        force=version.force.code,
        version=version.number,
        digest=version.digest,
        base=version.base_policy,
    )


def version_draft_update(*, version: PolicyVersion, text: str, by: User) -> PolicyVersion:
    """Replace a draft's text.

    Raises:
        PermissionDenied, PolicyTextError: as `version_draft_create`.
        ValidationError: the version is no longer a draft.
    """
    _require(by, version.force)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be edited; draft a new version instead."))
    text = text.replace("\r\n", "\n")
    check_policy_text(text)
    _refuse_unchanged(version.force, text)
    with transaction.atomic(), ledger_batch():
        version.text = text
        version.digest = text_digest(text)
        version.save(update_fields=["text", "digest"])
        ledger_record(_drafted(version))
    return version


def version_sign_off(*, version: PolicyVersion, by: User, effective_at: datetime) -> PolicyVersion:
    """The DPO's sign-off of a draft, proposing when it takes effect.

    Raises:
        PermissionDenied: `by` is not a DPO of the version's force.
        ValidationError: not a draft, or the effective date is not a date.
    """
    _require(by, version.force)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("This version has already been signed off or withdrawn."))
    if timezone.is_naive(effective_at):
        raise ValidationError({"effective_at": [_("Give the effective date with its time zone.")]})
    now = timezone.now()
    with transaction.atomic(), ledger_batch():
        version.status = VersionStatus.AWAITING_SECOND_APPROVAL
        version.signed_off_by = by
        version.signed_off_at = now
        version.effective_at = effective_at
        version.save(update_fields=["status", "signed_off_by", "signed_off_at", "effective_at"])
        ledger_record(_signed(version, "dpo"))
    return version


def _signed(version: PolicyVersion, signer: str) -> PolicyVersionSignedOff:
    assert version.effective_at is not None
    return PolicyVersionSignedOff(
        force=version.force.code,
        version=version.number,
        digest=version.digest,
        signer=signer,
        effective=version.effective_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"),
    )


def version_approve(*, version: PolicyVersion, by: User) -> PolicyVersion:
    """The second approver's approval. The version takes effect at its effective date
    (or now, if that has passed while it waited).

    Raises:
        PermissionDenied: `by` is not a DPO of the version's force.
        ValidationError: the version is not waiting for a second approval, or `by` is
            the person who signed it off.
    """
    _require(by, version.force)
    if version.status != VersionStatus.AWAITING_SECOND_APPROVAL:
        raise ValidationError(_("This version is not waiting for a second approval."))
    if version.signed_off_by_id == by.pk:
        raise ValidationError(
            _("The second approver must be a different person from the DPO who signed it off.")
        )
    now = timezone.now()
    with transaction.atomic(), ledger_batch():
        version.status = VersionStatus.APPROVED
        version.second_approver = by
        version.approved_at = now
        if version.effective_at is None or version.effective_at < now:
            version.effective_at = now
        version.save(update_fields=["status", "second_approver", "approved_at", "effective_at"])
        ledger_record(_signed(version, "second_approver"))
        settle_versions(force=version.force, at=now)
    version.refresh_from_db()
    return version


def version_withdraw(*, version: PolicyVersion, by: User) -> PolicyVersion:
    """Withdraw a version that has not come into force.

    Raises:
        PermissionDenied, ValidationError: not a DPO; the version is or was in force.
    """
    _require(by, version.force)
    in_force = (
        version.status == VersionStatus.APPROVED
        and version.effective_at is not None
        and version.effective_at <= timezone.now()
    )
    if in_force or version.status not in (
        VersionStatus.DRAFT,
        VersionStatus.AWAITING_SECOND_APPROVAL,
        VersionStatus.APPROVED,
    ):
        raise ValidationError(_("Only a version that is not yet in force can be withdrawn."))
    with transaction.atomic(), ledger_batch():
        version.status = VersionStatus.WITHDRAWN
        version.ended_at = timezone.now()
        version.save(update_fields=["status", "ended_at"])
        ledger_record(
            PolicyVersionWithdrawn(
                force=version.force.code, version=version.number, digest=version.digest
            )
        )
    return version


def rollback_target(*, force: Force) -> tuple[PolicyVersion | None, PolicyVersion | None]:
    """(the version in force, the one it replaced): None for the second means the
    force's shipped policy. (None, None) when there is nothing to roll back.

    "The one it replaced" skips what earlier rollbacks undid: the versions that came into
    force are replayed in order, a rollback taking the place of the version it undid
    and of the one it restored, so rolling back twice goes back two steps and never
    brings back a version that was rolled back.
    """
    current = force_active_version(force=force)
    if current is None:
        return None, None
    in_force: list[PolicyVersion] = []
    for version in PolicyVersion.objects.filter(
        force=force,
        status__in=[VersionStatus.ACTIVE, VersionStatus.APPROVED, VersionStatus.SUPERSEDED],
        effective_at__lte=current.effective_at,
    ).order_by("effective_at", "number"):
        if version.is_rollback:
            in_force = in_force[:-2]  # it undid the version in force and restored the one before
        in_force.append(version)
    earlier = in_force[-2] if len(in_force) >= 2 and in_force[-1].pk == current.pk else None
    return current, earlier


def version_rollback(*, force: Force, by: User) -> PolicyVersion:
    """Bring back the text in force before the current version, as a new version in
    force now. That text was signed off by two people already, so one DPO may restore
    it at once; the step is ledgered like any other.

    Raises:
        PermissionDenied: `by` is not a DPO of `force`.
        ValidationError: no stored version is in force (nothing to roll back).
    """
    _require(by, force)
    current, earlier = rollback_target(force=force)
    if current is None:
        raise ValidationError(_("No version of your own is in force, so there is nothing to undo."))
    if earlier is None and current.is_rollback and current.restores_id is None:
        raise ValidationError(
            _("The shipped policy is already back in force: there is nothing earlier to undo.")
        )
    if earlier is not None:
        text, base = earlier.text, earlier.base_policy
    else:
        text, base = shipped_policy_text(force.active_policy), force.active_policy
    now = timezone.now()
    with transaction.atomic(), ledger_batch():
        Force.objects.select_for_update().filter(pk=force.pk).first()
        restored = PolicyVersion.objects.create(
            force=force,
            number=_next_number(force),
            base_policy=base,
            text=text,
            digest=text_digest(text),
            status=VersionStatus.APPROVED,
            restores=earlier,
            created_by=by,
            signed_off_by=by,
            signed_off_at=now,
            approved_at=now,
            effective_at=now,
        )
        ledger_record(_drafted(restored))
        settle_versions(force=force, at=now)
    restored.refresh_from_db()
    return restored
