"""The order of the portal's questions, and which one a reporter must answer next.

One question per page (GOV.UK pattern). A step is *answered* when the draft's answers
(`answers.py`) hold what it asks; `missing_step` is the first required step that is not,
so nobody reaches "Check your answers", or submits, with a gap: the pages redirect there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from haven.web.portal.answers import Answers
from haven.web.portal.models import ConsentScope, WayIn


@dataclass(frozen=True)
class Step:
    name: str
    """Its URL name in the `portal` namespace (without the `report-` prefix) and its slug."""
    answered: Callable[[Answers], bool]
    applies: Callable[[Answers], bool] = lambda answers: True


def _way_answered(answers: Answers) -> bool:
    return answers.get("way") in WayIn.values


def _is_advocate(answers: Answers) -> bool:
    return answers.get("way") == WayIn.ADVOCATE


def _consent_answered(answers: Answers) -> bool:
    scopes = answers.get("consent") or []
    return bool(scopes) and all(scope in ConsentScope.values for scope in scopes)


def _present(key: str) -> Callable[[Answers], bool]:
    def answered(answers: Answers) -> bool:
        return bool(answers.get(key))

    return answered


def _has_key(key: str) -> Callable[[Answers], bool]:
    def answered(answers: Answers) -> bool:
        return key in answers

    return answered


def _contact_answered(answers: Answers) -> bool:
    contact = answers.get("contact")
    return contact is not None and (not contact.get("allowed") or bool(contact.get("channel")))


def _may_contact(answers: Answers) -> bool:
    return bool((answers.get("contact") or {}).get("allowed"))


def _contact_details_answered(answers: Answers) -> bool:
    # The channel page keeps only the channel; this page adds the rest (say_police last).
    return "say_police" in (answers.get("contact") or {})


STEPS: tuple[Step, ...] = (
    Step("way", _way_answered),
    Step("consent", _consent_answered, _is_advocate),
    Step("force", _present("force")),
    Step("what-happened", _present("account")),
    Step("when", _present("when")),
    Step("where", _has_key("place")),
    Step("offence", _present("offence")),
    Step("people", lambda answers: bool(answers.get("people_done"))),
    Step("contact", _contact_answered),
    # Only when the police may contact the reporter: a page of its own rather than a
    # conditional reveal on the channel page (issue 10: no axe finding is let through).
    Step("contact-details", _contact_details_answered, _may_contact),
    Step("language", _present("language")),
    Step("support", _present("support")),
)
STEP_NAMES = tuple(step.name for step in STEPS)
CHECK = "check"
"""The check-answers page, after the last step."""


def steps_for(answers: Answers) -> list[Step]:
    """The steps this reporter goes through (the consent page only for an advocate)."""
    return [step for step in STEPS if step.applies(answers)]


def missing_step(answers: Answers) -> str | None:
    """The name of the first step that applies and is not answered yet, or None."""
    for step in steps_for(answers):
        if not step.answered(answers):
            return step.name
    return None


def next_step(answers: Answers, current: str) -> str:
    """Where a reporter goes after answering `current`: the next step that applies, or
    the check-answers page after the last one."""
    names = [step.name for step in steps_for(answers)]
    if current not in names:
        return missing_step(answers) or CHECK
    index = names.index(current)
    return names[index + 1] if index + 1 < len(names) else CHECK


def previous_step(answers: Answers, current: str) -> str | None:
    """The step before `current` (for its back link), or None for the first one."""
    names = [step.name for step in steps_for(answers)]
    if current == CHECK:
        return names[-1]
    if current not in names:
        return None
    index = names.index(current)
    return names[index - 1] if index > 0 else None


def reachable(answers: Answers, name: str) -> bool:
    """Whether a reporter may open step `name` now: every step before it is answered
    (so nobody skips ahead past a required question). Check answers needs all of them."""
    missing = missing_step(answers)
    if missing is None:
        return name == CHECK or any(step.name == name for step in steps_for(answers))
    if name == CHECK:
        return False
    names = [step.name for step in steps_for(answers)]
    return name in names and names.index(name) <= names.index(missing)
