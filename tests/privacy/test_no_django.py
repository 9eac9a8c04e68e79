"""The privacy library is pure: importing it never imports Django or the site."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_privacy_library_does_not_import_django() -> None:
    code = (
        "import sys, haven.privacy;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'"
        " or m.startswith('haven.web'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
