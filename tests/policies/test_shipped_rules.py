"""The nine shipped Cedar policies, rule by rule, checked with cedarpy directly.

Every rule of every shipped file must have a witness in `rule_witnesses.json`: a
feasible full case (all eleven attributes of docs/decision-space.md) at which that rule
determines the decision (it is among cedarpy's `diagnostics.reasons` and the decision
matches its effect). A new rule without a witness fails `test_rule_has_a_witness`.

Every `@source` cites `docs/sources.md` by id (S1–S5, E1–E14), and every id it cites
exists there. The named behaviour tests below state what each source says, one sentence
each, with the source's id in the test's name or docstring, so a change to a policy that
contradicts its source fails with the source's words.

Cedar (cedarpy) is the reference. Apart from the one test that checks the compiled
table of `haven.policy` against it over an exact reduction of the space, this file does
not use the engine: it is an independent check of the policies against Cedar.
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
SOURCES_FILE = REPO_ROOT / "docs" / "sources.md"
WITNESSES_FILE = Path(__file__).with_name("rule_witnesses.json")

SHIPPED = (
    "pre-2018",
    "practice-2020",
    "npcc-2018",
    "met-2019",
    "hmicfrs-2020",
    "iemvp-2021",
    "iemvp-2023",
    "firewall",
    "firewall-consent",
)
PRACTICE = ("practice-2020",)

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NO_CONCERN = ("none", "unknown")
SOURCE_ID = re.compile(r"\b([SE]\d{1,2})\b")

# A routine case: a victim, nothing known about status, police safeguarding work.
BASE_CASE: dict[str, Any] = {
    "action": "pnc_check",
    "recipient": "none",
    "role": "victim",
    "offence": "other",
    "status_concern": "none",
    "status_source": "none",
    "purpose": "safeguarding",
    "stage": "investigation",
    "consent": "not_sought",
    "risk_to_others": False,
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
def header(name: str) -> str:
    lines = itertools.takewhile(lambda line: line.startswith("//"), policy_text(name).splitlines())
    return "\n".join(line.removeprefix("//").strip() for line in lines)


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


def annotation(name: str, rule_id: str, key: str) -> str:
    return str(rules(name)[rule_id]["annotations"].get(key, ""))


def request(case: dict[str, Any]) -> dict[str, Any]:
    context = {key: value for key, value in case.items() if key != "action"}
    return {
        "principal": 'Haven::Officer::"o"',
        "action": f'Haven::Action::"{case["action"]}"',
        "resource": 'Haven::Person::"p"',
        "context": context,
    }


def feasible(case: dict[str, Any]) -> bool:
    """docs/decision-space.md: a concern always has a source, and a source a concern."""
    return (case["status_concern"] in NO_CONCERN) == (case["status_source"] == "none")


def decide(
    name: str, case: dict[str, Any], *, require_feasible: bool = True
) -> tuple[str, set[str], set[str]]:
    """("allow"|"deny", determining rule ids, obligations) for one full case.

    Behaviour tests speak only of cases that can happen; the exhaustive comparisons pass
    `require_feasible=False`, because Cedar (and a translation of it) evaluates every
    combination and must agree on all of them.
    """
    assert set(case) == set(SPACE), f"a case needs exactly the keys {sorted(SPACE)}"
    assert feasible(case) or not require_feasible, f"not a feasible case: {case}"
    result = cedarpy.is_authorized(request(case), policy_set(name), entities(), schema())
    assert not list(result.diagnostics.errors), f"{name}: evaluation error at {case}"
    decision = "allow" if result.decision == cedarpy.Decision.Allow else "deny"
    reasons = set(result.diagnostics.reasons)
    obligations = set().union(*(obligations_of(name, r) for r in reasons)) if reasons else set()
    return decision, reasons, obligations


NOT_STATED = ("deny", set(), set())
"""What `decide` returns where no rule decides: the default deny, which is silence."""


def case(**overrides: Any) -> dict[str, Any]:
    """BASE_CASE with overrides; a concern without a source gets status_source officer."""
    unknown = set(overrides) - set(SPACE)
    assert not unknown, f"unknown attributes {unknown}"
    built = {**BASE_CASE, **overrides}
    if "status_source" not in overrides and built["status_concern"] not in NO_CONCERN:
        built["status_source"] = "officer"
    return built


def to_ie(**overrides: Any) -> dict[str, Any]:
    """A disclosure to Immigration Enforcement."""
    return case(action="disclose", recipient="immigration_enforcement", **overrides)


@functools.cache
def witnesses() -> dict[str, dict[str, dict[str, Any]]]:
    return json.loads(WITNESSES_FILE.read_text(encoding="utf-8"))


@functools.cache
def sources_ids() -> frozenset[str]:
    """The ids docs/sources.md defines, from its `<a id="…">` anchors."""
    text = SOURCES_FILE.read_text(encoding="utf-8")
    return frozenset(anchor.upper() for anchor in re.findall(r'<a id="([se]\d+)"></a>', text))


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
def test_policy_header_has_title_sources_judgement_calls_and_silences(name):
    lines = policy_text(name).splitlines()
    assert lines[0].startswith("// Title: ") and len(lines[0]) > len("// Title: ")
    text = header(name)
    sources_line = next(line for line in text.splitlines() if line.startswith("Sources:"))
    assert "docs/sources.md" in sources_line
    assert SOURCE_ID.findall(text), "the header names docs/sources.md ids"
    assert set(SOURCE_ID.findall(text)) <= sources_ids()
    assert "judgement calls" in text.lower(), "header must state judgement calls"
    assert re.search(r"do not say|are silent on", text), "header must say where sources are silent"


@pytest.mark.parametrize("name", SHIPPED)
def test_only_practice_2020_describes_practice(name):
    kind_lines = [line for line in header(name).splitlines() if line.lower().startswith("kind:")]
    if name in PRACTICE:
        assert kind_lines == ["Kind: practice as found"]
    else:
        assert kind_lines == []


@pytest.mark.parametrize("name", SHIPPED)
def test_rule_ids_are_unique(name):
    ids = [
        rule.get("annotations", {}).get("id")
        for rule in policy_json(name)["staticPolicies"].values()
    ]
    assert len(ids) == len(set(ids)) == len(rules(name))


@pytest.mark.parametrize(("name", "rule_id"), ALL_RULES)
def test_rule_is_annotated_and_cites_docs_sources_md(name, rule_id):
    annotations = rules(name)[rule_id]["annotations"]
    assert KEBAB.match(rule_id), f"@id {rule_id!r} is not kebab-case"
    assert set(annotations) <= {"id", "source", "summary", "obligation"}, annotations
    source = annotations.get("source", "")
    assert "docs/sources.md" in source, "@source must cite docs/sources.md"
    cited = set(SOURCE_ID.findall(source))
    assert cited, "@source must name a docs/sources.md id"
    assert cited <= sources_ids(), f"{cited - sources_ids()} not in docs/sources.md"
    for outside in ("seed", "POLICY-SOURCES"):
        assert outside not in source, f"@source points outside the repository: {outside}"
    summary = annotations.get("summary", "")
    assert summary.endswith(".") and summary.count(". ") == 0, "@summary: one sentence"
    assert obligations_of(name, rule_id) <= set(OBLIGATIONS)
    if "obligation" in annotations:
        assert obligations_of(name, rule_id), "an empty @obligation"


def _rule_body(rule: dict[str, Any]) -> str:
    body = {key: value for key, value in rule.items() if key != "annotations"}
    return json.dumps(body, sort_keys=True)


def test_one_rule_id_means_one_rule_in_every_policy():
    """A rule id shared by two policies has the same effect, scope, conditions,
    summary and obligations in both; only its citation may differ."""
    seen: dict[str, tuple[str, str, str, frozenset[str]]] = {}
    for name, rule_id in ALL_RULES:
        rule = rules(name)[rule_id]
        signature = (
            _rule_body(rule),
            annotation(name, rule_id, "summary"),
            name,
            frozenset(obligations_of(name, rule_id)),
        )
        if rule_id in seen:
            first = seen[rule_id]
            assert (signature[0], signature[1], signature[3]) == (first[0], first[1], first[3]), (
                f"{rule_id} differs between {first[2]} and {name}"
            )
        else:
            seen[rule_id] = signature


@pytest.mark.parametrize("name", SHIPPED)
def test_policy_uses_only_the_analysable_constructs(name):
    code = "\n".join(
        line for line in policy_text(name).splitlines() if not line.lstrip().startswith("@")
    )
    code = re.sub(r"//.*", "", code)
    for construct in (" like ", " has ", "+", "*", " - ", "<", ">", "unless", "if "):
        assert construct not in code, f"{name} uses {construct.strip()!r}"


def _code(name: str) -> str:
    return re.sub(r'//.*|@\w+\("[^"]*"\)', "", policy_text(name))


def test_every_attribute_of_the_space_is_read_by_some_shipped_rule():
    """Version 2 of the space keeps an attribute only if a shipped rule turns on it."""
    code = "\n".join(_code(name) for name in SHIPPED)
    for attribute in SPACE:
        if attribute == "action":
            assert "Haven::Action::" in code
        else:
            assert f"context.{attribute}" in code, attribute


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("role", "family_member"), ("recipient", "nrm"), ("status_source", "suspect")],
)
def test_the_values_version_2_added_are_named_by_some_shipped_rule(attribute, value):
    assert any(
        re.search(
            rf'context\.{attribute}\b[^;]*"{value}"|"{value}"[^;]*context\.{attribute}\b', code
        )
        for code in (_code(name) for name in SHIPPED)
    )


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
    assert feasible(witness), "a witness is a case that can happen"
    decision, reasons, _ = decide(name, witness)
    effect = rules(name)[rule_id]["effect"]
    assert rule_id in reasons, f"{rule_id} does not determine the decision at {witness}"
    assert decision == ("allow" if effect == "permit" else "deny")


def representative_space(name: str) -> dict[str, list[Any]]:
    """An exact reduction of the space for one policy.

    The analysable constructs only compare a string attribute with literals, so two
    values that appear in no rule of the policy are interchangeable: keep every value
    the policy names, plus one value it does not name. A boolean keeps both values
    when the policy names the attribute, one value when it does not. (Cedar evaluates
    every combination, possible or not, so the reduction need not be feasible.)
    """
    code = _code(name)
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
def test_compiled_table_equals_live_cedar_over_the_exact_reduction(name):
    """No rule errors anywhere, and haven.policy's compiled table gives Cedar's decision
    and Cedar's determining rules at every point of the exact reduction."""
    from haven.policy import compile_policy, load_policy
    from haven.policy.space import case_to_point

    compiled = compile_policy(load_policy(name), use_cache=False)
    space = representative_space(name)
    points = [
        dict(zip(space, values, strict=True)) for values in itertools.product(*space.values())
    ]
    results = cedarpy.is_authorized_batch(
        [request(point) for point in points], policy_set(name), entities(), schema()
    )
    for point, result in zip(points, results, strict=True):
        assert not list(result.diagnostics.errors), (point, result.diagnostics.errors)
        outcome = compiled.table.outcome_at(case_to_point(point))
        decision = "allow" if result.decision == cedarpy.Decision.Allow else "deny"
        assert (outcome.decision, set(outcome.rule_ids)) == (
            decision,
            set(result.diagnostics.reasons),
        ), point


