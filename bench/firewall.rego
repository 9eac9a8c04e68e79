# Title: Firewall (Rego translation of src/haven/policies/firewall.cedar)
#
# A rule-for-rule translation of Haven's `firewall` Cedar policy, for benchmarking a
# peer engine (OPA's Rego, via regopy / rego-cpp) against the same decisions. The
# Cedar file is the reference: its header carries the sources and judgement calls.
#
# Input: one case of DESIGN.md §3, an object with the eleven attributes
#   action, recipient, role, offence, status_concern, purpose, stage, consent,
#   risk_to_others, risk_to_life, regularisation_support.
# Output:
#   allow    true only when some permit matches and no forbid matches (Cedar:
#            default deny, forbid overrides permit);
#   decision "allow" or "deny", the same answer as a string (bench/policy_decide.py
#            queries it);
#   reasons  the ids of the determining rules, as Cedar's diagnostics.reasons:
#            the matching forbids when any matches, else the matching permits
#            (empty under the default deny). Rule ids are the Cedar @id values.
# Rego has no rule annotations in results, so each rule id is a set member.
# Keep it in step with firewall.cedar: bench/policy_decide.py checks that both agree.
package haven.firewall

import rego.v1

default allow := false

suspect_roles := {"suspect", "victim_and_suspect"}

protected_roles := {"victim", "witness", "victim_and_suspect"}

suspected_or_confirmed := {"suspected", "confirmed"}

# --- permits: routine police work --------------------------------------------------

permits contains "allow-pnc-check-for-police-purposes" if {
	input.action == "pnc_check"
	input.purpose in {"safeguarding", "investigation", "public_protection"}
}

permits contains "allow-immigration-checks-on-suspects" if {
	input.action in {"pnc_check", "status_check"}
	input.role in suspect_roles
	input.purpose in {"immigration_control", "investigation", "public_protection"}
}

permits contains "allow-sharing-with-safeguarding-partners" if {
	input.action == "disclose"
	input.recipient == "safeguarding_partner"
	input.purpose in {"safeguarding", "public_protection"}
}

permits contains "allow-sharing-with-support-services" if {
	input.action == "disclose"
	input.recipient == "support_service"
	input.purpose in {"safeguarding", "regularisation_support"}
}

permits contains "allow-sharing-with-police" if {
	input.action == "disclose"
	input.recipient == "police"
	input.purpose in {"safeguarding", "investigation", "public_protection"}
}

permits contains "allow-disclosure-of-suspects-to-immigration-enforcement" if {
	input.action == "disclose"
	input.recipient == "immigration_enforcement"
	input.role in suspect_roles
	input.status_concern in suspected_or_confirmed
	input.purpose in {"immigration_control", "investigation", "public_protection"}
}

permits contains "allow-immigration-arrest-of-suspects" if {
	input.action == "immigration_arrest"
	input.role in suspect_roles
	input.status_concern in suspected_or_confirmed
}

permits contains "allow-enforcement-where-status-suspected-or-confirmed" if {
	input.action == "enforcement"
	input.status_concern in suspected_or_confirmed
}

# --- forbids: the firewall ---------------------------------------------------------

forbids contains "deny-status-checks-on-victims-and-witnesses" if {
	input.action == "status_check"
	input.role in protected_roles
}

forbids contains "deny-disclosure-to-immigration-enforcement" if {
	input.action == "disclose"
	input.recipient == "immigration_enforcement"
	input.role in protected_roles
}

forbids contains "deny-pnc-check-for-immigration-control" if {
	input.action == "pnc_check"
	input.role in protected_roles
	input.purpose == "immigration_control"
}

forbids contains "deny-immigration-arrest-of-victims-and-witnesses" if {
	input.action == "immigration_arrest"
	input.role in protected_roles
}

forbids contains "deny-enforcement-against-victims-and-witnesses" if {
	input.action == "enforcement"
	input.role in protected_roles
}

# --- the decision ------------------------------------------------------------------

allow if {
	count(permits) > 0
	count(forbids) == 0
}

decision := "allow" if allow else := "deny"

reasons := forbids if {
	count(forbids) > 0
} else := permits
