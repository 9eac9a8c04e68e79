"""Every transparency-dev/merkle proof vector in ``shared/testdata/merkle/`` gives ``wantErr``."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from haven.ledger.errors import InvalidConsistencyProofError, InvalidInclusionProofError
from haven.ledger.proofs import verify_consistency, verify_inclusion

# tests/ledger/test_vectors.py -> parents[2] is the repo root; `shared` is its sibling.
VECTORS = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "merkle"


def _cases(kind: str) -> list[Any]:
    root = VECTORS / kind
    if not root.is_dir():
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(reason=f"proof vectors not found at {root.resolve()}"),
                id=f"{kind}-missing",
            )
        ]
    return [
        pytest.param(path, id=str(path.relative_to(root))) for path in sorted(root.rglob("*.json"))
    ]


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(values: list[str] | None) -> list[bytes]:
    return [_b64(v) for v in values or []]


def test_the_vector_directory_has_every_case() -> None:
    if not VECTORS.is_dir():
        pytest.skip(f"proof vectors not found at {VECTORS.resolve()}")
    assert len(list((VECTORS / "inclusion").rglob("*.json"))) == 98
    assert len(list((VECTORS / "consistency").rglob("*.json"))) == 98


@pytest.mark.parametrize("path", _cases("inclusion"))
def test_inclusion_vector_gives_want_err(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        _b64(case["leafHash"]),
        case["leafIdx"],
        case["treeSize"],
        _proof(case["proof"]),
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(InvalidInclusionProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _cases("consistency"))
def test_consistency_vector_gives_want_err(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        case["size1"],
        case["size2"],
        _proof(case["proof"]),
        _b64(case["root1"]),
        _b64(case["root2"]),
    )
    if case["wantErr"]:
        with pytest.raises(InvalidConsistencyProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)
