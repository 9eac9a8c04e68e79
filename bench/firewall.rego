# Title: Firewall (Rego translation of src/haven/policies/firewall.cedar)
#
# A rule-for-rule translation of Haven's `firewall` Cedar policy, for benchmarking a
# peer engine (OPA's Rego, via regopy / rego-cpp) against the same decisions. The
# Cedar file is the reference: its header carries the sources and judgement calls.
#
# Input: one case of docs/decision-space.md (version 2), an object with the eleven
#   attributes action, recipient, role, offence, status_concern, status_source, purpose,
#   stage, consent, risk_to_others, regularisation_support.
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

reporter_roles := {"victim", "witness", "victim_and_suspect", "family_member"}

victim_and_witness_roles := {"victim", "witness", "victim_and_suspect"}

victim_roles := {"victim", "victim_and_suspect"}

# A concern raised only by the person reported, and no more than a suspicion.
on_their_word if {
	input.role in reporter_roles
	input.status_source == "suspect"
	input.status_concern in {"doubt", "suspected"}
}

# --- permits: police work that does not reach Immigration Enforcement ----------------

permits contains "allow-pnc-check-for-police-purposes" if {
	input.action == "pnc_check"
	input.role in victim_and_witness_roles
	input.purpose in {"safeguarding", "investigation", "public_protection"}
}

permits contains "allow-sharing-with-support-services" if {
	input.action == "disclose"
	input.recipient == "support_service"
	input.role in reporter_roles
	input.purpose in {"safeguarding", "regularisation_support"}
}

permits contains "allow-sharing-with-safeguarding-partners" if {
	input.action == "disclose"
	input.recipient == "safeguarding_partner"
	input.role in reporter_roles
	input.purpose == "safeguarding"
}

permits contains "allow-nrm-referral-with-consent" if {
	input.action == "disclose"
	input.recipient == "nrm"
	input.role in victim_roles
	input.offence == "modern_slavery"
	input.consent == "given"
}

# --- forbids: the firewall ---------------------------------------------------------

forbids contains "deny-status-checks-on-victims-witnesses-and-family" if {
	input.action == "status_check"
	input.role in reporter_roles
}

forbids contains "deny-disclosure-of-victims-witnesses-and-family-to-immigration-enforcement" if {
	input.action == "disclose"
	input.recipient == "immigration_enforcement"
	input.role in reporter_roles
}

forbids contains "deny-pnc-check-for-immigration-control-of-victims-witnesses-and-family" if {
	input.action == "pnc_check"
	input.role in reporter_roles
	input.purpose == "immigration_control"
}

forbids contains "deny-immigration-arrest-of-victims-witnesses-and-family" if {
	input.action == "immigration_arrest"
	input.role in reporter_roles
}

forbids contains "deny-enforcement-against-victims-witnesses-and-family" if {
	input.action == "enforcement"
	input.role in reporter_roles
}

# --- forbids: 8 U.S.C. § 1367, adapted (nothing on the reported person's word alone) --

forbids contains "deny-status-check-on-the-word-of-the-person-reported" if {
	input.action == "status_check"
	on_their_word
	input.consent != "given"
}

forbids contains "deny-passing-on-the-word-of-the-person-reported" if {
	input.action == "disclose"
	input.recipient == "immigration_enforcement"
	on_their_word
	input.consent != "given"
}

forbids contains "deny-immigration-action-on-the-word-of-the-person-reported" if {
	input.action in {"immigration_arrest", "enforcement"}
	on_their_word
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
