# A faithful Rego translation of src/haven/policies/firewall.cedar, for
# bench/policy_decide.py only: each Cedar rule is one Rego rule that adds its @id to
# `permits` or `forbids`, and `decision`/`reasons` follow Cedar's combination (any
# matching forbid denies; else any matching permit allows; else deny by default).
# Rego has no rule metadata, so reasons are ordinary rules (see LIBRARY-NOTES.md).
#
# Input: one case as JSON (DESIGN.md §3), e.g. {"action": "disclose", ...}.
# Keep it in step with firewall.cedar: the benchmark checks that both agree.
package haven.firewall

import rego.v1

victims_and_witnesses := {"victim", "witness", "victim_and_suspect"}

suspects := {"suspect", "victim_and_suspect"}

status_grounds := {"suspected", "confirmed"}

permits contains "allow-pnc-check-for-police-purposes" if {
	input.action == "pnc_check"
	input.purpose in {"safeguarding", "investigation", "public_protection"}
}

permits contains "allow-immigration-checks-on-suspects" if {
	input.action in {"pnc_check", "status_check"}
	input.role in suspects
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
	input.role in suspects
	input.status_concern in status_grounds
	input.purpose in {"immigration_control", "investigation", "public_protection"}
}

permits contains "allow-immigration-arrest-of-suspects" if {
	input.action == "immigration_arrest"
	input.role in suspects
	input.status_concern in status_grounds
}

permits contains "allow-enforcement-where-status-suspected-or-confirmed" if {
	input.action == "enforcement"
	input.status_concern in status_grounds
}

forbids contains "deny-status-checks-on-victims-and-witnesses" if {
	input.action == "status_check"
	input.role in victims_and_witnesses
}

forbids contains "deny-disclosure-to-immigration-enforcement" if {
	input.action == "disclose"
	input.recipient == "immigration_enforcement"
	input.role in victims_and_witnesses
}

forbids contains "deny-pnc-check-for-immigration-control" if {
	input.action == "pnc_check"
	input.role in victims_and_witnesses
	input.purpose == "immigration_control"
}

forbids contains "deny-immigration-arrest-of-victims-and-witnesses" if {
	input.action == "immigration_arrest"
	input.role in victims_and_witnesses
}

forbids contains "deny-enforcement-against-victims-and-witnesses" if {
	input.action == "enforcement"
	input.role in victims_and_witnesses
}

decision := "deny" if {
	count(forbids) > 0
} else := "allow" if {
	count(permits) > 0
} else := "deny"

reasons := forbids if {
	count(forbids) > 0
} else := permits