# --- pre-2018: the written line before December 2018 (E3) --------------------------


def test_pre_2018_arrest_of_a_victim_needed_an_immediate_risk_e3_december_2017_line():
    """E3: the December 2017 NPCC line: no arrest on the basis of immigration status
    'unless there was an immediate risk of harm to a specific individual'."""
    arrest = case(action="immigration_arrest", status_concern="confirmed")
    decision, reasons, obligations = decide("pre-2018", arrest)
    assert decision == "deny"
    assert reasons == {"deny-immigration-arrest-of-victims-without-immediate-risk"}
    assert "treat_as_victim" in obligations
    assert decide("pre-2018", {**arrest, "risk_to_others": True})[0] == "allow"


def test_pre_2018_line_spoke_of_victims_so_witness_arrest_is_not_stated_e3():
    witness = case(action="immigration_arrest", role="witness", status_concern="confirmed")
    assert decide("pre-2018", witness) == NOT_STATED


def test_pre_2018_exchange_of_information_case_by_case_e3_npcc_lead_may_2018():
    """E3, Sawyer: 'Each case is considered very carefully but there will be instances
    where police need to exchange information with the Home Office'."""
    for role, concern in itertools.product(["victim", "witness"], ["doubt", "confirmed"]):
        for check in (
            to_ie(role=role, status_concern=concern),
            case(action="status_check", role=role, status_concern=concern),
        ):
            decision, _, obligations = decide("pre-2018", check)
            assert decision == "allow" and obligations == {"treat_as_victim"}
    assert decide("pre-2018", to_ie(status_concern="unknown")) == NOT_STATED


