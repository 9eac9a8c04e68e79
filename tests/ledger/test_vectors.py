"""Every transparency-dev/merkle proof vector in ``tests/ledger/vectors/merkle/`` gives ``wantErr``.

The vectors are part of the repository (see ``vectors/merkle/README.md``); a missing or
incomplete directory fails these tests rather than skipping them.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from haven.ledger.errors import InvalidConsistencyProofError, InvalidInclusionProofError
from haven.ledger.proofs import verify_consistency, verify_inclusion

VECTORS = Path(__file__).resolve().parent / "vectors" / "merkle"


def _cases(kind: str) -> list[Any]:
    """One parameter per vector file; a missing directory yields one case that fails."""
    root = VECTORS / kind
    paths = sorted(root.rglob("*.json")) if root.is_dir() else []
    if not paths:
        return [pytest.param(root, id=f"{kind}-missing")]
    return [pytest.param(path, id=str(path.relative_to(root))) for path in paths]


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.fail(f"Merkle proof vectors are missing: no JSON files under {path}")
    case: dict[str, Any] = json.loads(path.read_text())
    return case


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(values: list[str] | None) -> list[bytes]:
    return [_b64(v) for v in values or []]


def test_the_vector_directory_has_every_case(merkle_vectors: Path) -> None:
    assert merkle_vectors == VECTORS
    assert (VECTORS / "LICENSE").is_file()
    assert len(list((VECTORS / "inclusion").rglob("*.json"))) == 98
    assert len(list((VECTORS / "consistency").rglob("*.json"))) == 98


@pytest.mark.parametrize("path", _cases("inclusion"))
def test_inclusion_vector_gives_want_err(path: Path) -> None:
    case = _load(path)
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
    case = _load(path)
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
