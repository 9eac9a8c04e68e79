"""The shipped promise catalogue (docs/decision-space.md): one promise per file, well formed.

Whether a promise holds under a policy is the engine's question (`haven policy
check`); this file checks the catalogue itself: the exact format, known attributes
and values, ids that match file names, and plain English a victim can read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from haven.policy.obligations import OBLIGATIONS
from tests.policies.decision_space import SPACE

PROMISES_DIR = Path(__file__).resolve().parents[2] / "src" / "haven" / "policies" / "promises"
PROMISE_FILES = sorted(PROMISES_DIR.glob("*.json"))
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_catalogue_has_at_least_twelve_promises():
    assert len(PROMISE_FILES) >= 12


REQUIRED_KEYS = ["id", "text", "when"]
OPTIONAL_KEYS = ["expect", "obligations", "source", "note"]


@pytest.mark.parametrize("path", PROMISE_FILES, ids=lambda path: path.stem)
def test_promise_has_the_design_keys_in_order_and_its_file_name_as_id(path):
    promise = load(path)
    keys = list(promise)
    assert keys[:3] == REQUIRED_KEYS
    optional = keys[3:]
    assert set(optional) <= set(OPTIONAL_KEYS), f"unknown keys {set(optional) - set(OPTIONAL_KEYS)}"
    assert optional == [key for key in OPTIONAL_KEYS if key in optional], "keys out of order"
    assert promise["id"] == path.stem
    assert KEBAB.match(promise["id"])
    for key in ("source", "note"):
        if key in promise:
            assert isinstance(promise[key], str) and promise[key].strip()


@pytest.mark.parametrize("path", PROMISE_FILES, ids=lambda path: path.stem)
def test_promise_speaks_plain_english_to_the_reporter(path):
    text = load(path)["text"]
    assert isinstance(text, dict) and set(text) >= {"en"}
    for language, sentence in text.items():
        assert isinstance(language, str) and isinstance(sentence, str) and sentence.strip()
    english = text["en"]
    assert english[0].isupper() and english.endswith(".")
    assert english.count(". ") == 0, "one sentence"
    assert len(english) <= 200, "short enough to read at a glance"
    assert re.search(r"\byou(r)?\b", english), "second person: it speaks to the reporter"
    assert "_" not in english, "no attribute names in the sentence"


@pytest.mark.parametrize("path", PROMISE_FILES, ids=lambda path: path.stem)
def test_promise_region_uses_known_attributes_and_values(path):
    when = load(path)["when"]
    assert isinstance(when, dict) and when, "a promise speaks about some region"
    for attribute, values in when.items():
        assert attribute in SPACE, f"unknown attribute {attribute!r}; known: {sorted(SPACE)}"
        assert isinstance(values, list) and values, f"{attribute}: a non-empty list"
        assert len(values) == len(set(values)), f"{attribute}: repeated values"
        for value in values:
            assert type(value) is type(SPACE[attribute][0]), f"{attribute}: {value!r}"
            assert value in SPACE[attribute], f"{attribute}: {value!r} not in {SPACE[attribute]}"
        assert set(values) != set(SPACE[attribute]), f"{attribute}: leave it out to cover all"


@pytest.mark.parametrize("path", PROMISE_FILES, ids=lambda path: path.stem)
def test_promise_expects_allow_or_deny_or_promises_duties(path):
    """`expect` is allow or deny; without it, `obligations` promise "deny (by a rule), or
    allow with these duties". Duties come with allows, so never with expect deny."""
    promise = load(path)
    assert "expect" in promise or "obligations" in promise
    if "expect" in promise:
        assert promise["expect"] in ("allow", "deny")
    if "obligations" in promise:
        duties = promise["obligations"]
        assert isinstance(duties, list) and duties and len(duties) == len(set(duties))
        assert set(duties) <= set(OBLIGATIONS)
        assert promise.get("expect") != "deny"


@pytest.mark.parametrize("path", PROMISE_FILES, ids=lambda path: path.stem)
def test_a_promise_to_victims_covers_victims_who_are_also_suspects(path):
    """A victim suspected of an offence is still a victim: no shipped rule treats them
    otherwise, so a promise about victims covers both roles."""
    roles = load(path)["when"].get("role", [])
    if "victim" in roles:
        assert "victim_and_suspect" in roles


@pytest.mark.parametrize("path", PROMISE_FILES, ids=lambda path: path.stem)
def test_a_promise_resting_on_the_migrant_victims_protocol_says_what_the_home_office_says(path):
    """docs/sources.md E5, E6: the protocol was still being finalised in 2023, so a
    promise that rests on it reports the Home Office's word, not a flat "will not"."""
    promise = load(path)
    if re.search(r"\bE[56]\b", promise.get("source", "")):
        assert "the Home Office says" in promise["text"]["en"]


def test_promise_ids_and_regions_are_unique():
    promises = [load(path) for path in PROMISE_FILES]
    ids = [promise["id"] for promise in promises]
    assert len(ids) == len(set(ids))
    regions = [
        json.dumps(
            [promise["when"], promise.get("expect"), promise.get("obligations")], sort_keys=True
        )
        for promise in promises
    ]
    assert len(regions) == len(set(regions)), "two promises claim the same thing"
