"""The eight shipped Cedar policies, rule by rule, checked with cedarpy directly.

Every rule of every shipped file must have a witness in `rule_witnesses.json`: a full
case (all eleven attributes of DESIGN.md §3) at which that rule determines the
decision (it is among cedarpy's `diagnostics.reasons` and the decision matches its
effect). A new rule without a witness fails `test_rule_has_a_witness`.

The named behaviour tests below state what each source says, one sentence each, so
a change to a policy that contradicts its source fails with the source's words.

This file does not use `haven.policy` (the compiled engine): it is an independent
check of the policies against Cedar, the reference semantics.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path
from typing import Any

import cedarpy
import pytest

from haven.policy.obligations import OBLIGATIONS
from tests.policies.decision_space import SPACE

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICIES_DIR = REPO_ROOT / "src" / "haven" / "policies"
WITNESSES_FILE = Path(__file__).with_name("rule_witnesses.json")

SHIPPED = (
    "pre-2018",
    "npcc-2018",
    "met-2019",
    "hmicfrs-2020",
    "iemvp-2021",
    "iemvp-2023",
    "firewall",
    "firewall-consent",
)


KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# A routine case: a victim, nothing known about status, police safeguarding work.
BASE_CASE: dict[str, Any] = {
    "action": "pnc_check",
    "recipient": "none",
    "role": "victim",
    "offence": "other",
    "status_concern": "none",
    "purpose": "safeguarding",
    "stage": "investigation",
    "consent": "not_sought",
    "risk_to_others": False,
    "risk_to_life": False,
    "regularisation_support": False,
}


# --- loading and deciding with cedarpy -------------------------------------------


@functools.cache
def schema_text() -> str:
    return (POLICIES_DIR / "haven.cedarschema").read_text(encoding="utf-8")


@functools.cache
def schema() -> cedarpy.Schema:
    return cedarpy.Schema.from_str(schema_text())


@functools.cache
def entities() -> cedarpy.Entities:
    return cedarpy.Entities.from_json_str("[]")


@functools.cache
def policy_text(name: str) -> str:
    return (POLICIES_DIR / f"{name}.cedar").read_text(encoding="utf-8")


@functools.cache
def policy_json(name: str) -> dict[str, Any]:
    """The JSON form; `staticPolicies` keyed by cedarpy's positional ids (policy0, ...)."""
    return json.loads(cedarpy.policies_to_json_str(policy_text(name)))


@functools.cache
def rules(name: str) -> dict[str, dict[str, Any]]:
    """The rules of one policy, keyed by their @id annotation, in order of appearance."""
    static = policy_json(name)["staticPolicies"]
    ordered = sorted(static.items(), key=lambda item: int(item[0].removeprefix("policy")))
    keyed: dict[str, dict[str, Any]] = {}
    for positional, rule in ordered:
        rule_id = rule.get("annotations", {}).get("id")
        assert rule_id, f"{name}: {positional} has no @id"
        assert rule_id not in keyed, f"{name}: @id {rule_id!r} is used twice"
        keyed[rule_id] = rule
    return keyed


@functools.cache
def policy_set(name: str) -> cedarpy.PolicySet:
    """The policy set re-keyed by @id, so diagnostics.reasons are the @id values."""
    document = dict(policy_json(name))
    document["staticPolicies"] = rules(name)
    return cedarpy.PolicySet.from_json_str(json.dumps(document))


def obligations_of(name: str, rule_id: str) -> set[str]:
    value = rules(name)[rule_id]["annotations"].get("obligation", "")
    return {part.strip() for part in value.split(",") if part.strip()}


def request(case: dict[str, Any]) -> dict[str, Any]:
    context = {key: value for key, value in case.items() if key != "action"}
    return {
        "principal": 'Haven::Officer::"o"',
        "action": f'Haven::Action::"{case["action"]}"',
        "resource": 'Haven::Person::"p"',
        "context": context,
    }


def decide(name: str, case: dict[str, Any]) -> tuple[str, set[str], set[str]]:
    """("allow"|"deny", determining rule ids, obligations) for one full case."""
    assert set(case) == set(SPACE), f"a case needs exactly the keys {sorted(SPACE)}"
    result = cedarpy.is_authorized(request(case), policy_set(name), entities(), schema())
    assert not list(result.diagnostics.errors), f"{name}: evaluation error at {case}"
    decision = "allow" if result.decision == cedarpy.Decision.Allow else "deny"
    reasons = set(result.diagnostics.reasons)
    obligations = set().union(*(obligations_of(name, r) for r in reasons)) if reasons else set()
    return decision, reasons, obligations


