"""Shipped policies and resolving POLICY (a shipped id or a path to a .cedar file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.policy import UnknownPolicyError, load_policy, resolve_policy_path, shipped_policy_ids
from haven.policy.registry import SHIPPED_ORDER, policies_dir

from .conftest import FIXTURES


def test_shipped_ids_are_the_cedar_files_in_design_order() -> None:
    ids = shipped_policy_ids()
    assert set(ids) == {path.stem for path in policies_dir().glob("*.cedar")}
    known = [policy_id for policy_id in ids if policy_id in SHIPPED_ORDER]
    assert known == sorted(known, key=SHIPPED_ORDER.index)


@pytest.mark.parametrize("policy_id", shipped_policy_ids())
def test_every_shipped_policy_loads_with_id_version_and_title(policy_id: str) -> None:
    policy = load_policy(policy_id)
    assert policy.id == policy_id
    assert len(policy.version) == 12
    assert policy.title
    assert policy.rules


def test_a_path_to_a_cedar_file_resolves_and_keeps_the_path_as_id() -> None:
    spec = str(FIXTURES / "small.cedar")
    assert resolve_policy_path(spec) == (spec, Path(spec))
    assert load_policy(spec).id == spec


def test_unknown_id_lists_the_shipped_ids() -> None:
    with pytest.raises(UnknownPolicyError) as raised:
        load_policy("no-such-policy")
    message = str(raised.value)
    assert "'no-such-policy'" in message
    for policy_id in shipped_policy_ids():
        assert policy_id in message


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(UnknownPolicyError, match="no policy file"):
        load_policy(str(tmp_path / "draft.cedar"))


def test_practice_as_found_is_shipped_but_never_offered_as_a_force_policy() -> None:
    from haven.policy.registry import PRACTICE_BASELINE, offerable_policy_ids

    assert PRACTICE_BASELINE in shipped_policy_ids()
    assert load_policy(PRACTICE_BASELINE).describes_practice
    assert PRACTICE_BASELINE not in offerable_policy_ids()
    assert set(offerable_policy_ids()) == set(shipped_policy_ids()) - {PRACTICE_BASELINE}
    for policy_id in offerable_policy_ids():
        assert load_policy(policy_id).kind == "written"


def test_the_kind_header_line_is_read_and_checked(tmp_path: Path) -> None:
    from haven.policy import PolicyError, load_policy_text

    rule = '@id("r")\n@source("s")\n@summary("S.")\npermit(principal, action, resource);\n'
    practice = load_policy_text(f"// Title: T\n// Kind: practice as found\n\n{rule}", policy_id="p")
    assert practice.kind == "practice" and practice.describes_practice
    assert load_policy_text(f"// Title: T\n\n{rule}", policy_id="w").kind == "written"
    with pytest.raises(PolicyError, match="'Kind: rumour' is not understood"):
        load_policy_text(f"// Kind: rumour\n{rule}", policy_id="x")
