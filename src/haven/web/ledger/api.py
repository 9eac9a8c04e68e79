"""The ledger's JSON API: inclusion and consistency proofs (the docs/contracts.md shapes).

Public: anyone may verify the log. Errors are HTTP 400 with `{"detail": …}` naming the
query parameter at fault (`index`, `size`, `from`, `to`), never a command-line flag.
Like the tiles, proofs reach no further than the latest published checkpoint: nothing
public reveals entries not yet published.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from haven.web.api.schemas import Error
from haven.web.ledger.selectors import (
    LedgerRangeError,
    consistency_proof_document,
    inclusion_proof_document,
)

router = Router(tags=["ledger"])


class InclusionProof(Schema):
    index: int
    size: int
    proof: list[str] = Field(description="Base64 node hashes, leaf to root (RFC 9162).")


class ConsistencyProof(Schema):
    from_: int = Field(alias="from")
    to: int
    old_root: str
    new_root: str
    proof: list[str] = Field(description="Base64 node hashes (RFC 9162).")


@router.get(
    "/proof/inclusion",
    summary="Inclusion proof of one entry",
    response={200: InclusionProof, 400: Error},
)
def inclusion(request: HttpRequest, index: int, size: int | None = None):
    """Without `size`, the proof is against the latest published checkpoint; `size` may not
    exceed it."""
    try:
        return inclusion_proof_document(index=index, size=size, published_only=True)
    except LedgerRangeError as error:
        raise HttpError(400, error.message()) from None


@router.get(
    "/proof/consistency",
    summary="Consistency proof between two tree sizes",
    response={200: ConsistencyProof, 400: Error},
    by_alias=True,
)
def consistency(
    request: HttpRequest,
    old_size: int = Query(..., alias="from"),
    new_size: int | None = Query(None, alias="to"),
):
    """Without `to`, the proof is against the latest published checkpoint; `to` may not
    exceed it."""
    try:
        return consistency_proof_document(old_size=old_size, new_size=new_size, published_only=True)
    except LedgerRangeError as error:
        raise HttpError(400, error.message()) from None
