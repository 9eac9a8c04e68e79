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


def _mentioning(*words: str) -> list[str]:
    """Source files (relative to src/haven) that mention any of `words`."""
    return sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(word in path.read_text() for word in words)
    )


def _outside_the_gateway(paths: list[str]) -> list[str]:
    return [path for path in paths if not path.startswith("web/sharing/")]


def test_only_the_gateway_opens_the_sealed_compartment():
    """`open_sealed_field` is the one door to the sealed compartment; only `sharing` may
    use it (`haven.web.sealing` defines it), and inside `sharing` only its services,
    where each opening is ledgered: no view, selector or template tag opens it."""
    users = _mentioning("open_sealed_field")
    assert _outside_the_gateway(users) == ["web/sealing.py"]
    assert [path for path in users if path.startswith("web/sharing/")] == [
        "web/sharing/services.py"
    ]


def test_only_the_gateway_builds_an_outbound_package():
    """Outbound packages (what may leave Haven, `sharing.packages`; building and rendering
    them, `sharing.services` and `sharing.documents`; weasyprint) are the gateway's alone."""
    builders = _mentioning(
        "package_build",
        "package_download",
        "package_fields",
        "package_pdf",
        "package_html",
        "sharing.packages",
        "sharing.documents",
        "weasyprint",
    )
    assert "web/sharing/services.py" in builders  # the check looks where packages are built
    assert _outside_the_gateway(builders) == []


def test_sealed_notes_refuse_the_ordinary_way_of_opening(db):
    import pytest as _pytest

    from haven.web.reporting.models import SealedNote
    from haven.web.sealing import SealedCompartmentError

    note = SealedNote()
    note.seal_text("note", "overstayed")
    with _pytest.raises(SealedCompartmentError):
        note.unseal_text("note")