def test_pre_2018_arrest_rules_cite_the_guardian_14_may_2018_not_a_seed():
    """The December 2017 line reached Haven through E3 (the Guardian, 14 May 2018)."""
    for rule_id in rules("pre-2018"):
        if "arrest" in rule_id:
            assert "E3" in SOURCE_ID.findall(annotation("pre-2018", rule_id, "source"))


def test_pre_2018_states_nothing_about_pnc_checks_or_family_members():
    """No source says what the written line allowed for PNC checks: not stated."""
    assert decide("pre-2018", case(purpose="immigration_control")) == NOT_STATED
    assert decide("pre-2018", case()) == NOT_STATED
    assert decide("pre-2018", to_ie(role="family_member", status_concern="confirmed")) == NOT_STATED


def test_pre_2018_no_longer_describes_practice():
    """The solicitor's account (S4) is practice after December 2018: practice-2020."""
    for rule_id in rules("pre-2018"):
        assert "S4" not in SOURCE_ID.findall(annotation("pre-2018", rule_id, "source"))
    assert "pending the arrival of the UK Border Force" not in _code("pre-2018")


# --- practice-2020: practice as found --------------------------------------------


def test_practice_2020_only_describes_what_was_done():
    """Every rule is a permit citing a finding; nothing is promised about practice."""
    for rule_id, rule in rules("practice-2020").items():
        assert rule["effect"] == "permit", rule_id
        assert rule_id.startswith("found-")
        assert not obligations_of("practice-2020", rule_id)