def case(**overrides: Any) -> dict[str, Any]:
    unknown = set(overrides) - set(SPACE)
    assert not unknown, f"unknown attributes {unknown}"
    return {**BASE_CASE, **overrides}


@functools.cache
def witnesses() -> dict[str, dict[str, dict[str, Any]]]:
    return json.loads(WITNESSES_FILE.read_text(encoding="utf-8"))


ALL_RULES = [(name, rule_id) for name in SHIPPED for rule_id in rules(name)]


# --- every file, every rule ------------------------------------------------------


def test_exactly_the_shipped_policies_are_present():
    present = {path.stem for path in POLICIES_DIR.glob("*.cedar")}
    assert present == set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_policy_validates_against_the_schema(name):
    result = cedarpy.validate_policies(policy_text(name), schema_text())
    assert result.validation_passed, result


@pytest.mark.parametrize("name", SHIPPED)
def test_policy_starts_with_a_title_and_explains_itself(name):
    lines = policy_text(name).splitlines()
    assert lines[0].startswith("// Title: ") and len(lines[0]) > len("// Title: ")
    header = list(itertools.takewhile(lambda line: line.startswith("//"), lines))
    assert any("Judgement calls" in line for line in header), "header must state judgement calls"


@pytest.mark.parametrize("name", SHIPPED)
def test_rule_ids_are_unique(name):
    ids = [
        rule.get("annotations", {}).get("id")
        for rule in policy_json(name)["staticPolicies"].values()
    ]
    assert len(ids) == len(set(ids)) == len(rules(name))


@pytest.mark.parametrize(("name", "rule_id"), ALL_RULES)
def test_rule_is_annotated(name, rule_id):
    annotations = rules(name)[rule_id]["annotations"]
    assert KEBAB.match(rule_id), f"@id {rule_id!r} is not kebab-case"
    assert set(annotations) <= {"id", "source", "summary", "obligation"}, annotations
    assert "POLICY-SOURCES.md" in annotations.get("source", ""), "@source must cite"
    summary = annotations.get("summary", "")
    assert summary.endswith(".") and summary.count(". ") == 0, "@summary: one sentence"
    assert obligations_of(name, rule_id) <= set(OBLIGATIONS)
    if "obligation" in annotations:
        assert obligations_of(name, rule_id), "an empty @obligation"


@pytest.mark.parametrize("name", SHIPPED)
def test_policy_uses_only_the_analysable_constructs(name):
    code = "\n".join(
        line for line in policy_text(name).splitlines() if not line.lstrip().startswith("@")
    )
    code = re.sub(r"//.*", "", code)
    for construct in (" like ", " has ", "+", "*", " - ", "<", ">", "unless", "if "):
        assert construct not in code, f"{name} uses {construct.strip()!r}"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_rule_has_a_witness_and_no_witness_is_stale(name):
    assert set(witnesses().get(name, {})) == set(rules(name))


@pytest.mark.parametrize(("name", "rule_id"), ALL_RULES)
def test_rule_has_a_witness(name, rule_id):
    witness = witnesses().get(name, {}).get(rule_id)
    assert witness is not None, f"{name}: add a witness case for {rule_id} to {WITNESSES_FILE}"
    assert set(witness) == set(SPACE), "a witness is a full case"
    for key, value in witness.items():
        assert value in SPACE[key], f"{key}={value!r} is outside {SPACE[key]}"
    decision, reasons, _ = decide(name, witness)
    effect = rules(name)[rule_id]["effect"]
    assert rule_id in reasons, f"{rule_id} does not determine the decision at {witness}"
    assert decision == ("allow" if effect == "permit" else "deny")


def representative_space(name: str) -> dict[str, list[Any]]:
    """An exact reduction of the space for one policy.

    The analysable constructs only compare a string attribute with literals, so two
    values that appear in no rule of the policy are interchangeable: keep every value
    the policy names, plus one value it does not name. A boolean keeps both values
    when the policy names the attribute, one value when it does not.
    """
    code = re.sub(r'//.*|@\w+\("[^"]*"\)', "", policy_text(name))
    literals = set(re.findall(r'"([a-z_]+)"', code))
    reduced: dict[str, list[Any]] = {}
    for attribute, values in SPACE.items():
        if attribute == "action" or (isinstance(values[0], bool) and attribute in code):
            reduced[attribute] = list(values)
            continue
        named = [value for value in values if value in literals]
        unnamed = [value for value in values if value not in literals]
        reduced[attribute] = named + unnamed[:1]
    return reduced


