"""The API lives at /api/v1/ with its OpenAPI document; the old paths redirect (308)."""

from __future__ import annotations

import pytest
from django.db import transaction

from haven.ledger.kinds import SignedIn
from haven.web.ledger.services import checkpoint_sign, ledger_record_many


@pytest.fixture
def log_of_five(db):
    with transaction.atomic():
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(5)])
    checkpoint_sign()


def test_openapi_3_is_served_at_v1_and_every_operation_has_a_response_schema(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/ledger/proof/inclusion" in document["paths"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, (method, path)
            for code in success:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"], (method, path, code)


def test_there_is_no_docs_page_loading_a_cdn(client, db):
    assert client.get("/api/v1/docs").status_code == 404


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "/api/ledger/proof/inclusion?index=2&size=5",
            "/api/v1/ledger/proof/inclusion?index=2&size=5",
        ),
        ("/api/ledger/proof/consistency?from=2", "/api/v1/ledger/proof/consistency?from=2"),
        ("/api/openapi.json", "/api/v1/openapi.json"),
    ],
)
def test_old_paths_redirect_with_308_to_their_v1_twins(client, log_of_five, old, new):
    response = client.get(old)
    assert response.status_code == 308
    assert response["Location"] == new
    # (The test client's follow=True drops a 308's query string on GET; a browser keeps it.)
    followed = client.get(response["Location"])
    assert followed.status_code == 200
    assert followed.json() == client.get(new).json()


def test_a_redirect_keeps_the_method(client, db):
    response = client.post("/api/ledger/proof/inclusion?index=0")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/ledger/proof/inclusion?index=0"


def test_the_old_and_new_ledger_proofs_agree(client, log_of_five):
    proof = client.get("/api/v1/ledger/proof/inclusion", {"index": 3}).json()
    assert proof["index"] == 3 and proof["size"] == 5
    consistency = client.get("/api/v1/ledger/proof/consistency", {"from": 2}).json()
    assert set(consistency) == {"from", "to", "old_root", "new_root", "proof"}


def test_bad_query_parameters_are_400_naming_the_parameter(client, db):
    response = client.get("/api/v1/ledger/proof/inclusion", {"index": "seven"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("index: ")
