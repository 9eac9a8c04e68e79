"""The shipped promise catalogue (DESIGN.md §5): one promise per file, well formed.

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

from tests.policies.decision_space import SPACE

PROMISES_DIR = Path(__file__).resolve().parents[2] / "src" / "haven" / "policies" / "promises"
PROMISE_FILES = sorted(PROMISES_DIR.glob("*.json"))
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_catalogue_has_at_least_twelve_promises():
    assert len(PROMISE_FILES) >= 12


@pytest.mark.parametrize("path", PROMISE_FILES, ids=lambda path: path.stem)
def test_promise_has_exactly_the_design_keys_and_its_file_name_as_id(path):
    promise = load(path)
    assert list(promise) == ["id", "text", "when", "expect"]
    assert promise["id"] == path.stem
    assert KEBAB.match(promise["id"])


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
def test_promise_expects_allow_or_deny(path):
    assert load(path)["expect"] in ("allow", "deny")


def test_promise_ids_and_regions_are_unique():
    promises = [load(path) for path in PROMISE_FILES]
    ids = [promise["id"] for promise in promises]
    assert len(ids) == len(set(ids))
    regions = [
        json.dumps([promise["when"], promise["expect"]], sort_keys=True) for promise in promises
    ]
    assert len(regions) == len(set(regions)), "two promises claim the same thing"
