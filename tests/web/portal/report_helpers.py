"""Walking the reporting flow with the Django test client (shared by test_report_*.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches

from haven.web.portal.models import PortalDraft
from haven.web.portal.selectors import DRAFT_SESSION_KEY
from haven.web.portal.services import draft_answers

ACCOUNT = "My employer keeps me locked in the flat above the shop and takes my wages."

VICTIM_ANSWERS: list[tuple[str, dict]] = [
    ("/report/", {"way": "victim"}),
    ("/report/force", {"force": "metropolitan"}),
    ("/report/what-happened", {"account": ACCOUNT}),
    ("/report/when", {"day": "3", "month": "2", "year": "2024"}),
    ("/report/where", {"place": "Above the shop on Green Lane"}),
    ("/report/offence", {"offence": "modern_slavery"}),
    ("/report/people", {"action": "add", "role": "suspect", "name": "the shop owner"}),
    ("/report/people", {"action": "done"}),
    ("/report/contact", {"channel": "text"}),
    (
        "/report/contact-details",
        {"details": "07700 900123", "times": "after 9pm", "say_police": "no"},
    ),
    ("/report/language", {"language": "ro", "interpreter": "yes"}),
    ("/report/support", {"support": ["modern_slavery_helpline", "victim_support"]}),
]


def clear_portal_throttles() -> None:
    caches[settings.AXES_CACHE].clear()


def answer_all(client, answers: list[tuple[str, dict]]) -> None:
    """Post every answer in turn; each must be accepted (a redirect)."""
    for url, data in answers:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.status_code)


def current_answers(client) -> dict:
    draft = PortalDraft.objects.get(pk=client.session[DRAFT_SESSION_KEY])
    return draft_answers(draft)


def with_way(way: str, *extra: tuple[str, dict]) -> list[tuple[str, dict]]:
    """The victim's answers with another way in (and any extra pages right after it)."""
    return [("/report/", {"way": way}), *extra, *VICTIM_ANSWERS[1:]]
