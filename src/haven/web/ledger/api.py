"""The ledger's JSON API: inclusion and consistency proofs (DESIGN.md §6 shapes)."""

from __future__ import annotations

import base64

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from haven.web.ledger.selectors import LedgerRangeError, consistency_proof_for, inclusion_proof_for

router = Router(tags=["ledger"])


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@router.get("/proof/inclusion", summary="Inclusion proof of one entry")
def inclusion(request: HttpRequest, index: int, size: int | None = None) -> dict:
    """Without `size`, the proof is against the latest signed checkpoint."""
    try:
        size, proof = inclusion_proof_for(index=index, size=size)
    except LedgerRangeError as error:
        raise HttpError(400, str(error)) from None
    return {"index": index, "size": size, "proof": [_b64(node) for node in proof]}


@router.get("/proof/consistency", summary="Consistency proof between two tree sizes")
def consistency(
    request: HttpRequest,
    old_size: int = Query(..., alias="from"),
    new_size: int | None = Query(None, alias="to"),
) -> dict:
    """Without `to`, the proof is against the latest signed checkpoint."""
    try:
        result = consistency_proof_for(old_size=old_size, new_size=new_size)
    except LedgerRangeError as error:
        raise HttpError(400, str(error)) from None
    return {
        "from": result["from"],
        "to": result["to"],
        "old_root": _b64(result["old_root"]),
        "new_root": _b64(result["new_root"]),
        "proof": [_b64(node) for node in result["proof"]],
    }