@pytest.mark.parametrize("name", SHIPPED)
def test_no_rule_errors_anywhere_in_the_space(name):
    space = representative_space(name)
    points = [
        dict(zip(space, values, strict=True)) for values in itertools.product(*space.values())
    ]
    results = cedarpy.is_authorized_batch(
        [request(point) for point in points], policy_set(name), entities(), schema()
    )
    for point, result in zip(points, results, strict=True):
        assert not list(result.diagnostics.errors), (point, result.diagnostics.errors)


# --- pre-2018: what was done ------------------------------------------------------


def test_pre_2018_allowed_pnc_checks_solely_for_immigration_status():
    assert decide("pre-2018", case(purpose="immigration_control"))[0] == "allow"
    assert decide("pre-2018", case(role="witness", purpose="immigration_control"))[0] == "allow"


def test_pre_2018_referred_victims_and_witnesses_on_any_concern_at_discretion():
    for role, concern in itertools.product(["victim", "witness"], ["doubt", "confirmed"]):
        decision, _, obligations = decide(
            "pre-2018",
            case(
                action="disclose",
                recipient="immigration_enforcement",
                role=role,
                status_concern=concern,
                purpose="immigration_control",
                stage="report",
            ),
        )
        assert decision == "allow" and "record_rationale" in obligations


def test_pre_2018_immigration_arrest_of_a_victim_needed_a_risk_to_others():
    arrest = case(action="immigration_arrest", status_concern="confirmed")
    assert decide("pre-2018", arrest)[0] == "deny"
    assert decide("pre-2018", {**arrest, "risk_to_others": True})[0] == "allow"
    assert decide("pre-2018", {**arrest, "role": "witness"})[0] == "allow"


def test_pre_2018_domestic_abuse_victims_still_went_to_marac_whatever_their_status():
    marac = case(
        action="disclose",
        recipient="safeguarding_partner",
        offence="domestic_abuse",
        status_concern="confirmed",
    )
    assert decide("pre-2018", marac)[0] == "allow"


# --- npcc-2018 ------------------------------------------------------------------


def test_npcc_2018_never_checks_a_database_only_to_establish_status():
    for action, role in itertools.product(["pnc_check", "status_check"], ["victim", "witness"]):
        decision, reasons, obligations = decide(
            "npcc-2018",
            case(
                action=action, role=role, status_concern="suspected", purpose="immigration_control"
            ),
        )
        assert decision == "deny" and reasons and "treat_as_victim" in obligations


def test_npcc_2018_checks_for_safeguarding_or_investigation_remain_allowed():
    for purpose in ["safeguarding", "investigation"]:
        assert decide("npcc-2018", case(purpose=purpose))[0] == "allow"


def test_npcc_2018_shares_a_suspected_victim_with_ie_but_takes_no_enforcement_action():
    decision, reasons, obligations = decide(
        "npcc-2018",
        case(
            action="disclose",
            recipient="immigration_enforcement",
            status_concern="suspected",
            purpose="immigration_control",
        ),
    )
    assert decision == "allow"
    assert reasons == {"allow-disclosure-of-victims-when-suspected"}
    assert {"treat_as_victim", "no_enforcement_action"} <= obligations


def test_npcc_2018_does_not_share_a_victim_on_mere_doubt():
    doubt = case(action="disclose", recipient="immigration_enforcement", status_concern="doubt")
    assert decide("npcc-2018", doubt) == ("deny", set(), set())


def test_npcc_2018_forbids_immigration_arrest_of_victims_even_with_risk_to_others():
    arrest = case(action="immigration_arrest", status_concern="confirmed", risk_to_others=True)
    decision, reasons, _ = decide("npcc-2018", arrest)
    assert decision == "deny" and reasons == {"deny-immigration-arrest-of-victims"}


def test_npcc_2018_binds_police_not_immigration_enforcement():
    enforcement = case(action="enforcement", status_concern="suspected", offence="domestic_abuse")
    assert decide("npcc-2018", enforcement)[0] == "allow"


