"""`haven policy diff|check|notice|report` through `haven.cli.main` (docs/contracts.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haven.cli import main
from haven.policy.comparison import comparison_report
from haven.policy.promises import load_promises
from haven.policy.render import format_when
from haven.policy.space import feasible_count
from tests.policy.conftest import FIXTURES, SHIPPED, compiled_fixture
from tests.policy.test_promises import EXAMPLE, TEST_PROMISES

SMALL = str(FIXTURES / "small.cedar")
OPAQUE = str(FIXTURES / "opaque.cedar")
REDRAFT = str(FIXTURES / "redraft.cedar")


def write_promise(tmp_path: Path, promise: dict) -> str:
    path = tmp_path / f"{promise['id']}.json"
    path.write_text(json.dumps(promise), encoding="utf-8")
    return str(path)


# --- diff ---------------------------------------------------------------------------------


def test_diff_json_has_the_contract_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "diff", SMALL, REDRAFT, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {"total", "changed", "regions", "not_stated", "not_stated_regions"} <= set(document)
    assert document["total"] == feasible_count() == 4_896_000
    assert document["changed"] == sum(region["count"] for region in document["regions"]) > 0
    assert document["not_stated"] == sum(r["count"] for r in document["not_stated_regions"]) > 0
    for region in document["regions"]:
        assert {"when", "from", "to", "count", "rules_from", "rules_to"} <= set(region)
        assert "silent" not in region
    for region in document["not_stated_regions"]:
        assert region["silent"] in ("a", "b")


def test_diff_of_a_policy_with_itself_prints_no_regions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "diff", SMALL, SMALL]) == 0
    out = capsys.readouterr().out
    assert "0 of 4,896,000 points change decision" in out
    assert "No changed points." in out
    assert "0 points are stated by one policy only" in out
    assert "--outcomes" not in out


def test_diff_lists_points_one_side_leaves_to_silence_apart_from_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "diff", SMALL, REDRAFT]) == 0
    out = capsys.readouterr().out
    changes, _, silent = out.partition("Not stated by one side")
    assert "rules: no-ie-for-victims -> disclose-to-ie" in changes
    assert "enforce-when-confirmed" not in changes
    assert "where action=enforcement, status_concern=confirmed" in silent
    assert f"[{SMALL} is silent]" in silent


def test_diff_without_decision_changes_points_to_obligation_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (FIXTURES / "small.cedar").read_text()
    extra_duty = tmp_path / "duty.cedar"
    extra_duty.write_text(
        text.replace(
            '@obligation("supervisor_approval")',
            '@obligation("supervisor_approval, notify_subject")',
        )
    )
    assert main(["policy", "diff", SMALL, str(extra_duty)]) == 0
    out = capsys.readouterr().out
    assert "No changed points." in out
    assert "Reasons or obligations change at 230,400 points: add --outcomes to see where." in out


def test_diff_table_lists_every_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "diff", SMALL, REDRAFT, "--json"]) == 0
    regions = json.loads(capsys.readouterr().out)["regions"]
    assert main(["policy", "diff", SMALL, REDRAFT]) == 0
    out = capsys.readouterr().out
    for number, region in enumerate(regions, start=1):
        assert f"{number}. {region['from']} -> {region['to']}" in out
        assert format_when(region["when"]) in out


def test_diff_text_never_breaks_a_rule_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "diff", SMALL, REDRAFT]) == 0
    out = capsys.readouterr().out
    assert "no-ie-for-victims -> disclose-to-ie" in out


def test_diff_outcomes_flag_partitions_outcome_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "diff", SMALL, OPAQUE, "--outcomes", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["compare"] == "outcome"
    assert document["outcome_changed"] == sum(r["count"] for r in document["regions"])


def test_diff_of_an_unknown_policy_fails_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "diff", "no-such-policy", SMALL]) == 2
    assert "unknown policy 'no-such-policy'" in capsys.readouterr().err


# --- check --------------------------------------------------------------------------------


def test_check_json_has_the_design_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_promise(tmp_path, EXAMPLE)
    assert main(["policy", "check", SMALL, "--promise", path, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    [result] = document["promises"]
    assert {"id", "status", "holds", "counterexample"} <= set(result)
    assert result["id"] == EXAMPLE["id"]
    assert result["status"] in ("holds", "fails", "not_stated")
    assert result["holds"] == (result["status"] == "holds")
    if not result["holds"]:
        assert len(result["counterexample"]) == 11


def test_check_exits_0_when_a_promise_fails_and_1_with_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = dict(EXAMPLE, id="everything-allowed", when={}, expect="allow")
    path = write_promise(tmp_path, failing)
    assert main(["policy", "check", SMALL, "--promise", path]) == 0
    out = capsys.readouterr().out
    assert "FAILS       everything-allowed" in out
    assert "first counterexample: action=pnc_check" in out
    assert main(["policy", "check", SMALL, "--promise", path, "--strict"]) == 1


def test_check_strict_exits_0_when_every_promise_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holds = dict(
        EXAMPLE,
        id="no-arrest-of-victims-posing-no-risk",
        when={"action": ["immigration_arrest"], "role": ["victim"], "risk_to_others": [False]},
    )
    path = write_promise(tmp_path, holds)
    assert main(["policy", "check", SMALL, "--promise", path, "--strict"]) == 0
    assert "HOLDS       no-arrest-of-victims-posing-no-risk" in capsys.readouterr().out


def test_a_promise_kept_only_by_the_default_deny_is_not_stated_and_fails_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    silent = dict(
        EXAMPLE,
        id="no-enforcement",
        when={"action": ["enforcement"], "status_concern": ["none"]},
    )
    path = write_promise(tmp_path, silent)
    assert main(["policy", "check", SMALL, "--promise", path]) == 0
    out = capsys.readouterr().out
    assert "NOT STATED  no-enforcement" in out
    assert "first silent point: action=enforcement" in out
    assert "decided deny by: default deny" in out
    assert main(["policy", "check", SMALL, "--promise", path, "--strict"]) == 1


def test_check_rejects_an_invalid_promise_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_promise(tmp_path, dict(EXAMPLE, when={"role": ["bystander"]}))
    assert main(["policy", "check", SMALL, "--promise", path]) == 2
    err = capsys.readouterr().err
    assert (
        "when.role" in err and "victim, witness, suspect, victim_and_suspect, family_member" in err
    )


def test_check_rejects_an_unknown_promise_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", SMALL, "--promise", "no-such-promise"]) == 2
    assert "unknown promise 'no-such-promise'" in capsys.readouterr().err


# --- notice -------------------------------------------------------------------------------


def test_notice_prints_plain_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "notice", SMALL]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What can happen to your information under")
    assert (
        "When a victim's, witness's or named family member's information can reach "
        "Immigration Enforcement" in out
    )
    assert main(["policy", "notice", SMALL]) == 0
    assert capsys.readouterr().out == out


def test_notice_json_is_structured(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "notice", SMALL, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {"policy", "version", "promises", "conditions"} <= set(document)
    for condition in document["conditions"]:
        assert {"action", "when", "count", "rules", "text"} <= set(condition)


# --- report -------------------------------------------------------------------------------


def test_report_is_deterministic_and_has_its_matrices() -> None:
    policies = [compiled_fixture("small"), compiled_fixture("redraft")]
    first = comparison_report(policies, TEST_PROMISES)
    assert first == comparison_report(policies, TEST_PROMISES)
    assert "## Changed decisions between every pair" in first
    assert "Points that exactly one of the two policies states" in first
    assert "## Promises" in first
    for promise in TEST_PROMISES:
        assert f"| `{promise.id}` |" in first
    assert "### Counterexamples and silent points" in first
    assert f"{feasible_count():,} points of the decision space that can happen" in first


@pytest.mark.slow
def test_report_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "docs" / "policy-comparison.md"
    assert main(["policy", "report", "--output", str(output)]) == 0
    assert f"wrote {output}" in capsys.readouterr().out
    text = output.read_text(encoding="utf-8")
    for policy_id in SHIPPED:
        assert f"`{policy_id}`" in text
    assert "### `npcc-2018` → `met-2019`" in text
    assert "## Against practice as found (`practice-2020`)" in text
    assert "### `practice-2020` → `hmicfrs-2020`" in text


def test_the_committed_comparison_is_what_the_report_command_writes(tmp_path: Path) -> None:
    """docs/policy-comparison.md is regenerated whenever a policy or promise changes."""
    output = tmp_path / "policy-comparison.md"
    assert main(["policy", "report", "--output", str(output)]) == 0
    committed = (Path(__file__).resolve().parents[2] / "docs" / "policy-comparison.md").read_text(
        encoding="utf-8"
    )
    assert output.read_text(encoding="utf-8") == committed, (
        "docs/policy-comparison.md is stale: run `haven policy report` and commit it"
    )


def test_check_without_promise_uses_the_shipped_catalogue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "check", SMALL, "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["promises"]
    assert [r["id"] for r in results] == [p.id for p in load_promises()]
