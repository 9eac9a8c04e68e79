"""docs/contracts.md lists every ledger event kind that src/haven/ledger/kinds.py declares."""

from __future__ import annotations

import re
from pathlib import Path

from haven.ledger.kinds import KINDS

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"


def test_the_contract_lists_exactly_the_declared_kinds():
    text = " ".join(CONTRACTS.read_text(encoding="utf-8").split())
    listed = re.search(r"today they are (.+?) and the system kinds above", text)
    assert listed, "docs/contracts.md no longer lists the kinds in the expected sentence"
    system = re.search(r"An event about the system\*\* \((.+?)\)", text)
    assert system
    documented = set(re.findall(r"`([a-z_]+)`", listed.group(1) + system.group(1)))
    assert documented == set(KINDS)