def test_npcc_2018_leaves_witnesses_to_officer_discretion():
    witness = case(
        action="disclose",
        recipient="immigration_enforcement",
        role="witness",
        status_concern="doubt",
        purpose="immigration_control",
    )
    decision, _, obligations = decide("npcc-2018", witness)
    assert decision == "allow" and obligations == {"record_rationale"}


# --- met-2019 -------------------------------------------------------------------


def test_met_2019_passes_on_any_suspicion_about_victims_and_witnesses_at_any_stage():
    for role, concern, stage in itertools.product(
        ["victim", "witness"], ["doubt", "suspected", "confirmed"], SPACE["stage"]
    ):
        disclose = case(
            action="disclose",
            recipient="immigration_enforcement",
            role=role,
            status_concern=concern,
            stage=stage,
            purpose="immigration_control",
        )
        assert decide("met-2019", disclose)[0] == "allow"


def test_met_2019_drops_treat_as_victim_from_disclosure():
    _, _, obligations = decide(
        "met-2019",
        case(action="disclose", recipient="immigration_enforcement", status_concern="doubt"),
    )
    assert "treat_as_victim" not in obligations and "no_enforcement_action" not in obligations


def test_met_2019_allows_immigration_arrest_only_with_risk_to_others():
    for role in ["victim", "witness"]:
        arrest = case(action="immigration_arrest", role=role, status_concern="confirmed")
        assert decide("met-2019", arrest)[0] == "deny"
        assert decide("met-2019", {**arrest, "risk_to_others": True})[0] == "allow"


def test_met_2019_keeps_the_npcc_pnc_ban():
    assert decide("met-2019", case(purpose="immigration_control"))[0] == "deny"


def test_met_2019_differs_from_npcc_2018_where_the_redraft_changed_the_words():
    doubt = case(action="disclose", recipient="immigration_enforcement", status_concern="doubt")
    assert (decide("npcc-2018", doubt)[0], decide("met-2019", doubt)[0]) == ("deny", "allow")
    risky = case(action="immigration_arrest", status_concern="suspected", risk_to_others=True)
    assert (decide("npcc-2018", risky)[0], decide("met-2019", risky)[0]) == ("deny", "allow")
    witness_arrest = case(action="immigration_arrest", role="witness", status_concern="suspected")
    assert (decide("npcc-2018", witness_arrest)[0], decide("met-2019", witness_arrest)[0]) == (
        "allow",
        "deny",
    )


# --- hmicfrs-2020 ---------------------------------------------------------------


def test_hmicfrs_2020_stops_sharing_domestic_abuse_victims_on_doubt():
    for concern in ["doubt", "unknown"]:
        decision, reasons, obligations = decide(
            "hmicfrs-2020",
            case(
                action="disclose",
                recipient="immigration_enforcement",
                offence="domestic_abuse",
                status_concern=concern,
                purpose="immigration_control",
            ),
        )
        assert decision == "deny"
        assert reasons == {"deny-sharing-domestic-abuse-victims-on-doubt"}
        assert "refer_to_support" in obligations


def test_hmicfrs_2020_r1_names_victims_of_domestic_abuse_only():
    for overrides in [{"role": "victim_and_suspect"}, {"offence": "honour_based_abuse"}]:
        attributes = {
            "action": "disclose",
            "recipient": "immigration_enforcement",
            "offence": "domestic_abuse",
            "status_concern": "doubt",
            **overrides,
        }
        _, reasons, _ = decide("hmicfrs-2020", case(**attributes))
        assert "deny-sharing-domestic-abuse-victims-on-doubt" not in reasons


def test_hmicfrs_2020_still_shares_domestic_abuse_victims_when_suspected():
    suspected = case(
        action="disclose",
        recipient="immigration_enforcement",
        offence="domestic_abuse",
        status_concern="suspected",
    )
    assert decide("hmicfrs-2020", suspected)[0] == "allow"


# --- iemvp-2021 and iemvp-2023 --------------------------------------------------


def enforcement(**overrides: Any) -> dict[str, Any]:
    return case(action="enforcement", status_concern="confirmed", **overrides)


def test_iemvp_2021_pauses_enforcement_during_proceedings_with_regularisation_support():
    for stage in ["investigation", "prosecution"]:
        paused = enforcement(stage=stage, regularisation_support=True)
        assert decide("iemvp-2021", paused)[0] == "deny"