def test_practice_2020_s4_solicitor_status_checked_and_held_victims_for_border_force():
    """S4: 'The police checks the status of the person and then holds them, pending the
    arrival of the UK Border Force'."""
    for role in ["victim", "victim_and_suspect", "suspect"]:
        check = case(action="status_check", role=role, status_concern="unknown")
        assert decide("practice-2020", check)[1] == {
            "found-status-checks-on-victims-and-arrested-people"
        }
        hold = case(action="immigration_arrest", role=role, status_concern="confirmed")
        assert decide("practice-2020", hold) == ("allow", {"found-holding-for-border-force"}, set())
    held_on_doubt = case(action="immigration_arrest", status_concern="doubt")
    assert decide("practice-2020", held_on_doubt) == NOT_STATED


def test_practice_2020_e4_recommendation_1_is_a_finding_of_sharing_domestic_abuse_victims_on_doubt():
    decision, reasons, _ = decide(
        "practice-2020", to_ie(offence="domestic_abuse", status_concern="doubt")
    )
    assert decision == "allow" and "found-sharing-of-domestic-abuse-victims-on-doubt" in reasons


def test_practice_2020_e14_enforcement_papers_served_on_referred_domestic_abuse_victims():
    enforcement = case(action="enforcement", offence="domestic_abuse", status_concern="suspected")
    assert decide("practice-2020", enforcement)[1] == {
        "found-enforcement-against-referred-domestic-abuse-victims"
    }
    assert decide("practice-2020", {**enforcement, "offence": "hate_crime"}) == NOT_STATED


def test_practice_2020_is_silent_where_no_source_reports_anything():
    silent = [
        to_ie(role="family_member", status_concern="confirmed"),
        case(action="disclose", recipient="safeguarding_partner"),
        case(action="disclose", recipient="nrm", offence="modern_slavery", consent="given"),
        case(action="immigration_arrest", role="witness", status_concern="confirmed"),
        case(action="pnc_check", role="witness"),
    ]
    for point in silent:
        assert decide("practice-2020", point) == NOT_STATED, point


# --- npcc-2018 -------------------------------------------------------------------


def test_npcc_2018_suspected_covers_doubts_no_evidential_threshold_e1():
    """E1 (quoted in S1): 'it becomes apparent that the victim is also suspected of being
    an illegal immigrant' sets no evidential threshold, so a doubt counts."""
    decision, reasons, obligations = decide("npcc-2018", to_ie(status_concern="doubt"))
    assert decision == "allow"
    assert reasons == {"allow-disclosure-of-victims-when-suspected"}
    assert obligations == {"treat_as_victim", "no_enforcement_action"}
    check = case(action="status_check", status_concern="doubt", purpose="investigation")
    assert decide("npcc-2018", check)[0] == "allow"


