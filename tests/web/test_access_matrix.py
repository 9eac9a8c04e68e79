"""The access matrix: every role, on every staff and advocate page, for their own force's
objects and another force's (issue 11, "Access rules in one place, enforced twice").

Each cell is the status of a GET, then of a POST with no data, for the roles in
`ROLES` order: anonymous, officer, supervisor, DPO, auditor, advocate (all of the
Metropolitan Police, the advocate of an organisation). "own" objects are the Met's (a
report the advocate's organisation made, with the victim's consent to every scope, and
a decided disclosure request); "other" objects are Kent's. Allowed is 200, or a 302 or
400 for a POST whose empty form is refused; 302 for anonymous is the sign-in page; 404
hides whether another force's object exists; 405 is a page that takes only the other
method. A page that is added without a row here fails `test_every_page_is_in_the_matrix`.
An area may keep its rows in a module of its own, `tests/web/access_matrix_<area>.py`,
with `LIST_PAGES`, `OBJECT_PAGES`, `PUBLIC` and `URL_ARGS` (name → function of the side
giving the URL's arguments); they are merged below.
The JSON API has its own matrix, tests/web/api/test_access_matrix.py.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.access_matrix_cases import AREAS, ROLES, side_objects, url_for
from tests.web.sharing.conftest import DUTIES, use_policy

# Pages without an object of one force: their rows hold for both sides. What they list
# is checked below: never another force's report.
LIST_PAGES = {
    "reporting:report-index": "302/302 200/200 200/200 200/200 200/200 200/200",
    "reporting:report-record": "302/302 200/200 200/200 404/404 404/404 404/404",
    "sharing:approvals": "302/302 403/403 200/200 403/403 403/403 403/403",
    "sharing:requests": "302/302 200/405 200/405 403/405 403/405 403/405",
    "console": "302/302 302/302 302/302 302/302 302/302 302/302",
    "portal:followup-advocate-index": "302/302 404/405 404/405 404/405 404/405 200/405",
    "accounts:home": "302/302 200/200 200/200 200/200 200/200 200/200",
    "accounts:recovery-codes": "302/302 200/200 200/200 200/200 200/200 200/200",
}
OBJECT_PAGES = {
    "reporting:report-show": {
        "own": "302/302 200/200 200/200 200/200 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "reporting:report-stage": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "reporting:report-person-add": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "reporting:report-person-edit": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "reporting:report-person-remove": {
        "own": "302/302 200/302 200/302 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "reporting:report-message": {
        "own": "302/302 405/200 405/200 405/200 405/404 405/404",
        "other": "302/302 405/404 405/404 405/404 405/404 405/404",
    },
    "reporting:report-code-replace": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "reporting:report-code-issue": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "sharing:approval": {
        "own": "302/302 404/404 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "sharing:request-new": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "sharing:sealed-note": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "sharing:request-show": {
        "own": "302/302 200/200 200/200 404/404 404/404 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "sharing:request-referral": {
        "own": "302/302 405/400 405/400 405/404 405/404 405/404",
        "other": "302/302 405/404 405/404 405/404 405/404 405/404",
    },
    "sharing:request-withdraw": {
        "own": "302/302 405/302 405/302 405/404 405/404 405/404",
        "other": "302/302 405/404 405/404 405/404 405/404 405/404",
    },
    "sharing:request-package": {
        "own": "302/302 405/302 405/302 405/404 405/404 405/404",
        "other": "302/302 405/404 405/404 405/404 405/404 405/404",
    },
    "oversight:report-audit": {
        "own": "302/302 404/404 404/404 200/200 200/200 404/404",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
    "portal:followup-advocate-show": {
        "own": "302/302 404/405 404/405 404/405 404/405 200/405",
        "other": "302/302 404/405 404/405 404/405 404/405 404/405",
    },
    "portal:followup-advocate-message": {
        "own": "302/302 405/404 405/404 405/404 405/404 405/200",
        "other": "302/302 405/404 405/404 405/404 405/404 405/404",
    },
    "portal:followup-advocate-copy": {
        "own": "302/302 405/404 405/404 405/404 405/404 405/302",
        "other": "302/302 405/404 405/404 405/404 405/404 405/404",
    },
    "portal:followup-advocate-code-replace": {
        "own": "302/302 404/404 404/404 404/404 404/404 200/200",
        "other": "302/302 404/404 404/404 404/404 404/404 404/404",
    },
}

# Open to everyone, by design, and tested where they are built: the portal, receipts,
# the public log, sign-in, and the API (its own matrix in tests/web/api).
PUBLIC_PREFIXES = ("portal:", "receipts:", "ledger:", "api", "accounts:sign-")
PUBLIC = {"start", "health", "accounts:force-index"}

for _area in AREAS:
    LIST_PAGES.update(getattr(_area, "LIST_PAGES", {}))
    OBJECT_PAGES.update(getattr(_area, "OBJECT_PAGES", {}))
    PUBLIC |= set(getattr(_area, "PUBLIC", set()))


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_page_is_in_the_matrix():
    declared = set(LIST_PAGES) | set(OBJECT_PAGES) | PUBLIC
    missing = {
        name
        for name in _url_names(get_resolver())
        if name not in declared
        and not (
            name.startswith(PUBLIC_PREFIXES) and not name.startswith("portal:followup-advocate")
        )
    }
    assert missing == set()


@pytest.fixture(autouse=True)
def _quick_passwords(settings):  # type: ignore[no-untyped-def]
    """Seven accounts a case: Argon2's deliberate slowness would be most of the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(client, met, kent, officer, supervisor, dpo, auditor, advocate):  # type: ignore[no-untyped-def]
    use_policy(met, DUTIES)  # every obligation, so requests wait for approval
    use_policy(kent, DUTIES)
    users = {"officer": officer, "supervisor": supervisor, "dpo": dpo, "auditor": auditor}
    users["advocate"] = advocate
    return {"own": side_objects(met, advocate=advocate), "other": side_objects(kent)}, users


def _statuses(client, url: str, users: dict) -> str:  # type: ignore[no-untyped-def]
    cells = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        cells.append(f"{client.get(url).status_code}/{client.post(url, {}).status_code}")
    return " ".join(cells)


@pytest.mark.parametrize("name", sorted(OBJECT_PAGES))
@pytest.mark.parametrize("side", ["own", "other"])
def test_who_reaches_each_page_of_an_object(client, world, name, side):
    sides, users = world
    assert _statuses(client, url_for(name, sides[side]), users) == OBJECT_PAGES[name][side]


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_who_reaches_each_list_page_and_that_it_lists_no_other_forces_report(client, world, name):
    sides, users = world
    url = url_for(name, sides["own"])
    assert _statuses(client, url, users) == LIST_PAGES[name]
    other = sides["other"].report.reference
    for role in ROLES[1:]:
        client.force_login(users[role])
        assert other not in client.get(url).content.decode()
