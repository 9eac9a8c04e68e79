"""The ledger is a pure library: importing it never imports Django."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_ledger_does_not_import_django() -> None:
    code = (
        "import sys, haven.ledger, haven.ledger.audit, haven.ledger.export;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django');"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