def test_npcc_2018_follows_the_text_not_the_headline_s1():
    """S1's headline says police 'will no longer share'; the quoted text says 'The police
    will share that information with immigration enforcement'. The policy follows the text
    and its header says so."""
    assert decide("npcc-2018", to_ie(status_concern="suspected"))[0] == "allow"
    text = " ".join(header("npcc-2018").split())
    assert "Police will no longer share immigration status of victims" in text
    assert "The police will share that information" in text


def test_npcc_2018_rev_april_2020_covers_witnesses_e2():
    """E2: 'Information sharing with the Home Office where a victim or witness of crime is
    a suspected immigration offender': every victim rule extends to witnesses."""
    witness = {"role": "witness"}
    decision, reasons, obligations = decide("npcc-2018", to_ie(status_concern="doubt", **witness))
    assert decision == "allow" and obligations == {"no_enforcement_action"}
    for action in ["pnc_check", "status_check"]:
        banned = case(
            action=action, purpose="immigration_control", status_concern="suspected", **witness
        )
        assert decide("npcc-2018", banned)[0] == "deny" and decide("npcc-2018", banned)[1]
    arrest = case(action="immigration_arrest", status_concern="confirmed", **witness)
    assert decide("npcc-2018", arrest)[1] == {"deny-immigration-arrest-of-victims-and-witnesses"}


def test_npcc_2018_never_checks_a_database_only_to_establish_status_e1():
    """E1: 'Police will never check a database only to establish a victim's immigration
    status' (release); a PNC check 'must not be carried out solely' for it (guidance)."""
    for action, role in itertools.product(
        ["pnc_check", "status_check"], ["victim", "victim_and_suspect"]
    ):
        point = case(
            action=action, role=role, status_concern="confirmed", purpose="immigration_control"
        )
        decision, reasons, _ = decide("npcc-2018", point)
        assert decision == "deny" and reasons


def test_npcc_2018_pnc_checks_for_police_purposes_remain_e1_release():
    for purpose in ["safeguarding", "investigation", "public_protection"]:
        assert decide("npcc-2018", case(purpose=purpose))[0] == "allow"


def test_npcc_2018_police_take_no_enforcement_action_but_ie_is_not_bound_e1():
    """E1: police 'not take any immigration enforcement action themselves'."""
    arrest = case(action="immigration_arrest", status_concern="confirmed", risk_to_others=True)
    assert decide("npcc-2018", arrest)[1] == {"deny-immigration-arrest-of-victims-and-witnesses"}
    enforcement = case(action="enforcement", status_concern="doubt", offence="domestic_abuse")
    assert decide("npcc-2018", enforcement)[1] == {"allow-enforcement-by-immigration-enforcement"}


def test_npcc_2018_is_silent_about_family_members_suspects_and_no_concern():
    for point in [
        to_ie(role="family_member", status_concern="confirmed"),
        case(action="immigration_arrest", role="suspect", status_concern="confirmed"),
        to_ie(status_concern="unknown"),
        case(action="disclose", recipient="safeguarding_partner"),
    ]:
        assert decide("npcc-2018", point) == NOT_STATED, point


def test_npcc_2018_named_nrm_referral_needs_consent_e11_s52():
    """E11: an adult's notification may identify them only 'if the person consents'."""
    referral = case(action="disclose", recipient="nrm", offence="modern_slavery", consent="given")
    assert decide("npcc-2018", referral)[1] == {"allow-nrm-referral-with-consent"}
    assert decide("npcc-2018", {**referral, "consent": "refused"}) == NOT_STATED


# --- met-2019 -------------------------------------------------------------------


def test_met_2019_shares_victims_and_witnesses_on_any_concern_at_any_stage_s5():
    """S5: where 'the victim/witness may be suspected ... contact immigration
    enforcement', 'whether at the initial report or subsequently'."""
    for role, concern, stage in itertools.product(
        ["victim", "witness", "victim_and_suspect"],
        ["doubt", "suspected", "confirmed"],
        SPACE["stage"],
    ):
        disclose = to_ie(
            role=role, status_concern=concern, stage=stage, purpose="immigration_control"
        )
        assert decide("met-2019", disclose)[0] == "allow"


def test_met_2019_drops_treat_as_victim_from_its_own_permits_s5():
    _, _, obligations = decide("met-2019", to_ie(status_concern="doubt"))
    assert obligations == set()


