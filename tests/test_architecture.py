"""Rules between the parts of Haven (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "haven"
PURE_LIBRARIES = ["policy", "ledger", "privacy"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("library", PURE_LIBRARIES)
def test_pure_library_never_imports_django_or_the_site(library):
    offenders = {
        str(path.relative_to(SRC)): sorted(
            name
            for name in _imports(path)
            if name.split(".")[0] == "django" or name.startswith("haven.web")
        )
        for path in (SRC / library).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
