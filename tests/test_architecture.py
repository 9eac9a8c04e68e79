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


def test_only_the_gateway_opens_the_sealed_compartment():
    """`open_sealed_field` is the one door to the sealed compartment; only `sharing` may use it.

    The gateway does not exist yet, so today nothing outside `haven.web.sealing` (which
    defines it) mentions it at all.
    """
    users = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "open_sealed_field" in path.read_text()
        and path.relative_to(SRC).parts[:2] != ("web", "sharing")
        and path.relative_to(SRC) != Path("web/sealing.py")
    )
    assert users == []


def test_sealed_notes_refuse_the_ordinary_way_of_opening(db):
    import pytest as _pytest

    from haven.web.reporting.models import SealedNote
    from haven.web.sealing import SealedCompartmentError

    note = SealedNote()
    note.seal_text("note", "overstayed")
    with _pytest.raises(SealedCompartmentError):
        note.unseal_text("note")