def test_met_2019_arrest_rule_comes_from_the_npcc_guidance_in_force_e1_not_s5():
    """S5 says nothing about arrest; the NPCC guidance of December 2018 (E1) was in force
    in August 2019 and spoke of victims."""
    arrest = case(action="immigration_arrest", status_concern="confirmed", risk_to_others=True)
    assert decide("met-2019", arrest)[1] == {"deny-immigration-arrest-of-victims"}
    source = annotation("met-2019", "deny-immigration-arrest-of-victims", "source")
    assert "E1" in SOURCE_ID.findall(source)
    witness_arrest = {**arrest, "role": "witness"}
    assert decide("met-2019", witness_arrest) == NOT_STATED


def test_met_2019_predates_the_april_2020_revision_so_witnesses_are_not_protected_e2():
    status_only = case(
        action="status_check", role="witness", status_concern="doubt", purpose="immigration_control"
    )
    assert (decide("npcc-2018", status_only)[0], decide("met-2019", status_only)[0]) == (
        "deny",
        "allow",
    )
    pnc = case(role="witness", purpose="immigration_control")
    assert decide("met-2019", pnc) == NOT_STATED


# --- hmicfrs-2020 ---------------------------------------------------------------


def test_hmicfrs_2020_r1_covers_status_checks_as_well_as_disclosure_e4():
    """E4, recommendation 1: 'immediately stop sharing information on domestic abuse
    victims with Immigration Enforcement'; a status check gives IE the victim's details."""
    for point, rule_id in [
        (
            to_ie(offence="domestic_abuse", status_concern="doubt"),
            "deny-sharing-domestic-abuse-victims-on-doubt",
        ),
        (
            case(action="status_check", offence="domestic_abuse", status_concern="doubt"),
            "deny-status-checks-on-domestic-abuse-victims-on-doubt",
        ),
    ]:
        decision, reasons, obligations = decide("hmicfrs-2020", point)
        assert decision == "deny" and rule_id in reasons
        assert "refer_to_support" in obligations


def test_hmicfrs_2020_r1_only_concerns_or_doubts_is_a_ceiling_e4():
    """E4: 'where officers only have concerns or doubts': none and unknown are no more."""
    for concern in ["none", "unknown", "doubt"]:
        point = to_ie(offence="domestic_abuse", status_concern=concern)
        assert decide("hmicfrs-2020", point)[1] == {"deny-sharing-domestic-abuse-victims-on-doubt"}


def test_hmicfrs_2020_r1_covers_a_victim_who_is_also_a_suspect_e4():
    """E4's words do not exclude a domestic-abuse victim suspected of an offence."""
    point = to_ie(role="victim_and_suspect", offence="domestic_abuse", status_concern="doubt")
    assert "deny-sharing-domestic-abuse-victims-on-doubt" in decide("hmicfrs-2020", point)[1]


def test_hmicfrs_2020_r1_names_domestic_abuse_only_e4():
    for offence in ["honour_based_abuse", "modern_slavery", "sexual_offence"]:
        point = to_ie(offence=offence, status_concern="doubt")
        assert decide("hmicfrs-2020", point)[0] == "allow"
    witness = to_ie(role="witness", offence="domestic_abuse", status_concern="doubt")
    assert decide("hmicfrs-2020", witness)[0] == "allow"


def test_hmicfrs_2020_changes_stated_decisions_against_npcc_2018_e4():
    """With 'suspected' read as E1 words it, R1 is a real change, not only a new reason."""
    point = to_ie(offence="domestic_abuse", status_concern="doubt")
    npcc, hmicfrs = decide("npcc-2018", point), decide("hmicfrs-2020", point)
    assert npcc[0] == "allow" and npcc[1]
    assert hmicfrs[0] == "deny" and hmicfrs[1]


def test_hmicfrs_2020_still_shares_domestic_abuse_victims_when_suspected():
    point = to_ie(offence="domestic_abuse", status_concern="suspected")
    assert decide("hmicfrs-2020", point)[0] == "allow"


# --- iemvp-2021 and iemvp-2023 --------------------------------------------------


def enforcement(**overrides: Any) -> dict[str, Any]:
    return case(action="enforcement", status_concern="confirmed", **overrides)


