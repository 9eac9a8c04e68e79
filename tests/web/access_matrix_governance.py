"""Access-matrix rows for the DPO's policy version pages (haven.web.governance).

Only a DPO of the force reaches its pages; everyone else, and the Met's DPO on Kent's
pages, gets 404 (which does not say whether the force has versions). The list page is
403 for staff who are a DPO nowhere. Each object URL gets a fresh draft version of its
side's force, so a POST that withdraws one does not change the next cell."""

from __future__ import annotations

from haven.policy.registry import resolve_policy_path
from haven.web.governance.services import version_draft_create

LIST_PAGES = {
    "governance:index": "302/302 403/405 403/405 200/405 403/405 403/405",
}


def _rows(dpo: str) -> dict[str, str]:
    """A page that takes both methods: `dpo` is the own force's DPO's cell."""
    return {
        "own": f"302/302 404/404 404/404 {dpo} 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    }


def _post_only(dpo_post: str) -> dict[str, str]:
    """A POST-only page: the method is refused (405) before the user's rights are asked."""
    return {
        "own": f"302/302 405/404 405/404 405/{dpo_post} 405/404 405/404",
        "other": "302/302 405/404 405/404 405/404 405/404 405/404",
    }


OBJECT_PAGES = {
    "governance:create": _rows("200/400"),
    "governance:rollback": _rows("200/400"),
    "governance:version": {
        "own": "302/302 404/405 404/405 200/405 404/405 404/405",
        "other": "302/302 404/405 404/405 404/405 404/405 404/405",
    },
    "governance:edit": _rows("200/400"),
    "governance:sign-off": _post_only("400"),
    "governance:approve": _post_only("400"),
    "governance:withdraw": _post_only("302"),
    "governance:impact": _post_only("200"),
}

PUBLIC: set[str] = set()


def _force(side) -> list:  # type: ignore[no-untyped-def]
    return [side.report.force.code]


def _fresh_draft(side) -> list:  # type: ignore[no-untyped-def]
    force = side.report.force
    text = resolve_policy_path("iemvp-2023")[1].read_text(encoding="utf-8")
    version = version_draft_create(force=force, text=text, by=None)
    return [force.code, version.number]


URL_ARGS = {
    "governance:create": _force,
    "governance:rollback": _force,
    "governance:version": _fresh_draft,
    "governance:edit": _fresh_draft,
    "governance:sign-off": _fresh_draft,
    "governance:approve": _fresh_draft,
    "governance:withdraw": _fresh_draft,
    "governance:impact": _fresh_draft,
}
