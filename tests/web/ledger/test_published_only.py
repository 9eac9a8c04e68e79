"""Nothing public reaches past the latest published checkpoint.

Entries arrive one at a time; checkpoints are published on a schedule. If tiles, entry
bundles or proofs followed the live size, anyone polling them would learn when each
report was made. So the public endpoints serve exactly what the latest published
checkpoint covers (and older partial tiles, which hold nothing newer).
"""

from __future__ import annotations

import pytest
from django.db import transaction

from haven.ledger.checkpoint import open_checkpoint
from haven.ledger.kinds import SignedIn
from haven.ledger.note import parse_vkey
from haven.web.ledger.selectors import ledger_size
from haven.web.ledger.services import checkpoint_sign, ledger_record_many


def _record(count: int) -> None:
    with transaction.atomic():
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(count)])


@pytest.fixture
def published_250_live_260(db):
    """A checkpoint at 250 entries, then 10 more that no checkpoint covers yet."""
    _record(250)
    checkpoint_sign()
    _record(10)
    assert ledger_size() == 260


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("tile/0/000.p/250", 200),
        ("tile/0/000.p/100", 200),  # an older partial tile: nothing newer in it
        ("tile/entries/000.p/250", 200),
        ("tile/0/000.p/251", 404),
        ("tile/0/000.p/255", 404),
        ("tile/0/000", 404),  # complete in the database, not yet published
        ("tile/0/001.p/4", 404),
        ("tile/1/000.p/1", 404),
        ("tile/entries/000", 404),
        ("tile/entries/000.p/251", 404),
        ("tile/entries/001.p/4", 404),
    ],
)
def test_tiles_and_entry_bundles_stop_at_the_published_checkpoint(
    client, published_250_live_260, path, status
):
    assert client.get(f"/transparency/log/{path}").status_code == status


def test_the_checkpoint_endpoint_serves_the_published_checkpoint(client, published_250_live_260):
    note = client.get("/transparency/log/checkpoint").content.decode()
    vkey = client.get("/transparency/log/vkey").content.decode()
    assert open_checkpoint(note, parse_vkey(vkey)).size == 250


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("inclusion", {"index": 255}),
        ("inclusion", {"index": 3, "size": 260}),
        ("inclusion", {"index": 3, "size": 251}),
        ("consistency", {"from": 3, "to": 260}),
        ("consistency", {"from": 255}),
    ],
)
def test_the_json_proofs_stop_at_the_published_checkpoint(
    client, published_250_live_260, path, query
):
    response = client.get(f"/api/v1/ledger/proof/{path}", query)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "260" not in detail or "got 260" in detail, "the live size must not show"
    assert "published" in detail or "250" in detail


def test_publishing_a_checkpoint_opens_what_it_covers(client, published_250_live_260):
    assert client.get("/transparency/log/tile/0/000").status_code == 404
    checkpoint_sign()
    assert client.get("/transparency/log/tile/0/000").status_code == 200
    assert client.get("/transparency/log/tile/0/001.p/4").status_code == 200
    assert client.get("/api/v1/ledger/proof/inclusion", {"index": 259}).json()["size"] == 260


def test_before_any_checkpoint_nothing_is_served(client, db):
    _record(3)
    assert client.get("/transparency/log/checkpoint").status_code == 404
    assert client.get("/transparency/log/tile/0/000.p/3").status_code == 404
    assert client.get("/transparency/log/tile/entries/000.p/3").status_code == 404
    response = client.get("/api/v1/ledger/proof/inclusion", {"index": 0, "size": 3})
    assert response.status_code == 400


def test_the_operator_may_still_prove_against_the_live_size(published_250_live_260, capsys):
    from haven.cli import main

    assert main(["ledger", "prove", "--index", "259", "--size", "260", "--json"]) == 0