def test_iemvp_2021_pause_needs_both_proceedings_and_support_e5():
    """E5: 'while investigation and prosecution proceedings are ongoing, and the victim is
    receiving support and advice to make an application to regularise their stay'."""
    rule = "deny-enforcement-during-proceedings-with-regularisation-support"
    for stage in ["investigation", "prosecution"]:
        assert decide("iemvp-2021", enforcement(stage=stage, regularisation_support=True))[1] == {
            rule
        }
    for overrides in [
        {"stage": "investigation"},
        {"stage": "report", "regularisation_support": True},
        {"stage": "concluded", "regularisation_support": True},
    ]:
        assert decide("iemvp-2021", enforcement(**overrides))[0] == "allow", overrides


def test_iemvp_2023_adds_a_domestic_abuse_rule_on_either_condition_e6():
    """E6: 'whilst criminal justice proceedings concerning allegations of domestic
    violence are ongoing and/or whilst support ... is being sought'."""
    rule = "deny-enforcement-against-domestic-abuse-victims-during-proceedings-or-support"
    da = {"offence": "domestic_abuse"}
    assert rule in decide("iemvp-2023", enforcement(stage="prosecution", **da))[1]
    assert (
        rule
        in decide("iemvp-2023", enforcement(stage="report", regularisation_support=True, **da))[1]
    )
    assert decide("iemvp-2023", enforcement(stage="concluded", **da))[0] == "allow"


def test_iemvp_2023_keeps_the_2021_pause_for_other_victims_e6():
    """E6 answered a question about domestic abuse and withdrew nothing."""
    other = enforcement(offence="violent_crime", stage="investigation", regularisation_support=True)
    assert decide("iemvp-2021", other)[0] == decide("iemvp-2023", other)[0] == "deny"
    assert set(rules("iemvp-2021")) < set(rules("iemvp-2023"))


def test_iemvp_policies_do_not_carry_hmicfrs_recommendation_1_e5():
    point = to_ie(offence="domestic_abuse", status_concern="doubt")
    for name in ["iemvp-2021", "iemvp-2023"]:
        assert decide(name, point)[0] == "allow"


def test_iemvp_texts_say_what_the_home_office_says_e6():
    """The protocol was 'being established' in July 2023 (E6)."""
    for name, rule_id in [
        ("iemvp-2021", "deny-enforcement-during-proceedings-with-regularisation-support"),
        (
            "iemvp-2023",
            "deny-enforcement-against-domestic-abuse-victims-during-proceedings-or-support",
        ),
    ]:
        assert "the Home Office says" in annotation(name, rule_id, "summary").replace(
            "The Home", "the Home"
        )


# --- firewall and firewall-consent ----------------------------------------------


REPORTERS = ["victim", "witness", "victim_and_suspect", "family_member"]


@pytest.mark.parametrize("name", ["firewall", "firewall-consent"])
def test_firewall_denies_everything_that_reaches_ie_for_reporters_and_family_e7(name):
    """E7: no sharing 'for purposes of immigration control and enforcement'; S3: 'they or
    their loved ones'. Consent given aside (firewall-consent), every point is denied by a
    rule."""
    for role, concern, consent in itertools.product(
        REPORTERS, ["doubt", "confirmed"], ["refused", "not_sought"]
    ):
        for point in [
            to_ie(role=role, status_concern=concern, consent=consent),
            case(action="status_check", role=role, status_concern=concern, consent=consent),
            case(
                action="immigration_arrest",
                role=role,
                status_concern=concern,
                consent=consent,
                risk_to_others=True,
            ),
            case(action="enforcement", role=role, status_concern=concern, consent=consent),
            case(role=role, status_concern=concern, consent=consent, purpose="immigration_control"),
        ]:
            decision, reasons, _ = decide(name, point)
            assert decision == "deny" and reasons, point


def test_firewall_denies_disclosure_to_ie_even_with_consent():
    for consent, purpose in itertools.product(SPACE["consent"], SPACE["purpose"]):
        point = to_ie(status_concern="confirmed", consent=consent, purpose=purpose)
        assert decide("firewall", point)[0] == "deny"


def test_firewall_keeps_police_work_that_does_not_reach_ie():
    assert (
        decide("firewall", case(purpose="investigation", status_concern="confirmed"))[0] == "allow"
    )
    for recipient in ["safeguarding_partner", "support_service"]:
        share = case(
            action="disclose", recipient=recipient, role="family_member", status_concern="confirmed"
        )
        assert decide("firewall", share)[0] == "allow"
    referral = case(action="disclose", recipient="nrm", offence="modern_slavery", consent="given")
    assert decide("firewall", referral)[1] == {"allow-nrm-referral-with-consent"}


