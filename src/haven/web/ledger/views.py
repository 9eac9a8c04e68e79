"""Public, read-only HTTP for mirrors and verifiers: the C2SP tlog-tiles layout.

`/transparency/log/checkpoint` and `/transparency/log/tile/…` follow the tlog-tiles
static layout, so a standard client can follow the log without touching the
database. Full tiles never change, so they are served as immutable.

Everything here stops at the latest published checkpoint: a tile or entry bundle that
reaches past it is a 404, as if it did not exist, however many entries the database
holds by now (docs/ledger.md: the public log must not say when entries arrive).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from haven.ledger.errors import InvalidTileError
from haven.ledger.tiles import TILE_WIDTH, parse_tile_path
from haven.web.ledger.selectors import (
    LedgerRangeError,
    checkpoint_latest,
    entry_bundle_for,
    ledger_vkey,
    published_size,
    tile_hashes_for,
)

_IMMUTABLE = "public, max-age=31536000, immutable"


@require_safe
def log_view(request: HttpRequest) -> HttpResponse:
    """What the public log is, its latest checkpoint and how to check it yourself."""
    return render(request, "ledger/log.html", {"checkpoint": checkpoint_latest()})


@require_safe
def checkpoint_view(request: HttpRequest) -> HttpResponse:
    latest = checkpoint_latest()
    if latest is None:
        raise Http404
    response = HttpResponse(latest.note, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def vkey_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ledger_vkey() + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def tile_view(request: HttpRequest, path: str) -> HttpResponse:
    try:
        tile, is_entries = parse_tile_path(f"tile/{path}")
        size = published_size()
        data = (
            entry_bundle_for(index=tile.index, width=tile.width, size=size)
            if is_entries
            else tile_hashes_for(tile=tile, size=size)
        )
    except (InvalidTileError, ValueError, LedgerRangeError):
        raise Http404 from None
    response = HttpResponse(data, content_type="application/octet-stream")
    if tile.width == TILE_WIDTH:
        response["Cache-Control"] = _IMMUTABLE
    return response