def test_iemvp_2021_pause_needs_both_proceedings_and_support():
    assert decide("iemvp-2021", enforcement(stage="investigation"))[0] == "allow"
    assert decide("iemvp-2021", enforcement(stage="report", regularisation_support=True))[0] == (
        "allow"
    )
    assert decide("iemvp-2021", enforcement(stage="concluded", regularisation_support=True))[0] == (
        "allow"
    )


def test_iemvp_2021_does_not_stop_sharing_and_asks_for_a_rationale():
    decision, _, obligations = decide(
        "iemvp-2021",
        case(action="disclose", recipient="immigration_enforcement", status_concern="suspected"),
    )
    assert decision == "allow" and "record_rationale" in obligations


def test_iemvp_2023_pauses_enforcement_for_domestic_abuse_on_either_condition():
    da = {"offence": "domestic_abuse"}
    assert decide("iemvp-2023", enforcement(stage="prosecution", **da))[0] == "deny"
    assert (
        decide("iemvp-2023", enforcement(stage="report", regularisation_support=True, **da))[0]
        == "deny"
    )
    assert decide("iemvp-2023", enforcement(stage="concluded", **da))[0] == "allow"


def test_iemvp_2023_narrows_the_pause_to_domestic_abuse():
    other = enforcement(offence="violent_crime", stage="investigation", regularisation_support=True)
    assert (decide("iemvp-2021", other)[0], decide("iemvp-2023", other)[0]) == ("deny", "allow")


# --- firewall and firewall-consent ----------------------------------------------


def test_firewall_denies_disclosure_to_ie_even_with_consent():
    for consent, purpose in itertools.product(SPACE["consent"], SPACE["purpose"]):
        disclose = case(
            action="disclose",
            recipient="immigration_enforcement",
            status_concern="confirmed",
            consent=consent,
            purpose=purpose,
        )
        assert decide("firewall", disclose)[0] == "deny"


def test_firewall_denies_every_status_check_on_victims_and_witnesses():
    for role, purpose in itertools.product(["victim", "witness"], SPACE["purpose"]):
        check = case(action="status_check", role=role, purpose=purpose, status_concern="confirmed")
        assert decide("firewall", check)[0] == "deny"


def test_firewall_keeps_police_work_that_does_not_reach_ie():
    assert decide("firewall", case(purpose="investigation", status_concern="confirmed"))[0] == (
        "allow"
    )
    for recipient in ["safeguarding_partner", "support_service"]:
        share = case(action="disclose", recipient=recipient, status_concern="confirmed")
        assert decide("firewall", share)[0] == "allow"


def test_firewall_protects_a_victim_who_is_also_a_suspect_but_not_a_suspect():
    arrest = case(action="immigration_arrest", status_concern="confirmed", risk_to_others=True)
    assert decide("firewall", {**arrest, "role": "victim_and_suspect"})[0] == "deny"
    assert decide("firewall", {**arrest, "role": "suspect"})[0] == "allow"


def test_firewall_stops_enforcement_against_victims_and_witnesses():
    for role in ["victim", "witness"]:
        assert decide("firewall", enforcement(role=role))[0] == "deny"


def test_firewall_consent_allows_disclosure_with_consent_and_notifies_the_person():
    decision, reasons, obligations = decide(
        "firewall-consent",
        case(
            action="disclose",
            recipient="immigration_enforcement",
            consent="given",
            purpose="regularisation_support",
        ),
    )
    assert decision == "allow"
    assert reasons == {"allow-disclosure-with-consent"} and obligations == {"notify_subject"}


def test_firewall_consent_denies_disclosure_without_consent():
    for consent in ["refused", "not_sought"]:
        disclose = case(
            action="disclose",
            recipient="immigration_enforcement",
            status_concern="confirmed",
            consent=consent,
            purpose="immigration_control",
        )
        assert decide("firewall-consent", disclose)[0] == "deny"


def test_firewall_consent_consent_unlocks_disclosure_only():
    given = {"consent": "given", "status_concern": "confirmed"}
    assert decide("firewall-consent", case(action="status_check", **given))[0] == "deny"
    assert decide("firewall-consent", case(action="immigration_arrest", **given))[0] == "deny"
    assert decide("firewall-consent", case(action="enforcement", **given))[0] == "deny"