@pytest.mark.parametrize("name", ["firewall", "firewall-consent"])
def test_firewall_says_nothing_about_suspects(name):
    for action in ["status_check", "immigration_arrest", "enforcement"]:
        point = case(action=action, role="suspect", status_concern="confirmed")
        assert decide(name, point) == NOT_STATED


@pytest.mark.parametrize("name", ["firewall", "firewall-consent"])
def test_firewall_8_usc_1367_nothing_done_on_the_word_of_the_person_reported_e10(name):
    """E10, adapted: no adverse action 'using information furnished solely by' the abuser."""
    word = {"status_source": "suspect", "status_concern": "suspected"}
    expected = {
        "status_check": "deny-status-check-on-the-word-of-the-person-reported",
        "disclose": "deny-passing-on-the-word-of-the-person-reported",
        "immigration_arrest": "deny-immigration-action-on-the-word-of-the-person-reported",
        "enforcement": "deny-immigration-action-on-the-word-of-the-person-reported",
    }
    for action, rule_id in expected.items():
        recipient = "immigration_enforcement" if action == "disclose" else "none"
        point = case(action=action, recipient=recipient, offence="domestic_abuse", **word)
        assert rule_id in decide(name, point)[1]
        confirmed = {**point, "status_concern": "confirmed"}
        assert rule_id not in decide(name, confirmed)[1], "confirmed is more than their word"


def test_firewall_consent_amendment_96_consent_route_for_four_offence_groups_e9():
    """E9: not 'without the consent of that person', for domestic abuse, harassment and
    stalking, slavery and trafficking, and sexual offences."""
    four = ["domestic_abuse", "stalking_harassment", "modern_slavery", "sexual_offence"]
    for offence in SPACE["offence"]:
        point = to_ie(
            offence=offence,
            consent="given",
            status_concern="confirmed",
            purpose="regularisation_support",
        )
        decision, reasons, obligations = decide("firewall-consent", point)
        if offence in four:
            assert (decision, reasons, obligations) == (
                "allow",
                {"allow-disclosure-with-consent"},
                {"notify_subject"},
            )
        else:
            assert decision == "deny" and reasons, offence


def test_firewall_consent_honour_based_abuse_is_not_named_by_amendment_96_e9():
    point = to_ie(offence="honour_based_abuse", consent="given", status_concern="confirmed")
    assert decide("firewall-consent", point)[1] == {
        "deny-disclosure-to-immigration-enforcement-outside-the-consent-amendment"
    }


def test_firewall_consent_allows_a_status_check_for_regularisation_support_with_consent_e9():
    point = case(
        action="status_check",
        offence="sexual_offence",
        consent="given",
        status_concern="suspected",
        purpose="regularisation_support",
    )
    assert decide("firewall-consent", point) == (
        "allow",
        {"allow-status-check-with-consent"},
        {"notify_subject"},
    )
    status_only = {**point, "purpose": "immigration_control"}
    assert decide("firewall-consent", status_only)[1] == {
        "deny-status-check-solely-for-immigration-control"
    }


def test_firewall_consent_family_members_cannot_be_shared_even_with_consent_e9():
    point = to_ie(
        role="family_member", offence="domestic_abuse", consent="given", status_concern="confirmed"
    )
    assert decide("firewall-consent", point)[0] == "deny"


def test_firewall_consent_consent_unlocks_status_checks_and_disclosure_only():
    given = {"consent": "given", "status_concern": "confirmed", "offence": "domestic_abuse"}
    assert decide("firewall-consent", case(action="immigration_arrest", **given))[0] == "deny"
    assert decide("firewall-consent", case(action="enforcement", **given))[0] == "deny"
    assert decide("firewall-consent", case(purpose="immigration_control", **given))[0] == "deny"


def test_firewall_consent_1367_does_not_block_what_the_person_agreed_to_e10():
    """A status check or disclosure the person consented to is not adverse action."""
    point = to_ie(
        offence="domestic_abuse",
        consent="given",
        status_concern="doubt",
        status_source="suspect",
        purpose="regularisation_support",
    )
    assert decide("firewall-consent", point)[0] == "allow"
    arrest = case(
        action="immigration_arrest",
        consent="given",
        status_concern="doubt",
        status_source="suspect",
    )
    assert (
        "deny-immigration-action-on-the-word-of-the-person-reported"
        in decide("firewall-consent", arrest)[1]
    )
