"""`haven policy list|show|decide` through `haven.cli.main` (docs/contracts.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from haven.cli import main
from haven.policy import point_to_case, shipped_policy_ids

from .conftest import FIXTURES

SMALL = str(FIXTURES / "small.cedar")


def write_case(tmp_path: Path, case: Any) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    return str(path)


def a_case() -> dict[str, Any]:
    case = dict(point_to_case(0))
    case.update(action="disclose", recipient="immigration_enforcement", role="victim")
    return case


def test_decide_prints_the_design_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["policy", "decide", SMALL, "--case", write_case(tmp_path, a_case()), "--json"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {
        "policy",
        "version",
        "decision",
        "reasons",
        "obligations",
        "explanation",
    }
    assert document["decision"] == "deny"
    assert document["reasons"] == [
        {
            "id": "no-ie-for-victims",
            "summary": "Victims' data never goes to Immigration Enforcement.",
            "source": "Fixture §2",
        }
    ]
    assert document["obligations"] == ["treat_as_victim"]


def test_decide_reads_the_case_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(a_case())))
    assert main(["policy", "decide", SMALL, "--case", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decision"] == "deny"


def test_decide_without_json_prints_a_readable_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "decide", SMALL, "--case", write_case(tmp_path, a_case())]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DENY")
    assert "no-ie-for-victims" in out


def test_decide_text_never_repeats_the_explanation_or_breaks_a_rule_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = a_case() | {"role": "suspect", "purpose": "safeguarding", "status_concern": "confirmed"}
    case["status_source"] = "records"
    assert main(["policy", "decide", SMALL, "--case", write_case(tmp_path, case)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for rule_id in ("allow-safeguarding", "disclose-to-ie"):
        assert any(rule_id in line for line in lines), f"{rule_id} broken across lines"
        # Named once in the explanation and once beside its source, never more.
        assert out.count(rule_id) == 2
    for summary in (
        "Safeguarding checks and disclosures are allowed",
        "Disclosure to Immigration Enforcement is allowed where status is confirmed",
    ):
        assert " ".join(out.split()).count(summary) == 1
    assert "Sources:" in out and "Fixture §1" in out


def test_bad_case_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = a_case()
    case["risk_to_others"] = "true"
    code = main(["policy", "decide", SMALL, "--case", write_case(tmp_path, case), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "risk_to_others" in captured.err and "true, false" in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_a_version_1_case_exits_2_naming_the_new_and_the_removed_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = a_case()
    del case["status_source"]
    case["risk_to_life"] = False
    assert main(["policy", "decide", SMALL, "--case", write_case(tmp_path, case)]) == 2
    err = capsys.readouterr().err
    assert "status_source" in err and "new in version 2" in err
    assert "risk_to_life" in err and "removed in version 2" in err


def test_a_case_that_cannot_happen_exits_2_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = a_case() | {"status_concern": "doubt", "status_source": "none"}
    assert main(["policy", "decide", SMALL, "--case", write_case(tmp_path, case)]) == 2
    assert "cannot happen" in capsys.readouterr().err


def test_missing_key_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = a_case()
    del case["stage"]
    assert main(["policy", "decide", SMALL, "--case", write_case(tmp_path, case)]) == 2
    assert "stage" in capsys.readouterr().err


def test_case_that_is_not_json_exits_2_with_the_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text('{"action": "disclose",}')
    assert main(["policy", "decide", SMALL, "--case", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not valid JSON" in err and "line 1" in err


def test_missing_case_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "decide", SMALL, "--case", str(tmp_path / "nope.json")]) == 2
    assert "cannot read the case file" in capsys.readouterr().err


def test_unknown_policy_exits_2_listing_shipped_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "decide", "nope", "--case", write_case(tmp_path, a_case())]) == 2
    err = capsys.readouterr().err
    assert "unknown policy 'nope'" in err
    for policy_id in shipped_policy_ids():
        assert policy_id in err


def test_refused_policy_exits_2_with_what_to_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.cedar"
    bad.write_text('@id("x")\n@summary("s")\npermit(principal, action, resource);\n')
    assert main(["policy", "show", str(bad)]) == 2
    assert "add @source(" in capsys.readouterr().err


def test_show_json_lists_rules_with_citations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "show", SMALL, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["title"] == "Small fixture policy (analysable constructs only)"
    first = document["rules"][0]
    assert first["id"] == "allow-safeguarding"
    assert first["source"] == "Fixture §1"
    assert first["obligations"] == ["record_rationale", "minimise_fields"]
    assert first["text"].startswith('@id("allow-safeguarding")')


def test_show_prints_rules_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "show", SMALL]) == 0
    out = capsys.readouterr().out
    assert "FORBID  no-ie-for-victims" in out
    assert "Source: Fixture §2" in out


def test_list_json_has_every_shipped_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "list", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)["policies"]
    assert [entry["id"] for entry in entries] == list(shipped_policy_ids())
    for entry in entries:
        assert "error" not in entry, entry
        assert set(entry) == {"id", "version", "kind", "title", "rules"}
        assert entry["kind"] == ("practice" if entry["id"] == "practice-2020" else "written")


def test_list_marks_practice_as_found_as_never_a_force_policy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "list"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if "practice-2020" in line]
    assert "never a force's policy" in line


def test_policy_without_subcommand_prints_usage_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy"]) == 2
    assert "decide" in capsys.readouterr().err


def test_policy_that_errors_at_evaluation_is_refused_by_decide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "overflow.cedar"
    policy.write_text(
        '@id("overflowing-forbid")\n@source("s")\n@summary("Overflows.")\n'
        "forbid(principal, action, resource) when {\n"
        "  9223372036854775807 + (if context.risk_to_others then 1 else 0) > 0\n};\n"
    )
    code = main(["policy", "decide", str(policy), "--case", write_case(tmp_path, a_case())])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "'overflowing-forbid'" in captured.err and "overflow" in captured.err


@pytest.mark.parametrize("policy_id", shipped_policy_ids())
def test_show_json_of_every_shipped_policy_cites_every_rule(
    policy_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "show", policy_id, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["policy"] == policy_id
    assert document["rules"]
    for rule in document["rules"]:
        assert rule["source"] and rule["summary"] and rule["text"]
